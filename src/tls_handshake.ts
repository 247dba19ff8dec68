/**
 * The TLS handshake of an accepted connection, finished before a protocol
 * is chosen for it (ALPN, RFC 7301). The connection is tracked meanwhile as
 * a new, idle one, as the engines track theirs before a request's first
 * byte: it counts against `maxConnections` (and may be closed to make room),
 * must finish within `headersTimeoutMs`, and closes when the server shuts
 * down. A client that opens TLS and never finishes it holds nothing longer.
 *
 * @module
 */

import type { ConnectionTracker } from "./http1/connection_tracker.ts";
import type { ResolvedLimits } from "./http1/limits.ts";
import { PendingConnection } from "./pending_connection.ts";

/**
 * Finish the TLS handshake of `conn` under the server's limits, then hand
 * it on.
 *
 * @param conn A TLS connection, just accepted.
 * @param server The server's tracker and limits.
 * @param serve Called with the protocol the client chose with ALPN (`null`
 *   when it offered none) at the moment the connection leaves the tracker,
 *   so the connection task it starts is tracked with no gap between. Not
 *   called when the connection was closed instead: a failed or late
 *   handshake, a shutdown, no room under `maxConnections`.
 * @returns Resolves once the handshake is over, either way.
 */
export async function finishTlsHandshake(
  conn: Deno.TlsConn,
  server: { tracker: ConnectionTracker; limits: ResolvedLimits },
  serve: (protocol: string | null) => void,
): Promise<void> {
  const { tracker, limits } = server;
  const pending = new PendingConnection(
    conn,
    Date.now() + limits.headersTimeoutMs,
  );
  tracker.add(pending);
  let protocol: string | null | undefined;
  try {
    if (
      tracker.shuttingDown ||
      (tracker.size > limits.maxConnections &&
        !tracker.makeRoom(limits.maxConnections))
    ) {
      // No answer can go out before TLS: every other connection is busy.
      return;
    }
    tracker.setIdle(pending, "new");
    protocol = (await conn.handshake()).alpnProtocol;
  } catch {
    // A client that is not TLS, or refused the certificate; or closed.
  } finally {
    tracker.delete(pending);
    if (protocol === undefined || pending.closed) pending.close();
    else serve(protocol);
  }
}
