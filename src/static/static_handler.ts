/**
 * The static file handler: a Web-standard `(Request) => Promise<Response>`
 * that routes a request to a file, directory index, listing, redirect,
 * clean URL, SPA fallback or 404 page.
 *
 * @module
 */

import { join, resolve } from "node:path";
import { CacheControlMemo } from "./cache_control.ts";
import {
  readListing,
  renderListingHtml,
  renderListingJson,
} from "./dir_listing.ts";
import { FAST_LANE, type FastLane } from "../fast_lane.ts";
import {
  type CacheEntry,
  type EntryLoader,
  FileCache,
  type FileEntry,
} from "./file_cache.ts";
import { StaticFastLane } from "./fast_lane.ts";
import {
  describeOpened,
  loadEntry,
  type LoadEntryOptions,
} from "./file_entry.ts";
import { type FileAnswer, MemoryAnswer, responseOf } from "./memory_answer.ts";
import { respondWithCurrentFile } from "./respond_with_current_file.ts";
import type { Containment } from "./locate_entry.ts";
import { extensionOf } from "./media_types.ts";
import {
  type ResolvedStaticOptions,
  resolveStaticOptions,
  type StaticHandlerOptions,
} from "./options.ts";
import {
  isHiddenPath,
  joinInsideRoot,
  resolveUrlPath,
} from "./resolve_path.ts";
import { statusResponse } from "./status_response.ts";

/**
 * A Web-standard request handler, as accepted by `Deno.serve` and berth's
 * `serve()`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createStaticHandler, type StaticHandler } from "./static_handler.ts";
 *
 * const handler: StaticHandler = createStaticHandler({ root: "." });
 * const response = await handler(new Request("http://localhost/", { method: "DELETE" }));
 * assert.equal(response.status, 405);
 * await response.body?.cancel();
 * ```
 */
export type StaticHandler = (request: Request) => Promise<Response>;

/**
 * The methods a static handler answers, for `Allow`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ALLOWED_METHODS } from "./static_handler.ts";
 *
 * assert.equal(ALLOWED_METHODS, "GET, HEAD, OPTIONS");
 * ```
 */
export const ALLOWED_METHODS = "GET, HEAD, OPTIONS";

const CORS_EXPOSE =
  "Accept-Ranges, Content-Encoding, Content-Length, Content-Range, ETag, Last-Modified";
const CORS_ALLOW_HEADERS =
  "Accept, Accept-Encoding, Content-Type, If-Match, If-Modified-Since, If-None-Match, If-Range, If-Unmodified-Since, Range";
