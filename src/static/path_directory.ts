/**
 * "Holding" a directory by its real path, re-checked around each open: all
 * that is left on Windows, under `--allow-read=DIR` without read access to
 * the working directory, or when several threads of a process pin without a
 * shared lock. It narrows the window of a swap but cannot close it.
 *
 * @module
 */

import { join } from "node:path";
import type { Descriptor } from "./descriptor.ts";
import { notTheEntry, O_NOFOLLOW, O_READ, openEntry } from "./open_entry.ts";
import type { PinnedDirectory } from "./pinned_directory.ts";

/**
 * A directory known by its real path.
 */
export class PathDirectory implements PinnedDirectory {
  /** @param real The directory's real path. */
  constructor(readonly real: string) {}

  /** @inheritdoc */
  lstat(name: string): Deno.FileInfo {
    // What is seen of an entry (a listing's sizes and dates too) must come
    // from a look after which the directory was still where it was.
    const path = join(this.real, name);
    const info = Deno.lstatSync(path);
    this.#inPlace(path);
    return info;
  }

  /** @inheritdoc */
  open(name: string): Descriptor {
    const path = join(this.real, name);
    // The directory must still be where it was, before and after the entry
    // is looked at.
    return openEntry(path, O_READ | O_NOFOLLOW, () => {
      this.#inPlace(path);
      return this.lstat(name);
    }, 1);
  }

  /** Throw, as for an entry not held, unless the directory is still here. */
  #inPlace(path: string): void {
    if (Deno.realPathSync(this.real) !== this.real) throw notTheEntry(path);
  }

  /** @inheritdoc */
  readLink(name: string): string {
    return Deno.readLinkSync(join(this.real, name));
  }

  /** @inheritdoc */
  readDir(): Iterable<Deno.DirEntry> {
    return Deno.readDirSync(this.real);
  }

  /** @inheritdoc */
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
