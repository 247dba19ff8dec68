/**
 * Pinning a directory, so that what is then looked up or opened in it is one
 * of that directory's own entries, whatever happens to the path meanwhile.
 *
 * A check on a path ("its real path is inside the root") says nothing about
 * what a later `open` of that path reaches: between the two, anyone who can
 * write inside the root can swap a file or a folder for a symlink to the
 * outside. Without `openat(2)`, Deno offers three ways to hold on to a
 * directory, chosen once per process by {@linkcode containmentMode}, each in
 * its own module:
 *
 * - `"descriptor"` (Linux, when `/proc/self/fd` may be read: Deno grants it
 *   only with `--allow-all`): the directory is opened, its real path is read
 *   from `/proc/self/fd/N`, and entries are reached as `/proc/self/fd/N/name`,
 *   relative to that descriptor. Exact and thread-safe
 *   (`descriptor_directory.ts`).
 * - `"cwd"` (Linux and macOS otherwise): the directory becomes the process's
 *   working directory for a few synchronous microseconds; `getcwd(3)` names
 *   the directory actually entered, exactly, and entries are reached by
 *   bare names relative to it. But Deno hands the kernel no relative path:
 *   it opens getcwd's path plus the name, walking the folders above the
 *   entry by name again. So an opened entry is confirmed by two looks,
 *   each with the directory found back at its name: a race narrowed far
 *   past what can be measured here, not closed. One JavaScript thread at a
 *   time does it: berth's own `--workers` take turns through a shared lock
 *   ({@linkcode shareContainmentLock}) (`working_directory.ts`).
 * - `"path"` (Windows, or when the working directory may not be read): real
 *   paths, re-checked around each use. It narrows the window of a swap but
 *   cannot close it (`path_directory.ts`). Opening an entry is the same in
 *   all three (`open_entry.ts`).
 *
 * Every window is synchronous: nothing else runs on this thread while a
 * directory is pinned, and relative paths given to Deno elsewhere are
 * resolved when their call starts, so they never see a pinned directory.
 *
 * @module
 */

import type { Descriptor } from "./descriptor.ts";
import { withDescriptorDirectory } from "./descriptor_directory.ts";
import { PathDirectory } from "./path_directory.ts";
import {
  withWorkingDirectory,
  workingDirectoryGivenUp,
} from "./working_directory.ts";

export {
  adoptContainmentLock,
  shareContainmentLock,
} from "./working_directory.ts";

/**
 * How directories are pinned; see the module documentation.
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

const IS_WINDOWS = Deno.build.os === "windows";

let detected: ContainmentMode | null = null;
let forced: ContainmentMode | null = null;
/** Whether this thread holds a window: windows never nest. */
let holding = false;

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
 */
export function containmentMode(): ContainmentMode {
  if (forced !== null) return forced;
  detected ??= canReadProcFd()
    ? "descriptor"
    : canRestoreCwd()
    ? "cwd"
    : "path";
  // A window that found another thread moving the working directory gives
  // that mode up for the process.
  return detected === "cwd" && workingDirectoryGivenUp() ? "path" : detected;
}

/**
 * Use this mode instead of the detected one (`null` to detect again): for
 * tests, which run every attack against each mode the machine allows.
 *
 * @param mode The mode, or `null`.
 */
export function forceContainmentMode(mode: ContainmentMode | null): void {
  forced = mode;
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
  if (holding) throw new Error("Directory windows never nest");
  holding = true;
  try {
    switch (containmentMode()) {
      case "descriptor":
        return withDescriptorDirectory(path, use);
      case "cwd":
        return withWorkingDirectory(path, use);
      default:
        return use(new PathDirectory(Deno.realPathSync(path)));
    }
  } finally {
    holding = false;
  }
}
