/**
 * Mapping a URL path to a filesystem path that can never leave the root.
 *
 * The raw pathname is percent-decoded exactly once, segment by segment, so
 * an encoded `/` or `\` can never become a separator and `%252e` stays the
 * literal name `%2e`. Containment is checked twice: lexically (after the
 * join) and on the real path (after symlinks).
 *
 * @module
 */

import { join, posix, resolve, sep } from "node:path";

/**
 * A URL path decoded into safe segments.
 */
export interface ResolvedUrlPath {
  /** Always `true`: the path was accepted. */
  ok: true;
  /** Decoded segments, none empty, `.`, `..`, or containing a separator. */
  segments: string[];
  /** Whether the path ended with `/` (the root `/` does). */
  trailingSlash: boolean;
}

/**
 * A URL path refused before touching the filesystem.
 */
export interface RefusedUrlPath {
  /** Always `false`: the path was refused. */
  ok: false;
  /** `400` (malformed or dangerous), `404` (a name no file can have) or `414` (too long). */
  status: 400 | 404 | 414;
}

/**
 * Limits for {@linkcode resolveUrlPath}.
 */
export interface ResolveUrlPathOptions {
  /**
   * Longest raw pathname accepted, in characters; longer → 414.
   *
   * @default {4096}
   */
  maxPathLength?: number;
  /**
   * Longest decoded segment, in UTF-8 bytes; longer → 404, as no file name
   * on common filesystems can be that long.
   *
   * @default {255}
   */
  maxSegmentBytes?: number;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();
const IS_WINDOWS = Deno.build.os === "windows";

class Refusal {
  constructor(readonly status: 400 | 404) {}
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

// Percent-decode one raw segment to bytes, then to a string with a fatal
// UTF-8 decoder: that rejects invalid sequences, overlong forms (%c0%ae)
// and encoded surrogates alike.
function decodeSegment(raw: string): string {
  if (!raw.includes("%")) {
    if (!raw.isWellFormed()) throw new Refusal(400);
    return raw;
  }
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    if (code === 37) {
      const hi = hexValue(raw.charCodeAt(i + 1));
      const lo = hexValue(raw.charCodeAt(i + 2));
      if (hi < 0 || lo < 0) throw new Refusal(400);
      bytes.push(hi * 16 + lo);
      i += 2;
    } else if (code < 0x80) {
      bytes.push(code);
    } else {
      // Raw non-ASCII (only possible when called directly): take the run up
      // to the next `%` and encode it as UTF-8.
      let end = raw.indexOf("%", i);
      if (end < 0) end = raw.length;
      const run = raw.slice(i, end);
      if (!run.isWellFormed()) throw new Refusal(400);
      for (const b of encoder.encode(run)) bytes.push(b);
      i = end - 1;
    }
  }
  try {
    return utf8.decode(new Uint8Array(bytes));
  } catch {
    throw new Refusal(400);
  }
}

// Characters that must never reach a filesystem call or a header: NUL and
// other controls, and both separators (they could only come from %2f/%5c
// or a raw backslash).
// deno-lint-ignore no-control-regex
const FORBIDDEN = /[\x00-\x1f\x7f/\\]/;

/**
 * Decode and normalise a raw URL pathname (as in `new URL(url).pathname`,
 * still percent-encoded) into safe segments.
 *
 * - Each segment is percent-decoded once; a bad escape or invalid UTF-8
 *   (including overlong forms such as `%c0%ae`) → 400.
 * - A decoded segment containing `/`, `\`, NUL or another control
 *   character → 400: an encoded slash never becomes a separator.
 * - Empty segments (`//`) and `.` are dropped; `..` removes the previous
 *   segment, and a `..` that would climb above the root → 400.
 * - Too long → 414; a segment no filesystem accepts → 404.
 *
 * @param rawPath The raw pathname, starting with `/`.
 * @param options Length limits.
 * @returns The segments, or the status to refuse with.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveUrlPath } from "./resolve_path.ts";
 *
 * assert.deepEqual(resolveUrlPath("/docs/caf%C3%A9%20menu.txt"), {
 *   ok: true,
 *   segments: ["docs", "café menu.txt"],
 *   trailingSlash: false,
 * });
 * assert.deepEqual(resolveUrlPath("/..%2fetc/passwd"), { ok: false, status: 400 });
 * assert.deepEqual(resolveUrlPath("/%c0%ae%c0%ae/x"), { ok: false, status: 400 });
 * assert.deepEqual(resolveUrlPath("/../x"), { ok: false, status: 400 });
 * ```
 */
export function resolveUrlPath(
  rawPath: string,
  options: ResolveUrlPathOptions = {},
): ResolvedUrlPath | RefusedUrlPath {
  const maxPathLength = options.maxPathLength ?? 4096;
  const maxSegmentBytes = options.maxSegmentBytes ?? 255;
  if (rawPath.length > maxPathLength) return { ok: false, status: 414 };
  if (!rawPath.startsWith("/")) return { ok: false, status: 400 };
  const rawSegments = rawPath.slice(1).split("/");
  const segments: string[] = [];
  try {
    for (const raw of rawSegments) {
      const segment = decodeSegment(raw);
      if (FORBIDDEN.test(segment)) throw new Refusal(400);
      if (segment === "" || segment === ".") continue;
      if (segment === "..") {
        // Never climb above the root, however the dots were spelled.
        if (segments.length === 0) throw new Refusal(400);
        segments.pop();
        continue;
      }
      if (IS_WINDOWS && /[:*?"<>|]|[. ]$/.test(segment)) {
        // Alternate data streams and trailing-dot aliases name other files.
        throw new Refusal(404);
      }
      if (encoder.encode(segment).length > maxSegmentBytes) {
        throw new Refusal(404);
      }
      segments.push(segment);
    }
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, status: error.status };
    throw error;
  }
  const last = rawSegments[rawSegments.length - 1];
  const trailingSlash = last === "" || /^(\.|%2e){1,2}$/i.test(last);
  return { ok: true, segments, trailingSlash };
}

/**
 * Where std's `serveDir` sends a path whose decoded form is not canonical:
 * the whole path percent-decoded, then its empty, `.` and `..` segments
 * resolved as POSIX paths are (`//a//b/` → `a`, `b` and a slash;
 * `/%2F..%2F..` → `/`). A redirect there is safe whatever the path held:
 * it never leaves the root, and its `Location` is built from the segments,
 * each encoded again (`encodeUrlPath`), so the next request is checked by
 * {@linkcode resolveUrlPath} like any other.
 *
 * @param rawPath The raw pathname, starting with `/`.
 * @returns The canonical form's segments and trailing slash, or `null`
 *   when decoding leaves nothing to resolve (or fails: then
 *   {@linkcode resolveUrlPath} refuses the path).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { canonicalPathOf } from "./resolve_path.ts";
 *
 * assert.deepEqual(canonicalPathOf("/docs//a.txt"), {
 *   segments: ["docs", "a.txt"],
 *   trailingSlash: false,
 * });
 * assert.equal(canonicalPathOf("/docs/a.txt"), null);
 * ```
 */
export function canonicalPathOf(
  rawPath: string,
): { segments: string[]; trailingSlash: boolean } | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return null;
  }
  const normalized = posix.normalize(decoded);
  if (normalized === decoded) return null;
  return {
    segments: normalized.split("/").filter((segment) => segment !== ""),
    trailingSlash: normalized.endsWith("/"),
  };
}

