/**
 * FloodGuard and RateBudget: a burst up to each bound passes, one more is a
 * flood, and the budget refills with time, so a client that slows down is
 * not punished for its past. Time is passed in, never waited for.
 */

import assert from "node:assert/strict";
import {
  FLOOD_BOUNDS,
  FloodGuard,
  type FloodKind,
  RateBudget,
} from "../../src/http2/flood_guard.ts";

Deno.test("RateBudget.take() allows a burst of count, then refuses", () => {
  const budget = new RateBudget(3, 1000, 0);
  assert.deepEqual([1, 2, 3, 4].map(() => budget.take(0)), [
    true,
    true,
    true,
    false,
  ]);
});

Deno.test("RateBudget.take() refills at count per period", () => {
  const budget = new RateBudget(4, 1000, 0);
  for (let i = 0; i < 4; i++) assert.ok(budget.take(0));
  assert.equal(budget.take(100), false, "0.4 of a token is not one");
  assert.ok(budget.take(250), "a quarter period gives one token back");
  assert.equal(budget.take(250), false);
  assert.ok(budget.take(10_000), "refilled, capped at the burst");
  for (let i = 0; i < 3; i++) assert.ok(budget.take(10_000));
  assert.equal(budget.take(10_000), false, "never more than count at once");
});

Deno.test("RateBudget.take() ignores a clock that steps back", () => {
  const budget = new RateBudget(1, 1000, 5000);
  assert.ok(budget.take(5000));
  assert.equal(budget.take(0), false);
  assert.equal(budget.take(500), false, "no credit for time before the step");
  assert.ok(budget.take(1500));
});

for (const kind of Object.keys(FLOOD_BOUNDS) as FloodKind[]) {
  Deno.test(`FloodGuard.floods() passes ${kind} up to its bound`, () => {
    const { count, periodMs } = FLOOD_BOUNDS[kind];
    const guard = new FloodGuard(0);
    for (let i = 0; i < count; i++) {
      assert.equal(guard.floods(kind, 0), false, `event ${i + 1}`);
    }
    assert.equal(guard.floods(kind, 0), true, "one past the burst");
    assert.equal(guard.floods(kind, periodMs), false, "a period later");
  });
}

Deno.test("FloodGuard.floods() keeps each kind's budget apart", () => {
  const guard = new FloodGuard(0);
  for (let i = 0; i < FLOOD_BOUNDS.acks.count; i++) guard.floods("acks", 0);
  assert.equal(guard.floods("acks", 0), true);
  assert.equal(guard.floods("resets", 0), false);
  assert.equal(guard.floods("empty", 0), false);
});
