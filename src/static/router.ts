/**
 * The ordinary path of the static handler: a request in, an answer out.
 * Methods and the URL path are checked first; then routing proceeds as
 * {@linkcode decideRoute} says, looking up each fact it asks for in the
 * file cache, and the decision is carried out: a file, a listing, a
 * redirect, 403 or not found.
 *
 * @module
 */

import { join } from "node:path";
import { ALLOWED_METHODS, preflightResponse } from "./cors.ts";
import { type Asked, FileAnswers } from "./file_answers.ts";
import type { FileEntry } from "./file_cache.ts";
import { listingResponse } from "./listing_response.ts";
import type { FileAnswer } from "./memory_answer.ts";
import type { ResolvedStaticOptions } from "./options.ts";
import { redirectResponse } from "./redirect.ts";
import {
  canonicalPathOf,
  joinInsideRoot,
  resolveUrlPath,
} from "./resolve_path.ts";
import type { RootRealPath } from "./root_real_path.ts";
import {
  decideRoute,
  type PathKind,
  type RouteFacts,
} from "./route_decision.ts";
import type { Found, SiteFiles } from "./site_files.ts";
import { statusResponse } from "./status_response.ts";

/**
 * What the router answers when a `fallback` app is to answer instead: the
 * request names no file (see `StaticHandlerOptions.fallback`).
 */
export const NOT_A_FILE: unique symbol = Symbol("not a file");

/** One request being routed: what it asks, and what has been found. */
interface Route extends Asked, RouteFacts {
  readonly url: URL;
  /** The path under the root that the URL path names. */
  readonly path: string;
  /**
   * The file the latest lookup found, if it found one: what a `serve-…`
   * decision serves (it always follows the lookup of what it serves).
   */
  file: FileEntry | null;
}

function acceptsHtml(request: Request): boolean {
  return (request.headers.get("accept") ?? "").toLowerCase().includes(
    "text/html",
  );
}

/** What a lookup found, as routing sees it; a file is kept to be served. */
function keep(route: Route, found: Found): PathKind {
  route.file = typeof found !== "number" && found.kind === "file"
    ? found
    : null;
  if (found === 403) return "forbidden";
  return found === 404 ? "missing" : found.kind;
}

/** Whether `segments` start with `prefix` (decoded: spelling cannot matter). */
function startsWith(
  segments: readonly string[],
  prefix: readonly string[],
): boolean {
  for (let i = 0; i < prefix.length; i++) {
    if (segments[i] !== prefix[i]) return false;
  }
  return true;
}

/**
 * Routes requests to the files under a root.
 */
export class StaticRouter {
  readonly #options: ResolvedStaticOptions;
  readonly #files: SiteFiles;
  readonly #root: RootRealPath;
  readonly #answers: FileAnswers;
  /** The SPA fallback's path, or `null` for none. */
  readonly #spaPath: string | null;
  /** Whether an app answers what is not a file. */
  readonly #passOn: boolean;

  /**
   * @param options The handler's options.
   * @param parts Where files are found, and the root's real path.
   */
  constructor(
    options: ResolvedStaticOptions,
    parts: { files: SiteFiles; root: RootRealPath },
  ) {
    this.#options = options;
    this.#files = parts.files;
    this.#root = parts.root;
    this.#answers = new FileAnswers(options, parts.files);
    this.#spaPath = options.spa === null
      ? null
      : joinInsideRoot(parts.files.root, options.spa);
    this.#passOn = options.fallback !== undefined;
  }

