/**
 * Re-checking the files in use in batches: what keeps the staleness bound
 * while the root is watched (`site_watch.ts`), for the changes a watcher
 * can miss.
 *
 * The fast lane asks for a re-check of a file it serves once half of
 * `revalidateMs` has passed since the file's last check, as it does when
 * polling; here the asks are queued, and a sweep a quarter of the bound
 * later looks at them all: entries of one folder in one directory window,
 * each with an `lstat` by its bare name and the containment check a load
 * makes (`stillHolds` in `file_entry.ts`). An unchanged entry is trusted
 * from the look on; any other is loaded again, as polling would. A file in
 * use is thus re-checked once every half to three quarters of the bound,
 * never later, and one window per folder costs less than one per file.
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
    this.#periodMs = Math.max(files.cache.revalidateMs / 4, MIN_PERIOD_MS);
  }

  /** Entries waiting for the next sweep. */
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
   * Ask for a re-check of an entry at the next sweep.
   *
   * @param entry A file entry the fast lane serves.
   */
  ask(entry: FileEntry): void {
    if (!this.#running) return;
    this.#due.add(entry);
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.sweep();
    }, this.#periodMs);
  }

  /**
   * Ask for a re-check of every file entry cached (events were lost).
   */
  askAll(): void {
    for (const entry of this.#files.cache.entries()) {
      if (entry.kind === "file") this.ask(entry);
    }
  }

  /**
   * Re-check every entry asked for, now.
   *
   * @returns What was done.
   */
  sweep(): SweepCounts {
    const counts = { confirmed: 0, reloaded: 0 };
    if (!this.#running) return counts;
    this.#beforeSweep();
    const cache = this.#files.cache;
    const rootReal = this.#root.real;
    // Read before any look: the entries are trusted from then on.
    const now = cache.now();
    const byFolder = new Map<string, FileEntry[]>();
    const reload: FileEntry[] = [];
    for (const entry of this.#due) {
      // An expired or replaced entry is not served: a lookup loads it.
      if (rootReal === null || !cache.isFresh(entry, now)) continue;
      if (entry.key === this.#files.root) reload.push(entry);
      else {
        const folder = dirname(entry.key);
        const entries = byFolder.get(folder);
        if (entries === undefined) byFolder.set(folder, [entry]);
        else entries.push(entry);
      }
    }
    this.#due.clear();
    if (rootReal === null) return counts;
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
