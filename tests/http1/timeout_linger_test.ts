/**
 * A head or body that does not arrive in time is answered 408 and the
 * connection closed in stages (RFC 9112 §9.6): the write side shut first,
 * what the client still sends read away (bounded in bytes and time) and
 * never served, then the close. Once a response has started, a timeout
 * closes instead, and a 408 is never a second answer to one request. Each
 * deadline holds while a body read and a response write overlap. On the
 * in-memory connection, so every step is observed, not timed.
 */

import assert from "node:assert/strict";
import { ConnectionTracker } from "../../src/http1/connection_tracker.ts";
import type { ServeHandler } from "../../src/http1/handler.ts";
import { resolveLimits, type ServeLimits } from "../../src/http1/limits.ts";
import { serveConnection } from "../../src/http1/serve_connection.ts";
import { MockConn } from "../../support/mock_conn.ts";
import { parseResponses } from "../../support/raw_http.ts";

/** A MockConn that counts the bytes the engine read. */
class CountingConn extends MockConn {
  bytesRead = 0;

  override async read(buffer: Uint8Array): Promise<number | null> {
    const n = await super.read(buffer);
    if (n !== null) this.bytesRead += n;
    return n;
  }
}

/** A head that completes the timed-out one, and a whole request after it. */
const LATE_HEADS = "\r\nGET /late HTTP/1.1\r\nHost: a\r\n\r\n";

interface Served {
  conn: CountingConn;
  tracker: ConnectionTracker;
  done: Promise<void>;
  /** Handler calls, by path. */
  calls: string[];
}

/** Serve `conn` with short timeouts; the handler records its calls. */
function serveSlow(
  input: string[],
  limits: ServeLimits,
  handler?: ServeHandler,
): Served {
  const conn = new CountingConn(input, { holdOpen: true });
  const tracker = new ConnectionTracker(5);
  const calls: string[] = [];
  const done = serveConnection(conn, (request, info) => {
    calls.push(new URL(request.url).pathname);
    return handler?.(request, info) ?? new Response("served");
  }, {
    limits: resolveLimits(limits),
    tracker,
    onError: () => new Response("onError", { status: 500 }),
  });
  return { conn, tracker, done, calls };
}

/**
 * Wait until the engine shut its write side or closed; assert it shut the
 * write side and is still open (reading away), and wrote exactly one 408.
 */
async function assertLingeringAfter408(conn: MockConn): Promise<void> {
  await Promise.race([conn.whenWriteClosed, conn.whenClosed]);
  assert.equal(conn.closed, false, "closed at once, not in stages");
  assert.equal(conn.writeClosed, true);
  assertOne408(conn);
}

function assertOne408(conn: MockConn): void {
  const responses = parseResponses(conn.output);
  assert.deepEqual(responses.map((r) => r.status), [408], conn.output);
  assert.equal(responses[0].headers.get("connection"), "close");
}

/**
 * Whether `promise` settles before a generous guard: the guard only keeps a
 * hang (a deadline that never fires) from stalling the suite.
 */
async function settlesFirst(promise: Promise<unknown>): Promise<boolean> {
  let guard: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise.then(() => true),
      new Promise<false>((resolve) => {
        guard = setTimeout(() => resolve(false), 10_000);
      }),
    ]);
  } finally {
    clearTimeout(guard);
  }
}

/** A handler that reads the body whole, into `seen`: its text or its error. */
function readsBodyInto(seen: unknown[]): ServeHandler {
  return async (request) => {
    try {
      seen.push(await request.text());
    } catch (error) {
      seen.push(error);
    }
    return new Response("after the body");
  };
}

/** Send `chunk` and wait until the engine has read it and waits for more. */
async function pushAndWaitRead(conn: MockConn, chunk: string): Promise<void> {
  const waits = conn.readWaits();
  conn.push(chunk);
  await waits;
}

