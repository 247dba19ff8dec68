/**
 * The generic error answer: the reason phrase as plain text, nothing about
 * the cause (no paths, no stacks). As bytes for errors the engine answers
 * itself, as a `Response` for a handler that failed.
 *
 * @module
 */

import { httpDate } from "./http_date.ts";
import { STATUS_TEXT } from "./status_text.ts";

const encoder = new TextEncoder();

function reasonOf(status: number): string {
  return STATUS_TEXT[status] ?? "Error";
}

/**
 * A complete error response as bytes, with a current `Date` and, unless
 * `keepAlive`, `Connection: close` (RFC 9112 §9.6).
 *
 * @param status The status code.
 * @param keepAlive Whether the connection stays open afterwards.
 * @returns The bytes to write.
 */
export function errorResponseBytes(
  status: number,
  keepAlive = false,
): Uint8Array {
  const reason = reasonOf(status);
  return encoder.encode(
    `HTTP/1.1 ${status} ${reason}\r\n` +
      `content-type: text/plain; charset=utf-8\r\n` +
      `content-length: ${reason.length + 1}\r\n` +
      (keepAlive ? "" : "connection: close\r\n") +
      `date: ${httpDate()}\r\n\r\n${reason}\n`,
  );
}

/**
 * The same answer as a `Response`, for a handler that failed when nothing
 * better is known.
 *
 * @param status The status code.
 * @returns A plain-text response.
 */
export function errorResponse(status: number): Response {
  return new Response(reasonOf(status) + "\n", {
    status,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}

/**
 * The answer to a handler's error: the response `onError` makes of it, or
 * the generic 500 when `onError` fails or gives no usable response.
 *
 * @param onError The server's hook.
 * @param error What the handler threw.
 * @returns The response to send.
 */
export async function errorToResponse(
  onError: (error: unknown) => Response | Promise<Response>,
  error: unknown,
): Promise<Response> {
  try {
    const response = await onError(error);
    if (response instanceof Response && response.type !== "error") {
      return response;
    }
  } catch {
    // An onError that fails still leaves the client a generic 500.
  }
  return errorResponse(500);
}
