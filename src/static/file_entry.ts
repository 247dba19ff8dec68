/**
 * Loading a cache entry from disk: real path and containment, stat, media
 * type (with the MPEG-TS sniff for `.ts`), ETags and fresh precompressed
 * siblings.
 *
 * @module
 */

import { basename, join, relative, resolve } from "node:path";
import type { ContentCoding } from "./accept_encoding.ts";
import { computeEtag, type EtagAlgorithm } from "./etag.ts";
import type { CacheEntry, Representation } from "./file_cache.ts";
import {
  contentType,
  extensionOf,
  isCompressible,
  isMpegTransportStream,
  MPEG_TS_MEDIA_TYPE,
  MPEG_TS_SNIFF_BYTES,
} from "./media_types.ts";
import type { SymlinkPolicy } from "./options.ts";
import { isRealPathAllowed } from "./resolve_path.ts";

/**
 * How {@linkcode loadEntry} decides what may be served.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { LoadEntryOptions } from "./file_entry.ts";
 *
 * const options: LoadEntryOptions = {
 *   root: "/srv/www", rootReal: "/srv/www", followSymlinks: "inside-root",
 *   dotfiles: false, precompressed: true, etag: true, etagAlgorithm: "fnv1a", now: 0,
 * };
 * assert.equal(options.followSymlinks, "inside-root");
 * ```
 */
export interface LoadEntryOptions {
  /**
   * The root as given (joined paths start with it), or `null` to skip
   * containment (`serveFile`, where the caller chose the path).
   */
  root: string | null;
  /** The root's real path; required when `root` is set. */
  rootReal: string | null;
  /** Which symlinks may be followed. */
  followSymlinks: SymlinkPolicy;
  /** Whether dot-named entries may be reached through symlinks. */
  dotfiles: boolean;
  /** Whether to look for `.br`, `.zst` and `.gz` siblings. */
  precompressed: boolean;
  /** Whether to compute ETags. */
  etag: boolean;
  /** The ETag hash. */
  etagAlgorithm: EtagAlgorithm;
  /** The cache clock's current time, stored as `checkedAt`. */
  now: number;
  /**
   * For an unchanged file, how long absent siblings may go unlooked-for:
   * present ones are re-checked on every load (their content must not go
   * stale), absent ones only this often, since looking for three files that
   * are not there costs three failed syscalls per file per revalidation.
   *
   * @default {0}
   */
  siblingRecheckMs?: number;
  /**
   * Use the blocking metadata calls (`realPathSync`, `statSync`,
   * `lstatSync`). Each costs a few microseconds of the event loop but far
   * less CPU than the async ones, which go through a thread pool: the
   * choice for a revalidation in the background, which no request awaits.
   *
   * @default {false}
   */
  sync?: boolean;
}

const SIBLINGS: readonly [string, ContentCoding][] = [
  [".br", "br"],
  [".zst", "zstd"],
  [".gz", "gzip"],
];

async function representation(
  path: string,
  info: Deno.FileInfo,
  coding: ContentCoding | null,
  options: LoadEntryOptions,
): Promise<Representation> {
  const mtimeMs = info.mtime?.getTime() ?? null;
  const ino = info.ino ?? null;
  return {
    path,
    coding,
    size: info.size,
    mtimeMs,
    ino,
    etag: options.etag
      ? await computeEtag(
        { size: info.size, mtimeMs, ino },
        coding,
        options.etagAlgorithm,
      )
      : null,
    bytes: null,
  };
}

async function sniffContentType(path: string, size: number): Promise<string> {
  const type = contentType(path);
  if (extensionOf(path) !== "ts" || size < MPEG_TS_SNIFF_BYTES) return type;
  // `.ts` is both TypeScript and MPEG-TS (HLS); two sync bytes 188 apart
  // tell them apart. This is the one case where metadata needs a read.
  using file = await Deno.open(path);
  const head = new Uint8Array(MPEG_TS_SNIFF_BYTES);
  let filled = 0;
  while (filled < head.length) {
    const n = await file.read(head.subarray(filled));
    if (n === null) break;
    filled += n;
  }
  return isMpegTransportStream(head.subarray(0, filled))
    ? MPEG_TS_MEDIA_TYPE
    : type;
}

