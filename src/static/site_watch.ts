/**
 * Watching the root while an engine serves with the handler, so that a
 * change is seen at once instead of at the next re-check — and falling back
 * to polling, said once, when watching is unavailable or stops, or when the
 * tree is unfit to watch (`watch_refusal.ts`).
 *
 * Watching starts when berth's `serve()` starts serving with the handler
 * and stops when the last such server has stopped (the handler carries
 * `ON_SERVE`, `src/http/serve_lifecycle.ts`): a watch holds a resource and
 * keeps the process alive, so it lives exactly as long as a server that
 * will close it.
 * Elsewhere (`Deno.serve`, a handler called directly) the handler polls.
 *
 * What an event does, at once:
 * - the entry at the path it names is forgotten, and so is the file it is a
 *   precompressed sibling of (`a.css.gz` → `a.css`): the next request loads
 *   the file as it is now;
 * - a `_redirects` or `_headers` at the root makes the rules be read again;
 * - a name that came, went or moved may change what a URL leads to (an
 *   index, a clean URL): the fast lane forgets its answers (the cache keeps
 *   its entries);
 * - a lost event (`"rescan"`) re-checks every entry and forgets every
 *   answer;
 * - then those who share the watch hear of it (`subscribe`): live reload
 *   tells its pages from the same events, so the root is watched once.
 *
 * What events miss is seen within the bound, as when polling: changes
 * reached through a symlink (events name the target, not the link), a
 * folder moved with the files in it, the root's own symlink (watched on its
 * real path, which is re-resolved as when polling; the watch follows it),
 * and whatever the watcher cannot report (`change_watcher.ts`). For those,
 * the fast lane's files in use are re-checked in batches
 * (`recheck_sweep.ts`), at least once per `revalidateMs`.
 *
 * @module
 */

import { basename, dirname, sep } from "node:path";
import {
  type ChangeFeed,
  type ChangeHandlers,
  ChangeWatcher,
} from "./change_watcher.ts";
import type { StaticFastLane } from "./fast_lane.ts";
import type { FileEntry } from "./file_cache.ts";
import { RecheckSweep } from "./recheck_sweep.ts";
import type { RootRealPath } from "./root_real_path.ts";
import type { SiteFiles } from "./site_files.ts";
import { RULE_FILES, type SiteRules } from "./site_rules.ts";
import { watchRefusal } from "./watch_refusal.ts";

/** The suffixes of precompressed siblings (`file_entry.ts`). */
const SIBLING_SUFFIXES: readonly string[] = [".br", ".zst", ".gz"];

/**
 * Where the handler is: not served by an engine (`"off"`), watching the
 * root, or polling because watching failed.
 */
export type WatchState = "off" | "watching" | "polling";

/** The parts of a handler a watch keeps fresh. */
export interface SiteWatchParts {
  /** The root's files and their cache. */
  readonly files: SiteFiles;
  /** The root's real path. */
  readonly root: RootRealPath;
  /** The site's rules, or `null` when not followed. */
  readonly rules: SiteRules | null;
  /** The fast lane, whose answers may depend on names coming and going. */
  readonly fastLane: StaticFastLane;
}

/**
 * The watch of one handler's root, shared by the servers serving with it.
 */
export class SiteWatch {
  readonly #parts: SiteWatchParts;
  readonly #warn: (message: string) => void;
  readonly #sweep: RecheckSweep;
  #users = 0;
  #watcher: ChangeWatcher | null = null;
  /** The real path watched. */
  #watchedReal: string | null = null;
  /** Set when the root itself was removed or moved: watch it anew. */
  #rootWent = false;
  #failed = false;
  /** Watchers being closed: a stop waits for them. */
  readonly #closing = new Set<Promise<void>>();
  /** Tests waiting for an event naming a path. */
  #waiting: { path: string; tell: () => void }[] = [];
  /** Those who share the watch's reports (`subscribe`). */
  readonly #listeners = new Set<ChangeHandlers>();

