/**
 * The static file handler: a Web-standard `(Request) => Promise<Response>`
 * that routes a request to a file, directory index, listing, redirect,
 * clean URL, SPA fallback or 404 page.
 *
 * This module wires the parts together: the files under the root and their
 * cache (`site_files.ts`), the root's real path (`root_real_path.ts`), the
 * ordinary path (`router.ts`, deciding with `route_decision.ts`), the fast
 * lane (`fast_lane.ts`), which remembers what the ordinary path answered
 * from memory, and the watch of the root while an engine serves with the
 * handler (`site_watch.ts`).
 *
 * @module
 */

import { unsupportedDeno } from "../http/deno_version.ts";
import { EXPLAIN_FIELD } from "../http/explain_field.ts";
import { FAST_LANE, type FastLane } from "../http/fast_lane.ts";
import { ON_SERVE, type OnServe } from "../http/serve_lifecycle.ts";
import { addCorsHeaders } from "./cors.ts";
import { Explanation } from "./explanation.ts";
import { StaticFastLane } from "./fast_lane.ts";
import type { FileCache, FileEntry } from "./file_cache.ts";
import type { LiveReload } from "./live_reload.ts";
import { type FileAnswer, MemoryAnswer, responseOf } from "./memory_answer.ts";
import {
  type ResolvedStaticOptions,
  resolveStaticOptions,
  type StaticHandlerOptions,
} from "./options.ts";
import { RootRealPath } from "./root_real_path.ts";
import { NOT_A_FILE, StaticRouter } from "./router.ts";
import { resolveUrlPath } from "./resolve_path.ts";
import { SiteFiles } from "./site_files.ts";
import { SiteRules } from "./site_rules.ts";
import { SiteWatch } from "./site_watch.ts";
import { statusResponse } from "./status_response.ts";

/**
 * A Web-standard request handler, as accepted by `Deno.serve` and berth's
 * `serve()`. The second argument, the engine's `info`, is handed to the
 * `fallback` app, if any, and otherwise unused.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createStaticHandler, type StaticHandler } from "@berth/berth";
 *
 * const handler: StaticHandler = createStaticHandler({ root: "." });
 * const response = await handler(new Request("http://localhost/", { method: "DELETE" }));
 * assert.equal(response.status, 405);
 * await response.body?.cancel();
 * ```
 */
export type StaticHandler = (
  request: Request,
  info?: unknown,
) => Promise<Response>;

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
  /**
   * Read the site's rules now (the command line does at start, so a bad
   * line is reported then); resolves when done.
   */
  readonly warmUp: () => Promise<void>;
  /**
   * The watch of the root while an engine serves with the handler, or
   * `null` when it never watches (`watch: false`, `revalidateMs: 0`).
   */
  readonly watch: SiteWatch | null;
  /**
   * Live reload's paths and event stream, or `null` without `liveReload`
   * (and until its modules have loaded).
   */
  readonly liveReload: LiveReload | null;
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
 * longer than that. While berth's `serve()` serves with the handler, it
 * also watches the root, so a change is served at once (see `watch`).
 * Large files stream from disk with bounded memory.
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
 * import { createStaticHandler } from "@berth/berth";
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
  return staticHandlerFrom(resolveStaticOptions(options));
}

/**
 * What `_headers` does to an answer: removals first, then what it sets.
 * Returns what was done, as a key (`""` for nothing): two paths to one
 * file that get different fields cannot share the fast lane's answers.
 */
function applySiteHeaders(
  response: Response,
  rules: SiteRules,
  mount: readonly string[],
  asked: { pathname: string; explain: Explanation | null },
): string {
  const resolved = resolveUrlPath(asked.pathname);
  if (!resolved.ok) return "";
  const segments = resolved.segments;
  for (let i = 0; i < mount.length; i++) {
    if (segments[i] !== mount[i]) return "";
  }
  const changes = rules.headersFor(segments.slice(mount.length));
  if (changes === null) return "";
  asked.explain?.headers(changes.lines);
  const headers = response.headers;
  let key = "";
  for (const name of changes.remove) {
    headers.delete(name);
    key += "!" + name + "\n";
  }
  for (const [name, value] of changes.set) {
    headers.set(name, value);
    key += name + ": " + value + "\n";
  }
  return key;
}

/**
 * The handler for options already resolved, answering with the conventions
 * they carry: how `serveDir` makes one with std's. Not part of the public
 * API.
 *
 * @param opts Resolved options (see `resolveStaticOptions`).
 * @returns The handler.
 */
