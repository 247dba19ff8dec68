/**
 * Re-checking the files in use in batches: what keeps the staleness bound
 * while the root is watched (`site_watch.ts`), for the changes a watcher
 * can miss.
 *
 * The fast lane asks for a re-check of a file it serves once half of
 * `revalidateMs` has passed since the file's last check, as it does when
 * polling; here the ask is queued, and a sweep every eighth of the bound
 * re-checks the files asked for that are seven eighths of the bound old
 * (the others wait for a later sweep): entries of one folder in one
 * directory window, each with an `lstat` by its bare name and the
 * containment check a load makes (`stillHolds` in `file_entry.ts`). An
 * unchanged entry is trusted from the look on; any other is loaded again,
 * as polling would. So a file in use is looked at once every 7/8 of the
 * bound (and the sweeps' delays), where polling reloads it every half,
 * each in its own window; a sweep that comes late leaves the file to
 * expire at the bound, and the next hit to look at it (`recheckNow`) or
 * the next request to load it, as without a watch.
 *
 * A sweep looks at most `LOOKS_PER_SWEEP` entries and leaves the rest to
 * a sweep on the next turn of the event loop: the looks are synchronous
 * (~15 us each under load), and files first loaded together stay due
 * together, so 1,000 random files in use made sweeps of up to ~270 looks,
 * 4-5 ms in which no request was answered (bench/RESULTS.md, "the sweep's
 * stalls", seventh session).
 *
 * @module
 */

import { dirname } from "node:path";
import type { FileEntry } from "./file_cache.ts";
import { stillHolds } from "./file_entry.ts";
import { withPinnedDirectory } from "./pinned_directory.ts";
import type { RootRealPath } from "./root_real_path.ts";
import type { SiteFiles } from "./site_files.ts";

/** The shortest wait between sweeps, for very small bounds. */
const MIN_PERIOD_MS = 10;

/**
 * The most entries one sweep looks at before it lets the event loop answer
 * requests: 64 `lstat`s and containment checks, about a millisecond.
 */
export const LOOKS_PER_SWEEP = 64;

/** What one sweep did: for tests and benchmarks. */
export interface SweepCounts {
  /** Entries found unchanged, trusted from the look on. */
  confirmed: number;
  /** Entries loaded again (changed, or only a load can tell). */
  reloaded: number;
}

/**
 * A queue of entries to re-check, and the timer that sweeps it.
 */
export class RecheckSweep {
  readonly #files: SiteFiles;
  readonly #root: RootRealPath;
  readonly #periodMs: number;
  /** How old an entry must be for a sweep to re-check it. */
  readonly #dueAgeMs: number;
  readonly #due = new Set<FileEntry>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running = false;
  /** Called before each sweep (the watch checks where the root is). */
  readonly #beforeSweep: () => void;

  /**
   * @param files The root's files and their cache.
   * @param root The root's real path, as the fast lane last checked it.
   * @param beforeSweep Called before each sweep.
   */
  constructor(files: SiteFiles, root: RootRealPath, beforeSweep: () => void) {
    this.#files = files;
    this.#root = root;
    this.#beforeSweep = beforeSweep;
    const bound = files.cache.revalidateMs;
    this.#periodMs = Math.max(bound / 8, MIN_PERIOD_MS);
    // One period before the bound: the sweep that finds an entry this old
    // is the last before it expires. One that comes late leaves the entry
    // to a hit's own look (`recheckNow`), as many looks as a sweep's; two
    // periods before, each file in use took 8/6 looks a bound, not 8/7.
    this.#dueAgeMs = Math.max(bound / 2, bound - this.#periodMs);
  }

  /** Entries waiting for a sweep. */
  get size(): number {
    return this.#due.size;
  }

  /** Sweep when asked, from now on. */
  start(): void {
    this.#running = true;
  }

