/**
 * Options of {@linkcode createStaticHandler}, their defaults, and their
 * validation.
 *
 * @module
 */

import type { CacheControlPolicy } from "./cache_control.ts";
import { type EtagAlgorithm, isEtagAlgorithm } from "./etag.ts";
import { resolveUrlPath } from "./resolve_path.ts";

/**
 * What to do about a trailing `/`:
 * - `"redirect"`: a directory without it gets a 301 to the slash form; a
 *   file with it is a 404; clean-URL pages are canonical without it.
 * - `"always"`: as `"redirect"`, and clean-URL pages (`/about` →
 *   `about.html`) are canonical with it too.
 * - `"never"`: any path with it (except `/`) gets a 301 to the form
 *   without; a directory without it serves its index directly.
 * - `"ignore"`: both forms are served; no redirects.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { TrailingSlashPolicy } from "./options.ts";
 * import { createStaticHandler } from "./static_handler.ts";
 *
 * const trailingSlash: TrailingSlashPolicy = "never";
 * assert.equal(typeof createStaticHandler({ trailingSlash }), "function");
 * ```
 */
export type TrailingSlashPolicy = "redirect" | "always" | "never" | "ignore";

/**
 * Which symlinks are followed:
 * - `"inside-root"`: only those whose real path stays inside the root's
 *   real path (and, without `dotfiles`, reaches no dot-named entry);
 * - `"always"`: any (only the URL path is checked);
 * - `"never"`: none; a path through a symlink is a 404.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { SymlinkPolicy } from "./options.ts";
 * import { createStaticHandler } from "./static_handler.ts";
 *
 * const followSymlinks: SymlinkPolicy = "never";
 * assert.equal(typeof createStaticHandler({ followSymlinks }), "function");
 * ```
 */
export type SymlinkPolicy = "inside-root" | "always" | "never";

/**
 * Compression:
 * - `true`: precompressed siblings (`file.br`, `file.zst`, `file.gz`) and
 *   on-the-fly gzip for compressible types;
 * - `"precompressed"`: siblings only;
 * - `false`: identity only.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { CompressPolicy } from "./options.ts";
 * import { createStaticHandler } from "./static_handler.ts";
 *
 * const compress: CompressPolicy = "precompressed";
 * assert.equal(typeof createStaticHandler({ compress }), "function");
 * ```
 */
export type CompressPolicy = boolean | "precompressed";

/**
 * Options for {@linkcode createStaticHandler}; every field is optional.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { StaticHandlerOptions } from "./options.ts";
 * import { createStaticHandler } from "./static_handler.ts";
 *
 * const options: StaticHandlerOptions = {
 *   root: "public",
 *   spa: true,
 *   cleanUrls: true,
 *   headers: { "X-Frame-Options": "DENY" },
 * };
 * assert.equal(typeof createStaticHandler(options), "function");
 * ```
 */
