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
