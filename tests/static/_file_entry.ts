/**
 * A file entry as a loader would make it, for tests of the file cache and
 * what hangs on its entries.
 *
 * @module
 */

import type { FileEntry } from "../../src/static/file_cache.ts";

/**
 * An entry for `key` with no bytes yet.
 *
 * @param key The cache key (also its paths and name).
 * @param version The file's version: its mtime and ETag.
 * @param clock Its `checkedAt`.
 * @returns The entry.
 */
export function fileEntry(
  key: string,
  version: number,
  clock: number,
): FileEntry {
  return {
    kind: "file",
    key,
    realPath: key,
    name: key,
    contentType: "text/plain",
    identity: {
      path: key,
      coding: null,
      size: 10,
      mtimeMs: version,
      dev: 1,
      ino: 1,
      etag: `"${version}"`,
      bytes: null,
    },
    siblings: [],
    gzip: null,
    checkedAt: clock,
  };
}
