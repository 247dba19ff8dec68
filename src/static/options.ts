/**
 * Options of {@linkcode createStaticHandler}: what a caller may pass. Their
 * defaults and validation are in `resolve_static_options.ts`, re-exported
 * here.
 *
 * @module
 */

import type { CacheControlPolicy } from "./cache_control.ts";
import type { EtagAlgorithm } from "./etag.ts";

export {
  DEFAULT_STATIC_OPTIONS,
  type ResolvedStaticOptions,
  resolveStaticOptions,
} from "./resolve_static_options.ts";

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
 * import { createStaticHandler } from "@berth/berth";
 *
 * const root = await Deno.makeTempDir();
 * try {
 *   await Deno.mkdir(`${root}/docs`);
 *   await Deno.writeTextFile(`${root}/docs/index.html`, "<h1>Docs</h1>");
 *   const handler = createStaticHandler({ root, trailingSlash: "never" });
 *
 *   const slashed = await handler(new Request("http://localhost/docs/?q=1"));
 *   assert.equal(slashed.status, 301);
 *   assert.equal(slashed.headers.get("location"), "/docs?q=1");
 *   await slashed.body?.cancel();
 *
 *   const page = await handler(new Request("http://localhost/docs"));
 *   assert.equal(await page.text(), "<h1>Docs</h1>");
 * } finally {
 *   await Deno.remove(root, { recursive: true });
 * }
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
 * import { createStaticHandler } from "@berth/berth";
 *
 * const root = await Deno.makeTempDir();
 * try {
 *   await Deno.writeTextFile(`${root}/a.txt`, "a");
 *   await Deno.symlink(`${root}/a.txt`, `${root}/link.txt`);
 *   const handler = createStaticHandler({ root, followSymlinks: "never" });
 *
 *   const linked = await handler(new Request("http://localhost/link.txt"));
 *   assert.equal(linked.status, 404);
 *   await linked.body?.cancel();
 *
 *   const file = await handler(new Request("http://localhost/a.txt"));
 *   assert.equal(await file.text(), "a");
 * } finally {
 *   await Deno.remove(root, { recursive: true });
 * }
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
 * import { createStaticHandler } from "@berth/berth";
 *
 * const root = await Deno.makeTempDir();
 * try {
 *   const css = "body { color: rebeccapurple; }\n".repeat(100);
 *   await Deno.writeTextFile(`${root}/app.css`, css);
 *   await Deno.writeTextFile(`${root}/other.css`, css);
 *   // A build step's app.css.gz, written after app.css (an older one is ignored).
 *   const gzip = new Blob([css]).stream().pipeThrough(new CompressionStream("gzip"));
 *   await Deno.writeFile(`${root}/app.css.gz`, gzip);
 *   const handler = createStaticHandler({ root, compress: "precompressed" });
 *   const headers = { "accept-encoding": "gzip" };
 *
 *   const built = await handler(new Request("http://localhost/app.css", { headers }));
 *   assert.equal(built.headers.get("content-encoding"), "gzip");
 *   await built.body?.cancel();
 *
 *   // No sibling: sent as is, never compressed on the fly.
 *   const plain = await handler(new Request("http://localhost/other.css", { headers }));
 *   assert.equal(plain.headers.get("content-encoding"), null);
 *   assert.equal(await plain.text(), css);
 * } finally {
 *   await Deno.remove(root, { recursive: true });
 * }
 * ```
 */
export type CompressPolicy = boolean | "precompressed";

/**
 * Options for {@linkcode createStaticHandler}; every field is optional.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createStaticHandler } from "@berth/berth";
 *
 * const root = await Deno.makeTempDir();
 * try {
 *   await Deno.writeTextFile(`${root}/index.html`, "<div id=app></div>");
 *   const handler = createStaticHandler({
 *     root,
 *     spa: true,
 *     headers: { "X-Frame-Options": "DENY" },
 *   });
 *   // A client-side route: no such file, so the app's shell answers.
 *   const response = await handler(
 *     new Request("http://localhost/settings/profile", { headers: { accept: "text/html" } }),
 *   );
 *   assert.equal(response.status, 200);
 *   assert.equal(response.headers.get("x-frame-options"), "DENY");
 *   assert.equal(await response.text(), "<div id=app></div>");
 * } finally {
 *   await Deno.remove(root, { recursive: true });
 * }
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
   * Learn of changes from the file system while berth's `serve()` serves
   * with the handler: one recursive watch on the root (inotify on Linux),
   * so a changed file is served at once, with files in use still
   * re-checked within `revalidateMs` for what a watcher can miss. `false`
   * polls, as the handler always does elsewhere (`Deno.serve`, a direct
   * call); when watching fails, it polls too and says so once through
   * `onWarning`. No watch with `revalidateMs: 0`.
   *
   * @default {true}
   */
  watch?: boolean;
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
   * Follow the site's own `_redirects` and `_headers` files at the root
   * (the convention of Netlify and Cloudflare Pages: see the README), re-read
   * within `revalidateMs` when they change. Neither file is ever served.
   *
   * @default {true}
   */
  siteRules?: boolean;
  /**
   * Say why each answer is what it is, in a `Berth-Explain` field (and so
   * in the access log): `304: If-None-Match matched "…"`,
   * `404: symlink leaves the root`, `fast lane: 200: file`. A tool for
   * development: it tells clients how the site is laid out. An answer from
   * the `fallback` app is the app's, unexplained.
   *
   * @default {false}
   */
  explain?: boolean;
  /**
   * Live reload, for development: HTML pages get a `<script>` element
   * (before their last `</body>`) whose script listens on the reserved path
   * `/.berth/live-reload` (under `urlRoot`) and reloads the page when a
   * file under the root changes; a changed stylesheet is swapped in place.
   * An injected page has its own ETag, no `Last-Modified`, ignores `Range`
   * and is never compressed; other answers are unchanged. The root is
   * watched while a page listens. On berth's `serve()` the listening pages
   * are let go when it shuts down. See the README, "Live reload".
   *
   * @default {false}
   */
  liveReload?: boolean;
  /**
   * Told what the handler skipped and why, once each: a bad line of a
   * `_redirects` or `_headers` file (`_redirects:3: …; line skipped`), a
   * watch of the root that failed (then it polls), a live reload watch that
   * could not start or stopped.
   *
   * @default {undefined}
   */
  onWarning?: (message: string) => void;
  /**
   * Called with unexpected errors (answered 500 with a generic body). The
   * handler never logs by itself.
   *
   * @default {undefined}
   */
  onError?: (error: unknown, request: Request) => void;
  /**
   * An app to answer what is not a file: files first, then the app. With
   * it, the handler answers only GET and HEAD for what it finds under the
   * root (files, indexes, listings, redirects to them, 403); every other
   * request goes to the app, with the `info` the engine gave — other
   * methods (OPTIONS included), paths outside `urlRoot` (so `urlRoot` mounts
   * the files under a prefix), paths no file can have, and whatever would
   * be a 404 (the `notFoundPage` is then not used). The app's responses are
   * passed on as they are. Cached files keep the fast lane on berth's
   * engine: the engine still sees only this one handler.
   *
   * @default {undefined}
   */
  fallback?(request: Request, info?: unknown): Response | Promise<Response>;
  /**
   * The cache clock in ms (monotonic). For tests that move time.
   *
   * @default {performance.now}
   */
  now?: () => number;
}
