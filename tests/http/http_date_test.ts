import assert from "node:assert/strict";
import {
  formatHttpDate,
  httpDate,
  parseHttpDate,
} from "../../src/http/http_date.ts";

const T = Date.UTC(1994, 10, 6, 8, 49, 37);

const cases: [string, number | null][] = [
  ["Sun, 06 Nov 1994 08:49:37 GMT", T],
  ["Sunday, 06-Nov-94 08:49:37 GMT", T],
  ["Sun Nov  6 08:49:37 1994", T],
  [" Sun, 06 Nov 1994 08:49:37 GMT ", T],
  ["Sun, 06 nov 1994 08:49:37 GMT", T],
  ["Sun, 06 Nov 1994 08:49:37 UTC", null],
  ["Sun, 6 Nov 1994 08:49:37 GMT", null],
  ["Sun, 31 Feb 1994 08:49:37 GMT", null],
  ["Sun, 06 Nov 1994 24:00:00 GMT", null],
  ["Sun, 06 Foo 1994 08:49:37 GMT", null],
  ["1994-11-06T08:49:37Z", null],
  ["784111777", null],
  ["", null],
];

for (const [value, expected] of cases) {
  Deno.test(`parseHttpDate() reads ${JSON.stringify(value)} as ${expected}`, () => {
    assert.equal(parseHttpDate(value), expected);
  });
}

Deno.test("formatHttpDate() writes IMF-fixdate and round-trips", () => {
  assert.equal(formatHttpDate(T + 999), "Sun, 06 Nov 1994 08:49:37 GMT");
  assert.equal(parseHttpDate(formatHttpDate(T)), T);
});

Deno.test("httpDate() formats the second it is given, and caches it", () => {
  assert.equal(httpDate(T), "Sun, 06 Nov 1994 08:49:37 GMT");
  assert.equal(httpDate(T + 999), httpDate(T));
  assert.equal(httpDate(T + 1000), "Sun, 06 Nov 1994 08:49:38 GMT");
  assert.equal(httpDate(T - 1), "Sun, 06 Nov 1994 08:49:36 GMT");
});
