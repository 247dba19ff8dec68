/**
 * Routing as a pure decision: from what a request asks for and what the
 * disk holds at the few paths that matter, whether to serve a file, list a
 * folder, redirect to the other slash form, or answer 403 or not found.
 *
 * The disk is looked at lazily, in a fixed order, and only as far as the
 * answer needs: {@linkcode decideRoute} returns either the answer or the one
 * fact it needs next (`look-…`); the router looks that up, writes it into
 * the facts and asks again. Every rule about trailing slashes, index files,
 * listings, clean URLs and the SPA fallback lives here, and nowhere else.
 *
 * @module
 */

import { extensionOf } from "./media_types.ts";
import type { ResolvedStaticOptions } from "./options.ts";
import { isHiddenPath } from "./resolve_path.ts";

/**
 * What the file system holds at a path, as far as routing cares:
 * `forbidden` when reading it was refused (403), `missing` for anything
 * else that cannot be served there (404).
 */
export type PathKind = "file" | "directory" | "forbidden" | "missing";

/**
 * What a request asks for, and what the disk holds where the decision
 * looked. A fact left `undefined` has not been looked at yet.
 */
export interface RouteFacts {
  /** The decoded path segments below the mount point (`urlRoot`). */
  readonly segments: readonly string[];
  /** Whether the URL path ended with `/`. */
  readonly trailingSlash: boolean;
  /**
   * Whether the request accepts `text/html` (only weighed for the SPA
   * fallback, so it need only be known when there is one).
   */
  readonly acceptsHtml: boolean;
  /** What the path itself names. */
  target?: PathKind;
  /**
   * What the index names of the folder at the path hold, tried in order:
   * `file` for the first that names a file, `forbidden` when one is
   * refused before that, else `missing`.
   */
  index?: PathKind;
  /** What the path with `.html` appended names (clean URLs). */
  cleanUrl?: PathKind;
  /** What the SPA fallback file names. */
  spa?: PathKind;
}

/**
 * The options routing weighs, as {@linkcode ResolvedStaticOptions} has
 * them (`urlRoot` only for whether there is a mount point, `spa` only for
 * whether there is a fallback).
 */
export type RoutePolicy = Pick<
  ResolvedStaticOptions,
  | "dotfiles"
  | "trailingSlash"
  | "urlRoot"
  | "listing"
  | "cleanUrls"
  | "spa"
  | "fileWithSlash"
>;

/**
 * What routing does next:
 * - `look-target`, `look-index`, `look-clean-url`, `look-spa`: the fact it
 *   needs next ({@linkcode RouteFacts}); nothing is decided yet.
 * - `serve-target`, `serve-index`, `serve-clean-url`, `serve-spa`: serve
 *   the file that fact found (always the fact looked at last). The SPA
 *   fallback varies on `Accept`.
 * - `redirect-to-slash`, `redirect-to-no-slash`: a 301 to the same path
 *   with, or without, its trailing `/`.
 * - `list`: the folder's listing.
 * - `forbidden`: 403.
 * - `not-found`: the not-found answer (the 404 page, when there is one).
 */
export type RouteAction =
  | "look-target"
  | "look-index"
  | "look-clean-url"
  | "look-spa"
  | "serve-target"
  | "serve-index"
  | "serve-clean-url"
  | "serve-spa"
  | "redirect-to-slash"
  | "redirect-to-no-slash"
  | "list"
  | "forbidden"
  | "not-found";

/**
 * Why routing answered as it did, for an explanation (`explain.ts`):
 * - `index`, `clean-url`, `spa`, `listing`: what was served;
 * - `directory-slash`: a folder named without its trailing `/`;
 * - `file-with-slash`: a file named with one (redirected or not found);
 * - `clean-url-slash`: a clean URL's page named in its other slash form;
 * - `trailing-slash-always`, `trailing-slash-never`: that `trailingSlash`
 *   policy asks for the other form;
 * - `hidden`: a dotfile, unlooked-at;
 * - `no-index`: a folder without an index, and no listing;
 * - `forbidden`: reading was refused;
 * - `missing`: nothing servable at the path (the lookup says why).
 */
export type RouteReason =
  | "index"
  | "clean-url"
  | "spa"
  | "listing"
  | "directory-slash"
  | "file-with-slash"
  | "clean-url-slash"
  | "trailing-slash-always"
  | "trailing-slash-never"
  | "hidden"
  | "no-index"
  | "forbidden"
  | "missing";

/**
 * What {@linkcode decideRoute} says: what to do, and why (`null` where
 * nothing needs saying: a look, or a file served as named). One frozen
 * value per outcome, so deciding allocates nothing.
 */
export interface RouteDecision {
  /** What to do. */
  readonly action: RouteAction;
  /** Why, for an explanation. */
  readonly why: RouteReason | null;
}

function decided(action: RouteAction, why: RouteReason | null): RouteDecision {
  return Object.freeze({ action, why });
}

