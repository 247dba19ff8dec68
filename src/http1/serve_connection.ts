/**
 * The connection task's entry: serve HTTP/1.1 requests on one connection
 * until it closes (see {@linkcode Http1Connection} for the task itself).
 *
 * @module
 */

import type { AccessLogEntry } from "./access_log_entry.ts";
import type { Conn } from "./conn.ts";
import type { ConnectionTracker } from "./connection_tracker.ts";
import type { ServeHandler } from "./handler.ts";
import { Http1Connection } from "./http1_connection.ts";
import type { ResolvedLimits } from "./limits.ts";
import type { PriorKnowledgeHandoff } from "./prior_knowledge.ts";

/** What a connection task needs besides the connection and the handler. */
export interface ConnectionOptions {
  /** The limits, defaults filled in. */
  limits: ResolvedLimits;
  /** Shared by every connection of a server: shutdown and timeouts. */
  tracker: ConnectionTracker;
  /** Turns a handler error into the response to send. */
  onError: (error: unknown) => Response | Promise<Response>;
  /** Told about every answered request (access logs); never awaited. */
  onResponse?: (entry: AccessLogEntry) => void;
  /**
   * Where a connection goes that opens with HTTP/2's connection preface
   * (h2c with prior knowledge, RFC 9113 §3.3), with the bytes read so far.
   * Unset: the preface is refused as any other HTTP/2.0 request line (505).
   */
  priorKnowledge?: PriorKnowledgeHandoff;
}

/**
 * Serve HTTP/1.1 requests on one connection until it closes.
 *
 * @param conn The connection; closed when this resolves.
 * @param handler The request handler.
 * @param options Limits, tracker and error hook.
 * @returns Resolves (never rejects) once the connection is closed.
 */
export function serveConnection<Addr extends Deno.Addr = Deno.NetAddr>(
  conn: Conn,
  handler: ServeHandler<Addr>,
  options: ConnectionOptions,
): Promise<void> {
  return new Http1Connection(conn, handler, options).serve();
}
