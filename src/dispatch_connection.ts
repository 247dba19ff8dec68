/**
 * Which engine serves an accepted connection: HTTP/2 for TLS connections
 * whose client chose `h2` with ALPN (after the handshake, `tls_handshake.ts`)
 * and for cleartext ones that open with HTTP/2's preface (h2c with prior
 * knowledge, which the HTTP/1.1 engine recognizes and hands over); HTTP/1.1
 * for every other. Both engines share one tracker, one set of limits and
 * the same hooks. HTTP/2's modules load on the first connection that needs
 * them (`load_http2.ts`).
 *
 * @module
 */

import type { ServeHandler } from "./http1/handler.ts";
import type { PriorKnowledgeHandoff } from "./http1/prior_knowledge.ts";
import {
  type ConnectionOptions,
  serveConnection,
} from "./http1/serve_connection.ts";
import type { ResolvedHttp2Limits } from "./http2/http2_limits.ts";
import { Http2Engine, type LoadHttp2 } from "./load_http2.ts";
import type { ResolvedProtocols } from "./protocol_options.ts";
import { finishTlsHandshake } from "./tls_handshake.ts";

/** What {@linkcode connectionDispatcher} needs besides the handler. */
export interface DispatchOptions {
  /** The limits, tracker and hooks both engines share. */
  connection: ConnectionOptions;
  /** HTTP/2's own limits. */
  http2: ResolvedHttp2Limits;
  /** Which protocols are on besides HTTP/1.1. */
  protocols: ResolvedProtocols;
  /**
   * How HTTP/2's engine is loaded, on the first connection that needs it
   * (`load_http2.ts`); tests pass their own.
   */
  loadHttp2?: LoadHttp2;
}

/**
 * Make the function the accept loop calls on each connection: it starts
 * the connection's task and returns at once, never awaiting it.
 *
 * @param handler The request handler, for both engines.
 * @param options Limits, tracker, hooks and protocols.
 * @returns `(conn) => void`.
 */
export function connectionDispatcher<Addr extends Deno.Addr = Deno.NetAddr>(
  handler: ServeHandler<Addr>,
  options: DispatchOptions,
): (conn: Deno.Conn) => void {
  const { connection, protocols } = options;
  const http2Options = { ...connection, http2: options.http2 };
  const http2Engine = new Http2Engine(options.loadHttp2);
  const serveHttp2 = (conn: Deno.Conn, initialBytes?: Uint8Array) =>
    http2Engine.serve(
      conn,
      connection.tracker,
      (serveHttp2Connection) =>
        serveHttp2Connection(conn, handler, { ...http2Options, initialBytes }),
    );
  const priorKnowledge: PriorKnowledgeHandoff = (conn, received) =>
    serveHttp2(conn as Deno.Conn, received);
  // h2c is for cleartext only: over TLS, HTTP/2 is what ALPN chose
  // (RFC 9113 §3.3), so a TLS connection's preface stays a 505.
  const cleartext = protocols.http2 && protocols.h2c
    ? { ...connection, priorKnowledge }
    : connection;
  return (conn) => {
    if (!isTls(conn)) {
      serveConnection(conn, handler, cleartext);
    } else if (!protocols.http2) {
      // As before HTTP/2: the first read finishes the handshake.
      serveConnection(conn, handler, connection);
    } else {
      finishTlsHandshake(conn, connection, (protocol) => {
        if (protocol === "h2") serveHttp2(conn);
        else serveConnection(conn, handler, connection);
      });
    }
  };
}

function isTls(conn: Deno.Conn): conn is Deno.TlsConn {
  return typeof (conn as Partial<Deno.TlsConn>).handshake === "function";
}
