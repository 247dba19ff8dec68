/**
 * Whether a root is fit to be watched, looked at before the watch starts.
 *
 * Deno's recursive watch walks the tree at once, synchronously, adding one
 * inotify watch per folder and following symlinks — to folders outside the
 * root too (`change_watcher.ts`). One link to `/` or to a home folder
 * would block the start for as long as that walk takes and spend the
 * watches every program of the user shares (`max_user_watches`), to learn
 * of changes berth does not serve (a link out of the root is refused) or
 * re-checks anyway (a change through a link is seen at the re-check). A
 * tree of more folders than a watch should hold is better polled. So berth
 * walks the root first, following nothing, and refuses to watch such a
 * tree: it polls instead.
 *
 * @module
 */

import { join } from "node:path";
import { isInsideRoot } from "./resolve_path.ts";

/** Folders a watched root may hold, the root included. */
export const MAX_WATCHED_FOLDERS = 10_000;

/**
 * Why the tree at `rootReal` should not be watched, or `null` when it may
 * be: it holds a symlink to a folder outside it, or more than `maxFolders`
 * folders. What cannot be read is passed over (the watch says so itself
 * when it cannot add a watch there).
 *
 * @param rootReal The root's real path.
 * @param maxFolders The most folders a watch may hold.
 * @returns The reason, in words, or `null`.
 */
export function watchRefusal(
  rootReal: string,
  maxFolders: number = MAX_WATCHED_FOLDERS,
): string | null {
  const folders = [rootReal];
  for (let i = 0; i < folders.length; i++) {
    let entries: Iterable<Deno.DirEntry>;
    try {
      entries = Deno.readDirSync(folders[i]);
    } catch {
      continue;
    }
    for (const entry of entries) {
      const path = join(folders[i], entry.name);
      if (entry.isDirectory) {
        if (folders.push(path) > maxFolders) {
          return `it holds more than ${maxFolders} folders`;
        }
      } else if (entry.isSymlink && leadsOutToFolder(rootReal, path)) {
        return `${path} is a symlink to a folder outside it`;
      }
    }
  }
  return null;
}

/** Whether the symlink at `path` leads to a folder outside `rootReal`. */
function leadsOutToFolder(rootReal: string, path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory &&
      !isInsideRoot(rootReal, Deno.realPathSync(path));
  } catch {
    return false; // dangling, or unreadable: nothing to walk
  }
}
