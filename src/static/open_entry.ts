/**
 * Opening an entry of a held directory (`pinned_directory.ts`) so that the
 * descriptor kept is that entry's, whatever the name led to when the open
 * resolved it.
 *
 * @module
 */

import * as fs from "node:fs";
import { Descriptor } from "./descriptor.ts";

/** Read-only, never blocking on a FIFO, never taking a terminal. */
export const O_READ: number = fs.constants.O_RDONLY |
  (fs.constants.O_NONBLOCK ?? 0) | (fs.constants.O_NOCTTY ?? 0);
/** Refuse a final symlink (where the platform has the flag). */
export const O_NOFOLLOW: number = fs.constants.O_NOFOLLOW ?? 0;
/** Refuse anything but a directory (where the platform has the flag). */
export const O_DIRECTORY: number = fs.constants.O_DIRECTORY ?? 0;

/**
 * The error for a name that is not (or no longer) the entry held: a
 * symlink, or another file each time it was opened. Mapped to 404.
 *
 * @param path The path opened.
 * @returns An error with `code: "ELOOP"`.
 */
export function notTheEntry(path: string): Error {
  return Object.assign(new Error(`Not the entry held: "${path}"`), {
    code: "ELOOP",
  });
}

/** Opens tried when the name keeps changing between the open and the check. */
const OPEN_TRIES = 3;

/**
 * Open `path` and keep the descriptor only if `entry()` — `lstat` of the
 * entry, taken after the open, relative to the held directory — is the very
 * inode opened. Under any permission short of `--allow-all`, Deno itself
 * resolves symlinks before it opens a path (its special-file check), so
 * `O_NOFOLLOW` cannot be relied on; the inode cannot lie: an outside file
 * could only match by being hard-linked into the held directory.
 *
 * Where the look is itself made through a path that can change (Deno turns
 * a relative name into the working directory's path plus the name before
 * each call), `confirmations` asks `entry()` again: each look must name the
 * inode opened, so a swap that fooled one look must be undone and done
 * again, between two of this thread's calls, to fool the next.
 *
 * @param path What to open.
 * @param flags `open(2)` flags.
 * @param entry The entry's metadata now, never following it; it may throw
 *   {@linkcode notTheEntry}'s error when the held directory moved.
 * @param confirmations How many more looks must agree after the first.
 * @returns The descriptor.
 * @throws {@linkcode notTheEntry}'s error, or what the file system says.
 */
export function openEntry(
  path: string,
  flags: number,
  entry: () => Deno.FileInfo,
  confirmations = 0,
): Descriptor {
  for (let tries = 0; tries < OPEN_TRIES; tries++) {
    const file = new Descriptor(fs.openSync(path, flags));
    const opened = file.identity;
    let now: Deno.FileInfo | null = null;
    let same = true;
    for (let look = 0; same && look <= confirmations; look++) {
      try {
        now = entry();
      } catch (error) {
        file.close();
        throw error;
      }
      same = !now.isSymlink && now.ino === opened.ino && now.dev === opened.dev;
    }
    if (same) return file;
    file.close();
    if (now?.isSymlink) break;
  }
  throw notTheEntry(path);
}