  /** Sweep no more; what was asked is forgotten (a lookup will look). */
  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#due.clear();
  }

  /**
   * Ask for a re-check of an entry by a later sweep.
   *
   * @param entry A file entry the fast lane serves.
   */
  ask(entry: FileEntry): void {
    if (!this.#running) return;
    this.#due.add(entry);
    this.#schedule();
  }

  /** Sweep in a period, or on the next turn of the loop (`soon`). */
  #schedule(soon = false): void {
    if (soon) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.sweep();
    }, soon ? 0 : this.#periodMs);
  }

  /**
   * Re-check one entry now, as a sweep re-checks it: for a file the fast
   * lane found past its bound because no hit came in the half bound
   * before (files used in bursts further apart than the bound). One
   * `lstat` by its bare name instead of a load on the ordinary path.
   *
   * @param entry A file entry the fast lane serves, past its bound.
   * @param now The cache's clock, read before the look.
   * @returns `true` when it is unchanged and trusted from `now` on;
   *   `false` when only a load can tell (the caller takes its usual way).
   */
  recheckNow(entry: FileEntry, now: number): boolean {
    const rootReal = this.#root.real;
    const cache = this.#files.cache;
    if (
      !this.#running || rootReal === null || entry.key === this.#files.root ||
      // Replaced, or being loaded: the load says, no look needed.
      !cache.holds(entry)
    ) {
      return false;
    }
    const options = { ...this.#files.loadOptions(rootReal), now };
    try {
      const unchanged = withPinnedDirectory(
        dirname(entry.key),
        (dir) => stillHolds(entry, dir, options),
      );
      return unchanged && cache.confirm(entry, now);
    } catch {
      // The folder is gone or unreadable: a load says what is there now.
      return false;
    }
  }

  /**
   * Re-check every file entry cached, now, whatever its age, and forget
   * the folders (a lookup looks again): events were lost, and anything may
   * have changed.
   *
   * @returns What was done.
   */
  recheckAll(): SweepCounts {
    const cache = this.#files.cache;
    for (const entry of cache.entries()) {
      if (entry.kind === "file") this.ask(entry);
      else cache.invalidate(entry.key);
    }
    return this.sweep(0, Infinity);
  }

  /**
   * Re-check now the entries asked for that are old enough, at most
   * `maxLooks` of them; the younger ones wait for a later sweep, the ones
   * past `maxLooks` for a sweep on the next turn of the event loop.
   *
   * @param dueAgeMs How old an entry must be (by default seven eighths
   *   of the bound, less for very small bounds).
   * @param maxLooks The most entries to look at now.
   * @returns What was done.
   */
  sweep(
    dueAgeMs: number = this.#dueAgeMs,
    maxLooks: number = LOOKS_PER_SWEEP,
  ): SweepCounts {
    const counts = { confirmed: 0, reloaded: 0 };
    if (!this.#running) return counts;
    this.#beforeSweep();
    const cache = this.#files.cache;
    const rootReal = this.#root.real;
    if (rootReal === null) {
      // The root is gone or unknown: the next lookup resolves it and looks.
      this.#due.clear();
      return counts;
    }
    // Read before any look: the entries are trusted from then on.
    const now = cache.now();
    const byFolder = new Map<string, FileEntry[]>();
    const reload: FileEntry[] = [];
    let taken = 0;
    let more = false;
    for (const entry of this.#due) {
      // An expired or replaced entry is not served: a lookup loads it.
      if (!cache.isFresh(entry, now)) this.#due.delete(entry);
      else if (now - entry.checkedAt >= dueAgeMs) {
        if (taken === maxLooks) {
          more = true;
          break;
        }
        taken++;
        this.#due.delete(entry);
        // The root itself (a file served as the root) is held as itself.
        if (entry.key === this.#files.root) {
          reload.push(entry);
          continue;
        }
        const folder = dirname(entry.key);
        const entries = byFolder.get(folder);
        if (entries === undefined) byFolder.set(folder, [entry]);
        else entries.push(entry);
      }
    }
    if (this.#due.size > 0) this.#schedule(more);
    const options = { ...this.#files.loadOptions(rootReal), now };
    for (const [folder, entries] of byFolder) {
      let unchanged: boolean[];
      try {
        unchanged = withPinnedDirectory(
          folder,
          (dir) => entries.map((entry) => stillHolds(entry, dir, options)),
        );
      } catch {
        // The folder is gone or unreadable: loads say what is there now.
        unchanged = entries.map(() => false);
      }
      entries.forEach((entry, i) => {
        if (unchanged[i] && cache.confirm(entry, now)) counts.confirmed++;
        else reload.push(entry);
      });
    }
    const loader = this.#files.loader(rootReal);
    for (const entry of reload) {
      counts.reloaded++;
      cache.revalidate(entry.key, loader).catch(() => {
        // The entry is dropped; the next request takes the ordinary path.
      });
    }
    return counts;
  }
}
