/**
 * Requests through berth's engine on an in-memory connection, so the file
 * handler's fast lane is used exactly as on a socket.
 *
 * @module
 */

import { ConnectionTracker } from "../../src/http1/connection_tracker.ts";
import type { ServeHandler } from "../../src/http1/handler.ts";
import { resolveLimits } from "../../src/http1/limits.ts";
import { serveConnection } from "../../src/http1/serve_connection.ts";
import { MockConn } from "../../support/mock_conn.ts";

const decoder = new TextDecoder();

/**
 * Run `requests` pipelined on one mock connection.
 *
 * @param handler The handler (with or without a fast lane).
 * @param requests Raw request heads.
 * @returns Everything written back, `Date` values masked.
 */
export async function exchange(
  handler: ServeHandler,
  requests: string[],
): Promise<string> {
  const conn = new MockConn([requests.join("")]);
  await serveConnection(conn, handler, {
    limits: resolveLimits(),
    tracker: new ConnectionTracker(1000),
    onError: () => new Response("error", { status: 500 }),
  });
  return decoder.decode(conn.outputBytes).replace(
    /^date: [^\r\n]*\r\n/gim,
    "date: DATE\r\n",
  );
}

/**
 * A raw `GET` request head.
 *
 * @param path The request-target.
 * @param headers Extra fields.
 * @returns The head, ending with the empty line.
 */
export function get(
  path: string,
  headers: Record<string, string> = {},
): string {
  return `GET ${path} HTTP/1.1\r\nHost: a\r\n` +
    Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("") +
    "\r\n";
}
