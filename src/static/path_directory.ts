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
    return Deno.lstatSync(join(this.real, name));
  }

  /** @inheritdoc */
  open(name: string): Descriptor {
    const path = join(this.real, name);
    // The directory must still be where it was, before and after the entry
    // is looked at.
    const inPlace = () => {
      if (Deno.realPathSync(this.real) !== this.real) throw notTheEntry(path);
    };
    return openEntry(path, O_READ | O_NOFOLLOW, () => {
      inPlace();
      const info = Deno.lstatSync(path);
      inPlace();
      return info;
    }, 1);
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