export interface StaticHandlerOptions {
  /**
   * The directory to serve (std's `fsRoot`).
   *
   * @default {"."}
   */
  root?: string;
  /**
   * A URL path prefix to strip before mapping to files, e.g. `"static"`
   * serves `/static/a.css` from `root/a.css`; other paths are 404 (std's
   * `urlRoot`).
   *
   * @default {""}
   */
  urlRoot?: string;
  /**
   * File names tried, in order, for a directory; `false` or `[]` for none.
   *
   * @default {["index.html"]}
   */
  index?: readonly string[] | false;
  /**
   * Serve dotfiles and dot-folders. When `false` they are 404 (and hidden
   * from listings), except the top-level `/.well-known/`.
   *
   * @default {false}
   */
  dotfiles?: boolean;
  /**
   * Answer a directory without an index with a listing: HTML, or JSON for
   * `Accept: application/json`.
   *
   * @default {false}
   */
  listing?: boolean;
  /**
   * Single-page-app fallback: a GET/HEAD navigation that accepts HTML, for
   * an extension-less path that matches nothing, is answered 200 with this
   * file (`true` means `"index.html"`), path relative to the root.
   *
   * @default {false}
   */
  spa?: boolean | string;
  /**
   * Serve `/about` from `about.html` when `about` does not exist.
   *
   * @default {false}
   */
  cleanUrls?: boolean;
  /**
   * Trailing-slash policy; see {@linkcode TrailingSlashPolicy}.
   *
   * @default {"redirect"}
   */
  trailingSlash?: TrailingSlashPolicy;
  /**
   * Compression; see {@linkcode CompressPolicy}.
   *
   * @default {true}
   */
  compress?: CompressPolicy;
  /**
   * `Cache-Control`: one value for every file, or a function per file
   * (returning `null` sends none). The default sends
   * `public, max-age=31536000, immutable` for content-hashed names
   * (`app.3f9a1c2e.js`), `no-cache` for HTML and
   * `public, max-age=0, must-revalidate` otherwise.
   *
   * @default {defaultCacheControl}
   */
  cacheControl?: CacheControlPolicy;
  /**
   * Extra headers on every response (they replace a default of the same
   * name): a record, or `"Name: value"` strings as in std's `headers`.
   *
   * @default {{}}
   */
  headers?: Readonly<Record<string, string>> | readonly string[];
  /**
   * CORS: `Access-Control-Allow-Origin: *` on every response and answers to
   * preflight `OPTIONS` requests.
   *
   * @default {false}
   */
  cors?: boolean;
  /**
   * Symlink policy; see {@linkcode SymlinkPolicy}.
   *
   * @default {"inside-root"}
   */
  followSymlinks?: SymlinkPolicy;
  /**
   * Send strong ETags (from size, mtime and inode; distinct per
   * content-coding).
   *
   * @default {true}
   */
  etag?: boolean;
  /**
   * The hash behind ETags.
   *
   * @default {"fnv1a"}
   */
  etagAlgorithm?: EtagAlgorithm;
  /**
   * How long cached metadata and bytes are trusted before the file is
   * stat'ed again, in ms; `0` stats on every request. A changed file is
   * never served stale more than this long after the change.
   *
   * @default {1000}
   */
  revalidateMs?: number;
  /**
   * Files up to this size are kept in memory; larger ones are streamed.
   *
   * @default {1048576}
   */
  maxCachedFileBytes?: number;
  /**
   * Every byte kept in memory for reuse, in one budget: cached file bytes,
   * compressed variants (precompressed siblings, on-the-fly gzip), the fast
   * lane's pre-serialized answers (heads and embedded body copies) and its
   * index of paths, and an estimate of each cache entry's metadata. Least
   * recently used files lose their bytes, and all derived from them, first.
   *
   * @default {67108864}
   */
  cacheBudgetBytes?: number;
  /**
   * Page served with status 404 when nothing matches, path relative to the
   * root; when absent (or `false`) a small built-in page is sent.
   *
   * @default {"404.html"}
   */
  notFoundPage?: string | false;
  /**
   * Most ranges honoured in one `Range` header; more → the full 200.
   *
   * @default {16}
   */
  maxRanges?: number;
  /**
   * Called with unexpected errors (answered 500 with a generic body). The
   * handler never logs by itself.
   *
   * @default {undefined}
   */
  onError?: (error: unknown, request: Request) => void;
  /**
   * The cache clock in ms (monotonic). For tests that move time.
   *
   * @default {performance.now}
   */
  now?: () => number;
}

/**
 * {@linkcode StaticHandlerOptions} with defaults applied and values checked.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type ResolvedStaticOptions, resolveStaticOptions } from "./options.ts";
 *
 * const resolved: ResolvedStaticOptions = resolveStaticOptions({ urlRoot: "/static/" });
 * assert.deepEqual(resolved.urlRoot, ["static"]);
 * ```
 */
export interface ResolvedStaticOptions {
  /** The root directory, as given. */
  root: string;
  /** The URL prefix, as decoded segments. */
  urlRoot: string[];
  /** Index file names. */
  index: string[];
  /** See {@linkcode StaticHandlerOptions.dotfiles}. */
  dotfiles: boolean;
  /** See {@linkcode StaticHandlerOptions.listing}. */
  listing: boolean;
  /** The SPA fallback as segments under the root, or `null`. */
  spa: string[] | null;
  /** See {@linkcode StaticHandlerOptions.cleanUrls}. */
  cleanUrls: boolean;
  /** See {@linkcode StaticHandlerOptions.trailingSlash}. */
  trailingSlash: TrailingSlashPolicy;
  /** Whether precompressed siblings are used. */
  precompressed: boolean;
  /** Whether on-the-fly gzip is used. */
  gzip: boolean;
  /** See {@linkcode StaticHandlerOptions.cacheControl}. */
  cacheControl: CacheControlPolicy | undefined;
  /** Extra headers as name/value pairs. */
  headers: [string, string][];
  /** See {@linkcode StaticHandlerOptions.cors}. */
  cors: boolean;
  /** See {@linkcode StaticHandlerOptions.followSymlinks}. */
  followSymlinks: SymlinkPolicy;
  /** See {@linkcode StaticHandlerOptions.etag}. */
  etag: boolean;
  /** See {@linkcode StaticHandlerOptions.etagAlgorithm}. */
  etagAlgorithm: EtagAlgorithm;
  /** See {@linkcode StaticHandlerOptions.revalidateMs}. */
  revalidateMs: number;
  /** See {@linkcode StaticHandlerOptions.maxCachedFileBytes}. */
  maxCachedFileBytes: number;
  /** See {@linkcode StaticHandlerOptions.cacheBudgetBytes}. */
  cacheBudgetBytes: number;
  /** The 404 page as segments under the root, or `null`. */
  notFoundPage: string[] | null;
  /** See {@linkcode StaticHandlerOptions.maxRanges}. */
  maxRanges: number;
  /** See {@linkcode StaticHandlerOptions.onError}. */
  onError: ((error: unknown, request: Request) => void) | undefined;
  /** See {@linkcode StaticHandlerOptions.now}. */
  now: () => number;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// deno-lint-ignore no-control-regex
const BAD_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/;
const TRAILING = ["redirect", "always", "never", "ignore"];
const SYMLINKS = ["inside-root", "always", "never"];

function bool(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") {
    throw new TypeError(`Option "${name}" must be a boolean`);
  }
  return value;
}

