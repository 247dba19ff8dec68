/**
 * The script live reload's element loads (`/.berth/live-reload.js`): it
 * listens to the event stream beside it (`live_reload_events.ts`) with an
 * `EventSource`, which reconnects by itself when the server restarts, and
 *
 * - on `reload`, reloads the page;
 * - on `css`, fetches again the page's stylesheets whose path changed (all
 *   of the page's own when none is named: an `@import`ed one changed), by a
 *   new `<link>` with a cache-busting query that replaces the old one once
 *   loaded, so the page never shows unstyled;
 * - on `hello` (each connection's first event), reloads when the version
 *   differs from the one it saw before: a new server, or changes it missed
 *   while disconnected.
 *
 * No dependencies, nothing added to the page's globals.
 *
 * @module
 */

import { fnv1a } from "./etag.ts";
import { decidePreconditions } from "./preconditions.ts";
import { responseInit, statusResponse } from "./status_response.ts";

/** The script's source. */
export const LIVE_RELOAD_SCRIPT =
  `// berth --live-reload (development only): reloads this page when a file
// under the served folder changes; a changed stylesheet is swapped in place.
(() => {
  const source = new EventSource(document.currentScript.src.replace(/\\.js$/, ""));
  let version = null;
  const on = (type, act) =>
    source.addEventListener(type, (event) => act(JSON.parse(event.data)));
  const pathOf = (href) => {
    try {
      return decodeURIComponent(new URL(href).pathname);
    } catch {
      return null;
    }
  };
  const swap = (link) => {
    const url = new URL(link.href);
    url.searchParams.set("berth-live-reload", Date.now().toString(36));
    const next = link.cloneNode();
    next.href = url.href;
    const drop = () => link.remove();
    next.addEventListener("load", drop, { once: true });
    next.addEventListener("error", drop, { once: true });
    link.after(next);
  };
  on("hello", (message) => {
    if (version !== null && message.version !== version) location.reload();
    version = message.version;
  });
  on("reload", () => location.reload());
  on("css", (message) => {
    version = message.version;
    const links = [...document.querySelectorAll('link[rel~="stylesheet" i][href]')]
      .filter((link) => new URL(link.href).origin === location.origin);
    const named = links.filter((link) => message.paths.includes(pathOf(link.href)));
    for (const link of named.length > 0 ? named : links) swap(link);
  });
})();
`;

const SCRIPT_BYTES = new TextEncoder().encode(LIVE_RELOAD_SCRIPT);
const SCRIPT_ETAG = `"${fnv1a(LIVE_RELOAD_SCRIPT)}"`;

/**
 * Answer a GET or HEAD for the script: `text/javascript`, `no-cache` with a
 * strong ETag (so a new berth's script is fetched), 304 when it matches.
 *
 * @param request The request.
 * @returns The answer.
 */
export function liveReloadScriptResponse(request: Request): Response {
  const method = request.method;
  const headers = new Headers({
    "cache-control": "no-cache",
    etag: SCRIPT_ETAG,
    "x-content-type-options": "nosniff",
  });
  const outcome = decidePreconditions(method, request.headers, {
    etag: SCRIPT_ETAG,
    lastModified: null,
  });
  if (outcome.status === 304) {
    return new Response(null, responseInit(304, headers));
  }
  if (outcome.status === 412) return statusResponse(412, method, headers);
  headers.set("content-type", "text/javascript; charset=utf-8");
  headers.set("content-length", String(SCRIPT_BYTES.length));
  return new Response(
    method === "HEAD" ? null : SCRIPT_BYTES.slice(),
    responseInit(200, headers),
  );
}