Deno.test("timeout linger: a timed-out head gets one 408, the write side shut, and a head sent after it is read away unanswered", async () => {
  const { conn, tracker, done, calls } = serveSlow(
    ["GET / HTTP/1.1\r\nHost: a\r\n"],
    { headersTimeoutMs: 30 },
  );
  await assertLingeringAfter408(conn);
  const readBefore = conn.bytesRead;
  await pushAndWaitRead(conn, LATE_HEADS);
  assert.equal(conn.bytesRead, readBefore + LATE_HEADS.length, "read away");
  assertOne408(conn); // no second status
  assert.deepEqual(calls, []);
  assert.equal(conn.closed, false, "still lingering");
  conn.end(); // the client is done: the server closes now
  await done;
  assert.equal(conn.closed, true);
  assert.equal(conn.writeClosedBeforeClose, true);
  assertOne408(conn);
  assert.equal(tracker.size, 0);
});

Deno.test("timeout linger: a head completed after the 408, then the client's end: not served, and closed", async () => {
  // The read waiting for the head's last bytes returns a whole head, after
  // the 408: it is not parsed, and the end of stream after it ends the linger.
  const { conn, done, calls } = serveSlow(
    ["GET / HTTP/1.1\r\nHost: a\r\n"],
    { headersTimeoutMs: 30 },
  );
  await assertLingeringAfter408(conn);
  conn.push("\r\n");
  conn.end();
  await done;
  assertOne408(conn);
  assert.deepEqual(calls, []);
  assert.equal(conn.writeClosedBeforeClose, true);
});

Deno.test("timeout linger: a client that stays silent after the 408 is closed by the linger deadline", async () => {
  const { conn, tracker, done, calls } = serveSlow(
    ["GET / HTTP/1.1\r\nHost: a\r\n"],
    { headersTimeoutMs: 30 },
  );
  await assertLingeringAfter408(conn);
  const closed = await settlesFirst(conn.whenClosed); // the linger is 2 s
  conn.end();
  await done;
  assert.equal(closed, true, "closed by the server, no client end needed");
  assert.equal(conn.writeClosedBeforeClose, true);
  assertOne408(conn);
  assert.deepEqual(calls, []);
  assert.equal(tracker.size, 0);
});

Deno.test("timeout linger: the read-away is bounded in bytes", async () => {
  const { conn, done } = serveSlow(
    ["GET / HTTP/1.1\r\nHost: a\r\n"],
    { headersTimeoutMs: 30 },
  );
  await assertLingeringAfter408(conn);
  const chunk = "x".repeat(64 * 1024);
  const total = 1024 * 1024;
  for (let sent = 0; sent < total; sent += chunk.length) conn.push(chunk);
  await conn.whenClosed; // never ended by the client
  await done;
  // Without the bound every pushed byte would be read before the deadline.
  assert.ok(conn.bytesRead < total, `read ${conn.bytesRead} of ${total}`);
  assert.equal(conn.writeClosedBeforeClose, true);
  assertOne408(conn);
});

Deno.test("timeout linger: a lingering connection stays idle while the head goes on trickling, closed first to make room", async () => {
  const { conn, tracker, done } = serveSlow(
    ["GET / HTTP/1.1\r\nHost: a\r\n"],
    { headersTimeoutMs: 30 },
  );
  const other = { deadline: 0, idle: false, timeout() {}, close() {} };
  tracker.add(other);
  try {
    await assertLingeringAfter408(conn);
    // More of a head that stays incomplete: read away, not a new head wait
    // (which would make the connection busy, under a new head deadline).
    await pushAndWaitRead(conn, "X-Slow: a");
    assertOne408(conn);
    assert.equal(tracker.makeRoom(1), true);
    assert.equal(conn.closed, true);
    await done;
    assert.equal(tracker.size, 1);
  } finally {
    tracker.delete(other);
  }
});