const LOOK_TARGET = decided("look-target", null);
const LOOK_INDEX = decided("look-index", null);
const LOOK_CLEAN_URL = decided("look-clean-url", null);
const LOOK_SPA = decided("look-spa", null);
const SERVE_TARGET = decided("serve-target", null);
const SERVE_INDEX = decided("serve-index", "index");
const SERVE_CLEAN_URL = decided("serve-clean-url", "clean-url");
const SERVE_SPA = decided("serve-spa", "spa");
const LIST = decided("list", "listing");
const FORBIDDEN = decided("forbidden", "forbidden");
const HIDDEN = decided("not-found", "hidden");
const MISSING = decided("not-found", "missing");
const NO_INDEX = decided("not-found", "no-index");
const FILE_WITH_SLASH = decided("not-found", "file-with-slash");
const TO_SLASH = decided("redirect-to-slash", "directory-slash");
const TO_SLASH_ALWAYS = decided("redirect-to-slash", "trailing-slash-always");
const TO_NO_SLASH_NEVER = decided(
  "redirect-to-no-slash",
  "trailing-slash-never",
);
const FILE_TO_NO_SLASH = decided("redirect-to-no-slash", "file-with-slash");
const CLEAN_URL_TO_NO_SLASH = decided(
  "redirect-to-no-slash",
  "clean-url-slash",
);

/**
 * Decide how to answer a GET or HEAD, from what is known so far.
 *
 * In order: a hidden path (without `dotfiles`) is not found, unlooked-at.
 * A file is served — with a trailing slash it does not have, only under
 * `trailingSlash: "ignore"` (`"never"` redirects it to the slash-less form,
 * and so does `"redirect"` under std's `fileWithSlash` convention).
 * A folder below the site's top gets its canonical slash form first
 * (`"redirect"`/`"always"` add the slash, `"never"` removes it); then its
 * first index file is served, or else it is listed (with `listing`) or not
 * found. Where nothing is, a path whose last segment has no extension may
 * be a clean URL (`about` → `about.html`, canonical without the slash
 * unless `"always"`; `"ignore"` serves both) and then, for a request
 * accepting HTML, the SPA fallback. A refusal (403) at the path, an index
 * name or a clean URL's page ends the search.
 *
 * Pure: the same facts and policy always give the same decision, and a
 * `look-…` decision names a fact still `undefined` in `facts`. Each
 * answer says why it was given (see {@linkcode RouteReason}).
 *
 * @param facts What the request asks for and what has been looked at.
 * @param policy The handler's routing options.
 * @returns The answer and why, or the fact to look at next.
 */
export function decideRoute(
  facts: RouteFacts,
  policy: RoutePolicy,
): RouteDecision {
  const { segments, trailingSlash: slash } = facts;
  if (!policy.dotfiles && isHiddenPath(segments)) return HIDDEN;
  const target = facts.target;
  if (target === undefined) return LOOK_TARGET;
  const rule = policy.trailingSlash;

  if (target === "file") {
    if (slash && segments.length > 0) {
      if (rule === "never") return TO_NO_SLASH_NEVER;
      if (rule !== "ignore") {
        // `/file.txt/` names a folder that does not exist (ENOTDIR); std
        // sends the client to the file instead.
        return policy.fileWithSlash === "redirect" && rule === "redirect"
          ? FILE_TO_NO_SLASH
          : FILE_WITH_SLASH;
      }
    }
    return SERVE_TARGET;
  }

  if (target === "directory") {
    // The mount point under a urlRoot has a slash form too; `/` has only one.
    if (policy.urlRoot.length + segments.length > 0) {
      if (!slash && (rule === "redirect" || rule === "always")) {
        return TO_SLASH;
      }
      if (slash && rule === "never") return TO_NO_SLASH_NEVER;
    }
    switch (facts.index) {
      case undefined:
        return LOOK_INDEX;
      case "file":
        return SERVE_INDEX;
      case "forbidden":
        return FORBIDDEN;
    }
    return policy.listing ? LIST : NO_INDEX;
  }

  if (target === "forbidden") return FORBIDDEN;

  // Nothing at the path: perhaps a page without its `.html`, or an SPA
  // route — only for names without an extension (`/app.js` is an asset).
  const extensionless = extensionOf(segments[segments.length - 1] ?? "") ===
    "";
  if (policy.cleanUrls && segments.length > 0 && extensionless) {
    const page = facts.cleanUrl;
    if (page === undefined) return LOOK_CLEAN_URL;
    if (page === "file") {
      if (rule === "always" && !slash) return TO_SLASH_ALWAYS;
      if ((rule === "redirect" || rule === "never") && slash) {
        return CLEAN_URL_TO_NO_SLASH;
      }
      return SERVE_CLEAN_URL;
    }
    if (page === "forbidden") return FORBIDDEN;
  }
  if (policy.spa !== null && facts.acceptsHtml && extensionless) {
    if (facts.spa === undefined) return LOOK_SPA;
    if (facts.spa === "file") return SERVE_SPA;
  }
  return MISSING;
}
