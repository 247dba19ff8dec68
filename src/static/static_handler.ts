/**
 * The static file handler: a Web-standard `(Request) => Promise<Response>`
 * that routes a request to a file, directory index, listing, redirect,
 * clean URL, SPA fallback or 404 page.
 *
 * This module wires the parts together: the files under the root and their
 * cache (`site_files.ts`), the root's real path (`root_real_path.ts`), the
 * ordinary path (`router.ts`, deciding with `route_decision.ts`), and the
 * fast lane (`fast_lane.ts`), which remembers what the ordinary path
 * answered from memory.
 *
 * @module
 */

import { unsupportedDeno } from "../http/deno_version.ts";
import { FAST_LANE, type FastLane } from "../http/fast_lane.ts";
import { addCorsHeaders } from "./cors.ts";
import { StaticFastLane } from "./fast_lane.ts";
import type { FileCache } from "./file_cache.ts";
import { type FileAnswer, MemoryAnswer, responseOf } from "./memory_answer.ts";
import {
  type ResolvedStaticOptions,
  resolveStaticOptions,
  type StaticHandlerOptions,
} from "./options.ts";
import { RootRealPath } from "./root_real_path.ts";
import { StaticRouter } from "./router.ts";
import { SiteFiles } from "./site_files.ts";
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
 * @throws {Error} On a Deno older than berth supports (2.9.5); the message
 *   names the version to install.
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
  const unsupported = unsupportedDeno(Deno.version.deno);
  if (unsupported !== null) throw new Error(unsupported);
  const opts: ResolvedStaticOptions = resolveStaticOptions(options);
  const files = new SiteFiles(opts);
  const cache = files.cache;
  const root = new RootRealPath(files.root, opts);
  const router = new StaticRouter(opts, { files, root });
  const fastLane = new StaticFastLane(cache, (entry) => {
    // Only with a fresh root: the reload checks containment against it.
    if (root.real === null) return;
    cache.revalidate(entry.key, files.loader(root.real)).catch(() => {
      // The entry is dropped; the next request takes the ordinary path.
    });
  }, { gzip: opts.gzip });

  async function staticHandler(request: Request): Promise<Response> {
    let answer: FileAnswer;
    try {
      answer = await router.route(request);
    } catch (error) {
      opts.onError?.(error, request);
      answer = statusResponse(500, request.method);
    }
    const response = responseOf(answer);
    const headers = response.headers;
    headers.set("x-content-type-options", "nosniff");
    if (opts.cors) addCorsHeaders(headers);
    for (const [name, value] of opts.headers) headers.set(name, value);
    // Recorded with its headers final, so both lanes answer alike.
    if (answer instanceof MemoryAnswer && root.real !== null) {
      fastLane.record(new URL(request.url).pathname, answer);
    }
    return response;
  }

  // The engine's fast lane (see src/http/fast_lane.ts): it skips routing
  // altogether, and answers only while the root is as fresh as the file.
  const serveFast: FastLane = (request, nowMs) => {
    // One read of the cache's clock serves the root's check and the file's.
    const now = opts.now();
    return root.readyForHit(now)
      ? fastLane.serve(request, nowMs, now)
      : undefined;
  };
  return Object.assign(staticHandler, {
    [FAST_LANE]: serveFast,
    [STATIC_INTERNALS]: { cache, fastLane },
  });
}
