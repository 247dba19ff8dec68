/**
 * Finding the entry a path names, with containment checked on the directory
 * actually held, not on a path that can change between check and use.
 *
 * The walk holds the path's parent directory (`pinned_directory.ts`), takes
 * the entry by its bare name without following it, and checks the entry's
 * real path — the held directory's real path plus that name, which nothing
 * can change while the directory is held. A symlink is followed by hand,
 * one hop at a time, each hop held and checked the same way. What the
 * caller then does with the entry (stat it, open it, list it) happens
 * within the same window, on that very entry.
 *
 * @module
 */

import { basename, dirname, join, relative, resolve } from "node:path";
import { isInsideRoot, isRealPathAllowed } from "./resolve_path.ts";
import {
  type PinnedDirectory,
  withPinnedDirectory,
} from "./pinned_directory.ts";

/**
 * Where an entry may be, checked on real paths:
 * - `"inside-root"`: the entry's real path is inside `rootReal` (and passes
 *   no dot-named entry unless `dotfiles`); symlinks are followed;
 * - `"exact"`: no symlink at all below `root`: the entry's real path is the
 *   lexical one re-based on `rootReal`;
 * - `"anywhere"`: no check; symlinks are followed.
 */
export interface Containment {
  /** The rule. */
  kind: "inside-root" | "exact" | "anywhere";
  /** The root as given, absolute: paths to locate start with it. */
  root: string;
  /** The root's real path. */
  rootReal: string;
  /** Whether dot-named entries may be reached (`"inside-root"` only). */
  dotfiles: boolean;
}

/**
 * The containment for a path that is already real (no symlink in it), such
 * as an entry's `realPath` or a sibling next to it: its directory must still
 * be exactly that directory and the entry not a symlink.
 *
 * @param realPath A real path.
 * @returns An `"exact"` containment for it.
 */
export function exactly(realPath: string): Containment {
  const dir = dirname(realPath);
  return { kind: "exact", root: dir, rootReal: dir, dotfiles: true };
}

/**
 * A {@linkcode Refused} entry, for callers that throw it: a lookup's
 * failure, as a missing file's is (a 404, never a 500).
 */
export class EntryRefusedError extends Error {
  /**
   * @param reason Why the entry was refused.
   */
  constructor(readonly reason: RefusalReason) {
    super(`Refused by containment: ${reason}`);
    this.name = "EntryRefusedError";
  }
}

/**
 * An entry found, while its directory is held.
 */
export interface LocatedEntry {
  /** The held directory the entry is in. */
  dir: PinnedDirectory;
  /** The entry's name in it (`"."` for the root itself). */
  name: string;
  /** The entry's real path. */
  realPath: string;
  /** `lstat` of the entry: never a symlink. */
  info: Deno.FileInfo;
}

/** Most symlinks followed for one path, as Linux's `SYMLOOP_MAX`. */
const MAX_HOPS = 40;

/**
 * Why containment refused an entry:
 * - `"outside-root"`: its real path leaves the root (a symlink, or a folder
 *   on the way that is one, leads out);
 * - `"dotfile"`: its real path passes a dot-named entry and dotfiles are
 *   hidden (a symlink to `.git/config`);
 * - `"symlink"`: a symlink on the way, and none may be followed (`"exact"`).
 */
export type RefusalReason = "outside-root" | "dotfile" | "symlink";

/**
 * What {@linkcode withEntry} returns for an entry containment refused: the
 * reason, decided where the refusal is. One frozen value per reason, so a
 * refusal allocates nothing.
 */
export class Refused {
  private constructor(
    /** Why the entry was refused. */
    readonly reason: RefusalReason,
  ) {
    Object.freeze(this);
  }

  /** A symlink that leaves the root. */
  static readonly OUTSIDE_ROOT: Refused = new Refused("outside-root");
  /** A symlink to a hidden dotfile. */
  static readonly DOTFILE: Refused = new Refused("dotfile");
  /** A symlink where none is followed. */
  static readonly SYMLINK: Refused = new Refused("symlink");
}

function loopError(path: string): Error {
  return Object.assign(
    new Error(`Too many levels of symbolic links: "${path}"`),
    { code: "ELOOP" },
  );
}

/** `null` when the entry may be reached, else why not. */
function refusal(
  realPath: string,
  lexical: string,
  containment: Containment,
): Refused | null {
  switch (containment.kind) {
    case "inside-root": {
      const { rootReal } = containment;
      if (isRealPathAllowed(rootReal, realPath, containment.dotfiles)) {
        return null;
      }
      // Decided only once refused: what may be reached pays nothing more.
      return isInsideRoot(rootReal, realPath)
        ? Refused.DOTFILE
        : Refused.OUTSIDE_ROOT;
    }
    case "exact": {
      const expected = join(
        containment.rootReal,
        relative(containment.root, lexical),
      );
      return realPath === expected ? null : Refused.SYMLINK;
    }
    default:
      return null;
  }
}

/**
 * Whether an entry found at `realPath`, looked up as `lexical`, may be
 * reached under `containment`: the check {@linkcode withEntry} makes on
 * each entry it finds.
 *
 * @param realPath The entry's real path (its held directory's, plus its
 *   name).
 * @param lexical The path it was looked up by.
 * @param containment Where entries may be.
 * @returns `true` when it may be reached.
 */
export function isEntryAllowed(
  realPath: string,
  lexical: string,
  containment: Containment,
): boolean {
  return refusal(realPath, lexical, containment) === null;
}

/**
 * Find the entry `path` names and run `use` on it while its directory is
 * held. `use` must be synchronous. Returns a {@linkcode Refused}, without
 * calling `use`, when the entry may not be reached under `containment`
 * (outside the root, through a refused symlink, a dotfile).
 *
 * @param path An absolute path starting with `containment.root`.
 * @param containment Where the entry may be.
 * @param use What to do with the entry, within the window.
 * @returns What `use` returned, or why the entry was refused.
 * @throws What the file system says (`ENOENT`, `ENOTDIR`, `EACCES`,
 *   `ELOOP` after 40 symlinks…), and whatever `use` throws.
 */
export function withEntry<T>(
  path: string,
  containment: Containment,
  use: (found: LocatedEntry) => T,
): T | Refused {
  let current = path;
  for (let hop = 0; hop <= MAX_HOPS; hop++) {
    // The root itself is held as a directory and looked at as ".": its
    // parent may well be outside it.
    const isRoot = current === containment.root || dirname(current) === current;
    const result = withPinnedDirectory(
      isRoot ? current : dirname(current),
      (dir): { value: T } | { next: string } | Refused => {
        const name = isRoot ? "." : basename(current);
        const info = dir.lstat(name);
        if (info.isSymlink) {
          if (containment.kind === "exact") return Refused.SYMLINK;
          return { next: resolve(dir.real, dir.readLink(name)) };
        }
        const realPath = isRoot ? dir.real : join(dir.real, name);
        const refused = refusal(realPath, current, containment);
        if (refused !== null) return refused;
        return { value: use({ dir, name, realPath, info }) };
      },
    );
    if (result instanceof Refused) return result;
    if ("value" in result) return result.value;
    current = result.next;
  }
  throw loopError(path);
}
