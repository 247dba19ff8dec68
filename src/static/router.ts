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
import type { Explanation, HandlerReason } from "./explanation.ts";
import { type Asked, FileAnswers } from "./file_answers.ts";
import type { FileEntry } from "./file_cache.ts";
import { listingResponse } from "./listing_response.ts";
import { type FileAnswer, responseOf } from "./memory_answer.ts";
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
import { isRedirect, type RedirectStatus } from "./redirects_file.ts";
import type { Found, SiteFiles } from "./site_files.ts";
import { RULE_FILES, type SiteRules } from "./site_rules.ts";
import { statusResponse } from "./status_response.ts";
import { fillUrlTarget, matchUrlPattern } from "./url_pattern.ts";

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
  /** 404 when a `_redirects` rule serves this path as a not-found page. */
  readonly status?: 404;
}

function acceptsHtml(request: Request): boolean {
  return (request.headers.get("accept") ?? "").toLowerCase().includes(
    "text/html",
  );
}

/** Why a URL path was refused before any lookup, by the status it gets. */
const REFUSED_PATH: Readonly<Record<400 | 404 | 414, HandlerReason>> = {
  400: "malformed-path",
  404: "unservable-name",
  414: "path-too-long",
};

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
 * A `_redirects` rule's redirect: `Location` as the rule says (a path under
 * the mount point, or an absolute URL), the request's query kept when the
 * target has none, no body.
 */
