import assert from "node:assert/strict";
import {
  type IdleConnection,
  IdleConnections,
  type IdleKind,
} from "../../src/http1/idle_connections.ts";

/** An idle connection that records its timeout and leaves its queue. */
function recording(
  name: string,
  queues: IdleConnections,
  timedOut: string[],
): IdleConnection {
  const connection: IdleConnection = {
    deadline: 0,
    timeout() {
      // Never before its deadline (spent, so 0 by now: see `due`).
      if (Date.now() >= due.get(connection)!) timedOut.push(name);
      queues.delete(connection);
      if (timedOut.length === 2) allDue.resolve();
    },
  };
  return connection;
}

const due = new Map<IdleConnection, number>();
let allDue = Promise.withResolvers<void>();

/** Queue `connection` for `kind`, due `inMs` from now. */
function addDue(
  queues: IdleConnections,
  connection: IdleConnection,
  kind: IdleKind,
  inMs: number,
): void {
  connection.deadline = Date.now() + inMs;
  due.set(connection, connection.deadline);
  queues.add(connection, kind);
}

Deno.test("IdleConnections times out each kind's due connections in deadline order, on one timer", async () => {
  const queues = new IdleConnections();
  const timedOut: string[] = [];
  allDue = Promise.withResolvers<void>();
  const silent = recording("silent", queues, timedOut);
  const first = recording("first", queues, timedOut);
  const second = recording("second", queues, timedOut);
  const boundMs = 5_000;
  let bound: ReturnType<typeof setTimeout> | undefined;
  try {
    // The timer waits for the new connection's far deadline, then is armed
    // again for the keep-alive one that joins with an earlier deadline, and
    // again after it fires, for the next one in its queue.
    addDue(queues, silent, "new", 60_000);
    addDue(queues, first, "keep-alive", 20);
    addDue(queues, second, "keep-alive", 40);
    const done = await Promise.race([
      allDue.promise.then(() => true),
      new Promise<false>((resolve) => {
        bound = setTimeout(() => resolve(false), boundMs);
      }),
    ]);
    assert.ok(done, `both timed out within ${boundMs} ms: ${timedOut}`);
    assert.deepEqual(timedOut, ["first", "second"], "each at its deadline");
    assert.equal(first.deadline, 0, "a spent deadline is cleared");
    assert.equal(silent.deadline, due.get(silent), "not due: untouched");
    assert.equal(queues.leastUseful(), silent);
  } finally {
    clearTimeout(bound);
    queues.stop();
  }
});

Deno.test("IdleConnections.leastUseful() picks lingering, then keep-alive, then new, longest idle first", () => {
  const queues = new IdleConnections();
  const make = (): IdleConnection => ({ deadline: 0, timeout() {} });
  const [fresh, kept1, kept2, lingering] = [make(), make(), make(), make()];
  queues.add(fresh, "new");
  queues.add(kept1, "keep-alive");
  queues.add(kept2, "keep-alive");
  queues.add(lingering, "lingering");
  const order = [];
  for (let next; (next = queues.leastUseful()) !== undefined;) {
    order.push(next);
    queues.delete(next);
  }
  assert.deepEqual(order, [lingering, kept1, kept2, fresh]);
  queues.stop();
});

Deno.test("IdleConnections keeps each kind's order as connections leave and come back, many times over", () => {
  const queues = new IdleConnections();
  const make = (): IdleConnection => ({ deadline: 0, timeout() {} });
  const [a, b, c] = [make(), make(), make()];
  // Busy and idle again, as on every request: each goes to the end.
  queues.add(a, "keep-alive");
  queues.add(b, "keep-alive");
  queues.add(c, "keep-alive");
  for (let round = 0; round < 1000; round++) {
    queues.delete(a);
    queues.add(a, "keep-alive");
  }
  queues.delete(b); // from the middle
  queues.delete(b); // twice: no effect
  queues.add(b, "new"); // another kind
  queues.add(c, "lingering"); // queued: it leaves its queue first
  const order = [];
  for (let next; (next = queues.leastUseful()) !== undefined;) {
    order.push(next);
    queues.delete(next);
  }
  assert.deepEqual(order, [c, a, b]);
  queues.stop();
});

Deno.test("IdleConnections' timer walks on when a timeout closes the next one too", async () => {
  const queues = new IdleConnections();
  const timedOut: string[] = [];
  const all = Promise.withResolvers<void>();
  const later = { deadline: 0, timeout() {} };
  const second: IdleConnection = {
    deadline: 0,
    timeout() {
      timedOut.push("second");
      queues.delete(second);
    },
  };
  const third: IdleConnection = {
    deadline: 0,
    timeout() {
      timedOut.push("third");
      queues.delete(third);
      all.resolve();
    },
  };
  const first: IdleConnection = {
    deadline: 0,
    timeout() {
      // Closing it closes another (as a shutdown might): the walk goes on.
      timedOut.push("first");
      queues.delete(first);
      queues.delete(second);
    },
  };
  let bound: ReturnType<typeof setTimeout> | undefined;
  try {
    for (const connection of [first, second, third]) {
      connection.deadline = Date.now() + 5;
      queues.add(connection, "keep-alive");
    }
    later.deadline = Date.now() + 60_000;
    queues.add(later, "keep-alive");
    const done = await Promise.race([
      all.promise.then(() => true),
      new Promise<false>((resolve) => {
        bound = setTimeout(() => resolve(false), 5_000);
      }),
    ]);
    assert.ok(done, `the third timed out: ${timedOut}`);
    assert.deepEqual(timedOut, ["first", "third"]);
    assert.equal(queues.leastUseful(), later, "not due: still queued");
  } finally {
    clearTimeout(bound);
    queues.stop();
  }
});

Deno.test("IdleConnections' timer leaves no due connection behind when a timeout sends the next one to the back of its queue", async () => {
  const queues = new IdleConnections();
  const timedOut: string[] = [];
  const all = Promise.withResolvers<void>();
  const names = ["first", "second", "third", "fourth"];
  const connections: IdleConnection[] = names.map((name) => {
    const connection: IdleConnection = {
      deadline: 0,
      timeout() {
        timedOut.push(name);
        queues.delete(connection);
        if (name === "first") {
          // The next one went busy and idle again (due now, its own
          // deadline kept): the walk must still reach third and fourth.
          const next = connections[1];
          queues.delete(next);
          queues.add(next, "keep-alive");
        }
        if (timedOut.length === names.length) all.resolve();
      },
    };
    return connection;
  });
  let bound: ReturnType<typeof setTimeout> | undefined;
  try {
    const dueAt = Date.now() + 5;
    for (const connection of connections) {
      connection.deadline = dueAt;
      queues.add(connection, "keep-alive");
    }
    const done = await Promise.race([
      all.promise.then(() => true),
      new Promise<false>((resolve) => {
        bound = setTimeout(() => resolve(false), 5_000);
      }),
    ]);
    assert.ok(done, `every due one timed out: ${timedOut}`);
    assert.deepEqual([...timedOut].sort(), [...names].sort());
    assert.equal(queues.leastUseful(), undefined, "none left queued");
  } finally {
    clearTimeout(bound);
    queues.stop();
  }
});
