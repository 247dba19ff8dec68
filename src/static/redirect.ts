/**
 * Redirects to the other slash form of a path, built from decoded,
 * validated segments — never from the raw request path.
 *
 * @module
 */

import { statusResponse } from "./status_response.ts";

/**
 * The URL path of decoded segments, each percent-encoded: what a
 * `Location` or a listing's links carry.
 *
 * @param segments Decoded path segments, from the site's top.
 * @param trailingSlash Whether to end it with `/` (the root has only `/`).
 * @returns The path, starting with a single `/`.
 */
export function encodeUrlPath(
  segments: readonly string[],
  trailingSlash: boolean,
): string {
  let path = "/" + segments.map(encodeURIComponent).join("/");
  if (trailingSlash && segments.length > 0) path += "/";
  return path;
}

/**
 * A 301 to a path given as segments, with the request's query. The
 * segments are encoded one by one, so the `Location` cannot start with
 * `//` or `/\` (an open redirect); the query is kept, with anything outside
 * printable ASCII encoded, so it can never carry CR/LF.
 *
 * @param method The request method (`HEAD` gets no body).
 * @param segments The target's decoded segments, from the site's top.
 * @param options Whether the target ends with `/`, and the request's
 *   query (`url.search`).
 * @returns The response.
 */
export function redirectResponse(
  method: string,
  segments: readonly string[],
  options: { trailingSlash: boolean; search: string },
): Response {
  const search = options.search.replace(
    /[^\x21-\x7e]/g,
    (c) => encodeURIComponent(c),
  );
  const location = encodeUrlPath(segments, options.trailingSlash) + search;
  return statusResponse(301, method, { location });
}
