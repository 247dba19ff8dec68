/**
 * What the static handler says about methods and origins: `Allow`, the
 * answer to `OPTIONS` (a CORS preflight included), and the CORS fields on
 * every other answer.
 *
 * @module
 */

import { statusResponse } from "./status_response.ts";

/**
 * The methods a static handler answers, for `Allow`.
 */
export const ALLOWED_METHODS = "GET, HEAD, OPTIONS";

const CORS_EXPOSE =
  "Accept-Ranges, Content-Encoding, Content-Length, Content-Range, ETag, Last-Modified";
const CORS_ALLOW_HEADERS =
  "Accept, Accept-Encoding, Content-Type, If-Match, If-Modified-Since, If-None-Match, If-Range, If-Unmodified-Since, Range";
const TOKEN_LIST =
  /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+(\s*,\s*[!#$%&'*+\-.^_`|~0-9A-Za-z]+)*$/;

/**
 * The answer to `OPTIONS`: 204 with `Allow`, and — when `cors` and the
 * request is a preflight (`Origin` and `Access-Control-Request-Method`) —
 * the methods and headers a cross-origin request may use. Headers the
 * client asks for are echoed only when they are a clean token list.
 *
 * @param request The `OPTIONS` request.
 * @param cors Whether cross-origin requests are allowed.
 * @returns The response.
 */
export function preflightResponse(request: Request, cors: boolean): Response {
  const headers = new Headers({ allow: ALLOWED_METHODS });
  if (
    cors && request.headers.has("origin") &&
    request.headers.has("access-control-request-method")
  ) {
    headers.set("access-control-allow-methods", ALLOWED_METHODS);
    const asked = request.headers.get("access-control-request-headers");
    headers.set(
      "access-control-allow-headers",
      asked !== null && TOKEN_LIST.test(asked.trim())
        ? asked.trim()
        : CORS_ALLOW_HEADERS,
    );
    headers.set("access-control-max-age", "86400");
  }
  return statusResponse(204, "OPTIONS", headers);
}

/**
 * Mark an answer as readable from any origin, with the fields a script
 * may see.
 *
 * @param headers The response's headers, changed in place.
 */
export function addCorsHeaders(headers: Headers): void {
  headers.set("access-control-allow-origin", "*");
  headers.set("access-control-expose-headers", CORS_EXPOSE);
}
