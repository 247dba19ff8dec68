/**
 * The options of the file cache and their defaults, written once: the
 * static handler's cache options default to the same values.
 *
 * @module
 */

/**
 * Options for `FileCache`.
 */
export interface FileCacheOptions {
  /**
   * How long an entry is trusted before the file is stat'ed again, in ms.
   * `0` stats on every lookup. This is the staleness bound.
   *
   * @default {1000}
   */
  revalidateMs?: number;
  /**
   * Largest file whose bytes are kept in memory.
   *
   * @default {1048576}
   */
  maxFileBytes?: number;
  /**
   * Total bytes kept for reuse: file bytes, compressed variants, what is
   * derived from them (`DerivedBytes`) and an estimate of each
   * entry's metadata. Least recently used entries lose their bytes first.
   *
   * @default {67108864}
   */
  budgetBytes?: number;
  /**
   * Most entries kept (metadata included); the least recently used go.
   *
   * @default {10000}
   */
  maxEntries?: number;
  /**
   * The clock, in ms. Injectable so tests can move time without sleeping.
   *
   * @default {performance.now}
   */
  now?: () => number;
}

/**
 * The defaults of {@linkcode FileCacheOptions}, written once: the static
 * handler's cache options default to the same values.
 */
export const DEFAULT_FILE_CACHE_OPTIONS: Readonly<Required<FileCacheOptions>> =
  Object.freeze({
    revalidateMs: 1000,
    maxFileBytes: 1024 * 1024,
    budgetBytes: 64 * 1024 * 1024,
    maxEntries: 10_000,
    now: () => performance.now(),
  });
