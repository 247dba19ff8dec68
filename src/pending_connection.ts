/**
 * A connection that no engine serves yet, as the tracker sees it: in its
 * TLS handshake (`tls_handshake.ts`), or waiting for HTTP/2's engine to
 * load (`load_http2.ts`). It counts as open, so against `maxConnections`;
 * its deadline, a forced close or a call to make room closes it, and
 * whoever holds it looks at `closed` before handing it on.
 *
 * @module
 */

import type { Conn } from "./http1/conn.ts";
import type { TrackedConnection } from "./http1/connection_tracker.ts";

/** A tracked connection before its engine takes it. */
export class PendingConnection implements TrackedConnection {
  deadline: number;
  idle = false;
  /** `true` once closed here: it must not be handed on. */
  closed = false;
  readonly #conn: Conn;

  /**
   * @param conn The connection.
   * @param deadline When to close it (ms since the epoch), `0` for never.
   */
  constructor(conn: Conn, deadline: number) {
    this.#conn = conn;
    this.deadline = deadline;
  }

  /** Its deadline passed: close it. */
  timeout(): void {
    this.close();
  }

  /** Close the connection, once. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.#conn.close();
    } catch {
      // Already closed.
    }
  }
}
