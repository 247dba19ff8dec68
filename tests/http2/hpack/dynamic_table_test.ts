/**
 * The dynamic table (RFC 7541 §2.3.2, §4): sizes, indexes, eviction, and
 * size changes.
 */

import assert from "node:assert/strict";
import {
  DynamicTable,
  entrySize,
} from "../../../src/http2/hpack/dynamic_table.ts";

function entries(table: DynamicTable): string[] {
  const list: string[] = [];
  for (let i = 1; i <= table.length; i++) {
    list.push(`${table.name(i)}: ${table.value(i)}`);
  }
  return list;
}

Deno.test("entrySize() counts octets plus 32 (RFC 7541 §4.1)", () => {
  assert.equal(entrySize("custom-key", "custom-header"), 55);
  assert.equal(entrySize("", ""), 32);
  assert.equal(entrySize("caf\u00e9", "x"), 37, "latin1: one octet per unit");
});

Deno.test("DynamicTable.add() puts the newest entry at index 1", () => {
  const table = new DynamicTable(4096);
  table.add("a", "1");
  table.add("b", "2");
  table.add("c", "3");
  assert.deepEqual(entries(table), ["c: 3", "b: 2", "a: 1"]);
  assert.equal(table.size, 3 * 34);
  assert.equal(table.insertions, 3);
});

Deno.test("DynamicTable.add() evicts the oldest entries until the new one fits (§4.4)", () => {
  const evicted: string[] = [];
  const table = new DynamicTable(3 * 34, (name, value, insertion) => {
    evicted.push(`${name}: ${value} #${insertion}`);
  });
  table.add("a", "1");
  table.add("b", "2");
  table.add("c", "3");
  assert.deepEqual(evicted, []);
  table.add("dd", "44"); // 36 bytes: both a and b must go.
  assert.deepEqual(evicted, ["a: 1 #0", "b: 2 #1"]);
  assert.deepEqual(entries(table), ["dd: 44", "c: 3"]);
  assert.equal(table.size, 36 + 34);
});

Deno.test("DynamicTable.add() of an entry larger than the table empties it (§4.4)", () => {
  const table = new DynamicTable(100);
  table.add("a", "1");
  table.add("x".repeat(40), "y".repeat(40));
  assert.equal(table.length, 0);
  assert.equal(table.size, 0);
  table.add("b", "2");
  assert.deepEqual(entries(table), ["b: 2"]);
});

Deno.test("DynamicTable.add() of an entry exactly the table's size keeps it alone", () => {
  const table = new DynamicTable(34);
  table.add("a", "1");
  table.add("b", "2");
  assert.deepEqual(entries(table), ["b: 2"]);
  assert.equal(table.size, 34);
});

Deno.test("DynamicTable.resize() evicts down to the new size (§4.3) and to zero", () => {
  const table = new DynamicTable(4096);
  for (let i = 0; i < 10; i++) table.add(`n${i}`, `v${i}`);
  table.resize(3 * 36);
  assert.deepEqual(entries(table), ["n9: v9", "n8: v8", "n7: v7"]);
  table.resize(0);
  assert.equal(table.length, 0);
  table.add("a", "1");
  assert.equal(table.length, 0, "nothing fits in a zero-size table");
  table.resize(4096);
  table.add("a", "1");
  assert.deepEqual(entries(table), ["a: 1"]);
});

Deno.test("DynamicTable keeps order while its ring grows and wraps", () => {
  const table = new DynamicTable(40 * 34);
  for (let i = 0; i < 1000; i++) {
    table.add(String.fromCharCode(65 + (i % 26)), String(i % 10));
    const want = Math.min(i + 1, 40);
    assert.equal(table.length, want);
    assert.equal(table.name(1), String.fromCharCode(65 + (i % 26)));
    assert.equal(table.value(want), String((i + 1 - want) % 10));
  }
  assert.equal(table.size, 40 * 34);
});
