/**
 * Pinning a directory, so that what is then looked up or opened in it is one
 * of that directory's own entries, whatever happens to the path meanwhile.
 *
 * A check on a path ("its real path is inside the root") says nothing about
 * what a later `open` of that path reaches: between the two, anyone who can
 * write inside the root can swap a file or a folder for a symlink to the
 * outside. Without `openat(2)`, Deno offers three ways to hold on to a
 * directory, chosen once per process by {@linkcode containmentMode}:
 *
 * - `"descriptor"` (Linux, when `/proc/self/fd` may be read: Deno grants it
 *   only with `--allow-all`): the directory is opened, its real path is read
 *   from `/proc/self/fd/N`, and entries are reached as `/proc/self/fd/N/name`,
 *   relative to that descriptor. Exact and thread-safe.
 * - `"cwd"` (Linux and macOS otherwise): the directory becomes the process's
 *   working directory for a few synchronous microseconds; `getcwd(3)` names
 *   the directory actually entered, and entries are reached by bare names
 *   relative to it. Exact as long as one JavaScript thread at a time does it:
 *   berth's own `--workers` take turns through a shared lock
 *   ({@linkcode shareContainmentLock}).
 * - `"path"` (Windows, or when the working directory may not be read): real
 *   paths, re-checked around each use. It narrows the window of a swap but
 *   cannot close it.
 *
 * Every window is synchronous: nothing else runs on this thread while a
 * directory is pinned, and relative paths given to Deno elsewhere are
 * resolved when their call starts, so they never see a pinned directory.
 *
 * @module
 */

import * as fs from "node:fs";
import { join } from "node:path";
import { Descriptor } from "./descriptor.ts";

/**
 * How directories are pinned; see the module documentation.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { containmentMode } from "./pinned_directory.ts";
 *
 * assert.ok(["descriptor", "cwd", "path"].includes(containmentMode()));
 * ```
 */
export type ContainmentMode = "descriptor" | "cwd" | "path";

/**
 * A directory held for the length of one synchronous window. Names given to
 * its methods are single entries of it (no separator), or `"."` for itself.
 */
export interface PinnedDirectory {
  /** The directory's real path, as the kernel names the directory held. */
  readonly real: string;
  /**
   * Metadata of an entry, never following it.
   *
   * @param name An entry name.
   * @returns What `lstat` says.
   */
  lstat(name: string): Deno.FileInfo;
  /**
   * Open an entry for reading, without blocking on a FIFO, and check that
   * what was opened is that entry: the same inode `lstat` finds under that
   * name in the directory held, never a symlink's target.
   *
   * @param name An entry name.
   * @returns The descriptor; the caller closes it.
   * @throws `ELOOP` when the name is (or became) a symlink or names
   *   another file each time it is opened.
   */
  open(name: string): Descriptor;
  /**
   * The target of a symlink entry.
   *
   * @param name An entry name.
   * @returns The link's text.
   */
  readLink(name: string): string;
  /**
   * The entries of the directory itself.
   *
   * @returns Its entries, in the order the file system gives them.
   */
  readDir(): Iterable<Deno.DirEntry>;
  /**
   * Hold a subdirectory instead, checking it is that entry and not a symlink
   * swapped in for it.
   *
   * @param name An entry name, or `"."`.
   * @returns The subdirectory, or `null` when the entry is not a directory
   *   of its own (a symlink, or gone).
   */
  descend(name: string): PinnedDirectory | null;
}

/** Thrown when the working directory cannot be restored after a window. */
class ContainmentError extends Error {
  override name = "ContainmentError";
}

const O_READ = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) |
  (fs.constants.O_NOCTTY ?? 0);
const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
const O_DIRECTORY = fs.constants.O_DIRECTORY ?? 0;
const IS_WINDOWS = Deno.build.os === "windows";

let detected: ContainmentMode | null = null;
let forced: ContainmentMode | null = null;
/** Word 0 is 1 while some thread holds a window (`"cwd"` mode only). */
let lockWord: Int32Array | null = null;
/** Whether this thread holds a window: windows never nest. */
let holding = false;
/** The working directory found outside every window so far. */
let settledHome: string | null = null;

function canReadProcFd(): boolean {
  if (Deno.build.os !== "linux" && Deno.build.os !== "android") return false;
  try {
    // The permission check comes before the lookup, so any descriptor does.
    Deno.readLinkSync("/proc/self/fd/0");
    return true;
  } catch (error) {
    // A closed stdin still proves the directory may be read.
    return error instanceof Deno.errors.NotFound &&
      existsSync("/proc/self/fd");
  }
}

