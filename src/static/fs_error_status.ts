/**
 * What a file-system error means to a client: 404 or 403, never a 500 for
 * anything a request can cause.
 *
 * @module
 */

/**
 * The status a filesystem error maps to: a client can never cause a 500.
 * Missing files, `ENOTDIR` (`/file.txt/x`), loops and over-long names are
 * 404; permission errors are 403. Anything else is unexpected.
 *
 * @param error What a `Deno` filesystem call threw.
 * @returns `403`, `404`, or `null` for an unexpected error.
 */
export function fsErrorStatus(error: unknown): 403 | 404 | null {
  if (
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
