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
