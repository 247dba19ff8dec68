/**
 * finishTlsHandshake() on a fake TLS connection: the handshake is tracked
 * as a new, idle connection, so its deadline, shutdown and maxConnections
 * reach it; the protocol goes on only from a handshake that finished.
 */

import assert from "node:assert/strict";
import { ConnectionTracker } from "../src/http1/connection_tracker.ts";
import { resolveLimits, type ServeLimits } from "../src/http1/limits.ts";
import { finishTlsHandshake } from "../src/tls_handshake.ts";

/** A TLS connection whose handshake finishes when the test says. */
class FakeTlsConn {
  closed = false;
  readonly #handshake = Promise.withResolvers<Deno.TlsHandshakeInfo>();

  constructor() {
    // Closed before anyone asked for the handshake: nothing to report.
    this.#handshake.promise.catch(() => {});
  }

  handshake(): Promise<Deno.TlsHandshakeInfo> {
    return this.#handshake.promise;
  }

  /** The client finishes the handshake, choosing `alpnProtocol`. */
  finish(alpnProtocol: string | null): void {
    this.#handshake.resolve({ alpnProtocol });
  }

  close(): void {
    this.closed = true;
    // As Deno: a pending handshake is interrupted by the close.
    this.#handshake.reject(new Deno.errors.Interrupted("operation canceled"));
  }
}

/** Start a handshake; what it handed on, once it is over. */
function handshake(
  conn: FakeTlsConn,
  tracker: ConnectionTracker,
  limits: ServeLimits = {},
): Promise<string | null | "closed"> {
  let chosen: string | null | "closed" = "closed";
  return finishTlsHandshake(
    conn as unknown as Deno.TlsConn,
    { tracker, limits: resolveLimits(limits) },
    (protocol) => chosen = protocol,
  ).then(() => chosen);
}

Deno.test("finishTlsHandshake() hands on the protocol ALPN chose, then untracks", async () => {
  const tracker = new ConnectionTracker(1000);
  for (const protocol of ["h2", "http/1.1", null]) {
    const conn = new FakeTlsConn();
    const done = handshake(conn, tracker);
    assert.equal(tracker.size, 1);
    conn.finish(protocol);
    assert.equal(await done, protocol);
    assert.equal(conn.closed, false);
    assert.equal(tracker.size, 0);
  }
});

Deno.test("finishTlsHandshake() closes a handshake not finished in headersTimeoutMs", async () => {
  const tracker = new ConnectionTracker(10);
  const conn = new FakeTlsConn();
  assert.equal(
    await handshake(conn, tracker, { headersTimeoutMs: 20 }),
    "closed",
  );
  assert.ok(conn.closed);
  assert.equal(tracker.size, 0);
});

Deno.test("finishTlsHandshake() closes handshakes when the server shuts down", async () => {
  const tracker = new ConnectionTracker(1000);
  const conn = new FakeTlsConn();
  const done = handshake(conn, tracker);
  tracker.beginShutdown();
  assert.equal(await done, "closed");
  assert.ok(conn.closed);
  // And one accepted after that is closed at once.
  const late = new FakeTlsConn();
  assert.equal(await handshake(late, tracker), "closed");
  assert.ok(late.closed);
});

Deno.test("finishTlsHandshake() at maxConnections closes an idle one for room, or itself", async () => {
  const tracker = new ConnectionTracker(1000);
  const first = new FakeTlsConn();
  const firstDone = handshake(first, tracker, { maxConnections: 1 });
  // The second takes the first's place: a handshake is idle.
  const second = new FakeTlsConn();
  const secondDone = handshake(second, tracker, { maxConnections: 1 });
  assert.equal(await firstDone, "closed");
  assert.equal(tracker.size, 1);
  // A busy connection is never closed for room: the newcomer is.
  const busy = { deadline: 0, idle: false, timeout() {}, close() {} };
  tracker.add(busy);
  second.finish("h2");
  assert.equal(await secondDone, "h2");
  const third = new FakeTlsConn();
  assert.equal(
    await handshake(third, tracker, { maxConnections: 1 }),
    "closed",
  );
  assert.ok(third.closed);
  tracker.delete(busy);
  assert.equal(tracker.size, 0);
});