function count(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new TypeError(`Option "${name}" must be a number`);
  }
  if (value < 0 || !(Number.isSafeInteger(value) || value === Infinity)) {
    throw new RangeError(`Option "${name}" must be a non-negative integer`);
  }
  return value;
}

function oneOf<T extends string>(
  name: string,
  value: unknown,
  allowed: readonly string[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || !allowed.includes(value)) {
    throw new RangeError(
      `Option "${name}" must be one of ${
        allowed.map((a) => `"${a}"`).join(", ")
      }`,
    );
  }
  return value as T;
}

// A path under the root, given in an option: parsed like a URL path so it
// can never point outside the root either.
function rootPath(name: string, value: string): string[] {
  const resolved = resolveUrlPath(
    "/" + value.split("/").map(encodeURIComponent).join("/"),
  );
  if (!resolved.ok || resolved.segments.length === 0) {
    throw new RangeError(`Option "${name}" must be a path inside the root`);
  }
  return resolved.segments;
}

/**
 * Parse extra headers given as a record or as `"Name: value"` strings,
 * checking that names are tokens and values carry no CR, LF or NUL.
 *
 * @param headers The option value.
 * @returns Name/value pairs.
 * @throws {TypeError} When a header is malformed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseHeaderOption } from "./options.ts";
 *
 * assert.deepEqual(parseHeaderOption(["X-Frame-Options: DENY"]), [["X-Frame-Options", "DENY"]]);
 * assert.deepEqual(parseHeaderOption({ "X-A": "1" }), [["X-A", "1"]]);
 * assert.throws(() => parseHeaderOption({ "X-A": "1\r\nSet-Cookie: x" }), TypeError);
 * ```
 */
export function parseHeaderOption(
  headers: Readonly<Record<string, string>> | readonly string[],
): [string, string][] {
  const pairs: [string, string][] = [];
  if (Array.isArray(headers)) {
    for (const line of headers) {
      if (typeof line !== "string" || !line.includes(":")) {
        throw new TypeError('Option "headers" entries must be "Name: value"');
      }
      const colon = line.indexOf(":");
      pairs.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
    }
  } else if (typeof headers === "object" && headers !== null) {
    for (const [name, value] of Object.entries(headers)) {
      if (typeof value !== "string") {
        throw new TypeError(`Header "${name}" must have a string value`);
      }
      pairs.push([name, value.trim()]);
    }
  } else {
    throw new TypeError('Option "headers" must be a record or an array');
  }
  for (const [name, value] of pairs) {
    if (!TOKEN.test(name)) throw new TypeError(`Invalid header name "${name}"`);
    if (BAD_VALUE.test(value)) {
      throw new TypeError(`Invalid value for header "${name}"`);
    }
  }
  return pairs;
}

/**
 * Apply defaults and validate options, so mistakes surface when the handler
 * is created rather than on some later request.
 *
 * @param options The options as given.
 * @returns The resolved options.
 * @throws {TypeError} When an option has the wrong type.
 * @throws {RangeError} When an option has an unsupported value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveStaticOptions } from "./options.ts";
 *
 * const resolved = resolveStaticOptions({ root: "public", spa: true });
 * assert.equal(resolved.root, "public");
 * assert.deepEqual(resolved.spa, ["index.html"]);
 * assert.deepEqual(resolved.index, ["index.html"]);
 * assert.throws(() => resolveStaticOptions({ revalidateMs: -1 }), RangeError);
 * assert.throws(() => resolveStaticOptions({ index: ["../x.html"] }), RangeError);
 * ```
 */
