import assert from "node:assert/strict";
import {
  ConnectionTracker,
  type TrackedConnection,
} from "../../src/http1/connection_tracker.ts";
import { resolveLimits } from "../../src/http1/limits.ts";
import { serveConnection } from "../../src/http1/serve_connection.ts";
import { TurnGate, type TurnState } from "../../src/http1/turn_gate.ts";
import { MockConn } from "../../support/mock_conn.ts";

function turnState(): TurnState {
  return { turn: -1, served: 0 };
}

Deno.test("TurnGate lets a connection answer requestsPerTurn requests, then waits for the next turn", async () => {
  const gate = new TurnGate(2);
  const a = turnState();
  const b = turnState();
  assert.equal(gate.served(a), null);
  const aWaits = gate.served(a);
  assert.ok(aWaits instanceof Promise, "a used its turn");
  assert.equal(gate.served(b), null, "b still has its turn");
  const bWaits = gate.served(b);
  assert.ok(bWaits instanceof Promise);
  assert.equal(gate.waiting, 2);
  assert.equal(gate.turn, 0);
  // One timer ends the turn for everyone waiting.
  await Promise.all([aWaits, bWaits]);
  assert.equal(gate.turn, 1);
  assert.equal(gate.waiting, 0);
  assert.equal(gate.served(a), null, "a fresh turn");
  assert.equal(a.served, 1);
});

Deno.test("TurnGate: everyone waiting goes on when the turn ends, in the order they waited", async () => {
  const gate = new TurnGate(1);
  const order: string[] = [];
  const waits = ["a", "b", "c"].map((name) =>
    gate.served(turnState())!.then(() => order.push(name))
  );
  assert.equal(gate.waiting, 3);
  await Promise.all(waits);
  assert.deepEqual(order, ["a", "b", "c"]);
  assert.equal(gate.turn, 1, "one turn ended for all three");
  assert.equal(gate.waiting, 0);
});

Deno.test("TurnGate with one request per turn makes every request wait", async () => {
  const gate = new TurnGate(1);
  const state = turnState();
  for (let turn = 1; turn <= 3; turn++) {
    const wait = gate.served(state);
    assert.ok(wait instanceof Promise);
    await wait;
    assert.equal(gate.turn, turn);
  }
});

Deno.test("TurnGate rejects a turn of no requests", () => {
  assert.throws(() => new TurnGate(0), RangeError);
  assert.throws(() => new TurnGate(1.5), RangeError);
});

function busyTracker(busy: number): {
  tracker: ConnectionTracker;
  [Symbol.dispose](): void;
} {
  const tracker = new ConnectionTracker(1000);
  const others: TrackedConnection[] = Array.from({ length: busy }, () => ({
    deadline: 0,
    idle: false,
    timeout() {},
    close() {},
  }));
  for (const c of others) {
    tracker.add(c);
    tracker.markActive(c);
  }
  return {
    tracker,
    [Symbol.dispose]: () => {
      for (const c of others) tracker.delete(c);
    },
  };
}

async function pipelined(tracker: ConnectionTracker, count: number) {
  const request = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
  const conn = new MockConn([request.repeat(count)]);
  let answered = 0;
  await serveConnection(conn, () => new Response(`#${++answered}`), {
    limits: resolveLimits(),
    tracker,
    onError: () => new Response("error", { status: 500 }),
  });
  return new TextDecoder().decode(conn.outputBytes);
}

Deno.test("serveConnection takes turns when more than 128 connections are busy", async () => {
  using busy = busyTracker(200);
  const output = await pipelined(busy.tracker, 5);
  for (let i = 1; i <= 5; i++) assert.match(output, new RegExp(`#${i}`));
  // Two requests per turn: it waited after the 2nd and the 4th.
  assert.equal(busy.tracker.turns.turn, 2);
});

Deno.test("serveConnection does not take turns with few busy connections", async () => {
  using busy = busyTracker(20);
  const output = await pipelined(busy.tracker, 5);
  assert.match(output, /#5/);
  assert.equal(busy.tracker.turns.turn, 0, "no request waited for a turn");
});
