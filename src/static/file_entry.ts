/**
 * Loading a cache entry from disk: the entry found and checked where it
 * really is (`locate_entry.ts`), its identity from the descriptor opened,
 * small files' bytes read from that same descriptor, the media type (with
 * the MPEG-TS sniff for `.ts`), ETags and fresh precompressed siblings.
 *
 * @module
 */

import { basename, sep } from "node:path";
import type { ContentCoding } from "./accept_encoding.ts";
import {
  type Descriptor,
  type FileIdentity,
  identityOf,
  sameIdentity,
} from "./descriptor.ts";
import { computeEtag, type EtagAlgorithm } from "./etag.ts";
import type { CacheEntry, FileEntry, Representation } from "./file_cache.ts";
import {
  type Containment,
  EntryRefusedError,
  exactly,
  isEntryAllowed,
  Refused,
  withEntry,
} from "./locate_entry.ts";
import {
  contentType,
  extensionOf,
  isCompressible,
  isMpegTransportStream,
  MPEG_TS_MEDIA_TYPE,
  MPEG_TS_SNIFF_BYTES,
} from "./media_types.ts";
import type { PinnedDirectory } from "./pinned_directory.ts";

/**
 * How {@linkcode loadEntry} decides what may be served.
 */
export interface LoadEntryOptions {
  /** Where the entry may be; checked on the directory actually held. */
  containment: Containment;
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
   * stale), absent ones only this often.
   *
   * @default {0}
   */
  siblingRecheckMs?: number;
  /**
   * Files up to this size have their bytes read at load, from the
   * descriptor their identity comes from; larger ones are streamed later.
   *
   * @default {0}
   */
  readBytesUpTo?: number;
}

const SIBLINGS: readonly [string, ContentCoding][] = [
  [".br", "br"],
  [".zst", "zstd"],
  [".gz", "gzip"],
];

async function representation(
  path: string,
  identity: FileIdentity,
  coding: ContentCoding | null,
  options: LoadEntryOptions,
): Promise<Representation> {
  return {
    path,
    coding,
    ...identity,
    etag: options.etag
      ? await computeEtag(identity, coding, options.etagAlgorithm)
      : null,
    bytes: null,
  };
}

/** `.ts` is both TypeScript and MPEG-TS (HLS): two sync bytes 188 apart. */
function sniffContentType(
  name: string,
  size: number,
  head: () => Uint8Array,
): string {
  const type = contentType(name);
  if (extensionOf(name) !== "ts" || size < MPEG_TS_SNIFF_BYTES) return type;
  return isMpegTransportStream(head()) ? MPEG_TS_MEDIA_TYPE : type;
}

/** Whether the siblings a file lacks are due to be looked for again. */
function absentSiblingsDue(
  entry: FileEntry,
  options: LoadEntryOptions,
): boolean {
  return entry.siblingsCheckedAt === undefined ||
    options.now - entry.siblingsCheckedAt >= (options.siblingRecheckMs ?? 0);
}

/** What one window on the entry's directory found. */
type Found =
  | { kind: "directory"; realPath: string }
  | {
    kind: "file";
    realPath: string;
    /** Set when the file is new or changed: opened in the window. */
    file: Descriptor | null;
    siblings: { suffix: string; coding: ContentCoding; info: Deno.FileInfo }[];
  };

/**
 * Load the cache entry for a path: find it where it really is and check it
 * against `options.containment` on the directory actually held
 * (`locate_entry.ts`); for a regular file, open it there, take its identity
 * from the descriptor, read its bytes when small, and compute its media
 * type, ETag and fresh precompressed siblings. An unchanged file (same
 * device, inode, size and mtime as `previous`) is not opened again. A
 * sibling is used only when it is a regular file (not a symlink) in the same
 * directory, at least as new as its source: a stale one would serve an old
 * version.
 *
 * Filesystem errors propagate (`NotFound`, `ENOTDIR`, `EACCES`…) for the
 * caller to map to a status, and so does a refusal by containment, with
 * its reason.
 *
 * @param path The absolute path, as joined under the root.
 * @param previous The stale entry being revalidated, if any.
 * @param options Policies.
 * @returns The entry, or `null` when the path names neither a regular file
 * nor a directory (a FIFO, a socket, a device).
 * @throws {EntryRefusedError} When containment refuses the entry (outside
 * the root, through a refused symlink, a hidden dotfile), with why.
 */
export async function loadEntry(
  path: string,
  previous: CacheEntry | undefined,
  options: LoadEntryOptions,
): Promise<CacheEntry | null> {
  const before = previous?.kind === "file" ? previous : undefined;
  const lookForAll = before === undefined || absentSiblingsDue(before, options);
  const found = withEntry(
    path,
    options.containment,
    ({ dir, name, realPath, info }): Found | null => {
      if (info.isDirectory) return { kind: "directory", realPath };
      // FIFOs, sockets and devices are never served: reading could block.
      if (!info.isFile) return null;
      const unchanged = before !== undefined &&
        before.realPath === realPath &&
        sameIdentity(before.identity, identityOf(info));
      const file = unchanged ? null : dir.open(name);
      if (file !== null && !file.isFile) {
        // Swapped for something else between the lstat and the open.
        file.close();
        return null;
      }
      const siblings = [];
      // Siblings only for types worth compressing (a `.ts` video is the one
      // a name can mislead: looking costs three failed lstats, no more).
      if (options.precompressed && isCompressible(contentType(realPath))) {
        for (const [suffix, coding] of SIBLINGS) {
          if (
            !lookForAll && !before!.siblings.some((s) => s.coding === coding)
          ) {
            continue;
          }
          try {
            siblings.push({ suffix, coding, info: dir.lstat(name + suffix) });
          } catch {
            // Absent or unreadable: serve without it.
          }
        }
      }
      return { kind: "file", realPath, file, siblings };
    },
  );
  if (found instanceof Refused) throw new EntryRefusedError(found.reason);
  if (found === null) return null;
  if (found.kind === "directory") {
    return {
      kind: "directory",
      key: path,
      realPath: found.realPath,
      checkedAt: options.now,
    };
  }
  try {
    return await describeFile(path, found, before, lookForAll, options);
  } finally {
    found.file?.close();
  }
}

