/**
 * h2c with prior knowledge as the HTTP/1.1 engine sees it: a connection that
 * opens with HTTP/2's preface is handed over with every byte read so far,
 * however the bytes arrive; anywhere else, or with no one to hand it to,
 * `PRI * HTTP/2.0` is a request line for a version the engine refuses (505).
 */

import assert from "node:assert/strict";
import type { Conn } from "../../src/http1/conn.ts";
import { ConnectionTracker } from "../../src/http1/connection_tracker.ts";
import { resolveLimits } from "../../src/http1/limits.ts";
import { isPrefaceHead } from "../../src/http1/prior_knowledge.ts";
import {
  type ConnectionOptions,
  serveConnection,
} from "../../src/http1/serve_connection.ts";
import { chunkings, MockConn } from "../../support/mock_conn.ts";

const PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
/** What an h2c client sends right after the preface: an empty SETTINGS. */
const SETTINGS = "\x00\x00\x00\x04\x00\x00\x00\x00\x00";
const encoder = new TextEncoder();

/** A handoff that records what it was given and closes the connection. */
function recordingHandoff() {
  const calls: { conn: Conn; received: string }[] = [];
  return {
    calls,
    handOff(conn: Conn, received: Uint8Array): Promise<void> {
      calls.push({ conn, received: new TextDecoder().decode(received) });
      conn.close();
      return Promise.resolve();
    },
  };
}

function options(
  tracker: ConnectionTracker,
  priorKnowledge?: ConnectionOptions["priorKnowledge"],
): ConnectionOptions {
  return {
    limits: resolveLimits(),
    tracker,
    onError: () => new Response(null, { status: 500 }),
    priorKnowledge,
  };
}

const handler = () => new Response("h1");

Deno.test("isPrefaceHead() is true for the preface's head alone", () => {
  const cases: [string, boolean][] = [
    ["PRI * HTTP/2.0\r\n\r\n", true],
    ["PRI * HTTP/2.0\r\n\r", false],
    ["PRI * HTTP/2.0\r\nHost: a\r\n\r\n", false],
    ["PRI / HTTP/2.0\r\n\r\n", false],
    ["pri * HTTP/2.0\r\n\r\n", false],
    ["GET / HTTP/1.1\r\n\r\n", false],
  ];
  for (const [text, want] of cases) {
    const bytes = encoder.encode(`xx${text}yy`);
    assert.equal(isPrefaceHead(bytes, 2, 2 + text.length), want, text);
  }
});

for (const [name, chunks] of chunkings(PREFACE + SETTINGS)) {
  Deno.test(`serveConnection() hands a connection opening with the preface over, ${name}`, async () => {
    const tracker = new ConnectionTracker(1000);
    const { calls, handOff } = recordingHandoff();
    const conn = new MockConn(chunks, { holdOpen: true });
    await serveConnection(conn, handler, options(tracker, handOff));
    assert.equal(calls.length, 1);
    assert.equal(calls[0].conn, conn);
    // Every byte read so far, from the preface's first on: HTTP/2 reads on
    // from there, and checks the rest of the preface itself.
    assert.ok(
      (PREFACE + SETTINGS).startsWith(calls[0].received),
      calls[0].received,
    );
    assert.ok(calls[0].received.startsWith("PRI * HTTP/2.0\r\n\r\n"));
    assert.equal(conn.output, "", "HTTP/1.1 wrote nothing");
    assert.equal(tracker.size, 0);
  });
}

Deno.test("serveConnection() answers the preface 505 when no one takes HTTP/2", async () => {
  const conn = new MockConn([PREFACE + SETTINGS]);
  await serveConnection(conn, handler, options(new ConnectionTracker(1000)));
  assert.match(conn.output, /^HTTP\/1\.1 505 /);
  assert.ok(conn.closed);
});

Deno.test("serveConnection() answers the preface 505 after a first request", async () => {
  const { calls, handOff } = recordingHandoff();
  const conn = new MockConn([
    "GET / HTTP/1.1\r\nHost: a\r\n\r\n" + PREFACE + SETTINGS,
  ]);
  await serveConnection(
    conn,
    handler,
    options(new ConnectionTracker(1000), handOff),
  );
  assert.equal(calls.length, 0);
  assert.match(conn.output, /^HTTP\/1\.1 200 [^]*HTTP\/1\.1 505 /);
});

Deno.test("serveConnection() answers other HTTP/2.0 request lines 505", async () => {
  const { calls, handOff } = recordingHandoff();
  const conn = new MockConn(["GET / HTTP/2.0\r\nHost: a\r\n\r\n"]);
  await serveConnection(
    conn,
    handler,
    options(new ConnectionTracker(1000), handOff),
  );
  assert.equal(calls.length, 0);
  assert.match(conn.output, /^HTTP\/1\.1 505 /);
});
