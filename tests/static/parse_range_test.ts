import assert from "node:assert/strict";
import { parseRange, type RangeResult } from "../../src/static/parse_range.ts";

const cases: [string | null, number, RangeResult][] = [
  [null, 100, { type: "none" }],
  ["bytes=0-9", 100, { type: "ranges", ranges: [{ start: 0, end: 9 }] }],
  ["BYTES=0-9", 100, { type: "ranges", ranges: [{ start: 0, end: 9 }] }],
  ["bytes=90-", 100, { type: "ranges", ranges: [{ start: 90, end: 99 }] }],
  ["bytes=-10", 100, { type: "ranges", ranges: [{ start: 90, end: 99 }] }],
  ["bytes=-1000", 100, { type: "ranges", ranges: [{ start: 0, end: 99 }] }],
  ["bytes=50-1000", 100, { type: "ranges", ranges: [{ start: 50, end: 99 }] }],
  ["bytes=99-99", 100, { type: "ranges", ranges: [{ start: 99, end: 99 }] }],
  ["bytes=100-", 100, { type: "unsatisfiable" }],
  ["bytes=100-200", 100, { type: "unsatisfiable" }],
  ["bytes=-0", 100, { type: "unsatisfiable" }],
  ["bytes=0-0", 0, { type: "unsatisfiable" }],
  ["bytes=-5", 0, { type: "none" }],
  // A range whose last byte comes before its first is invalid (RFC 9110
  // §14.1.1), and an invalid set is refused with 416 (§14.2).
  ["bytes=9-0", 100, { type: "unsatisfiable" }],
  ["bytes=0-1,9-0", 100, { type: "unsatisfiable" }],
  ["bytes=500-200", 100, { type: "unsatisfiable" }],
  // Syntax errors make the header ignorable (RFC 9110 §14.2).
  ["bytes=a-b", 100, { type: "none" }],
  ["bytes=", 100, { type: "none" }],
  ["bytes 0-9", 100, { type: "none" }],
  ["items=0-9", 100, { type: "none" }],
  ["bytes=--1", 100, { type: "none" }],
  ["bytes=1.5-2", 100, { type: "none" }],
  // Whitespace and empty list elements.
  ["bytes= 0-1 , 5-6 ,", 100, {
    type: "ranges",
    ranges: [{ start: 0, end: 1 }, { start: 5, end: 6 }],
  }],
  // Several ranges are sorted, overlapping and adjacent ones coalesced.
  ["bytes=50-59,0-9", 100, {
    type: "ranges",
    ranges: [{ start: 0, end: 9 }, { start: 50, end: 59 }],
  }],
  ["bytes=0-9,5-20,21-30", 100, {
    type: "ranges",
    ranges: [{ start: 0, end: 30 }],
  }],
  ["bytes=0-,0-,0-", 100, { type: "ranges", ranges: [{ start: 0, end: 99 }] }],
  // Unsatisfiable members are dropped when another is satisfiable.
  ["bytes=0-1,500-600", 100, {
    type: "ranges",
    ranges: [{ start: 0, end: 1 }],
  }],
  // Numbers beyond the safe-integer range are unsatisfiable, not a crash.
  ["bytes=99999999999999999999-", 100, { type: "unsatisfiable" }],
  ["bytes=0-99999999999999999999", 100, { type: "unsatisfiable" }],
  ["bytes=-99999999999999999999", 100, { type: "unsatisfiable" }],
  [
    "bytes=9007199254740991-9007199254740991",
    100,
    { type: "unsatisfiable" },
  ],
];

for (const [header, size, expected] of cases) {
  Deno.test(`parseRange() answers ${JSON.stringify(header)} on ${size} bytes with ${expected.type}`, () => {
    assert.deepEqual(parseRange(header, size), expected);
  });
}

Deno.test("parseRange() ignores a header with a thousand ranges, cheaply", () => {
  const header = "bytes=" +
    Array.from({ length: 1000 }, (_, i) => `${i * 2}-${i * 2}`).join(",");
  assert.deepEqual(parseRange(header, 1_000_000), { type: "none" });
});

Deno.test("parseRange() ignores a header with more ranges than maxRanges", () => {
  assert.deepEqual(parseRange("bytes=0-0,2-2,4-4", 10, { maxRanges: 2 }), {
    type: "none",
  });
  assert.deepEqual(parseRange("bytes=0-0,2-2", 10, { maxRanges: 2 }), {
    type: "ranges",
    ranges: [{ start: 0, end: 0 }, { start: 2, end: 2 }],
  });
});

Deno.test("parseRange() ignores an absurdly long header", () => {
  assert.deepEqual(parseRange("bytes=0-1" + " ".repeat(10_000), 10), {
    type: "none",
  });
});
