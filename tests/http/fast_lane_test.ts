/**
 * The fast-lane seam's promise: a lane that has no answer yet but one is
 * being made returns a promise; the engine waits for it and asks once more,
 * and takes the ordinary path when it still gets none.
 */

import assert from "node:assert/strict";
import {
  askFastLaneAgain,
  FAST_LANE,
  type FastLane,
  type FastLaneRequest,
} from "../../src/http/fast_lane.ts";
import {
  FAST_LANE_REUSE_MAX_BYTES,
  type FastLaneResponse,
  renewFastLaneResponse,
  serializeFastLaneResponse,
} from "../../src/http/fast_lane_response.ts";
import { ConnectionTracker } from "../../src/http1/connection_tracker.ts";
import { Http1Connection } from "../../src/http1/http1_connection.ts";
import type { ServeHandler } from "../../src/http1/handler.ts";
import { resolveLimits } from "../../src/http1/limits.ts";
import { serveConnection } from "../../src/http1/serve_connection.ts";
import { MockConn } from "../../support/mock_conn.ts";

const GET = "GET /file HTTP/1.1\r\nHost: t\r\n\r\n";

function laneAnswer(body: string, copiesCounted = false): FastLaneResponse {
  return serializeFastLaneResponse({
    status: 200,
    fields: "x-lane: yes\r\n",
    body: new TextEncoder().encode(body),
    contentLength: body.length,
    copiesCounted,
  }, Date.now());
}

/**
 * A handler whose lane gives `answers` in turn (the last one again after),
 * counting its ordinary answers.
 */
function handlerWithLane(
  answers: (FastLaneResponse | Promise<void> | undefined)[],
) {
  let asked = 0;
  let ordinary = 0;
  const firstAsk = Promise.withResolvers<void>();
  const lane: FastLane = () => {
    firstAsk.resolve();
    return answers[Math.min(asked++, answers.length - 1)];
  };
  const handler: ServeHandler = Object.assign(() => {
    ordinary++;
    return new Response("ordinary");
  }, { [FAST_LANE]: lane });
  return {
    handler,
    firstAsk: firstAsk.promise,
    asked: () => asked,
    ordinary: () => ordinary,
  };
}

function serveOn(conn: MockConn, handler: ServeHandler): Promise<void> {
  return serveConnection(conn, handler, {
    limits: resolveLimits(),
    tracker: new ConnectionTracker(1000),
    onError: () => new Response("error", { status: 500 }),
  });
}

Deno.test("serveConnection() waits for a fast lane's promise, asks again and sends its answer", async () => {
  const made = Promise.withResolvers<void>();
  const { handler, firstAsk, asked, ordinary } = handlerWithLane([
    made.promise,
    laneAnswer("from the lane"),
  ]);
  const conn = new MockConn([GET]);
  const served = serveOn(conn, handler);
  await firstAsk;
  // Nothing is sent while the answer is being made.
  assert.equal(conn.output, "");
  made.resolve();
  await served;
  assert.equal(asked(), 2);
  assert.equal(ordinary(), 0);
  assert.match(conn.output, /^HTTP\/1\.1 200 OK\r\nx-lane: yes\r\n/);
  assert.ok(conn.output.endsWith("\r\n\r\nfrom the lane"));
});

Deno.test("serveConnection() logs a fast-lane answer it waited for with the time from its head", async () => {
  // A clock of the test's own: performance.now() is what the entry uses.
  let clock = 1000;
  const realNow = performance.now;
  performance.now = () => clock;
  try {
    const made = Promise.withResolvers<void>();
    const { handler, firstAsk } = handlerWithLane([
      made.promise,
      laneAnswer("from the lane"),
    ]);
    const durations: number[] = [];
    const served = serveConnection(new MockConn([GET]), handler, {
      limits: resolveLimits(),
      tracker: new ConnectionTracker(1000),
      onError: () => new Response("error", { status: 500 }),
      onResponse: (entry) => durations.push(entry.durationMs),
    });
    await firstAsk;
    clock = 1250;
    made.resolve();
    await served;
    assert.deepEqual(durations, [250]);
  } finally {
    performance.now = realNow;
  }
});

Deno.test("serveConnection() asks a fast lane again only once: a second promise means the ordinary path", async () => {
  const { handler, asked, ordinary } = handlerWithLane([Promise.resolve()]);
  const conn = new MockConn([GET + GET]);
  await serveOn(conn, handler);
  // Each request: one promise, one more ask, then the ordinary path.
  assert.equal(asked(), 4);
  assert.equal(ordinary(), 2);
  assert.equal(conn.output.match(/\r\n\r\nordinary/g)?.length, 2);
});

Deno.test("serveConnection() takes the ordinary path when a fast lane's promise rejects, or it still has nothing after", async () => {
  const cases = [
    {
      answers: () => [
        Promise.reject(new Error("the load failed")),
        laneAnswer("never sent"),
      ],
      asks: 1,
    },
    { answers: () => [Promise.resolve(), undefined], asks: 2 },
  ];
  for (const { answers, asks } of cases) {
    const { handler, asked, ordinary } = handlerWithLane(answers());
    const conn = new MockConn([GET]);
    await serveOn(conn, handler);
    assert.equal(asked(), asks);
    assert.equal(ordinary(), 1);
    assert.ok(conn.output.endsWith("\r\n\r\nordinary"));
  }
});