export function staticHandlerFrom(opts: ResolvedStaticOptions): StaticHandler {
  const unsupported = unsupportedDeno(Deno.version.deno);
  if (unsupported !== null) throw new Error(unsupported);
  const files = new SiteFiles(opts);
  const cache = files.cache;
  const root = new RootRealPath(files.root, opts);
  const rules = opts.siteRules
    ? new SiteRules(files, {
      warn: (message) => opts.onWarning?.(message),
      // What was recorded may now be redirected, rewritten or have other
      // headers.
      changed: () => fastLane.forgetAll(),
    }, { now: opts.now, revalidateMs: opts.revalidateMs })
    : null;
  const router = new StaticRouter(opts, { files, root, rules });
  const fastLane = new StaticFastLane(cache, (entry) => {
    // While watching, files in use are re-checked in batches.
    if (watch?.recheck(entry)) return;
    // Only with a fresh root: the reload checks containment against it.
    if (root.real === null) return;
    cache.revalidate(entry.key, files.loader(root.real)).catch(() => {
      // The entry is dropped; the next request takes the ordinary path.
    });
  }, {
    gzip: opts.gzip,
    recheckNow: (entry: FileEntry, now: number): boolean =>
      watch?.recheckNow(entry, now) ?? false,
  });
  // Nothing to learn when every request looks at the disk anyway.
  const watch = opts.watch && opts.revalidateMs > 0
    ? new SiteWatch(
      { files, root, rules, fastLane },
      (message) => opts.onWarning?.(message),
    )
    : null;
  // Live reload's modules load only when it is on, as the handler is made
  // (less memory without it); requests made meanwhile wait for them.
  let liveReload: LiveReload | null = null;
  const liveReloadLoading = opts.liveReload
    ? import("./live_reload.ts").then(({ LiveReload }) =>
      liveReload = new LiveReload({
        root: files.root,
        mount: opts.urlRoot,
        forget: () => {
          cache.clear();
          fastLane.forgetAll();
        },
        warn: (message) => opts.onWarning?.(message),
        // One watch of the root: pages hear of changes from the handler's.
        subscribe: (handlers) => watch?.subscribe(handlers) ?? null,
      })
    )
    : null;
  // A failure reaches the requests, which await it (the engine answers 500).
  liveReloadLoading?.catch(() => {});

  async function staticHandler(
    request: Request,
    info?: unknown,
  ): Promise<Response> {
    if (liveReloadLoading !== null) {
      const reserved = (liveReload ?? await liveReloadLoading).answer(request);
      if (reserved !== null) return reserved;
    }
    // While this answer is made, fast-lane misses for its path wait for it
    // (lane_waits.ts): it may leave the answer they need.
    const making = fastLane.waits.begin(request);
    let answered: Response | typeof NOT_A_FILE;
    try {
      answered = await answerFromFiles(request, making);
    } finally {
      if (making !== null) fastLane.waits.end(making);
    }
    // Not a file: the app's, as it answers (its errors are its own: the
    // engine answers them 500), and unexplained.
    if (answered === NOT_A_FILE) return await opts.fallback!(request, info);
    return answered;
  }

  /**
   * The ordinary path's answer, recorded by the fast lane when it may be
   * replayed; `pathname` when the caller has it.
   */
  async function answerFromFiles(
    request: Request,
    pathname: string | null,
  ): Promise<Response | typeof NOT_A_FILE> {
    let explain = opts.explain ? new Explanation() : null;
    let answer: FileAnswer | typeof NOT_A_FILE;
    try {
      answer = await router.route(request, explain);
    } catch (error) {
      opts.onError?.(error, request);
      answer = statusResponse(500, request.method);
      if (explain !== null) {
        explain = new Explanation();
        explain.note("error");
      }
    }
    if (answer === NOT_A_FILE) return NOT_A_FILE;
    const response = responseOf(answer);
    const headers = response.headers;
    headers.set("x-content-type-options", "nosniff");
    if (opts.cors) addCorsHeaders(headers);
    for (const [name, value] of opts.headers) headers.set(name, value);
    pathname ??= new URL(request.url).pathname;
    const headersKey = rules === null
      ? ""
      : applySiteHeaders(response, rules, opts.urlRoot, { pathname, explain });
    if (explain !== null) {
      headers.set(EXPLAIN_FIELD, explain.render(response.status));
    }
    // Recorded with its headers final, so both lanes answer alike.
    if (answer instanceof MemoryAnswer && root.real !== null) {
      fastLane.record(pathname, answer, {
        pathKey: explain === null
          ? headersKey
          : headersKey + explain.routeWords(),
        explained: explain?.replayed(headers.get("etag")) ?? null,
      });
    }
    return response;
  }

  // The engine's fast lane (see src/http/fast_lane.ts): it skips routing
  // altogether, and answers only while the root is as fresh as the file.
  const serveFast: FastLane = (request, nowMs) => {
    // One read of the cache's clock serves the root's check and the file's.
    const now = opts.now();
    if (!root.readyForHit(now)) return fastLane.waits.waitFor(request);
    if (rules !== null) {
      // The rules decide before any file does: as fresh as the file, and
      // looked at again ahead of time as files are.
      if (!rules.fresh(now)) return fastLane.waits.waitFor(request);
      rules.refreshAhead(now, root.real!);
    }
    return fastLane.serve(request, nowMs, now);
  };
  const warmUp = async () => {
    const real = await root.resolve();
    if (rules !== null && real !== null) await rules.current(real);
  };
  // While an engine serves with the handler: the root watched, and the
  // event streams, which never end by themselves, ended as it shuts down.
  const onServe: OnServe = () => {
    const stopWatching = watch?.serving();
    return {
      shuttingDown: () =>
        liveReloadLoading?.then((loaded) => loaded.close(), () => {}),
      stopped: () => stopWatching?.() ?? Promise.resolve(),
    };
  };
  return Object.assign(staticHandler, {
    [FAST_LANE]: serveFast,
    [STATIC_INTERNALS]: {
      cache,
      fastLane,
      warmUp,
      watch,
      get liveReload() {
        return liveReload;
      },
    },
    ...(watch === null && liveReloadLoading === null
      ? {}
      : { [ON_SERVE]: onServe }),
  });
}
