/**
 * Holding a directory by an open descriptor: its real path is read from
 * `/proc/self/fd/N`, and its entries are reached as `/proc/self/fd/N/name`,
 * relative to that descriptor (Linux, where Deno lets berth read
 * `/proc/self/fd`: only under `--allow-all`). Exact and thread-safe.
 *
 * @module
 */

import * as fs from "node:fs";
import { join } from "node:path";
import type { Descriptor } from "./descriptor.ts";
import { O_DIRECTORY, O_NOFOLLOW, O_READ, openEntry } from "./open_entry.ts";
import type { PinnedDirectory } from "./pinned_directory.ts";

class DescriptorDirectory implements PinnedDirectory {
  readonly #base: string;
  readonly #opened: number[];

  constructor(readonly real: string, fd: number, opened: number[]) {
    this.#base = `/proc/self/fd/${fd}/`;
    this.#opened = opened;
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
    const child = held(fd, this.#opened);
    const expected = name === "." ? this.real : join(this.real, name);
    return child.real === expected ? child : null;
  }
}

/** The directory open as `fd`, closed with the window's others. */
function held(fd: number, opened: number[]): DescriptorDirectory {
  opened.push(fd);
  return new DescriptorDirectory(
    Deno.readLinkSync(`/proc/self/fd/${fd}`),
    fd,
    opened,
  );
}

/**
 * Run `use` with the directory `path` names open, and close it (and any
 * subdirectory `use` descended into) when `use` returns.
 *
 * @param path An absolute directory path; symlinks in it are followed.
 * @param use What to do with the directory, synchronously.
 * @returns What `use` returned.
 * @throws What the file system says of `path`.
 */
export function withDescriptorDirectory<T>(
  path: string,
  use: (dir: PinnedDirectory) => T,
): T {
  const opened: number[] = [];
  try {
    const dir = held(fs.openSync(path, O_READ | O_DIRECTORY), opened);
    // A directory removed while held reads as "/x (deleted)".
    if (dir.real.endsWith(" (deleted)")) {
      throw Object.assign(new Error(`Gone: "${path}"`), { code: "ENOENT" });
    }
    return use(dir);
  } finally {
    for (const fd of opened) fs.closeSync(fd);
  }
}
