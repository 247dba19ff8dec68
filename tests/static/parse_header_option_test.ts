import assert from "node:assert/strict";
import {
  isHeaderName,
  isHeaderValue,
  parseHeaderOption,
} from "../../src/static/parse_header_option.ts";

Deno.test("parseHeaderOption() splits on the first colon", () => {
  assert.deepEqual(parseHeaderOption(["Link: <https://a>; rel=preload"]), [
    ["Link", "<https://a>; rel=preload"],
  ]);
});

Deno.test("isHeaderName() accepts tokens only", () => {
  const table: [string, boolean][] = [
    ["X-Frame-Options", true],
    ["a!#$%&'*+-.^_`|~9", true],
    ["", false],
    ["X A", false],
    ["X:A", false],
    ["X\tA", false],
    ["É", false],
  ];
  for (const [name, want] of table) {
    assert.equal(isHeaderName(name), want, name);
  }
});

Deno.test("isHeaderValue() refuses control characters but a tab", () => {
  const table: [string, boolean][] = [
    ["public, max-age=60", true],
    ["a\tb", true],
    ["", true],
    ["a\rb", false],
    ["a\nb", false],
    ["a\x00b", false],
    ["a\x7fb", false],
  ];
  for (const [value, want] of table) {
    assert.equal(isHeaderValue(value), want, JSON.stringify(value));
  }
});
