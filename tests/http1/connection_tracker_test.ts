import assert from "node:assert/strict";
import {
  ConnectionTracker,
  type TrackedConnection,
} from "../../src/http1/connection_tracker.ts";

function connection(): TrackedConnection {
  return { deadline: 0, idle: true, timeout() {}, close() {} };
}

Deno.test("ConnectionTracker.busy counts connections that answered lately, not idle ones", () => {
  const tracker = new ConnectionTracker(1000);
  const all = Array.from({ length: 5 }, connection);
  try {
    for (const c of all) tracker.add(c);
    assert.equal(tracker.busy, 0, "open but silent");
    tracker.markActive(all[0]);
    tracker.markActive(all[0]);
    tracker.markActive(all[1]);
    assert.equal(tracker.busy, 2, "each connection once per period");
    tracker.sweep();
    assert.equal(tracker.busy, 2, "the last period still counts");
    tracker.markActive(all[2]);
    assert.equal(tracker.busy, 2);
    tracker.sweep();
    assert.equal(tracker.busy, 1, "only the one active in the last period");
    tracker.sweep();
    assert.equal(tracker.busy, 0);
  } finally {
    for (const c of all) tracker.delete(c);
  }
});

Deno.test("ConnectionTracker.busy forgets connections that closed", () => {
  const tracker = new ConnectionTracker(1000);
  const a = connection();
  const b = connection();
  tracker.add(a);
  tracker.add(b);
  tracker.markActive(a);
  tracker.markActive(b);
  tracker.sweep();
  tracker.markActive(a); // active in both periods
  assert.equal(tracker.busy, 2);
  tracker.delete(a);
  assert.equal(tracker.busy, 1, "only b, from the last period");
  tracker.delete(b);
  assert.equal(tracker.busy, 0);
  tracker.delete(b); // twice is harmless
  assert.equal(tracker.busy, 0);
});

/** A connection that records being closed. */
function closable(name: string, closed: string[]): TrackedConnection {
  return {
    deadline: 0,
    idle: false,
    timeout() {},
    close() {
      closed.push(name);
    },
  };
}

Deno.test("ConnectionTracker.makeRoom() closes idle connections, least useful and longest idle first", () => {
  const tracker = new ConnectionTracker(1000);
  const closed: string[] = [];
  const names = ["busy", "new1", "new2", "kept1", "kept2", "lingering"];
  const c = Object.fromEntries(names.map((n) => [n, closable(n, closed)]));
  try {
    for (const n of names) tracker.add(c[n]);
    tracker.setIdle(c.new1, "new");
    tracker.setIdle(c.kept1, "keep-alive");
    tracker.setIdle(c.new2, "new");
    tracker.setIdle(c.kept2, "keep-alive");
    tracker.setIdle(c.lingering, "lingering");
    assert.equal(tracker.makeRoom(6), true, "under the cap: nothing to do");
    assert.deepEqual(closed, []);
    assert.equal(tracker.makeRoom(4), true);
    assert.deepEqual(closed, ["lingering", "kept1"]);
    // kept2 answers a request and is idle again: it goes to the back.
    tracker.setIdle(c.kept2, null);
    tracker.setIdle(c.kept2, "keep-alive");
    // new1 starts a request: busy, out of reach.
    tracker.setIdle(c.new1, null);
    assert.equal(tracker.makeRoom(2), true);
    assert.deepEqual(closed, ["lingering", "kept1", "kept2", "new2"]);
    assert.equal(tracker.size, 2);
    // Only busy connections are left: no room is made.
    assert.equal(tracker.makeRoom(1), false);
    assert.deepEqual(closed, ["lingering", "kept1", "kept2", "new2"]);
    assert.equal(tracker.size, 2);
  } finally {
    for (const n of names) tracker.delete(c[n]);
  }
});

Deno.test("ConnectionTracker forgets an idle connection that closed", () => {
  const tracker = new ConnectionTracker(1000);
  const closed: string[] = [];
  const a = closable("a", closed);
  const b = closable("b", closed);
  tracker.add(a);
  tracker.add(b);
  tracker.setIdle(a, "keep-alive");
  tracker.delete(a);
  tracker.setIdle(a, "keep-alive"); // too late: not tracked any more
  assert.equal(tracker.makeRoom(0), false, "b is busy");
  assert.deepEqual(closed, []);
  tracker.setIdle(b, "new");
  assert.equal(tracker.makeRoom(0), true);
  assert.deepEqual(closed, ["b"]);
  assert.equal(tracker.size, 0);
});

Deno.test("ConnectionTracker times out an idle connection at its deadline, not at the next sweep", async () => {
  const tracker = new ConnectionTracker(60_000); // no sweep within the test
  const timedOut = Promise.withResolvers<number>();
  const idle: TrackedConnection = {
    deadline: 0,
    idle: false,
    timeout: () => timedOut.resolve(Date.now()),
    close() {},
  };
  const boundMs = 5_000;
  let bound: ReturnType<typeof setTimeout> | undefined;
  tracker.add(idle);
  try {
    const deadline = Date.now() + 50;
    idle.deadline = deadline;
    tracker.setIdle(idle, "keep-alive");
    const at = await Promise.race([
      timedOut.promise,
      new Promise<null>((resolve) => {
        bound = setTimeout(() => resolve(null), boundMs);
      }),
    ]);
    assert.notEqual(at, null, `no timeout within ${boundMs} ms`);
    assert.ok(at! >= deadline, "not before the deadline");
    assert.equal(idle.deadline, 0, "the deadline is spent");
  } finally {
    clearTimeout(bound);
    tracker.delete(idle);
  }
});