function existsSync(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

function canRestoreCwd(): boolean {
  if (IS_WINDOWS) return false;
  try {
    return Deno.permissions.querySync({ name: "read", path: Deno.cwd() })
      .state === "granted";
  } catch {
    return false;
  }
}

/**
 * The way this process pins directories, detected once: `"descriptor"`
 * where `/proc/self/fd` may be read, else `"cwd"` where the working
 * directory may be read (to return to it), else `"path"`.
 *
 * @returns The mode in use.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { containmentMode } from "./pinned_directory.ts";
 *
 * if (Deno.build.os === "windows") assert.equal(containmentMode(), "path");
 * ```
 */
export function containmentMode(): ContainmentMode {
  if (forced !== null) return forced;
  detected ??= canReadProcFd()
    ? "descriptor"
    : canRestoreCwd()
    ? "cwd"
    : "path";
  return detected;
}

/**
 * Use this mode instead of the detected one (`null` to detect again): for
 * tests, which run every attack against each mode the machine allows.
 *
 * @param mode The mode, or `null`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { containmentMode, forceContainmentMode } from "./pinned_directory.ts";
 *
 * forceContainmentMode("path");
 * assert.equal(containmentMode(), "path");
 * forceContainmentMode(null);
 * ```
 */
export function forceContainmentMode(mode: ContainmentMode | null): void {
  forced = mode;
}

/**
 * The lock that makes `"cwd"` windows of several threads of one process
 * take turns. The thread that starts workers calls this and sends the buffer
 * to each; each worker passes it to {@linkcode adoptContainmentLock}.
 *
 * @returns A buffer to share with the process's other threads.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { shareContainmentLock } from "./pinned_directory.ts";
 *
 * assert.equal(shareContainmentLock().byteLength, 4);
 * ```
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
 *
 * @example
 * ```ts
 * import { adoptContainmentLock, shareContainmentLock } from "./pinned_directory.ts";
 *
 * adoptContainmentLock(shareContainmentLock());
 * ```
 */
export function adoptContainmentLock(buffer: SharedArrayBuffer): void {
  lockWord = new Int32Array(buffer, 0, 1);
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

function loopError(path: string): Error {
  return Object.assign(new Error(`Not the entry held: "${path}"`), {
    code: "ELOOP",
  });
}

/** Opens tried when the name keeps changing between the open and the check. */
const OPEN_TRIES = 3;

/**
 * Open `path` and keep the descriptor only if `lstat` of the entry, taken
 * after the open and relative to the held directory, is the very inode
 * opened. Under any permission short of `--allow-all`, Deno itself resolves
 * symlinks before it opens a path (its special-file check), so `O_NOFOLLOW`
 * cannot be relied on; the inode cannot lie: an outside file could only
 * match by being hard-linked into the held directory.
 */
function openEntry(
  path: string,
  flags: number,
  entry: () => Deno.FileInfo,
): Descriptor {
  for (let tries = 0; tries < OPEN_TRIES; tries++) {
    const file = new Descriptor(fs.openSync(path, flags));
    let now: Deno.FileInfo;
    try {
      now = entry();
    } catch (error) {
      file.close();
      throw error;
    }
    const opened = file.identity;
    if (!now.isSymlink && now.ino === opened.ino && now.dev === opened.dev) {
      return file;
    }
    file.close();
    if (now.isSymlink) break;
  }
  throw loopError(path);
}

/**
 * Run `use` with the directory `path` names held (see the module
 * documentation), and let go of it when `use` returns. `use` must be
 * synchronous: the directory is only held until it returns.
 *
 * @param path An absolute directory path; symlinks in it are followed.
 * @param use What to do with the directory.
 * @returns What `use` returned.
 * @throws What the file system says of `path` (`ENOENT`, `ENOTDIR`,
 *   `EACCES`…), and whatever `use` throws.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withPinnedDirectory } from "./pinned_directory.ts";
 *
 * const dir = await Deno.realPath(await Deno.makeTempDir());
 * try {
 *   await Deno.writeTextFile(`${dir}/a.txt`, "a");
 *   const size = withPinnedDirectory(dir, (pinned) => {
 *     assert.equal(pinned.real, dir);
 *     return pinned.lstat("a.txt").size;
 *   });
 *   assert.equal(size, 1);
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 */
export function withPinnedDirectory<T>(
  path: string,
  use: (dir: PinnedDirectory) => T,
): T {
  // A nested window would move the working directory under the outer one
  // (and deadlock on the shared lock).
  if (holding) throw new ContainmentError("Directory windows never nest");
  holding = true;
  try {
    switch (containmentMode()) {
      case "descriptor":
        return withDescriptor(path, use);
      case "cwd":
        return withWorkingDirectory(path, use);
      default:
        return use(new PathDirectory(Deno.realPathSync(path)));
    }
  } finally {
    holding = false;
  }
}

// --- "descriptor": entries relative to /proc/self/fd/N -------------------

class DescriptorDirectory implements PinnedDirectory {
  readonly #base: string;
  readonly #children: DescriptorDirectory[];

  constructor(
    readonly real: string,
    fd: number,
    children: DescriptorDirectory[],
  ) {
    this.#base = `/proc/self/fd/${fd}/`;
    this.#children = children;
  }

  lstat(name: string): Deno.FileInfo {
    return Deno.lstatSync(this.#base + name);
  }

  open(name: string): Descriptor {
    const path = this.#base + name;
    return openEntry(path, O_READ | O_NOFOLLOW, () => Deno.lstatSync(path));
  }

  readLink(name: string): string {
    return Deno.readLinkSync(this.#base + name);
  }

  readDir(): Iterable<Deno.DirEntry> {
    return Deno.readDirSync(this.#base + ".");
  }

  descend(name: string): PinnedDirectory | null {
    let fd: number;
    try {
      fd = fs.openSync(this.#base + name, O_READ | O_NOFOLLOW | O_DIRECTORY);
    } catch {
      return null;
    }
    const child = openedDirectory(fd, this.#children);
    const expected = name === "." ? this.real : join(this.real, name);
    return child.real === expected ? child : null;
  }
}

function openedDirectory(
  fd: number,
  all: DescriptorDirectory[],
): DescriptorDirectory {
  let real: string;
  try {
    real = Deno.readLinkSync(`/proc/self/fd/${fd}`);
  } catch (error) {
    fs.closeSync(fd);
    throw error;
  }
  const child = new DescriptorDirectory(real, fd, all);
  all.push(child);
  fds.set(child, fd);
  return child;
}

const fds = new WeakMap<DescriptorDirectory, number>();

function withDescriptor<T>(path: string, use: (dir: PinnedDirectory) => T): T {
  const opened: DescriptorDirectory[] = [];
  try {
    const fd = fs.openSync(path, O_READ | O_DIRECTORY);
    const dir = openedDirectory(fd, opened);
    // A directory removed while held reads as "/x (deleted)".
    if (dir.real.endsWith(" (deleted)")) {
      throw Object.assign(new Error(`Gone: "${path}"`), { code: "ENOENT" });
    }
    return use(dir);
  } finally {
    for (const dir of opened) fs.closeSync(fds.get(dir)!);
  }
}

// --- "cwd": the working directory, for one synchronous window ------------

class WorkingDirectory implements PinnedDirectory {
  constructor(readonly real: string) {}

  lstat(name: string): Deno.FileInfo {
    return Deno.lstatSync(name);
  }

  open(name: string): Descriptor {
    return openEntry(name, O_READ | O_NOFOLLOW, () => Deno.lstatSync(name));
  }

  readLink(name: string): string {
    return Deno.readLinkSync(name);
  }

  readDir(): Iterable<Deno.DirEntry> {
    return Deno.readDirSync(".");
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

function withWorkingDirectory<T>(
  path: string,
  use: (dir: PinnedDirectory) => T,
): T {
  lock();
  let home: string | null = null;
  try {
    home = Deno.cwd();
    if (lockWord === null && settledHome !== null && home !== settledHome) {
      // Outside our windows the working directory moved: another thread
      // of this process is pinning too (`deno serve --parallel`, Workers)
      // without a shared lock, or the program changed it. Windows of two
      // threads would move it under each other: pin by path from now on.
      detected = "path";
      settledHome = null;
      const real = Deno.realPathSync(path);
      home = null;
      return use(new PathDirectory(real));
    }
    settledHome = home;
    Deno.chdir(path);
    return use(new WorkingDirectory(Deno.cwd()));
  } finally {
    try {
      if (home !== null) Deno.chdir(home);
    } catch (error) {
      // Never stay in a pinned directory silently: later windows would
      // return here. Pin by path from now on.
      detected = "path";
      // deno-lint-ignore no-unsafe-finally
      throw new ContainmentError(
        `Cannot return to the working directory "${home}"`,
        { cause: error },
      );
    } finally {
      unlock();
    }
  }
}

// --- "path": real paths, re-checked --------------------------------------

class PathDirectory implements PinnedDirectory {
  constructor(readonly real: string) {}

  lstat(name: string): Deno.FileInfo {
    return Deno.lstatSync(join(this.real, name));
  }

  open(name: string): Descriptor {
    const path = join(this.real, name);
    // Narrow the window: the directory must still be where it was, before
    // and after the entry is looked at.
    const inPlace = () => {
      if (Deno.realPathSync(this.real) !== this.real) throw loopError(path);
    };
    return openEntry(path, O_READ | O_NOFOLLOW, () => {
      inPlace();
      const info = Deno.lstatSync(path);
      inPlace();
      return info;
    });
  }

  readLink(name: string): string {
    return Deno.readLinkSync(join(this.real, name));
  }

  readDir(): Iterable<Deno.DirEntry> {
    return Deno.readDirSync(this.real);
  }

  descend(name: string): PinnedDirectory | null {
    if (name === ".") return this;
    const path = join(this.real, name);
    try {
      return Deno.realPathSync(path) === path ? new PathDirectory(path) : null;
    } catch {
      return null;
    }
  }
}
