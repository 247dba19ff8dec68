/**
 * The files under the served root as the handler finds them: through the
 * file cache, every load checked for containment against the root's real
 * path (`locate_entry.ts`), with the handler's ETag, compression and
 * memory policies.
 *
 * @module
 */

import { resolve } from "node:path";
import { type CacheEntry, type EntryLoader, FileCache } from "./file_cache.ts";
import { loadEntry, type LoadEntryOptions } from "./file_entry.ts";
import { fsErrorStatus, type MissWitness } from "./fs_error_status.ts";
import type { Containment } from "./locate_entry.ts";
import type { ResolvedStaticOptions } from "./options.ts";

/**
 * What a lookup found: the entry, or the status a client gets instead —
 * 404 for nothing servable there, 403 for a refusal.
 */
export type Found = CacheEntry | 403 | 404;

/**
 * The root's files, looked up through one cache.
 */
export class SiteFiles {
  /** The cache every lookup goes through. */
  readonly cache: FileCache;
  /** The root as given, made absolute: the paths looked up start with it. */
  readonly root: string;
  readonly #options: ResolvedStaticOptions;
  readonly #containment: Containment["kind"];
  // The loader for the last root real path: it changes only when the root
  // is swapped, so lookups need not build one each.
  #loaderReal: string | null = null;
  #loader: EntryLoader | null = null;

  /**
   * @param options The handler's options: root, symlinks, dotfiles,
   *   compression, ETags, and the cache's bounds and clock.
   */
  constructor(options: ResolvedStaticOptions) {
    this.#options = options;
    this.root = resolve(options.root);
    this.cache = new FileCache({
      revalidateMs: options.revalidateMs,
      maxFileBytes: options.maxCachedFileBytes,
      budgetBytes: options.cacheBudgetBytes,
      now: options.now,
    });
    this.#containment = options.followSymlinks === "never"
      ? "exact"
      : options.followSymlinks === "always"
      ? "anywhere"
      : "inside-root";
  }

  /**
   * Which paths may be served, for a root at `rootReal`.
   *
   * @param rootReal The root's real path now.
   * @returns The containment rule.
   */
  containment(rootReal: string): Containment {
    return {
      kind: this.#containment,
      root: this.root,
      rootReal,
      dotfiles: this.#options.dotfiles,
    };
  }

  /**
   * How entries are loaded now, for a root at `rootReal`.
   *
   * @param rootReal The root's real path now.
   * @returns The options for `loadEntry` and `describeOpened`.
   */
  loadOptions(rootReal: string): LoadEntryOptions {
    const options = this.#options;
    return {
      containment: this.containment(rootReal),
      precompressed: options.precompressed,
      etag: options.etag,
      etagAlgorithm: options.etagAlgorithm,
      now: options.now(),
      // A sibling added next to an unchanged file is noticed within
      // 30 × revalidateMs; one that changes, within revalidateMs.
      siblingRecheckMs: options.revalidateMs * 30,
      // Small files' bytes come from the descriptor their identity does.
      readBytesUpTo: this.cache.canHold(options.maxCachedFileBytes)
        ? options.maxCachedFileBytes
        : this.cache.budgetBytes,
    };
  }

  /**
   * The cache's loader for a root at `rootReal`.
   *
   * @param rootReal The root's real path now.
   * @returns The loader.
   */
  loader(rootReal: string): EntryLoader {
    if (this.#loaderReal !== rootReal || this.#loader === null) {
      this.#loaderReal = rootReal;
      this.#loader = (key, previous) =>
        loadEntry(key, previous, this.loadOptions(rootReal));
    }
    return this.#loader;
  }

  /**
   * The entry at `path`, from the cache or loaded.
   *
   * @param path An absolute path under {@linkcode SiteFiles.root}.
   * @param rootReal The root's real path now.
   * @param witness Told why, when nothing servable is there (for an
   *   explanation); `null` or absent for no one.
   * @returns The entry, or 404 or 403.
   * @throws What loading threw, when it is not a file-system refusal.
   */
  async lookup(
    path: string,
    rootReal: string,
    witness?: MissWitness | null,
  ): Promise<Found> {
    try {
      const found = await this.cache.lookup(path, this.loader(rootReal));
      if (found === null) witness?.missed(null);
      return found ?? 404;
    } catch (error) {
      const status = fsErrorStatus(error);
      if (status === null) throw error;
      if (status === 404) witness?.missed(error);
      return status;
    }
  }
}
