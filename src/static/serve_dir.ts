/**
 * `serveDir()`: a drop-in for `@std/http`'s function of the same name, with
 * the same option names and meanings, on berth's static handler.
 *
 * @module
 */

import { STD_CONVENTIONS } from "./answer_conventions.ts";
import { resolveStaticOptions } from "./resolve_static_options.ts";
import { type StaticHandler, staticHandlerFrom } from "./static_handler.ts";
import { asStdAnswer, stdEtagAlgorithm } from "./std_answer.ts";

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
   * Send `Access-Control-Allow-Origin: *` and std's
   * `Access-Control-Allow-Headers` on every answer (and answer CORS
   * preflights).
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
   * The hash behind ETags: a Web Crypto name (`"SHA-1"`, `"SHA-256"`,
   * `"SHA-384"`, `"SHA-512"`, or `{ name }`, any case), or `"fnv1a"`.
   *
   * @default {"SHA-256"}
   */
  etagAlgorithm?: AlgorithmIdentifier;
  /**
   * Extra headers for every response, as `"Name: value"` strings.
   *
   * @default {[]}
   */
  headers?: string[];
  /**
   * Not in std (which never compresses): use precompressed `.br`, `.zst`
   * and `.gz` siblings, and gzip compressible files on the fly, for clients
   * that accept them.
   *
   * @default {false}
   */
  compress?: boolean;
}

// Handlers are reused across calls with equal options so the metadata and
// content cache survive between requests; a few distinct configurations
// are kept at most.
const MAX_HANDLERS = 16;
const handlers = new Map<string, StaticHandler>();

function handlerFor(options: ServeDirOptions): StaticHandler {
  const quiet = options.quiet ?? false;
  const etagAlgorithm = stdEtagAlgorithm(options.etagAlgorithm);
  const key = JSON.stringify([
    options.fsRoot ?? ".",
    options.urlRoot ?? "",
    options.showDirListing ?? false,
    options.showDotfiles ?? false,
    options.showIndex ?? true,
    options.enableCors ?? false,
    quiet,
    etagAlgorithm,
    options.headers ?? [],
    options.compress ?? false,
  ]);
  let handler = handlers.get(key);
  if (handler === undefined) {
    const resolved = resolveStaticOptions({
      root: options.fsRoot || ".",
      urlRoot: options.urlRoot ?? "",
      listing: options.showDirListing ?? false,
      dotfiles: options.showDotfiles ?? false,
      index: (options.showIndex ?? true) ? ["index.html"] : false,
      cors: options.enableCors ?? false,
      etagAlgorithm,
      headers: options.headers ?? [],
      compress: options.compress ?? false,
      // std stats on every request; so does this, while still keeping
      // small files' bytes in memory (validated by that stat).
      revalidateMs: 0,
      // std answers a plain 404; it has no 404 page, and serves _redirects
      // and _headers as files.
      notFoundPage: false,
      siteRules: false,
      onError: quiet ? undefined : (error) => {
        // deno-lint-ignore no-console
        console.error(error instanceof Error ? error.message : error);
      },
    });
    handler = staticHandlerFrom({ ...resolved, ...STD_CONVENTIONS });
    if (handlers.size >= MAX_HANDLERS) {
      handlers.delete(handlers.keys().next().value as string);
    }
    handlers.set(key, handler);
  }
  return handler;
}

/**
 * Serve the files under `fsRoot`, like `@std/http`'s `serveDir`: same
 * options, same defaults, and answers written as std writes them (status
 * texts, `charset=UTF-8`, absolute redirects, reason-phrase error bodies,
 * relative listing links, no compression unless `compress`). Berth is
 * deliberately stricter where std is permissive: symlinks are followed only
 * when their real path stays inside the root, and dotfiles are 404 (except
 * `/.well-known/`) unless `showDotfiles`. Its ETags are strong, and several
 * ranges get a multipart 206. The README's "For `@std/http` users" lists
 * every difference.
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
  const response = await asStdAnswer(
    request,
    await handlerFor(options)(request),
    { cors: options.enableCors ?? false },
  );
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