/** The entry for a file found (and, when new or changed, opened). */
async function describeFile(
  path: string,
  found: Extract<Found, { kind: "file" }>,
  before: FileEntry | undefined,
  lookForAll: boolean,
  options: LoadEntryOptions,
): Promise<FileEntry> {
  const { realPath, file } = found;
  let identity: Representation;
  let type: string;
  if (file === null) {
    // Unchanged: the same representation, bytes included.
    identity = before!.identity;
    type = before!.contentType;
  } else {
    identity = await representation(realPath, file.identity, null, options);
    if (identity.size <= (options.readBytesUpTo ?? 0)) {
      // `null` when it is being written to: then it is streamed, from a
      // descriptor, with the length its identity says.
      identity.bytes = file.readAllSync();
    }
    const bytes = identity.bytes;
    type = sniffContentType(
      realPath,
      identity.size,
      () =>
        bytes?.subarray(0, MPEG_TS_SNIFF_BYTES) ??
          file.readHeadSync(MPEG_TS_SNIFF_BYTES),
    );
  }
  const siblings: Representation[] = [];
  if (isCompressible(type) && identity.mtimeMs !== null) {
    for (const sibling of found.siblings) {
      const id = identityOf(sibling.info);
      if (
        !sibling.info.isFile || id.mtimeMs === null ||
        id.mtimeMs < identity.mtimeMs
      ) {
        continue;
      }
      const old = before?.siblings.find((s) =>
        s.coding === sibling.coding && sameIdentity(s, id)
      );
      siblings.push(
        old ??
          await representation(
            realPath + sibling.suffix,
            id,
            sibling.coding,
            options,
          ),
      );
    }
  }
  const entry: FileEntry = {
    kind: "file",
    key: path,
    realPath,
    name: basename(path),
    contentType: type,
    identity,
    siblings,
    gzip: file === null ? before!.gzip : null,
    checkedAt: options.now,
    siblingsCheckedAt: lookForAll ? options.now : before!.siblingsCheckedAt,
  };
  return entry;
}

/**
 * Whether a cached file entry still describes the disk, looked at in a
 * window on its directory — the one {@linkcode loadEntry} holds first, on
 * `dirname(entry.key)` — as {@linkcode loadEntry} would find it unchanged:
 * the same entry by its bare name, not a symlink, at the same real path and
 * allowed there, with the same identity (device, inode, size, mtime), and
 * so are its precompressed siblings. What only a load can tell is `false`:
 * an entry reached through a symlink, a file whose absent siblings are due
 * for a look. Many entries of one directory are checked in one window.
 *
 * @param entry A cached file entry (not the root).
 * @param dir Its directory, held.
 * @param options The policies a load would use now.
 * @returns `true` when a load would find nothing changed.
 */
export function stillHolds(
  entry: FileEntry,
  dir: PinnedDirectory,
  options: LoadEntryOptions,
): boolean {
  if (absentSiblingsDue(entry, options)) return false;
  const name = basename(entry.key);
  try {
    const info = dir.lstat(name);
    // `join()` of a real folder and a bare name, for less.
    const realPath = dir.real + (dir.real.endsWith(sep) ? "" : sep) + name;
    if (
      !info.isFile || realPath !== entry.realPath ||
      !isEntryAllowed(realPath, entry.key, options.containment) ||
      !sameIdentity(entry.identity, identityOf(info))
    ) {
      return false;
    }
    for (const sibling of entry.siblings) {
      const found = dir.lstat(basename(sibling.path));
      if (!found.isFile || !sameIdentity(sibling, identityOf(found))) {
        return false;
      }
    }
    return true;
  } catch {
    // Gone, or unreadable: a load says which.
    return false;
  }
}

/**
 * The entry for a file already open, as {@linkcode loadEntry} would give
 * it but without siblings: what a response falls back on when the file
 * changed between its entry's load and the open, so that it answers with
 * the very file it holds instead of looking again. The descriptor stays
 * open (the caller's).
 *
 * @param entry The entry that turned out stale.
 * @param file The descriptor now open on `entry.realPath`.
 * @param options Policies.
 * @returns An entry describing `file`.
 */
export function describeOpened(
  entry: FileEntry,
  file: Descriptor,
  options: LoadEntryOptions,
): Promise<FileEntry> {
  return describeFile(
    entry.key,
    { kind: "file", realPath: entry.realPath, file, siblings: [] },
    undefined,
    true,
    options,
  );
}

/**
 * Open a representation again to read or stream its bytes: where it was
 * found (`exactly` its real path: same directory, not a symlink), checked
 * on the directory actually held.
 *
 * @param rep The representation.
 * @returns The descriptor (its identity may differ from `rep`'s: the
 *   caller compares), or `null` when the path no longer names a regular
 *   file that may be read there.
 * @throws What the file system says (`ENOENT`…).
 */
export function reopen(rep: Pick<Representation, "path">): Descriptor | null {
  const found = withEntry(
    rep.path,
    exactly(rep.path),
    ({ dir, name, info }) => {
      if (!info.isFile) return null;
      const file = dir.open(name);
      if (file.isFile) return file;
      file.close();
      return null;
    },
  );
  return found instanceof Refused ? null : found;
}
