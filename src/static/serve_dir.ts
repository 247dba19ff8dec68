/**
 * `serveDir()`: a drop-in for `@std/http`'s function of the same name, with
 * the same option names and meanings, on berth's static handler.
 *
 * @module
 */

import type { EtagAlgorithm } from "./etag.ts";
import { createStaticHandler, type StaticHandler } from "./static_handler.ts";

/**
 * Options for {@linkcode serveDir}: the names and meanings of `@std/http`'s
 * `ServeDirOptions`, so switching is a one-line import change.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { serveDir, type ServeDirOptions } from "@berth/berth";
 *
 * const options: ServeDirOptions = { fsRoot: ".", urlRoot: "assets", quiet: true };
 * const response = await serveDir(new Request("http://localhost/elsewhere"), options);
 * assert.equal(response.status, 404);
 * await response.body?.cancel();
 * ```
 */
export interface ServeDirOptions {
  /**
   * The directory to serve files from.
   *
   * @default {"."}
   */
  fsRoot?: string;
  /**
   * A URL path prefix stripped from the request path before mapping it to
   * a file (`"static"` serves `/static/a.css` from `fsRoot/a.css`); paths
   * outside it are 404.
   *
   * @default {""}
   */
  urlRoot?: string;
  /**
   * List directories that have no index file (HTML, or JSON for
   * `Accept: application/json`).
   *
   * @default {false}
   */
  showDirListing?: boolean;
  /**
   * Serve dotfiles and dot-folders. When `false` they are 404, except the
   * top-level `/.well-known/`.
   *
   * @default {false}
   */
  showDotfiles?: boolean;
  /**
   * Serve `index.html` for a directory.
   *
   * @default {true}
   */
  showIndex?: boolean;
  /**
   * Send `Access-Control-Allow-Origin: *` (and answer CORS preflights).
   *
   * @default {false}
   */
  enableCors?: boolean;
  /**
   * Do not log. When `false`, each request is logged with `console.debug`
   * and unexpected errors with `console.error`, as std does.
   *
   * @default {false}
   */
  quiet?: boolean;
  /**
   * The hash used for ETags.
   *
   * @default {"SHA-256"}
   */
  etagAlgorithm?: EtagAlgorithm;
  /**
   * Extra headers for every response, as `"Name: value"` strings.
   *
   * @default {[]}
   */
  headers?: string[];
}

// Handlers are reused across calls with equal options so the metadata and
// content cache survive between requests; a few distinct configurations
// are kept at most.
const MAX_HANDLERS = 16;
const handlers = new Map<string, StaticHandler>();

function handlerFor(options: ServeDirOptions): StaticHandler {
  const quiet = options.quiet ?? false;
  const key = JSON.stringify([
    options.fsRoot ?? ".",
    options.urlRoot ?? "",
    options.showDirListing ?? false,
    options.showDotfiles ?? false,
    options.showIndex ?? true,
    options.enableCors ?? false,
    quiet,
    options.etagAlgorithm ?? "SHA-256",
    options.headers ?? [],
  ]);
  let handler = handlers.get(key);
  if (handler === undefined) {
    handler = createStaticHandler({
      root: options.fsRoot || ".",
      urlRoot: options.urlRoot ?? "",
      listing: options.showDirListing ?? false,
      dotfiles: options.showDotfiles ?? false,
      index: (options.showIndex ?? true) ? ["index.html"] : false,
      cors: options.enableCors ?? false,
      etagAlgorithm: options.etagAlgorithm ?? "SHA-256",
      headers: options.headers ?? [],
      // std stats on every request; so does this, while still keeping
      // small files' bytes in memory (validated by that stat).
      revalidateMs: 0,
      // std answers a plain 404; it has no 404 page.
      notFoundPage: false,
      onError: quiet ? undefined : (error) => {
        // deno-lint-ignore no-console
        console.error(error instanceof Error ? error.message : error);
      },
    });
    if (handlers.size >= MAX_HANDLERS) {
      handlers.delete(handlers.keys().next().value as string);
    }
    handlers.set(key, handler);
  }
  return handler;
}

/**
 * Serve the files under `fsRoot`, like `@std/http`'s `serveDir`: same
 * options, same defaults. Berth is deliberately stricter where std is
 * permissive: symlinks are followed only when their real path stays inside
 * the root, and dotfiles are 404 (except `/.well-known/`) unless
 * `showDotfiles`. Berth also adds strong ETags, multipart ranges,
 * precompressed siblings and on-the-fly gzip.
 *
 * Calls with equal options share one cache; files are re-stat'ed on every
 * request, so changes are visible at once.
 *
 * @param request The request to answer.
 * @param options See {@linkcode ServeDirOptions}.
 * @returns The response.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { serveDir } from "@berth/berth";
 *
 * const fsRoot = await Deno.makeTempDir();
 * try {
 *   await Deno.writeTextFile(`${fsRoot}/app.css`, "body{}");
 *   const request = new Request("http://localhost/static/app.css");
 *   const response = await serveDir(request, { fsRoot, urlRoot: "static", quiet: true });
 *   assert.equal(response.status, 200);
 *   assert.equal(await response.text(), "body{}");
 * } finally {
 *   await Deno.remove(fsRoot, { recursive: true });
 * }
 * ```
 */
export async function serveDir(
  request: Request,
  options: ServeDirOptions = {},
): Promise<Response> {
  const response = await handlerFor(options)(request);
  if (!(options.quiet ?? false)) {
    const time = new Date().toISOString();
    const path = new URL(request.url).pathname;
    // deno-lint-ignore no-console
    console.debug(
      `[${time.slice(0, 10)} ${
        time.slice(11, 19)
      }] [${request.method}] ${path} ${response.status}`,
    );
  }
  return response;
}