export function resolveStaticOptions(
  options: StaticHandlerOptions = {},
): ResolvedStaticOptions {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("Options must be an object");
  }
  const root = options.root ?? ".";
  if (typeof root !== "string" || root === "") {
    throw new TypeError('Option "root" must be a non-empty string');
  }
  const urlRootValue = options.urlRoot ?? "";
  if (typeof urlRootValue !== "string") {
    throw new TypeError('Option "urlRoot" must be a string');
  }
  const trimmed = urlRootValue.replace(/^\/+|\/+$/g, "");
  const urlRoot = trimmed === "" ? [] : rootPath("urlRoot", trimmed);

  let index: string[] = ["index.html"];
  if (options.index === false) {
    index = [];
  } else if (options.index !== undefined) {
    if (!Array.isArray(options.index)) {
      throw new TypeError('Option "index" must be an array of names or false');
    }
    index = options.index.map((name) => {
      if (typeof name !== "string") {
        throw new TypeError('Option "index" must contain strings');
      }
      const segments = rootPath("index", name);
      if (segments.length !== 1 || segments[0] !== name) {
        throw new RangeError('Option "index" entries must be plain file names');
      }
      return name;
    });
  }

  let spa: string[] | null = null;
  if (options.spa === true) spa = ["index.html"];
  else if (typeof options.spa === "string") spa = rootPath("spa", options.spa);
  else if (options.spa !== undefined && options.spa !== false) {
    throw new TypeError('Option "spa" must be a boolean or a file name');
  }

  let notFoundPage: string[] | null = ["404.html"];
  if (options.notFoundPage === false) notFoundPage = null;
  else if (typeof options.notFoundPage === "string") {
    notFoundPage = rootPath("notFoundPage", options.notFoundPage);
  } else if (options.notFoundPage !== undefined) {
    throw new TypeError('Option "notFoundPage" must be a file name or false');
  }

  const compress = options.compress ?? true;
  if (compress !== true && compress !== false && compress !== "precompressed") {
    throw new RangeError(
      'Option "compress" must be true, false or "precompressed"',
    );
  }

  const cacheControl = options.cacheControl;
  if (
    cacheControl !== undefined && typeof cacheControl !== "function" &&
    (typeof cacheControl !== "string" || BAD_VALUE.test(cacheControl))
  ) {
    throw new TypeError(
      'Option "cacheControl" must be a header value or a function',
    );
  }

  const etagAlgorithm = options.etagAlgorithm ?? "fnv1a";
  if (!isEtagAlgorithm(etagAlgorithm)) {
    throw new RangeError(
      'Option "etagAlgorithm" must be "fnv1a", "SHA-1", "SHA-256", "SHA-384" or "SHA-512"',
    );
  }
  if (options.onError !== undefined && typeof options.onError !== "function") {
    throw new TypeError('Option "onError" must be a function');
  }
  if (options.now !== undefined && typeof options.now !== "function") {
    throw new TypeError('Option "now" must be a function');
  }
  const maxRanges = count("maxRanges", options.maxRanges, 16);
  if (maxRanges < 1) {
    throw new RangeError('Option "maxRanges" must be at least 1');
  }

  return {
    root,
    urlRoot,
    index,
    dotfiles: bool("dotfiles", options.dotfiles, false),
    listing: bool("listing", options.listing, false),
    spa,
    cleanUrls: bool("cleanUrls", options.cleanUrls, false),
    trailingSlash: oneOf(
      "trailingSlash",
      options.trailingSlash,
      TRAILING,
      "redirect",
    ),
    precompressed: compress !== false,
    gzip: compress === true,
    cacheControl,
    headers: parseHeaderOption(options.headers ?? {}),
    cors: bool("cors", options.cors, false),
    followSymlinks: oneOf(
      "followSymlinks",
      options.followSymlinks,
      SYMLINKS,
      "inside-root",
    ),
    etag: bool("etag", options.etag, true),
    etagAlgorithm,
    revalidateMs: count("revalidateMs", options.revalidateMs, 1000),
    maxCachedFileBytes: count(
      "maxCachedFileBytes",
      options.maxCachedFileBytes,
      1024 * 1024,
    ),
    cacheBudgetBytes: count(
      "cacheBudgetBytes",
      options.cacheBudgetBytes,
      64 * 1024 * 1024,
    ),
    notFoundPage,
    maxRanges,
    onError: options.onError,
    now: options.now ?? (() => performance.now()),
  };
}
