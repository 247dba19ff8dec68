/**
 * The HTTP/2 connection task's entry: serve HTTP/2 streams on one
 * connection until it closes (see {@linkcode Http2Connection} for the task
 * itself). For a connection that speaks HTTP/2 from its first byte: TLS
 * with ALPN `h2`, or cleartext with prior knowledge (h2c, RFC 9113 §3.3).
 *
 * @module
 */

import type { Conn } from "../http1/conn.ts";
import type { ServeHandler } from "../http1/handler.ts";
import {
  Http2Connection,
  type Http2ConnectionOptions,
} from "./http2_connection.ts";

export type { Http2ConnectionOptions };

/**
 * Serve HTTP/2 streams on one connection until it closes: the same handler,
 * limits, tracker, `onError` and `onResponse` as `serveConnection()`.
 *
 * @param conn The connection; closed when this resolves.
 * @param handler The request handler.
 * @param options Limits, tracker, hooks, HTTP/2's own limits, and any
 *   bytes already read from the connection.
 * @returns Resolves (never rejects) once the connection is closed.
 */
export function serveHttp2Connection<Addr extends Deno.Addr = Deno.NetAddr>(
  conn: Conn,
  handler: ServeHandler<Addr>,
  options: Http2ConnectionOptions,
): Promise<void> {
  // The info carries the connection's own address, of the listener's type.
  const serving = handler as unknown as ServeHandler<Deno.Addr>;
  return new Http2Connection(conn, serving, options).serve();
}
