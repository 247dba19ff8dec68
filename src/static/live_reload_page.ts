/**
 * An HTML page answered with live reload's script element in it
 * (`liveReload`): a representation of its own, with its own validators.
 *
 * - **ETag**: the file's, with a suffix naming the element
 *   (`"3e8-a5f1fa85-lr1c9d…"`), strong like the file's: the same file and
 *   element always give the same bytes. A cache that holds the page without
 *   the element (from a run without live reload) never gets a 304 for it.
 * - **No `Last-Modified`**: the file's date would validate such a plain
 *   copy too (`If-Modified-Since`), so the page has none.
 * - **Ranges are ignored** (RFC 9110 §14.2 lets a server ignore `Range`),
 *   with `Accept-Ranges: none` (§14.3); nobody seeks in a page under
 *   development.
 * - **Identity only**: no precompressed sibling (it lacks the element) and
 *   no gzip, so no `Vary: Accept-Encoding` either.
 * - Never a `MemoryAnswer`: the fast lane, which replays what the ordinary
 *   path answered from memory, never holds a page.
 *
 * @module
 */

import type { Explanation } from "./explanation.ts";
import type { FileEntry } from "./file_cache.ts";
import type { LiveReloadTag } from "./live_reload_tag.ts";
import { decidePreconditions } from "./preconditions.ts";
import { codedEtag } from "./etag.ts";
import { responseInit, statusResponse } from "./status_response.ts";

/** How a page is answered, as the file handler's policies say. */
export interface PageAnswerOptions {
  /** The element to add. */
  tag: LiveReloadTag;
  /** `200`, or `404` for a not-found page (no preconditions). */
  status: 200 | 404;
  /** The `Cache-Control` value, or `null` for none. */
  cacheControl: string | null;
  /** `Vary` members (`Accept` for an SPA fallback); never `Accept-Encoding`. */
  vary: readonly string[];
  /** Where the choices are noted (`explain`), or `null`. */
  explain: Explanation | null;
}

/**
 * The page's bytes as on disk: whole (small, or cached), as a stream of
 * exactly the entry's size (large), or what the caller reports instead (its
 * file changed: it looks again).
 */
export type PageBody<Changed> = () =>
  | Uint8Array
  | ReadableStream<Uint8Array>
  | Changed;

/**
 * Answer a GET or HEAD for an HTML file with the live reload element in it.
 * The body is asked for last, only for a GET that gets one.
 *
 * @param request The request.
 * @param entry The file's entry (its identity's size and ETag).
 * @param options The element and the handler's policies.
 * @param body Reads the page when a body is to be sent.
 * @returns The answer, or what `body` returned instead of bytes.
 */
export function respondWithLiveReloadPage<Changed>(
  request: Request,
  entry: FileEntry,
  options: PageAnswerOptions,
  body: PageBody<Changed>,
): Response | Changed {
  const { tag, status, explain } = options;
  const method = request.method;
  const identity = entry.identity;
  const etag = identity.etag === null
    ? null
    : codedEtag(identity.etag, tag.etagSuffix);
  const headers = new Headers();
  if (options.cacheControl !== null) {
    headers.set("cache-control", options.cacheControl);
  }
  if (options.vary.length > 0) headers.set("vary", options.vary.join(", "));
  if (etag !== null) headers.set("etag", etag);
  explain?.represented(null, false);
  explain?.injected();
  if (status === 200) {
    const outcome = decidePreconditions(method, request.headers, {
      etag,
      lastModified: null,
    });
    if (outcome.status !== 200) explain?.precondition(outcome, etag);
    if (outcome.status === 304) {
      return new Response(null, responseInit(304, headers));
    }
    if (outcome.status === 412) return statusResponse(412, method, headers);
    if (request.headers.has("range")) explain?.wholeFile("range-ignored");
  }
  headers.set("content-type", entry.contentType);
  headers.set("accept-ranges", "none");
  headers.set("content-length", String(identity.size + tag.bytes.length));
  if (method === "HEAD") {
    return new Response(null, responseInit(status, headers));
  }
  const page = body();
  if (page instanceof Uint8Array) {
    return new Response(tag.injectInto(page), responseInit(status, headers));
  }
  if (page instanceof ReadableStream) {
    return new Response(tag.appendTo(page), responseInit(status, headers));
  }
  return page;
}
