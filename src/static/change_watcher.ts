/**
 * Learning from the file system that something under the root changed:
 * one recursive `Deno.watchFs` (inotify on Linux, FSEvents on macOS,
 * `ReadDirectoryChangesW` on Windows), read in a loop and reported as
 * paths.
 *
 * What Deno 2.9 does with a watch, measured (`tests/static/change_watcher_test.ts`,
 * `bench/RESULTS.md`): it walks the tree once, synchronously, adding a
 * watch per folder — following symlinks, even to folders outside the
 * root; a change is reported after it is visible on disk (inotify reports
 * a write once it is done); berth's own reads report nothing; more events
 * than its queue holds are replaced by one event flagged `"rescan"`; an
 * error (a watch that could not be added) ends the loop. What it does not
 * report: changes on file systems that tell no one (NFS from another host,
 * FUSE), a kernel queue overflow (the event has no path, and Deno drops
 * it), writes through `mmap`. The cache's bound must therefore hold
 * without events (`recheck_sweep.ts`).
 *
 * @module
 */

/** What a watcher needs of `Deno.watchFs`. */
export type WatchFs = (
  path: string,
  options: { recursive: boolean },
) => Deno.FsWatcher;

let watchFsForTests: WatchFs | null = null;

/**
 * Watch with this function instead of `Deno.watchFs` (`null` to go back):
 * for tests, which make a watcher fail or lose events on purpose.
 *
 * @param watchFs The replacement, or `null`.
 */
export function useWatchFsForTests(watchFs: WatchFs | null): void {
  watchFsForTests = watchFs;
}

/** What a {@linkcode ChangeWatcher} reports. None of them may throw. */
export interface ChangeHandlers {
  /**
   * Paths changed. `structural` when one may be a folder whose contents
   * came, went or moved with it (anything but a write to a file).
   */
  changed(paths: readonly string[], structural: boolean): void;
  /** Changes were missed: anything may have changed. */
  lost(): void;
  /** Watching stopped on an error; nothing more will be reported. */
  failed(error: unknown): void;
}

/**
 * Reports to {@linkcode ChangeHandlers} until closed: a watch of its own
 * ({@linkcode ChangeWatcher}), or a share of another's (`site_watch.ts`).
 */
export interface ChangeFeed {
  /**
   * Stop reporting.
   *
   * @returns Resolves once nothing more is pending.
   */
  close(): Promise<void>;
}

/** Event kinds that only say a file's content or metadata changed. */
const WRITES: ReadonlySet<Deno.FsEvent["kind"]> = new Set([
  "modify",
  "access",
]);

/**
 * One recursive watch on a folder, reported to {@linkcode ChangeHandlers}
 * until closed.
 */
export class ChangeWatcher implements ChangeFeed {
  /** The folder watched, as given. */
  readonly path: string;
  readonly #watcher: Deno.FsWatcher;
  readonly #loop: Promise<void>;
  #closed = false;

  /**
   * Start watching: the walk of the tree happens now, synchronously.
   *
   * @param path The folder to watch, recursively.
   * @param handlers Told what happens.
   * @throws What `Deno.watchFs` throws: no permission, no such folder, no
   *   watches left (`max_user_watches`), no watching on this platform.
   */
  constructor(path: string, handlers: ChangeHandlers) {
    this.path = path;
    this.#watcher = (watchFsForTests ?? Deno.watchFs)(path, {
      recursive: true,
    });
    this.#loop = this.#read(handlers);
  }

  async #read(handlers: ChangeHandlers): Promise<void> {
    try {
      for await (const event of this.#watcher) {
        if (event.flag === "rescan") handlers.lost();
        else handlers.changed(event.paths, !WRITES.has(event.kind));
      }
      if (!this.#closed) handlers.failed(new Error("Watching ended"));
    } catch (error) {
      if (!this.#closed) handlers.failed(error);
    }
  }

  /**
   * Stop watching.
   *
   * @returns Resolves once the watch is released and nothing is pending.
   */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      try {
        this.#watcher.close();
      } catch {
        // Already closed by an error.
      }
    }
    return this.#loop;
  }
}
