/**
 * What a file-system error means to a client: 404 or 403, never a 500 for
 * anything a request can cause.
 *
 * @module
 */

import { EntryRefusedError, type RefusalReason } from "./locate_entry.ts";

/**
 * The status a filesystem error maps to: a client can never cause a 500.
 * Missing files, `ENOTDIR` (`/file.txt/x`), loops, over-long names and
 * entries containment refused are 404; permission errors are 403. Anything
 * else is unexpected.
 *
 * @param error What a `Deno` filesystem call threw.
 * @returns `403`, `404`, or `null` for an unexpected error.
 */
export function fsErrorStatus(error: unknown): 403 | 404 | null {
  if (
    error instanceof EntryRefusedError ||
    error instanceof Deno.errors.NotFound ||
    // Deno's own permissions refuse what a symlink leads to outside the
    // folders granted: that is not there for the client either.
    error instanceof Deno.errors.NotCapable ||
    error instanceof Deno.errors.NotADirectory ||
    error instanceof Deno.errors.FilesystemLoop ||
    error instanceof Deno.errors.IsADirectory
  ) {
    return 404;
  }
  if (error instanceof Deno.errors.PermissionDenied) return 403;
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case "ENOENT":
    case "ENOTDIR":
    case "ENXIO": // a socket file opened
    case "ELOOP":
    case "ENAMETOOLONG":
    case "EINVAL":
      return 404;
    case "EACCES":
    case "EPERM":
      return 403;
  }
  return null;
}

/**
 * Why nothing could be served where a lookup looked, as an explanation
 * says it: `"missing"` (nothing there, `ENOTDIR`, a name too long), a
 * containment refusal's reason, `"not-capable"` (Deno's permissions refuse
 * where a symlink leads), `"loop"` (symlinks in a loop), `"not-a-file"`
 * (a FIFO, a socket, a device).
 */
export type MissReason =
  | "missing"
  | "not-a-file"
  | "not-capable"
  | "loop"
  | RefusalReason;

/**
 * Why a lookup found nothing to serve: from the error it failed with, or
 * `null` when it found an entry that is neither a file nor a folder.
 *
 * @param cause What the lookup threw (one {@linkcode fsErrorStatus} maps
 *   to 404), or `null`.
 * @returns The reason.
 */
export function missReason(cause: unknown): MissReason {
  if (cause === null) return "not-a-file";
  if (cause instanceof EntryRefusedError) return cause.reason;
  if (cause instanceof Deno.errors.NotCapable) return "not-capable";
  if (
    cause instanceof Deno.errors.FilesystemLoop ||
    (typeof cause === "object" &&
      (cause as { code?: unknown }).code === "ELOOP")
  ) {
    return "loop";
  }
  return "missing";
}

/** Who wants to know why a lookup found nothing (an explanation). */
export interface MissWitness {
  /**
   * Told why.
   *
   * @param cause What the lookup failed with (see {@linkcode missReason}),
   *   or `null` for an entry that is neither a file nor a folder.
   */
  missed(cause: unknown): void;
}
