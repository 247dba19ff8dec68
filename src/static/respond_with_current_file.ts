/**
 * Answering with a file that may change while it is answered: the entry is
 * answered with (`respondWithFile`), and when the file on disk turns out
 * not to be the one it describes, the file is looked at again.
 *
 * @module
 */

import type { Descriptor } from "./descriptor.ts";
import type { FileEntry } from "./file_cache.ts";
import {
  FileChanged,
  type FileResponseOptions,
  respondWithFile,
} from "./file_response.ts";
import { type FileAnswer, MemoryAnswer } from "./memory_answer.ts";

/**
 * What {@linkcode respondWithCurrentFile} needs to look again when a file
 * changes under it.
 */
export interface LookAgain {
  /**
   * The response options for an entry (`file` is set here, not by it).
   *
   * @param entry The entry about to be answered with.
   * @param fromHeld Whether its bytes come from a held descriptor: what it
   *   gives is answered, not kept (`cache: null`).
   */
  options(entry: FileEntry, fromHeld: boolean): FileResponseOptions;
  /**
   * Told that `entry` no longer describes the file (drop it from a cache).
   *
   * @param entry The stale entry.
   */
  changed(entry: FileEntry): void;
  /**
   * Find the file again by its name, with every check.
   *
   * @param entry The stale entry.
   * @returns The fresh entry, or the answer to give instead (404, 403).
   */
  find(entry: FileEntry): Promise<FileEntry | FileAnswer>;
  /**
   * The entry for a descriptor now open where `entry` was found
   * (`describeOpened`).
   *
   * @param entry The stale entry.
   * @param file The descriptor.
   */
  describe(entry: FileEntry, file: Descriptor): Promise<FileEntry>;
  /** The answer for a name that keeps changing under every look. */
  gone(): Promise<FileAnswer> | FileAnswer;
}

/**
 * Answer with a file entry, looking again when the file on disk turns out
 * not to be the one the entry describes (a write, a rename, a swap). A file
 * that changed where it was found is answered from the descriptor now open
 * on it, so a race on the file system ends in an answer — never in a 5xx,
 * and never in bytes from a place the checks refused.
 *
 * @param request The request (GET or HEAD).
 * @param entry The file's entry.
 * @param hooks How to look again.
 * @returns The answer.
 */
export async function respondWithCurrentFile(
  request: Request,
  entry: FileEntry,
  hooks: LookAgain,
): Promise<FileAnswer> {
  let current = entry;
  let held: Descriptor | undefined;
  for (let attempt = 0;; attempt++) {
    const file = held;
    held = undefined;
    const result = await respondWithFile(request, current, {
      ...hooks.options(current, file !== undefined),
      file,
    });
    if (!(result instanceof FileChanged)) return result;
    hooks.changed(current);
    if (result.file !== null) {
      // Changed where it was found: answer with the file open there now,
      // whatever it has become (the next round cannot fail this way).
      held = result.file;
      try {
        current = await hooks.describe(current, held);
      } catch (error) {
        held.close();
        throw error;
      }
      continue;
    }
    // Gone from where it was, or now a symlink: look again by its name. A
    // name that keeps changing under every look is, for now, not there.
    if (attempt >= 3) return await hooks.gone();
    const again = await hooks.find(current);
    if (again instanceof Response || again instanceof MemoryAnswer) {
      return again;
    }
    // After one more change, only the file itself is read: a sibling
    // being rewritten cannot keep the answer waiting.
    current = attempt === 0 ? again : { ...again, siblings: [] };
  }
}