Deno.test("timeout linger: a timed-out body gets one 408; the handler never sees the bytes after it, and nothing more is written", async () => {
  const seen: unknown[] = [];
  const { conn, tracker, done, calls } = serveSlow(
    ["POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc"],
    { bodyTimeoutMs: 30 },
    readsBodyInto(seen),
  );
  await assertLingeringAfter408(conn);
  await pushAndWaitRead(conn, "defghij" + LATE_HEADS.slice(2));
  assert.equal(seen.length, 1);
  assert.ok(seen[0] instanceof Deno.errors.TimedOut, String(seen[0]));
  assertOne408(conn);
  assert.deepEqual(calls, ["/upload"]);
  conn.end();
  await done;
  assert.equal(conn.writeClosedBeforeClose, true);
  assertOne408(conn);
  assert.equal(tracker.size, 0);
});

Deno.test("timeout linger: an echo handler streaming its response while the upload stalls is closed by the body deadline", async () => {
  // The response's writes and the body's reads overlap: a write done must
  // not lift the deadline of the read still waiting on the client.
  const readError = Promise.withResolvers<unknown>();
  const { conn, tracker, done } = serveSlow(
    ["POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc"],
    { bodyTimeoutMs: 30 },
    (request) => {
      const reader = request.body!.getReader();
      return new Response(
        new ReadableStream<Uint8Array>({
          async pull(controller) {
            try {
              const { done, value } = await reader.read();
              if (done) controller.close();
              else controller.enqueue(value);
            } catch (error) {
              readError.resolve(error);
              controller.error(error);
            }
          },
        }),
      );
    },
  );
  const closed = await settlesFirst(conn.whenClosed);
  conn.end();
  await done;
  assert.equal(closed, true, "closed by the server, no client end needed");
  assert.ok(await readError.promise instanceof Error);
  // The response had started: closing is the answer, never a 408 inside it.
  assert.match(conn.output, /^HTTP\/1\.1 200 OK\r\n/);
  assert.doesNotMatch(conn.output, /408/);
  assert.equal(tracker.size, 0);
});

Deno.test("timeout linger: a body left unread that stalls while drained after the response is closed in stages with no 408", async () => {
  const { conn, tracker, done, calls } = serveSlow(
    ["POST /ignore HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc"],
    { bodyTimeoutMs: 30 },
    () => new Response("answered"),
  );
  const shut = await settlesFirst(
    Promise.race([conn.whenWriteClosed, conn.whenClosed]),
  );
  assert.equal(shut, true, "shut by the body deadline");
  assert.equal(conn.closed, false, "closed at once, not in stages");
  // What the client still sends is read away, never served.
  await pushAndWaitRead(conn, "defghij" + LATE_HEADS.slice(2));
  conn.end();
  await done;
  assert.equal(conn.writeClosedBeforeClose, true);
  const responses = parseResponses(conn.output);
  assert.deepEqual(responses.map((r) => r.status), [200], conn.output);
  assert.deepEqual(calls, ["/ignore"]);
  assert.equal(tracker.size, 0);
});

Deno.test("timeout linger: a body that stalls after its 100 Continue gets one 408", async () => {
  // The 100's write and the body's first read overlap: the write done must
  // not lift the read's deadline.
  const seen: unknown[] = [];
  const { conn, tracker, done } = serveSlow(
    [
      "POST /upload HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n" +
      "Content-Length: 10\r\n\r\n",
    ],
    { bodyTimeoutMs: 30 },
    readsBodyInto(seen),
  );
  const shut = await settlesFirst(
    Promise.race([conn.whenWriteClosed, conn.whenClosed]),
  );
  assert.equal(shut, true, "shut by the body deadline");
  assert.match(conn.output, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 408 /);
  conn.end();
  await done;
  assert.equal(seen.length, 1);
  assert.ok(seen[0] instanceof Deno.errors.TimedOut, String(seen[0]));
  assert.equal(conn.writeClosedBeforeClose, true);
  assert.equal(tracker.size, 0);
});