  /**
   * @param parts What to keep fresh.
   * @param warn Told once when watching fails, and polling takes over.
   */
  constructor(parts: SiteWatchParts, warn: (message: string) => void) {
    this.#parts = parts;
    this.#warn = warn;
    this.#sweep = new RecheckSweep(
      parts.files,
      parts.root,
      () => this.#followRoot(),
    );
  }

  /** Where the handler is. */
  get state(): WatchState {
    if (this.#failed) return "polling";
    return this.#watcher === null ? "off" : "watching";
  }

  /** The re-check sweep (for tests: run it now, see what it holds). */
  get sweep(): RecheckSweep {
    return this.#sweep;
  }

  /**
   * Take over the re-check of a file the fast lane serves, while watching.
   *
   * @param entry The entry past half its bound.
   * @returns `false` when not watching: the caller revalidates as polling.
   */
  recheck(entry: FileEntry): boolean {
    if (this.#watcher === null) return false;
    this.#sweep.ask(entry);
    return true;
  }

  /**
   * Re-check a file the fast lane found past its bound, now, while
   * watching (see `RecheckSweep.recheckNow`).
   *
   * @param entry The entry.
   * @param now The cache's clock, read by the caller.
   * @returns `true` when it was found unchanged and is trusted from `now`.
   */
  recheckNow(entry: FileEntry, now: number): boolean {
    return this.#watcher !== null && this.#sweep.recheckNow(entry, now);
  }

  /**
   * An engine starts serving with the handler: watch, if no one does yet.
   *
   * @returns What to call once that engine has stopped: the last one to
   *   stop ends the watch (its promise resolves once nothing is pending).
   */
  serving(): () => Promise<void> {
    this.#users++;
    if (this.#users === 1 && !this.#failed) this.#start();
    let stopped = false;
    return () => {
      if (stopped) return Promise.resolve();
      stopped = true;
      this.#users--;
      if (this.#users === 0) {
        this.#end();
        this.#endListeners(new Error("No server serves the handler now"));
      }
      return this.#closed();
    };
  }

  /**
   * Share what this watch reports, paths under the root as given, until
   * the feed returned is closed or `listener.failed` is called (watching
   * failed, or the last server stopped).
   *
   * @param listener Told of changes; after the handler's own work on them.
   * @returns The feed, or `null` when the root is not watched (no server
   *   serves the handler, or it polls): the caller watches for itself.
   */
  subscribe(listener: ChangeHandlers): ChangeFeed | null {
    if (this.#users === 0 || this.#failed) return null;
    this.#listeners.add(listener);
    return {
      close: () => {
        this.#listeners.delete(listener);
        return Promise.resolve();
      },
    };
  }

  /** The watch is over for those who shared it: they are told why. */
  #endListeners(error: unknown): void {
    const listeners = [...this.#listeners];
    this.#listeners.clear();
    for (const listener of listeners) listener.failed(error);
  }

  /**
   * Resolve once an event naming `path` has been handled: for tests, which
   * call it before they change the file.
   *
   * @param path A path under the root, as cache keys are written.
   * @returns A promise.
   */
  handled(path: string): Promise<void> {
    return new Promise((tell) => this.#waiting.push({ path, tell }));
  }

  #start(): void {
    if (this.#watch()) this.#sweep.start();
  }

  /**
   * Watch the root where it really is now (a root reached through a
   * symlink is watched there, and again wherever the link leads next);
   * `false` when that failed.
   */
  #watch(): boolean {
    try {
      const real = Deno.realPathSync(this.#parts.files.root);
      const refusal = watchRefusal(real);
      if (refusal !== null) throw new Error(refusal);
      this.#watcher = new ChangeWatcher(real, {
        changed: (paths, structural) =>
          this.#changed(paths.map((path) => this.#asKey(path)), structural),
        lost: () => this.#lost(),
        failed: (error) => this.#fail(error),
      });
      this.#watchedReal = real;
      this.#rootWent = false;
      return true;
    } catch (error) {
      this.#fail(error);
      return false;
    }
  }

  /** A path the watcher names, as the cache keys it (the root as given). */
  #asKey(path: string): string {
    const real = this.#watchedReal!;
    const inside = path === real ||
      (path.startsWith(real) && path[real.length] === sep);
    return inside ? this.#parts.files.root + path.slice(real.length) : path;
  }

  #end(): void {
    this.#sweep.stop();
    this.#unwatch();
  }

  /** Stop watching; returns when the watch is released, if there was one. */
  #unwatch(): Promise<void> | undefined {
    const watcher = this.#watcher;
    this.#watcher = null;
    if (watcher === null) return undefined;
    const closing = watcher.close().finally(() => {
      this.#closing.delete(closing);
    });
    this.#closing.add(closing);
    return closing;
  }

  async #closed(): Promise<void> {
    while (this.#closing.size > 0) await Promise.all(this.#closing);
  }

  /**
   * Resolves once no watch is being closed or moved: for tests, before they
   * change what a moved watch should see.
   *
   * @returns A promise.
   */
  settled(): Promise<void> {
    return this.#closed();
  }

  #fail(error: unknown): void {
    this.#end();
    if (this.#failed) return;
    this.#failed = true;
    const reason = error instanceof Error ? error.message : String(error);
    this.#warn(
      `Watching ${this.#parts.files.root} failed (${reason}); checking ` +
        `files every ${this.#parts.files.cache.revalidateMs} ms instead`,
    );
    this.#endListeners(error);
  }

  /** Before a sweep: a root whose real path moved is watched there. */
  #followRoot(): void {
    const real = this.#parts.root.real;
    if (
      this.#watcher === null || real === null ||
      (real === this.#watchedReal && !this.#rootWent)
    ) {
      return;
    }
    this.#parts.fastLane.forgetAll();
    // Once the old watch is released: Deno shares one watch per path.
    const rewatched = this.#unwatch()?.then(() => {
      this.#closing.delete(rewatched!);
      if (this.#users > 0 && !this.#failed && this.#watcher === null) {
        this.#watch();
      }
    });
    if (rewatched !== undefined) this.#closing.add(rewatched);
  }

  #changed(paths: readonly string[], structural: boolean): void {
    const { files, rules, fastLane } = this.#parts;
    for (const path of paths) {
      files.cache.invalidate(path);
      for (const suffix of SIBLING_SUFFIXES) {
        if (path.endsWith(suffix)) {
          files.cache.invalidate(path.slice(0, -suffix.length));
        }
      }
      const folder = dirname(path);
      if (folder === files.root && RULE_FILES.includes(basename(path))) {
        rules?.invalidate();
      }
      // The root itself went or moved: watch it anew at the next sweep.
      if (path === files.root && structural) this.#rootWent = true;
    }
    if (structural) fastLane.forgetAll();
    for (const listener of this.#listeners) {
      listener.changed(paths, structural);
    }
    if (this.#waiting.length === 0) return;
    this.#waiting = this.#waiting.filter((waiter) => {
      if (!paths.includes(waiter.path)) return true;
      waiter.tell();
      return false;
    });
  }

  #lost(): void {
    this.#parts.fastLane.forgetAll();
    this.#parts.rules?.invalidate();
    this.#sweep.recheckAll();
    for (const listener of this.#listeners) listener.lost();
  }
}
