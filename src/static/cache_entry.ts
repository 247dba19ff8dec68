/**
 * What the file cache holds: entries for files and directories, the
 * representations of a file (itself and its precompressed siblings), what
 * users hang on an entry ({@linkcode DerivedBytes}), and what each of these
 * weighs against the cache's one budget.
 *
 * @module
 */

import type { ContentCoding } from "./accept_encoding.ts";

/**
 * One servable body of a file: the file itself or a precompressed sibling.
 */
export interface Representation {
  /** Absolute path of the file to read. */
  path: string;
  /** The content-coding, or `null` for identity. */
  coding: ContentCoding | null;
  /** Length in bytes. */
  size: number;
  /** Modification time in ms since the epoch, or `null` when unknown. */
  mtimeMs: number | null;
  /** Device number, or `null` when unknown. */
  dev: number | null;
  /** Inode number, or `null` when unknown. */
  ino: number | null;
  /** The quoted strong ETag, or `null` when ETags are off. */
  etag: string | null;
  /** The cached bytes, or `null` when not (yet) in memory. */
  bytes: Uint8Array | null;
}

/**
 * A cached regular file.
 */
export interface FileEntry {
  /** Discriminant. */
  kind: "file";
  /** The cache key: the path as joined under the root. */
  key: string;
  /** The path with symlinks resolved. */
  realPath: string;
  /** The file name used for media type and cache policy. */
  name: string;
  /** The `Content-Type` to send. */
  contentType: string;
  /** The identity representation. */
  identity: Representation;
  /** Fresh precompressed siblings, in server preference order. */
  siblings: Representation[];
  /** When every sibling name was last looked for (the cache clock). */
  siblingsCheckedAt?: number;
  /** The identity gzipped on the fly and kept (small files only), or `null`. */
  gzip: Representation | null;
  /** When the entry was last checked against the disk (the cache clock). */
  checkedAt: number;
  /**
   * What a user derived from this entry's bytes and keeps for reuse (the
   * fast lane's answers), set only through {@linkcode FileCache.hold}.
   */
  derived?: DerivedBytes | null;
}

/**
 * Something kept for reuse that was derived from a cached file entry — the
 * fast lane's pre-serialized answers, and the index paths that lead to them.
 * Hung on the entry with {@linkcode FileCache.hold}, it is counted in the
 * entry's bytes and released whenever the cache drops those bytes or the
 * entry itself: nothing derived from a file outlives the cache's copy of it.
 */
export interface DerivedBytes {
  /**
   * Bytes it keeps alive, objects' overhead included: an honest upper
   * estimate. After it changes, call {@linkcode FileCache.hold} again so the
   * cache re-counts it.
   */
  readonly heldBytes: number;
  /**
   * Set by the holder each time it uses the entry without a cache lookup (a
   * fast-lane hit): the cache's LRU order cannot see such uses, so an entry
   * marked so gets a second chance before its bytes are dropped.
   */
  referenced: boolean;
  /**
   * Let go of everything (the cache no longer counts it). Called once, when
   * the cache drops the entry's bytes, drops the entry, or is given
   * something else to hold for it.
   */
  release(): void;
  /**
   * Told the entry's new `checkedAt` each time the cache moves it while
   * this is held (a look found the file unchanged), so a holder may keep a
   * copy next to what it reads on every use instead of reading the entry.
   */
  checked?(checkedAt: number): void;
}

/**
 * A cached directory.
 */
export interface DirectoryEntry {
  /** Discriminant. */
  kind: "directory";
  /** The cache key: the path as joined under the root. */
  key: string;
  /** The path with symlinks resolved. */
  realPath: string;
  /** When the entry was last checked against the disk (the cache clock). */
  checkedAt: number;
}

/**
 * Anything the cache holds.
 */
export type CacheEntry = FileEntry | DirectoryEntry;

/**
 * Loads an entry from disk. `previous` is the stale entry being revalidated
 * (if any), so expensive facts such as a sniffed content type can be reused
 * when the file is unchanged. Resolves `null` when nothing may be served.
 */
export type EntryLoader = (
  key: string,
  previous: CacheEntry | undefined,
) => Promise<CacheEntry | null>;

/**
 * Heap bytes of one entry beyond its strings: the entry and identity
 * objects, its map slot, the siblings array. Measured (V8, Deno 2.9) at
 * ~610 bytes with the strings for a 39-character key; this estimate gives
 * ~700 for it.
 */
const ENTRY_OVERHEAD_BYTES = 512;
/** One more representation object (a sibling, the gzip one) and its ETag. */
export const REP_OVERHEAD_BYTES: number = 192;

/**
 * Bytes a body keeps alive: its whole buffer, not just the view.
 *
 * @param bytes A body, or nothing.
 * @returns Its buffer's length, or 0.
 */
export function bufferBytes(bytes: Uint8Array | null | undefined): number {
  return bytes === null || bytes === undefined ? 0 : bytes.buffer.byteLength;
}

/**
 * An estimate of an entry's metadata (two bytes a string character).
 *
 * @param entry An entry.
 * @returns Bytes.
 */
export function metadataBytes(entry: CacheEntry): number {
  let total = ENTRY_OVERHEAD_BYTES +
    2 * (entry.key.length + entry.realPath.length);
  if (entry.kind !== "file") return total;
  total += 2 * entry.name.length;
  for (const sibling of entry.siblings) {
    total += REP_OVERHEAD_BYTES + 2 * sibling.path.length;
  }
  if (entry.gzip !== null) total += REP_OVERHEAD_BYTES;
  return total;
}

/**
 * Everything one entry keeps alive, as counted against the budget: its
 * bodies, what is derived from it, and an estimate of its metadata (two
 * bytes a string character).
 *
 * @param entry An entry.
 * @returns Bytes.
 */
export function entryBytes(entry: CacheEntry): number {
  const metadata = metadataBytes(entry);
  if (entry.kind !== "file") return metadata;
  let total = metadata + bufferBytes(entry.identity.bytes);
  for (const sibling of entry.siblings) total += bufferBytes(sibling.bytes);
  return total + bufferBytes(entry.gzip?.bytes) +
    (entry.derived?.heldBytes ?? 0);
}

/**
 * Whether a reload found exactly what the entry already describes.
 *
 * @param a The cached entry.
 * @param b The reloaded one.
 * @returns `true` when nothing changed on disk.
 */
export function sameEntry(a: CacheEntry, b: CacheEntry): boolean {
  if (a.kind !== b.kind || a.key !== b.key || a.realPath !== b.realPath) {
    return false;
  }
  if (a.kind === "directory" || b.kind === "directory") return true;
  return a.contentType === b.contentType &&
    sameVersion(a.identity, b.identity) &&
    a.siblings.length === b.siblings.length &&
    a.siblings.every((sibling, i) => sameVersion(sibling, b.siblings[i]));
}

/**
 * Whether two representations are the same version of the same file.
 *
 * @param a One.
 * @param b Another.
 * @returns `true` when path, coding, size, mtime and identity agree.
 */
export function sameVersion(
  a: Representation,
  b: Representation,
): boolean {
  return a.path === b.path && a.coding === b.coding && a.size === b.size &&
    a.mtimeMs === b.mtimeMs && a.ino === b.ino && a.dev === b.dev &&
    a.mtimeMs !== null;
}