  /**
   * Answer a request: `OPTIONS` with 204, methods other than GET and HEAD
   * with 405, a non-canonical path with a 301 to its canonical form (under
   * std's conventions), a malformed or dangerous path with 400 (or 404,
   * 414), a path outside the mount point with 404, and the rest as routing
   * decides. With a `fallback` app, each of these but a file found (and
   * what leads to it) is {@linkcode NOT_A_FILE} instead.
   *
   * @param request The request.
   * @returns The answer, or {@linkcode NOT_A_FILE} for the app.
   * @throws What an unexpected file-system error threw (a 500 for the
   *   caller to give).
   */
  async route(request: Request): Promise<FileAnswer | typeof NOT_A_FILE> {
    const method = request.method;
    const options = this.#options;
    if (method !== "GET" && method !== "HEAD") {
      if (this.#passOn) return NOT_A_FILE;
      if (method === "OPTIONS") return preflightResponse(request, options.cors);
      return statusResponse(405, method, { allow: ALLOWED_METHODS });
    }
    const url = new URL(request.url);
    if (options.nonCanonicalPaths === "redirect") {
      const canonical = canonicalPathOf(url.pathname);
      if (canonical !== null) {
        if (!startsWith(canonical.segments, options.urlRoot)) {
          return statusResponse(404, method);
        }
        return redirectResponse(method, canonical.segments, {
          trailingSlash: canonical.trailingSlash,
          search: url.search,
        });
      }
    }
    const resolved = resolveUrlPath(url.pathname);
    if (!resolved.ok) {
      return this.#passOn
        ? NOT_A_FILE
        : statusResponse(resolved.status, method);
    }
    if (!startsWith(resolved.segments, options.urlRoot)) {
      return this.#passOn ? NOT_A_FILE : statusResponse(404, method);
    }
    const segments = resolved.segments.slice(options.urlRoot.length);
    const rootReal = await this.#root.resolve();
    if (rootReal === null) {
      return this.#passOn ? NOT_A_FILE : statusResponse(404, method);
    }
    const path = joinInsideRoot(this.#files.root, segments);
    // Segments are validated: a join outside the root is not expected.
    if (path === null) {
      return this.#passOn
        ? NOT_A_FILE
        : this.#answers.notFound({ request, method, rootReal });
    }
    const route: Route = {
      request,
      method,
      url,
      path,
      rootReal,
      segments,
      trailingSlash: resolved.trailingSlash,
      // Weighed only for the SPA fallback: not read without one.
      acceptsHtml: options.spa !== null && acceptsHtml(request),
      target: undefined,
      index: undefined,
      cleanUrl: undefined,
      spa: undefined,
      file: null,
    };
    return await this.#decide(route);
  }

  /** Look up what routing asks for until it decides, and carry it out. */
  async #decide(route: Route): Promise<FileAnswer | typeof NOT_A_FILE> {
    for (;;) {
      const decision = decideRoute(route, this.#options);
      const { path, rootReal } = route;
      switch (decision) {
        case "look-target":
          route.target = keep(route, await this.#files.lookup(path, rootReal));
          continue;
        case "look-index":
          route.index = await this.#lookIndex(route);
          continue;
        case "look-clean-url":
          route.cleanUrl = keep(
            route,
            await this.#files.lookup(path + ".html", rootReal),
          );
          continue;
        case "look-spa":
          route.spa = this.#spaPath === null
            ? "missing"
            : keep(route, await this.#files.lookup(this.#spaPath, rootReal));
          continue;
        case "serve-target":
        case "serve-index":
        case "serve-clean-url":
          return this.#answers.file(route, route.file!);
        case "serve-spa":
          return this.#answers.file(route, route.file!, true);
        case "redirect-to-slash":
        case "redirect-to-no-slash":
          return redirectResponse(
            route.method,
            [...this.#options.urlRoot, ...route.segments],
            {
              trailingSlash: decision === "redirect-to-slash",
              search: route.url.search,
            },
          );
        case "list":
          return listingResponse(route.request, {
            path: route.path,
            mount: this.#options.urlRoot,
            segments: route.segments,
            containment: this.#files.containment(route.rootReal),
            links: this.#options.listingLinks,
          }) ?? this.#notFound(route);
        case "forbidden":
          return statusResponse(403, route.method);
        case "not-found":
          return this.#notFound(route);
      }
    }
  }

  /** Not found here: the app's, or the 404 page. */
  #notFound(route: Route): Promise<FileAnswer> | typeof NOT_A_FILE {
    return this.#passOn ? NOT_A_FILE : this.#answers.notFound(route);
  }

  /**
   * The folder's index names in order: the first file is kept; a refusal
   * stops the search; folders and missing names are passed over.
   */
  async #lookIndex(route: Route): Promise<PathKind> {
    for (const name of this.#options.index) {
      const found = await this.#files.lookup(
        join(route.path, name),
        route.rootReal,
      );
      const kind = keep(route, found);
      if (kind === "file" || kind === "forbidden") return kind;
    }
    return "missing";
  }
}