/**
 * Whether a file name can be reached by a URL: its percent-encoded form
 * decodes back to that one segment. Names with a backslash or a control
 * character, names too long, and `.`/`..` cannot, so listings leave them
 * out rather than show a link that would not open.
 *
 * @param name A directory entry's name.
 * @param options Length limits, as the handler resolves URL paths.
 * @returns `true` when `/<encoded name>` resolves to exactly `[name]`.
 */
export function isReachableName(
  name: string,
  options: ResolveUrlPathOptions = {},
): boolean {
  const resolved = resolveUrlPath("/" + encodeURIComponent(name), options);
  return resolved.ok && resolved.segments.length === 1 &&
    resolved.segments[0] === name;
}

/**
 * Whether `path` is `root` itself or lies inside it. The comparison uses
 * the root plus a trailing separator, so `/srv/public-secret` is not inside
 * `/srv/public`.
 *
 * @param root An absolute, normalised directory path.
 * @param path An absolute, normalised path.
 * @returns `true` when `path` is within `root`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isInsideRoot } from "./resolve_path.ts";
 *
 * assert.equal(isInsideRoot("/srv/public", "/srv/public/a.txt"), true);
 * assert.equal(isInsideRoot("/srv/public", "/srv/public"), true);
 * assert.equal(isInsideRoot("/srv/public", "/srv/public-secret/a.txt"), false);
 * ```
 */
export function isInsideRoot(root: string, path: string): boolean {
  if (path === root) return true;
  const prefix = root.endsWith(sep) ? root : root + sep;
  return path.startsWith(prefix);
}

/**
 * Join decoded segments onto the root and check the result is still inside
 * it (a second, lexical line of defence after {@linkcode resolveUrlPath}).
 *
 * @param root The root directory (made absolute here).
 * @param segments Segments from {@linkcode resolveUrlPath}.
 * @returns The absolute filesystem path, or `null` if it would leave the root.
 */
export function joinInsideRoot(
  root: string,
  segments: readonly string[],
): string | null {
  const base = resolve(root);
  const path = join(base, ...segments);
  return isInsideRoot(base, path) ? path : null;
}

/**
 * Whether a real path (symlinks resolved) lies inside the root's real path
 * and, unless dotfiles are allowed, passes through no dot-named entry (a
 * symlink must not expose `.git/config` either).
 *
 * @param rootReal The root's real path.
 * @param real The candidate's real path.
 * @param allowDotfiles Whether dot-named entries may be served.
 * @returns `true` when the candidate may be served.
 */
export function isRealPathAllowed(
  rootReal: string,
  real: string,
  allowDotfiles: boolean,
): boolean {
  if (!isInsideRoot(rootReal, real)) return false;
  if (allowDotfiles || real === rootReal) return true;
  // Inside, so below the root and its separator: what `relative()` gives
  // for normalised paths, without its cost (it runs for every entry found).
  const below = real.slice(rootReal.length + (rootReal.endsWith(sep) ? 0 : 1));
  return !isHiddenPath(below.split(sep));
}

/**
 * Whether a path names a dotfile or passes through a dot-folder, the one
 * exception being a top-level `.well-known` folder (RFC 8615), which ACME
 * challenges and security.txt need.
 *
 * @param segments Decoded path segments relative to the root.
 * @returns `true` when some segment starts with `.`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isHiddenPath } from "./resolve_path.ts";
 *
 * assert.equal(isHiddenPath([".env"]), true);
 * assert.equal(isHiddenPath(["a", ".git", "config"]), true);
 * assert.equal(isHiddenPath([".well-known", "security.txt"]), false);
 * assert.equal(isHiddenPath([".well-known", ".secret"]), true);
 * ```
 */
export function isHiddenPath(segments: readonly string[]): boolean {
  for (let i = 0; i < segments.length; i++) {
    if (!segments[i].startsWith(".")) continue;
    if (i === 0 && segments[i] === ".well-known") continue;
    return true;
  }
  return false;
}