function ruleRedirect(
  route: Route,
  mount: readonly string[],
  status: RedirectStatus,
  target: string,
): Response {
  let location = target.startsWith("/") && mount.length > 0
    ? "/" + mount.map(encodeURIComponent).join("/") + target
    : target;
  if (!location.includes("?") && route.url.search !== "") {
    const hash = location.indexOf("#");
    location = hash === -1
      ? location + route.url.search
      : location.slice(0, hash) + route.url.search + location.slice(hash);
  }
  return statusResponse(status, route.method, { location });
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
  /** The site's `_redirects` and `_headers`, or `null` when not followed. */
  readonly #rules: SiteRules | null;

  /**
   * @param options The handler's options.
   * @param parts Where files are found, the root's real path, and the
   *   site's rules (`null` when not followed).
   */
  constructor(
    options: ResolvedStaticOptions,
    parts: { files: SiteFiles; root: RootRealPath; rules: SiteRules | null },
  ) {
    this.#options = options;
    this.#files = parts.files;
    this.#root = parts.root;
    this.#answers = new FileAnswers(options, parts.files);
    this.#spaPath = options.spa === null
      ? null
      : joinInsideRoot(parts.files.root, options.spa);
    this.#passOn = options.fallback !== undefined;
    this.#rules = parts.rules;
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
   * @param explain Where the reasons are noted (`explain`), or `null`.
   * @returns The answer, or {@linkcode NOT_A_FILE} for the app.
   * @throws What an unexpected file-system error threw (a 500 for the
   *   caller to give).
   */
  async route(
    request: Request,
    explain: Explanation | null,
  ): Promise<FileAnswer | typeof NOT_A_FILE> {
    const method = request.method;
    const options = this.#options;
    if (method !== "GET" && method !== "HEAD") {
      if (this.#passOn) return NOT_A_FILE;
      if (method === "OPTIONS") {
        const response = preflightResponse(request, options.cors);
        explain?.note(
          response.headers.has("access-control-allow-methods")
            ? "preflight"
            : "options",
        );
        return response;
      }
      explain?.note("method");
      return statusResponse(405, method, { allow: ALLOWED_METHODS });
    }
    const url = new URL(request.url);
    if (options.nonCanonicalPaths === "redirect") {
      const canonical = canonicalPathOf(url.pathname);
      if (canonical !== null) {
        if (!startsWith(canonical.segments, options.urlRoot)) {
          explain?.note("outside-mount");
          return statusResponse(404, method);
        }
        explain?.note("non-canonical");
        return redirectResponse(method, canonical.segments, {
          trailingSlash: canonical.trailingSlash,
          search: url.search,
        });
      }
    }
    const resolved = resolveUrlPath(url.pathname);
    if (!resolved.ok) {
      if (this.#passOn) return NOT_A_FILE;
      explain?.note(REFUSED_PATH[resolved.status]);
      return statusResponse(resolved.status, method);
    }
    if (!startsWith(resolved.segments, options.urlRoot)) {
      if (this.#passOn) return NOT_A_FILE;
      explain?.note("outside-mount");
      return statusResponse(404, method);
    }
    const segments = resolved.segments.slice(options.urlRoot.length);
    const rootReal = await this.#root.resolve();
    if (rootReal === null) {
      if (this.#passOn) return NOT_A_FILE;
      explain?.note("no-root");
      return statusResponse(404, method);
    }
    const path = joinInsideRoot(this.#files.root, segments);
    // Segments are validated: a join outside the root is not expected.
    if (path === null) {
      return this.#passOn
        ? NOT_A_FILE
        : this.#answers.notFound({ request, method, rootReal, explain });
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
      explain,
    };
    if (this.#rules !== null) {
      const ruled = await this.#followRules(route, this.#rules);
      if (ruled !== undefined) return ruled;
    }
    return await this.#decide(route);
  }

  /**
   * What the site's rules say of this request: its rules files are never
   * served; the first `_redirects` rule that matches — and is not shadowed
   * by a file at its FROM, unless forced — redirects, or serves its TO here
   * (200, 404). `undefined`: no rule applies.
   */
  async #followRules(
    route: Route,
    rules: SiteRules,
  ): Promise<FileAnswer | typeof NOT_A_FILE | undefined> {
    const segments = route.segments;
    if (isRuleFile(segments)) {
      route.explain?.note("rule-file");
      return this.#notFound(route);
    }
    const { redirects } = await rules.current(route.rootReal);
    let shadowed: boolean | undefined;
    for (const rule of redirects) {
      const params = matchUrlPattern(rule.from, segments);
      if (params === null) continue;
      if (!rule.force) {
        shadowed ??= await this.#namesFile(route);
        if (shadowed) continue;
      }
      const target = fillUrlTarget(rule.to, params);
      route.explain?.rule(rule.line, rule.status);
      if (isRedirect(rule.status)) {
        return ruleRedirect(route, this.#options.urlRoot, rule.status, target);
      }
      return await this.#rewrite(route, target, rule.status);
    }
    return undefined;
  }

  /** Whether a file (or a folder's index file) answers at this path. */
  async #namesFile(route: Route): Promise<boolean> {
    const found = await this.#files.lookup(route.path, route.rootReal);
    if (typeof found === "number") return false;
    if (found.kind === "file") return true;
    for (const name of this.#options.index) {
      const index = await this.#files.lookup(
        join(route.path, name),
        route.rootReal,
      );
      if (typeof index !== "number" && index.kind === "file") return true;
    }
    return false;
  }

  /**
   * Serve `target`'s content at this URL, with `status`: routed as a
   * request for it (no rule applies twice), and never kept by the fast lane,
   * which would otherwise keep answering this path after the rule changed.
   */
  async #rewrite(
    route: Route,
    target: string,
    status: 200 | 404,
  ): Promise<FileAnswer | typeof NOT_A_FILE> {
    const resolved = resolveUrlPath(target.replace(/[?#].*$/, ""));
    const path = resolved.ok
      ? joinInsideRoot(this.#files.root, resolved.segments)
      : null;
    if (!resolved.ok || path === null) {
      route.explain?.note("bad-rule-target");
      return this.#notFound(route);
    }
    // A rule may not hand out what a request may not ask for: the rules
    // files themselves.
    if (isRuleFile(resolved.segments)) {
      route.explain?.note("rule-file");
      return this.#notFound(route);
    }
    const rewritten: Route = {
      ...route,
      path,
      segments: resolved.segments,
      trailingSlash: resolved.trailingSlash,
      target: undefined,
      index: undefined,
      cleanUrl: undefined,
      spa: undefined,
      file: null,
      status: status === 404 ? 404 : undefined,
    };
    const answer = await this.#decide(rewritten);
    return answer === NOT_A_FILE ? answer : responseOf(answer);
  }

  /** Look up what routing asks for until it decides, and carry it out. */
  async #decide(route: Route): Promise<FileAnswer | typeof NOT_A_FILE> {
    for (;;) {
      const decision = decideRoute(route, this.#options);
      const { path, rootReal, explain } = route;
      if (explain !== null && decision.why !== null) explain.note(decision.why);
      const action = decision.action;
      switch (action) {
        case "look-target":
          route.target = keep(
            route,
            await this.#files.lookup(path, rootReal, explain),
          );
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
          return route.status === 404
            ? this.#answers.notFoundWith(route, route.file!)
            : this.#answers.file(route, route.file!);
        case "serve-spa":
          return this.#answers.file(route, route.file!, true);
        case "redirect-to-slash":
        case "redirect-to-no-slash":
          return redirectResponse(
            route.method,
            [...this.#options.urlRoot, ...route.segments],
            {
              trailingSlash: action === "redirect-to-slash",
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

/** Whether these root-relative segments name one of the site's rules files. */
function isRuleFile(segments: readonly string[]): boolean {
  return segments.length === 1 && RULE_FILES.includes(segments[0]);
}
