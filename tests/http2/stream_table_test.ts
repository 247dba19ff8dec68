/**
 * StreamTable: idle above every id used, open while in the table, closed
 * after, remembered by how it closed (RFC 9113 §5.1), within a bound.
 */

import assert from "node:assert/strict";
import { StreamTable } from "../../src/http2/stream_table.ts";

Deno.test("StreamTable.lookup() tells idle, open and closed apart", () => {
  const table = new StreamTable<string>();
  assert.deepEqual(table.lookup(1), { state: "idle" });
  table.open(3, "three");
  assert.equal(table.highest, 3);
  assert.deepEqual(table.lookup(3), { state: "open", stream: "three" });
  assert.deepEqual(
    table.lookup(1),
    { state: "closed", how: "forgotten" },
    "skipped over by the first use of 3 (§5.1.1)",
  );
  assert.deepEqual(table.lookup(5), { state: "idle" });
  table.close(3, "ended");
  assert.equal(table.size, 0);
  assert.deepEqual(table.lookup(3), { state: "closed", how: "ended" });
  table.skip(7, "reset-sent");
  assert.deepEqual(table.lookup(7), { state: "closed", how: "reset-sent" });
  assert.equal(table.highest, 7);
});

Deno.test("StreamTable forgets the oldest closed streams past its bound", () => {
  const table = new StreamTable<number>();
  for (let id = 1; id < 2000; id += 2) {
    table.open(id, id);
    table.close(id, "reset-received");
  }
  assert.deepEqual(table.lookup(1999), {
    state: "closed",
    how: "reset-received",
  });
  assert.deepEqual(table.lookup(1), { state: "closed", how: "forgotten" });
  assert.deepEqual([...table.values()], []);
});

Deno.test("StreamTable remembers how each of the newest closed streams closed, closed in any order", () => {
  const table = new StreamTable<number>();
  const hows = ["ended", "reset-sent", "reset-received"] as const;
  const ids: number[] = [];
  for (let id = 1; id <= 1001; id += 2) {
    table.open(id, id);
    ids.push(id);
  }
  // Closed newest first: the memory keeps the last 256 closed, the lowest.
  ids.reverse().forEach((id, i) => table.close(id, hows[i % 3]));
  ids.forEach((id, i) => {
    const expected = i >= ids.length - 256 ? hows[i % 3] : "forgotten";
    assert.deepEqual(table.lookup(id), { state: "closed", how: expected });
  });
  assert.equal(table.get(1), undefined);
  table.open(1003, 1003);
  assert.equal(table.get(1003), 1003);
});
