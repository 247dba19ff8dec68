/**
 * Where two answers are both right and berth's own handler and `@std/http`'s
 * `serveDir` pick differently. These are not options a caller passes: each
 * entry point fixes its conventions (`createStaticHandler` berth's,
 * `serveDir` and `serveFile` std's), and the machinery underneath is shared.
 *
 * @module
 */

/**
 * The conventions one entry point answers with.
 */
export interface AnswerConventions {
  /**
   * A file asked for with a trailing slash (`/a.txt/`): `"not-found"` (the
   * path names a folder that does not exist) or `"redirect"`, a 301 to the
   * path without the slash, as std's `serveDir` does.
   */
  readonly fileWithSlash: "not-found" | "redirect";
  /**
   * A path whose decoded form is not canonical (`//a//b`, `/%2F..%2F..`):
   * `"resolve"` serves what it names (empty segments dropped, an encoded
   * slash refused with 400), or `"redirect"`, a 301 to the canonical form
   * as std's `serveDir` sends (see `canonicalPathOf`).
   */
  readonly nonCanonicalPaths: "resolve" | "redirect";
  /**
   * A `Range` on an empty file: `"refuse"` answers 416, as no range of an
   * empty representation is satisfiable (RFC 9110 §14.1.2); `"ignore"`
   * sends the empty 200, as std and Go's `net/http` do for clients that
   * send a `Range` with every request (RFC 9110 §14.2 lets a server ignore
   * it).
   */
  readonly emptyFileRanges: "refuse" | "ignore";
  /**
   * A listing's links: `"absolute"` paths, which work with or without a
   * trailing slash, or std's `"relative"` ones (`./name`, `..`, and a
   * heading of links back to the mount point), which work under any prefix
   * a proxy adds. Relative listings also carry `Accept-Ranges: bytes`, as
   * std's do.
   */
  readonly listingLinks: "absolute" | "relative";
}

/** `createStaticHandler`'s conventions. */
export const BERTH_CONVENTIONS: AnswerConventions = Object.freeze({
  fileWithSlash: "not-found",
  nonCanonicalPaths: "resolve",
  emptyFileRanges: "refuse",
  listingLinks: "absolute",
});

/** The conventions of `serveDir` and `serveFile`: `@std/http`'s. */
export const STD_CONVENTIONS: AnswerConventions = Object.freeze({
  fileWithSlash: "redirect",
  nonCanonicalPaths: "redirect",
  emptyFileRanges: "ignore",
  listingLinks: "relative",
});