const TOKEN_LIST =
  /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+(\s*,\s*[!#$%&'*+\-.^_`|~0-9A-Za-z]+)*$/;

/** Per-request routing state. */
interface Route {
  request: Request;
  method: string;
  url: URL;
  /** Decoded segments below the root (after `urlRoot`). */
  segments: string[];
  trailingSlash: boolean;
  rootReal: string;
}

type Lookup =
  | { entry: CacheEntry; status?: undefined }
  | { entry?: undefined; status: 403 | 404 };

const NOT_FOUND: Lookup = { status: 404 };

/**
 * Where a handler made by {@linkcode createStaticHandler} exposes its file
 * cache and fast lane: for tests and benchmarks that check memory
 * accounting. Not part of the public API.
 */
export const STATIC_INTERNALS: unique symbol = Symbol("berth.staticInternals");

/** What {@linkcode STATIC_INTERNALS} gives access to. */
export interface StaticInternals {
  /** The handler's file cache: every byte kept for reuse is counted there. */
  readonly cache: FileCache;
  /** The handler's fast lane. */
  readonly fastLane: StaticFastLane;
}

/**
 * The status a filesystem error maps to: a client can never cause a 500.
 * Missing files, `ENOTDIR` (`/file.txt/x`), loops and over-long names are
 * 404; permission errors are 403. Anything else is unexpected.
 *
 * @param error What a `Deno` filesystem call threw.
 * @returns `403`, `404`, or `null` for an unexpected error.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fsErrorStatus } from "./static_handler.ts";
 *
 * assert.equal(fsErrorStatus(new Deno.errors.NotFound("x")), 404);
 * assert.equal(fsErrorStatus(new Deno.errors.PermissionDenied("x")), 403);
 * assert.equal(fsErrorStatus(new Error("boom")), null);
 * ```
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

function encodeSegments(segments: readonly string[]): string {
  return segments.map(encodeURIComponent).join("/");
}

// The query is kept on redirects; anything outside printable ASCII is
// encoded so a Location can never carry CR/LF.
function safeSearch(search: string): string {
  return search.replace(/[^\x21-\x7e]/g, (c) => encodeURIComponent(c));
}

function acceptsHtml(request: Request): boolean {
  return (request.headers.get("accept") ?? "").toLowerCase().includes(
    "text/html",
  );
}

function wantsJson(request: Request): boolean {
  const accept = (request.headers.get("accept") ?? "").toLowerCase();
  return accept.includes("application/json") && !accept.includes("text/html");
}

/**
 * Create a static file handler: a plain `(request) => Promise<Response>`,
 * so it runs on berth's `serve()`, on `Deno.serve`, under `deno serve` and
 * on Deno Deploy alike.
 *
 * What it does, in order:
 * - `OPTIONS` → 204 with `Allow` (and a CORS preflight answer when `cors`);
 *   methods other than GET/HEAD → 405. Nothing ever writes to disk.
 * - The raw URL path is decoded once; malformed or dangerous paths → 400,
 *   and no path can leave the root, lexically or through symlinks (unless
 *   `followSymlinks` says otherwise).
 * - Dotfiles → 404 unless `dotfiles` (`/.well-known/` is always allowed).
 * - Files are answered with `Content-Type`, a strong `ETag`,
 *   `Last-Modified`, `Cache-Control`, `Accept-Ranges`, preconditions
 *   (RFC 9110 §13.2.2), ranges and multipart ranges, precompressed
 *   siblings or on-the-fly gzip, and `X-Content-Type-Options: nosniff`.
 * - Directories: trailing-slash redirect (query kept), index files, an
 *   optional listing. Then clean URLs, the SPA fallback and the 404 page.
 *
 * Small files are served from memory; the cache re-checks a file at most
 * `revalidateMs` after it last looked, so a change is never served stale
 * longer than that. Large files stream from disk with bounded memory.
 *
 * @param options See {@linkcode StaticHandlerOptions}; all optional.
 * @returns The handler.
 * @throws {TypeError | RangeError} When an option is invalid.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createStaticHandler } from "./static_handler.ts";
 *
 * const root = await Deno.makeTempDir();
 * try {
 *   await Deno.writeTextFile(`${root}/hello.txt`, "hello");
 *   const handler = createStaticHandler({ root });
 *   const response = await handler(new Request("http://localhost/hello.txt"));
 *   assert.equal(response.status, 200);
 *   assert.equal(response.headers.get("content-type"), "text/plain; charset=utf-8");
 *   assert.equal(await response.text(), "hello");
 *
 *   const missing = await handler(new Request("http://localhost/nope"));
 *   assert.equal(missing.status, 404);
 *   await missing.body?.cancel();
 * } finally {
 *   await Deno.remove(root, { recursive: true });
 * }
 * ```
 */
export function createStaticHandler(
  options: StaticHandlerOptions = {},
): StaticHandler {
  const opts: ResolvedStaticOptions = resolveStaticOptions(options);
  const rootAbs = resolve(opts.root);
  const cache = new FileCache({
    revalidateMs: opts.revalidateMs,
    maxFileBytes: opts.maxCachedFileBytes,
    budgetBytes: opts.cacheBudgetBytes,
    now: opts.now,
  });
  const cacheControl = new CacheControlMemo(opts.cacheControl);
  let rootState: { real: string; checkedAt: number } | null = null;
  const fastLane = new StaticFastLane(cache, (entry) => {
    // Only with a fresh root: the reload checks containment against it.
    if (rootState === null) return;
    cache.revalidate(entry.key, loaderFor(rootState.real)).catch(() => {
      // The entry is dropped; the next request takes the ordinary path.
    });
  }, { gzip: opts.gzip });

  // The root's real path, re-resolved like any entry, so swapping a
  // `current -> releases/N` symlink takes effect within revalidateMs.
  async function rootReal(): Promise<string | null> {
    const now = opts.now();
    if (rootState !== null && now - rootState.checkedAt < opts.revalidateMs) {
      return rootState.real;
    }
    try {
      rootState = { real: await Deno.realPath(rootAbs), checkedAt: now };
      return rootState.real;
    } catch (error) {
      rootState = null;
      if (fsErrorStatus(error) !== null) return null;
      throw error;
    }
  }

  // The root re-resolved ahead of its expiry, for the fast lane: one
  // blocking realpath every revalidateMs / 2 costs less than a request
  // that would wait for it.
  function refreshRoot(): void {
    const now = opts.now();
    try {
      rootState = { real: Deno.realPathSync(rootAbs), checkedAt: now };
    } catch {
      // Gone or unreadable: the ordinary path re-resolves it and answers.
      rootState = null;
    }
  }

  const containmentKind: Containment["kind"] = opts.followSymlinks === "never"
    ? "exact"
    : opts.followSymlinks === "always"
    ? "anywhere"
    : "inside-root";

  function entryOptions(real: string): LoadEntryOptions {
    return {
      containment: {
        kind: containmentKind,
        root: rootAbs,
        rootReal: real,
        dotfiles: opts.dotfiles,
      },
      precompressed: opts.precompressed,
      etag: opts.etag,
      etagAlgorithm: opts.etagAlgorithm,
      now: opts.now(),
      // A sibling added next to an unchanged file is noticed within
      // 30 × revalidateMs; one that changes, within revalidateMs.
      siblingRecheckMs: opts.revalidateMs * 30,
      // Small files' bytes come from the descriptor their identity does.
      readBytesUpTo: cache.canHold(opts.maxCachedFileBytes)
        ? opts.maxCachedFileBytes
        : cache.budgetBytes,
    };
  }

  function loaderFor(real: string): EntryLoader {
    return (key, previous) => loadEntry(key, previous, entryOptions(real));
  }

  async function lookup(path: string, real: string): Promise<Lookup> {
    try {
      const entry = await cache.lookup(path, loaderFor(real));
      return entry === null ? NOT_FOUND : { entry };
    } catch (error) {
      const status = fsErrorStatus(error);
      if (status === null) throw error;
      return { status };
    }
  }

  function redirect(route: Route, slash: boolean): Response {
    const all = [...opts.urlRoot, ...route.segments];
    // Built from decoded, validated segments — never from the raw path — so
    // it cannot start with `//` or `/\` (an open redirect) nor carry CR/LF.
    let location = "/" + encodeSegments(all);
    if (slash && all.length > 0) location += "/";
    location += safeSearch(route.url.search);
    return statusResponse(301, route.method, { location });
  }

  async function serveEntry(
    route: Route,
    entry: FileEntry,
    status: 200 | 404 = 200,
    vary: string[] = [],
  ): Promise<FileAnswer> {
    const notThere = () =>
      status === 404 ? statusResponse(404, route.method) : notFound(route);
    try {
      return await respondWithCurrentFile(route.request, entry, {
        options: (current, fromHeld) => {
          return {
            cache: fromHeld ? null : cache,
            maxInMemoryBytes: opts.maxCachedFileBytes,
            gzip: opts.gzip,
            // An error page is never cached as if it were the resource.
            cacheControl: status === 404
              ? "no-cache"
              : cacheControl.valueFor(current),
            maxRanges: opts.maxRanges,
            status,
            vary,
          };
        },
        changed: (current) => cache.delete(current.key),
        find: async (current) => {
          const again = await lookup(current.key, route.rootReal);
          if (again.entry?.kind === "file") return again.entry;
          return again.status === 403
            ? statusResponse(403, route.method)
            : notThere();
        },
        describe: (current, file) =>
          describeOpened(current, file, entryOptions(route.rootReal)),
        gone: notThere,
      });
    } catch (error) {
      // Deleted or made unreadable between the lookup and the open.
      const failed = fsErrorStatus(error);
      if (failed === null) throw error;
      cache.delete(entry.key);
      return failed === 403 ? statusResponse(403, route.method) : notThere();
    }
  }

  async function notFound(route: Route): Promise<FileAnswer> {
    const vary = opts.spa ? ["Accept"] : [];
    if (opts.notFoundPage !== null) {
      const path = joinInsideRoot(rootAbs, opts.notFoundPage);
      const page = path === null
        ? NOT_FOUND
        : await lookup(path, route.rootReal);
      if (page.entry?.kind === "file") {
        return serveEntry(route, page.entry, 404, vary);
      }
    }
    return statusResponse(
      404,
      route.method,
      vary.length ? { vary: vary.join(", ") } : undefined,
    );
  }

  function listing(
    route: Route,
    dir: CacheEntry,
  ): Promise<FileAnswer> | Response {
    let entries;
    try {
      entries = readListing(dir.key, {
        containment: entryOptions(route.rootReal).containment,
      });
    } catch (error) {
      const status = fsErrorStatus(error);
      if (status === null) throw error;
      return status === 404
        ? notFound(route)
        : statusResponse(status, route.method);
    }
    if (entries === null) return notFound(route);
    const all = [...opts.urlRoot, ...route.segments];
    const displayPath = all.length ? `/${all.join("/")}/` : "/";
    const hrefBase = all.length ? `/${encodeSegments(all)}/` : "/";
    const json = wantsJson(route.request);
    const body = new TextEncoder().encode(
      json
        ? renderListingJson(displayPath, hrefBase, entries)
        : renderListingHtml(
          displayPath,
          hrefBase,
          entries,
          route.segments.length > 0,
        ),
    );
    const headers = new Headers({
      "content-type": json
        ? "application/json; charset=utf-8"
        : "text/html; charset=utf-8",
      "content-length": String(body.length),
      "cache-control": "no-cache",
      vary: "Accept",
    });
    return new Response(route.method === "HEAD" ? null : body, {
      status: 200,
      headers,
    });
  }

  async function directory(
    route: Route,
    dir: CacheEntry,
  ): Promise<FileAnswer> {
    for (const name of opts.index) {
      const found = await lookup(join(dir.key, name), route.rootReal);
      if (found.entry?.kind === "file") return serveEntry(route, found.entry);
      if (found.status === 403) return statusResponse(403, route.method);
    }
    if (opts.listing) return listing(route, dir);
    return notFound(route);
  }

  function preflight(request: Request): Response {
    const headers = new Headers({ allow: ALLOWED_METHODS });
    if (
      opts.cors && request.headers.has("origin") &&
      request.headers.has("access-control-request-method")
    ) {
      headers.set("access-control-allow-methods", ALLOWED_METHODS);
      const asked = request.headers.get("access-control-request-headers");
      headers.set(
        "access-control-allow-headers",
        asked !== null && TOKEN_LIST.test(asked.trim())
          ? asked.trim()
          : CORS_ALLOW_HEADERS,
      );
      headers.set("access-control-max-age", "86400");
    }
    return statusResponse(204, "OPTIONS", headers);
  }

  async function route(request: Request): Promise<FileAnswer> {
    const method = request.method;
    if (method === "OPTIONS") return preflight(request);
    if (method !== "GET" && method !== "HEAD") {
      return statusResponse(405, method, { allow: ALLOWED_METHODS });
    }
    const url = new URL(request.url);
    const resolved = resolveUrlPath(url.pathname);
    if (!resolved.ok) return statusResponse(resolved.status, method);

    // Strip urlRoot, compared on decoded segments so spelling cannot matter.
    const prefix = opts.urlRoot;
    if (prefix.some((segment, i) => resolved.segments[i] !== segment)) {
      return statusResponse(404, method);
    }
    const segments = resolved.segments.slice(prefix.length);
    const real = await rootReal();
    if (real === null) return statusResponse(404, method);
    const r: Route = {
      request,
      method,
      url,
      segments,
      trailingSlash: resolved.trailingSlash,
      rootReal: real,
    };

    if (!opts.dotfiles && isHiddenPath(segments)) return notFound(r);
    const path = joinInsideRoot(rootAbs, segments);
    if (path === null) return notFound(r);

    const policy = opts.trailingSlash;
    const slash = r.trailingSlash;
    const found = await lookup(path, real);
    if (found.entry?.kind === "file") {
      if (slash && segments.length > 0) {
        if (policy === "never") return redirect(r, false);
        // `/file.txt/` names a directory that does not exist (ENOTDIR).
        if (policy !== "ignore") return notFound(r);
      }
      return serveEntry(r, found.entry);
    }
    if (found.entry?.kind === "directory") {
      // The mount point under a urlRoot has a slash form too; `/` has only one.
      if (opts.urlRoot.length + segments.length > 0) {
        if (!slash && (policy === "redirect" || policy === "always")) {
          return redirect(r, true);
        }
        if (slash && policy === "never") return redirect(r, false);
      }
      return directory(r, found.entry);
    }
    if (found.status === 403) return statusResponse(403, method);

    const last = segments[segments.length - 1] ?? "";
    if (opts.cleanUrls && segments.length > 0 && extensionOf(last) === "") {
      const page = await lookup(path + ".html", real);
      if (page.entry?.kind === "file") {
        if (policy === "always" && !slash) return redirect(r, true);
        if ((policy === "redirect" || policy === "never") && slash) {
          return redirect(r, false);
        }
        return serveEntry(r, page.entry);
      }
      if (page.status === 403) return statusResponse(403, method);
    }
    if (
      opts.spa !== null && acceptsHtml(request) && extensionOf(last) === ""
    ) {
      const fallbackPath = joinInsideRoot(rootAbs, opts.spa);
      const fallback = fallbackPath === null
        ? NOT_FOUND
        : await lookup(fallbackPath, real);
      if (fallback.entry?.kind === "file") {
        return serveEntry(r, fallback.entry, 200, ["Accept"]);
      }
    }
    return notFound(r);
  }

  async function staticHandler(request: Request): Promise<Response> {
    let answer: FileAnswer;
    try {
      answer = await route(request);
    } catch (error) {
      opts.onError?.(error, request);
      answer = statusResponse(500, request.method);
    }
    const response = responseOf(answer);
    const headers = response.headers;
    headers.set("x-content-type-options", "nosniff");
    if (opts.cors) {
      headers.set("access-control-allow-origin", "*");
      headers.set("access-control-expose-headers", CORS_EXPOSE);
    }
    for (const [name, value] of opts.headers) headers.set(name, value);
    // Recorded with its headers final, so both lanes answer alike.
    if (answer instanceof MemoryAnswer && rootState !== null) {
      fastLane.record(new URL(request.url).pathname, answer);
    }
    return response;
  }

  // The engine's fast lane (see src/fast_lane.ts); the root must be as
  // fresh as the file for a hit, as on the ordinary path.
  const serveFast: FastLane = (request, nowMs) => {
    if (rootState === null) return undefined;
    // One read of the cache's clock serves the root's check and the file's.
    const now = opts.now();
    const age = now - rootState.checkedAt;
    if (age >= opts.revalidateMs) return undefined;
    if (age >= opts.revalidateMs / 2) {
      refreshRoot();
      // Gone now: the ordinary path says what is there instead.
      if (rootState === null) return undefined;
    }
    return fastLane.serve(request, nowMs, now);
  };
  return Object.assign(staticHandler, {
    [FAST_LANE]: serveFast,
    [STATIC_INTERNALS]: { cache, fastLane },
  });
}
