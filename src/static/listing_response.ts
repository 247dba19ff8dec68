/**
 * A folder's listing as the handler answers it: HTML, or JSON for a client
 * that asks for `application/json` and not for HTML.
 *
 * @module
 */

import type { AnswerConventions } from "./answer_conventions.ts";
import {
  readListing,
  renderListingHtml,
  renderListingJson,
  renderRelativeListingHtml,
} from "./dir_listing.ts";
import { fsErrorStatus } from "./fs_error_status.ts";
import type { Containment } from "./locate_entry.ts";
import { encodeUrlPath } from "./redirect.ts";
import { responseInit, statusResponse } from "./status_response.ts";

/**
 * Which folder {@linkcode listingResponse} lists, and how it is reached.
 */
export interface ListedFolder {
  /** The folder's path under the root, as looked up. */
  readonly path: string;
  /** The mount point's decoded segments (`urlRoot`). */
  readonly mount: readonly string[];
  /** The folder's decoded segments below the mount point. */
  readonly segments: readonly string[];
  /** Which entries may be listed (as which may be served). */
  readonly containment: Containment;
  /** Absolute links (berth's) or relative ones (std's). */
  readonly links: AnswerConventions["listingLinks"];
}

function wantsJson(request: Request): boolean {
  const accept = (request.headers.get("accept") ?? "").toLowerCase();
  return accept.includes("application/json") && !accept.includes("text/html");
}

/**
 * The listing of a folder, never cached (`no-cache`), varying on `Accept`.
 *
 * @param request The GET or HEAD request.
 * @param folder The folder.
 * @returns The response (403 when reading it was refused), or `null` when
 * there is nothing to list there: the caller answers not found.
 * @throws What reading threw, when it is not a file-system refusal.
 */
export function listingResponse(
  request: Request,
  folder: ListedFolder,
): Response | null {
  let entries;
  try {
    entries = readListing(folder.path, { containment: folder.containment });
  } catch (error) {
    const status = fsErrorStatus(error);
    if (status === null) throw error;
    return status === 404 ? null : statusResponse(status, request.method);
  }
  if (entries === null) return null;
  const all = [...folder.mount, ...folder.segments];
  const displayPath = all.length ? `/${all.join("/")}/` : "/";
  const hrefBase = encodeUrlPath(all, true);
  const json = wantsJson(request);
  const relative = folder.links === "relative";
  const body = new TextEncoder().encode(
    json
      ? renderListingJson(displayPath, hrefBase, entries)
      : relative
      ? renderRelativeListingHtml(displayPath, folder.segments, entries)
      : renderListingHtml(
        displayPath,
        hrefBase,
        entries,
        folder.segments.length > 0,
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
  // std's listings say so; a Range on one is ignored (RFC 9110 §14.2).
  if (relative) headers.set("accept-ranges", "bytes");
  return new Response(
    request.method === "HEAD" ? null : body,
    responseInit(200, headers),
  );
}
