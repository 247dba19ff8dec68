/**
 * Holding a directory as the process's working directory, for one
 * synchronous window: `getcwd(3)` names the directory actually entered, and
 * entries are reached by bare names relative to it. Deno turns each bare
 * name into getcwd's path plus the name before the call, so an entry
 * opened is confirmed by looks that each find the directory back at its
 * name (see `open`): narrowed, not closed. One JavaScript thread at a time
 * does it: the threads of berth's `--workers` take turns on a shared lock
 * ({@linkcode shareContainmentLock}); a window that finds the working
 * directory moved by someone else gives the mode up for the process
 * ({@linkcode workingDirectoryGivenUp}).
 *
 * Relative paths given to Deno elsewhere are resolved when their call
 * starts, so they never see a window's directory.
 *
 * @module
 */

import { join } from "node:path";
import type { Descriptor } from "./descriptor.ts";
import { notTheEntry, O_NOFOLLOW, O_READ, openEntry } from "./open_entry.ts";
import { PathDirectory } from "./path_directory.ts";
import type { PinnedDirectory } from "./pinned_directory.ts";

/** Word 0 is 1 while some thread holds a window. */
let lockWord: Int32Array | null = null;
/** The working directory found outside every window so far. */
let settledHome: string | null = null;
/** Set once windows can no longer be trusted in this process. */
let givenUp = false;

/**
 * The lock that makes the windows of several threads of one process take
 * turns. The thread that starts workers calls this and sends the buffer to
 * each; each worker passes it to {@linkcode adoptContainmentLock}.
 *
 * @returns A buffer to share with the process's other threads.
 */
export function shareContainmentLock(): SharedArrayBuffer {
  if (lockWord === null) lockWord = new Int32Array(new SharedArrayBuffer(4));
  return lockWord.buffer as SharedArrayBuffer;
}

/**
 * Take turns with the other threads that adopted the same lock.
 *
 * @param buffer What {@linkcode shareContainmentLock} returned in the thread
 *   that shares it.
 */
export function adoptContainmentLock(buffer: SharedArrayBuffer): void {
  lockWord = new Int32Array(buffer, 0, 1);
}

/**
 * Whether a window found the working directory moved by another thread (or
 * could not return to it): then directories are held by path instead.
 *
 * @returns `true` once windows were given up in this process.
 */
export function workingDirectoryGivenUp(): boolean {
  return givenUp;
}

function lock(): void {
  const word = lockWord;
  if (word === null) return;
  while (Atomics.compareExchange(word, 0, 0, 1) !== 0) {
    Atomics.wait(word, 0, 1, 10);
  }
}

function unlock(): void {
  const word = lockWord;
  if (word === null) return;
  Atomics.store(word, 0, 0);
  Atomics.notify(word, 0, 1);
}

/** Listings tried while the directory keeps changing under them. */
const LIST_TRIES = 3;

function sameNames(a: Deno.DirEntry[], b: Deno.DirEntry[]): boolean {
  if (a.length !== b.length) return false;
  const names = new Set(a.map((entry) => entry.name));
  return b.every((entry) => names.has(entry.name));
}

class WorkingDirectory implements PinnedDirectory {
  constructor(readonly real: string) {}

  lstat(name: string): Deno.FileInfo {
    // Looked at by path too (see `open`): what a listing shows of an entry
    // must come from a look after which the directory was still here.
    const info = Deno.lstatSync(name);
    if (Deno.cwd() !== this.real) throw notTheEntry(name);
    return info;
  }

  open(name: string): Descriptor {
    // Deno does not hand `name` to the kernel as it is: it takes getcwd(3)
    // and opens (or looks at) that path plus `name`, so the folders above
    // the entry are walked by name again, each call. A folder renamed away
    // and a symlink put in its place, after that getcwd and before the
    // walk, leads the open out, and the look after it as well. getcwd
    // itself is exact, so each look also requires the directory held to be
    // back at its name, and two looks must agree: a leak then needs the
    // swap undone and redone between each of our calls
    // (`tools/open_race.ts` measures it).
    return openEntry(name, O_READ | O_NOFOLLOW, () => this.lstat(name), 1);
  }

  readLink(name: string): string {
    return Deno.readLinkSync(name);
  }

  readDir(): Iterable<Deno.DirEntry> {
    // Listed by path too (see `open`): two listings, each followed by the
    // directory held found back at its name, must agree.
    for (let tries = 0; tries < LIST_TRIES; tries++) {
      const first = [...Deno.readDirSync(".")];
      if (Deno.cwd() !== this.real) break;
      const second = [...Deno.readDirSync(".")];
      if (Deno.cwd() !== this.real) break;
      if (sameNames(first, second)) return first;
    }
    throw notTheEntry(this.real);
  }

  descend(name: string): PinnedDirectory | null {
    if (name === ".") return this;
    try {
      Deno.chdir(name);
    } catch {
      return null;
    }
    // chdir follows a symlink swapped in for the entry: getcwd tells.
    const real = Deno.cwd();
    return real === join(this.real, name) ? new WorkingDirectory(real) : null;
  }
}

/**
 * Run `use` with `path` as the working directory, and return to the
 * previous one before anything else runs.
 *
 * @param path An absolute directory path; symlinks in it are followed.
 * @param use What to do with the directory, synchronously.
 * @returns What `use` returned.
 * @throws What the file system says of `path`; an error when the previous
 *   working directory cannot be entered again (windows are then given up).
 */
export function withWorkingDirectory<T>(
  path: string,
  use: (dir: PinnedDirectory) => T,
): T {
  lock();
  let home: string | null = null;
  try {
    const now = Deno.cwd();
    if (lockWord === null && settledHome !== null && now !== settledHome) {
      // Outside our windows the working directory moved: another thread
      // of this process is pinning too (`deno serve --parallel`, Workers)
      // without a shared lock, or the program changed it. Windows of two
      // threads would move it under each other: hold by path from now on.
      givenUp = true;
      return use(new PathDirectory(Deno.realPathSync(path)));
    }
    home = settledHome = now;
    Deno.chdir(path);
    return use(new WorkingDirectory(Deno.cwd()));
  } finally {
    try {
      if (home !== null) Deno.chdir(home);
    } catch (error) {
      // Never stay in a held directory silently: later windows would
      // return here. Hold by path from now on.
      givenUp = true;
      // deno-lint-ignore no-unsafe-finally
      throw new Error(`Cannot return to the working directory "${home}"`, {
        cause: error,
      });
    } finally {
      unlock();
    }
  }
}
