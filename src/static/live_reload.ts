/**
 * Live reload's reserved paths (`liveReload`), answered before any routing:
 *
 * - `/.berth/live-reload`: the event stream (`live_reload_events.ts`);
 * - `/.berth/live-reload.js`: the script pages load (`live_reload_script.ts`).
 *
 * Both are under the mount point (`urlRoot`), matched on the decoded path,
 * so every spelling of them is theirs. A file at either place under the
 * root is never served while live reload is on; the rest of `.berth/` is
 * routed as any dot-folder (404 unless `dotfiles`). Without `liveReload`
 * nothing is reserved.
 *
 * @module
 */

import {
  LiveReloadEvents,
  type LiveReloadSite,
  type LiveReloadTiming,
} from "./live_reload_events.ts";
import { liveReloadScriptResponse } from "./live_reload_script.ts";
import {
  EVENTS_NAME,
  LIVE_RELOAD_FOLDER,
  SCRIPT_NAME,
} from "./live_reload_tag.ts";
import { resolveUrlPath } from "./resolve_path.ts";
import { statusResponse } from "./status_response.ts";

/** The methods the reserved paths answer. */
const ALLOWED = "GET, HEAD";

/**
 * A handler's live reload: its reserved paths and its event stream.
 */
export class LiveReload {
  /** The event stream. */
  readonly events: LiveReloadEvents;
  readonly #mount: readonly string[];

  /**
   * @param site The root, its mount point, and the handler's hooks.
   * @param timing The stream's timing (tests shorten it).
   */
  constructor(site: LiveReloadSite, timing?: LiveReloadTiming) {
    this.events = new LiveReloadEvents(site, timing);
    this.#mount = site.mount;
  }

  /**
   * The answer for a reserved path, or `null` for any other: GET and HEAD
   * are answered, other methods get 405 with `Allow`.
   *
   * @param request The request.
   * @returns The answer, or `null` when the path is not reserved.
   */
  answer(request: Request): Response | null {
    const reserved = this.#reservedName(new URL(request.url).pathname);
    if (reserved === null) return null;
    const method = request.method;
    if (method !== "GET" && method !== "HEAD") {
      return statusResponse(405, method, { allow: ALLOWED });
    }
    return reserved === EVENTS_NAME
      ? this.events.respond(request)
      : liveReloadScriptResponse(request);
  }

  /**
   * End the event streams and stop watching (the server is shutting
   * down).
   *
   * @returns Resolves once the watch is released.
   */
  close(): Promise<void> {
    return this.events.close();
  }

  /** Which reserved name the path is, or `null`. */
  #reservedName(pathname: string): string | null {
    // Cheap first: every spelling of the folder has its letters, or an escape.
    if (!pathname.includes("berth") && !pathname.includes("%")) return null;
    const resolved = resolveUrlPath(pathname);
    if (!resolved.ok || resolved.trailingSlash) return null;
    const segments = resolved.segments;
    const mount = this.#mount;
    if (segments.length !== mount.length + 2) return null;
    for (let i = 0; i < mount.length; i++) {
      if (segments[i] !== mount[i]) return null;
    }
    if (segments[mount.length] !== LIVE_RELOAD_FOLDER) return null;
    const name = segments[mount.length + 1];
    return name === EVENTS_NAME || name === SCRIPT_NAME ? name : null;
  }
}