/**
 * Load the cache entry for a path: resolve symlinks and check the real path
 * against the root and the symlink policy, stat it, and for a regular file
 * compute its media type, ETag and fresh precompressed siblings. A sibling
 * is used only when it is a regular file (not a symlink) at least as new as
 * its source: a stale sibling would serve an old version.
 *
 * Filesystem errors propagate (`NotFound`, `PermissionDenied`,
 * `NotADirectory`…) for the caller to map to a status.
 *
 * @param path The absolute path, as joined under the root.
 * @param previous The stale entry being revalidated, if any.
 * @param options Policies.
 * @returns The entry, or `null` when the path may not be served (outside
 * the root, through a refused symlink, or not a file or directory).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadEntry } from "./file_entry.ts";
 *
 * const root = await Deno.makeTempDir();
 * try {
 *   await Deno.writeTextFile(`${root}/a.css`, "body{}");
 *   const rootReal = await Deno.realPath(root);
 *   const entry = await loadEntry(`${root}/a.css`, undefined, {
 *     root, rootReal, followSymlinks: "inside-root", dotfiles: false,
 *     precompressed: true, etag: true, etagAlgorithm: "fnv1a", now: 0,
 *   });
 *   assert.equal(entry?.kind, "file");
 *   if (entry?.kind === "file") {
 *     assert.equal(entry.contentType, "text/css; charset=utf-8");
 *     assert.equal(entry.identity.size, 6);
 *   }
 * } finally {
 *   await Deno.remove(root, { recursive: true });
 * }
 * ```
 */
export async function loadEntry(
  path: string,
  previous: CacheEntry | undefined,
  options: LoadEntryOptions,
): Promise<CacheEntry | null> {
  const sync = options.sync === true;
  const realPath = sync ? Deno.realPathSync(path) : await Deno.realPath(path);
  if (options.root !== null && options.rootReal !== null) {
    if (options.followSymlinks === "never") {
      // The real path must be exactly the lexical one, re-based on the
      // root's real path: no symlink anywhere below the root.
      const expected = join(
        options.rootReal,
        relative(resolve(options.root), path),
      );
      if (realPath !== expected) return null;
    } else if (
      options.followSymlinks === "inside-root" &&
      !isRealPathAllowed(options.rootReal, realPath, options.dotfiles)
    ) {
      return null;
    }
  }
  const info = sync ? Deno.statSync(realPath) : await Deno.stat(realPath);
  if (info.isDirectory) {
    return { kind: "directory", key: path, realPath, checkedAt: options.now };
  }
  // FIFOs, sockets and devices are never served: reading could block forever.
  if (!info.isFile) return null;

  const identity = await representation(realPath, info, null, options);
  const name = basename(path);
  const unchanged = previous?.kind === "file" &&
    previous.realPath === realPath && previous.identity.size === info.size &&
    previous.identity.mtimeMs === identity.mtimeMs &&
    previous.identity.ino === identity.ino;
  const type = unchanged
    ? previous.contentType
    : await sniffContentType(realPath, info.size);

  const siblings: Representation[] = [];
  const lookForAll = !unchanged || previous.siblingsCheckedAt === undefined ||
    options.now - previous.siblingsCheckedAt >= (options.siblingRecheckMs ?? 0);
  if (
    options.precompressed && isCompressible(type) && identity.mtimeMs !== null
  ) {
    for (const [suffix, coding] of SIBLINGS) {
      if (
        !lookForAll && !previous.siblings.some((s) => s.coding === coding)
      ) {
        continue;
      }
      const siblingPath = realPath + suffix;
      let siblingInfo: Deno.FileInfo;
      try {
        siblingInfo = sync
          ? Deno.lstatSync(siblingPath)
          : await Deno.lstat(siblingPath);
      } catch {
        continue; // absent or unreadable: serve without it
      }
      const siblingMtime = siblingInfo.mtime?.getTime();
      if (
        !siblingInfo.isFile || siblingMtime === undefined ||
        siblingMtime < identity.mtimeMs
      ) {
        continue;
      }
      siblings.push(
        await representation(siblingPath, siblingInfo, coding, options),
      );
    }
  }
  return {
    kind: "file",
    key: path,
    realPath,
    name,
    contentType: type,
    identity,
    siblings,
    gzip: null,
    checkedAt: options.now,
    siblingsCheckedAt: lookForAll ? options.now : previous.siblingsCheckedAt,
  };
}
