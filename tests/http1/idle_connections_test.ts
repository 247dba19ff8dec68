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
