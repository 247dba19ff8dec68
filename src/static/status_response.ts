/**
 * Small, generic status responses: no paths, no stacks.
 *
 * @module
 */

import { STATUS_TEXT } from "../http/status_text.ts";

const encoder = new TextEncoder();

/**
 * The init of a response with `status`: its reason phrase as `statusText`
 * (the one a client of `Response` sees; berth's engine writes the phrase
 * from the status on the wire either way).
 *
 * @param status The status code.
 * @param headers The response's headers.
 * @returns The init for `new Response(body, init)`.
 */
export function responseInit(status: number, headers: Headers): ResponseInit {
  return { status, statusText: STATUS_TEXT[status] ?? "", headers };
}

/**
 * A plain-text response for a status, e.g. `404 Not Found`. Statuses that
 * carry no content (204, 304) and HEAD requests get a null body; everything
 * else gets an exact `Content-Length`.
 *
 * @param status The status code.
 * @param method The request method (`HEAD` gets the headers only).
 * @param headers Extra headers, e.g. `Location` or `Allow`.
 * @returns The response.
 */
export function statusResponse(
  status: number,
  method: string,
  headers?: HeadersInit,
): Response {
  const out = new Headers(headers);
  if (status === 204 || status === 304) {
    return new Response(null, responseInit(status, out));
  }
  const body = encoder.encode(`${status} ${STATUS_TEXT[status] ?? "Error"}\n`);
  out.set("content-type", "text/plain; charset=utf-8");
  out.set("content-length", String(body.length));
  return new Response(
    method === "HEAD" ? null : body,
    responseInit(status, out),
  );
}