Deno.test("askFastLaneAgain() gives the second answer, or undefined for a second promise", async () => {
  const request: FastLaneRequest = {
    method: "GET",
    target: "/",
    headerNames: [],
    headerValues: [],
  };
  const answer = laneAnswer("x");
  assert.equal(
    await askFastLaneAgain(() => answer, request, Promise.resolve()),
    answer,
  );
  assert.equal(
    await askFastLaneAgain(() => Promise.resolve(), request, Promise.resolve()),
    undefined,
  );
  assert.equal(
    await askFastLaneAgain(() => undefined, request, Promise.resolve()),
    undefined,
  );
});

Deno.test("Http1Connection keeps no reuse buffer for HTTP/1.0 keep-alive answers larger than it, and a bounded one for smaller", async () => {
  const keepAliveGets = (n: number) =>
    Array.from(
      { length: n },
      () => "GET /file HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
    ).join("");
  const served = async (body: string) => {
    const { handler } = handlerWithLane([laneAnswer(body)]);
    const conn = new MockConn([keepAliveGets(3)]);
    const connection = new Http1Connection(conn, handler, {
      limits: resolveLimits(),
      tracker: new ConnectionTracker(1000),
      onError: () => new Response("error", { status: 500 }),
    });
    await connection.serve();
    const answers = conn.output.split("HTTP/1.1 200 OK\r\n").length - 1;
    assert.equal(answers, 3);
    assert.equal(conn.output.split("connection: keep-alive\r\n").length, 4);
    return connection.keepAliveReuseBytes;
  };
  // Answers with an embedded body over the bound: nothing kept.
  assert.equal(await served("x".repeat(FAST_LANE_REUSE_MAX_BYTES)), 0);
  // Small answers: one buffer, sized to them.
  const held = await served("small");
  assert.ok(held > 0 && held <= FAST_LANE_REUSE_MAX_BYTES);
});

Deno.test("Http1Connection writes an answer's kept Connection copies when its producer counted them, and keeps no buffer of its own", async () => {
  const keepAlive = "GET /file HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";
  const close = "GET /file HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
  for (const copiesCounted of [true, false]) {
    const answer = laneAnswer("counted?", copiesCounted);
    const { handler } = handlerWithLane([answer]);
    const conn = new MockConn([keepAlive.repeat(3) + GET + close]);
    const connection = new Http1Connection(conn, handler, {
      limits: resolveLimits(),
      tracker: new ConnectionTracker(1000),
      onError: () => new Response("error", { status: 500 }),
    });
    await connection.serve();
    const answers = conn.output.split(/(?=HTTP\/1\.1 200 OK\r\n)/);
    assert.equal(answers.length, 5, String(copiesCounted));
    for (const text of answers.slice(0, 3)) {
      assert.ok(text.endsWith("connection: keep-alive\r\n\r\ncounted?"));
    }
    // HTTP/1.1 persists without saying so (RFC 9112 §9.3): the answer as is.
    assert.equal(answers[3], new TextDecoder().decode(answer.head));
    assert.ok(answers[4].endsWith("connection: close\r\n\r\ncounted?"));
    if (copiesCounted) {
      assert.ok(answers[0].endsWith(decoded(answer.keepAliveHead)));
      assert.equal(answers[4], decoded(answer.closeHead));
      assert.equal(connection.keepAliveReuseBytes, 0);
    } else {
      assert.equal(answer.keepAliveHead, null);
      assert.equal(answer.closeHead, null);
      assert.ok(connection.keepAliveReuseBytes > 0);
    }
  }
});

function decoded(bytes: Uint8Array | null): string {
  assert.ok(bytes !== null, "a copy was kept");
  return new TextDecoder().decode(bytes);
}

/** A connection whose writes wait for the test (`finish`), or fail. */
class HeldWrites extends MockConn {
  /** What each write was handed, as handed (not a copy). */
  readonly handed: Uint8Array[] = [];
  readonly #written = Promise.withResolvers<void>();
  /** Resolves once the engine has handed over its first write. */
  readonly firstWrite: Promise<void> = this.#written.promise;
  #done = Promise.withResolvers<void>();
  #fail = false;

  constructor(input: string[], fail = false) {
    super(input);
    this.#fail = fail;
  }

  override async write(data: Uint8Array): Promise<number> {
    this.handed.push(data);
    this.#written.resolve();
    await this.#done.promise;
    if (this.#fail) throw new Deno.errors.BrokenPipe("reset by the test");
    return super.write(data);
  }

  /** Let the writes go on. */
  finish(): void {
    this.#done.resolve();
  }
}

Deno.test("serveConnection() counts a fast-lane answer's write while it is in flight: the answer is not renewed under it", async () => {
  const answer = laneAnswer("from the lane");
  const { handler } = handlerWithLane([answer]);
  const conn = new HeldWrites([GET]);
  const served = serveOn(conn, handler);
  await conn.firstWrite;
  assert.equal(conn.handed[0], answer.head);
  const before = answer.head.slice();
  assert.equal(answer.writes, 1);
  assert.equal(renewFastLaneResponse(answer, Date.now() + 5000), false);
  assert.deepEqual(conn.handed[0], before);
  conn.finish();
  await served;
  assert.equal(answer.writes, 0);
  assert.ok(conn.output.endsWith("\r\n\r\nfrom the lane"));
  assert.equal(renewFastLaneResponse(answer, Date.now() + 5000), true);
});

Deno.test("serveConnection() leaves a fast-lane answer counted after its write failed: never renewed", async () => {
  const answer = laneAnswer("from the lane");
  const { handler, firstAsk } = handlerWithLane([answer]);
  const conn = new HeldWrites([GET], true);
  const served = serveOn(conn, handler);
  await firstAsk;
  conn.finish();
  await served;
  assert.equal(conn.output, "");
  assert.equal(answer.writes, 1);
  assert.equal(renewFastLaneResponse(answer, Date.now() + 5000), false);
});
