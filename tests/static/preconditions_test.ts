import assert from "node:assert/strict";
import {
  decidePreconditions,
  evaluateIfRange,
  evaluatePreconditions,
  parseEntityTags,
  type PreconditionResult,
} from "../../src/static/preconditions.ts";

const MTIME = Date.UTC(2024, 0, 1, 12, 0, 0, 500); // sub-second part ignored
const validators = { etag: '"v1"', lastModified: MTIME };
const AT = "Mon, 01 Jan 2024 12:00:00 GMT";
const BEFORE = "Mon, 01 Jan 2024 11:59:59 GMT";
const AFTER = "Mon, 01 Jan 2024 12:00:01 GMT";

const cases: [string, string, Record<string, string>, PreconditionResult][] = [
  ["no conditions", "GET", {}, 200],
  // Step 1: If-Match, strong comparison.
  ["If-Match matching", "GET", { "if-match": '"v1"' }, 200],
  ["If-Match in a list", "GET", { "if-match": '"v0", "v1"' }, 200],
  ["If-Match *", "GET", { "if-match": "*" }, 200],
  ["If-Match not matching", "GET", { "if-match": '"v0"' }, 412],
  ["If-Match weak never matches", "GET", { "if-match": 'W/"v1"' }, 412],
  ["If-Match malformed", "GET", { "if-match": "v1" }, 412],
  // Step 2: If-Unmodified-Since, only without If-Match.
  [
    "If-Unmodified-Since same second",
    "GET",
    { "if-unmodified-since": AT },
    200,
  ],
  ["If-Unmodified-Since before", "GET", { "if-unmodified-since": BEFORE }, 412],
  ["If-Unmodified-Since after", "GET", { "if-unmodified-since": AFTER }, 200],
  ["If-Unmodified-Since invalid is ignored", "GET", {
    "if-unmodified-since": "2024-01-01",
  }, 200],
  ["If-Unmodified-Since ignored when If-Match passes", "GET", {
    "if-match": '"v1"',
    "if-unmodified-since": BEFORE,
  }, 200],
  // Step 3: If-None-Match, weak comparison.
  ["If-None-Match matching", "GET", { "if-none-match": '"v1"' }, 304],
  ["If-None-Match weak", "GET", { "if-none-match": 'W/"v1"' }, 304],
  ["If-None-Match list", "GET", { "if-none-match": '"a", W/"v1"' }, 304],
  ["If-None-Match *", "GET", { "if-none-match": "*" }, 304],
  ["If-None-Match on HEAD", "HEAD", { "if-none-match": '"v1"' }, 304],
  ["If-None-Match not matching", "GET", { "if-none-match": '"v0"' }, 200],
  ["If-None-Match on another method", "DELETE", {
    "if-none-match": '"v1"',
  }, 412],
  // Step 4: If-Modified-Since only without If-None-Match.
  ["If-Modified-Since same second", "GET", { "if-modified-since": AT }, 304],
  ["If-Modified-Since after", "GET", { "if-modified-since": AFTER }, 304],
  ["If-Modified-Since before", "GET", { "if-modified-since": BEFORE }, 200],
  ["If-Modified-Since ignored with If-None-Match", "GET", {
    "if-none-match": '"v0"',
    "if-modified-since": AFTER,
  }, 200],
  ["If-Modified-Since ignored in the future", "GET", {
    "if-modified-since": "Fri, 01 Jan 2100 00:00:00 GMT",
  }, 200],
  ["If-Modified-Since invalid is ignored", "GET", {
    "if-modified-since": "tomorrow",
  }, 200],
  ["If-Modified-Since ignored for other methods", "POST", {
    "if-modified-since": AT,
  }, 200],
  // Order: If-Match failure wins over If-None-Match.
  ["If-Match before If-None-Match", "GET", {
    "if-match": '"v0"',
    "if-none-match": '"v1"',
  }, 412],
  ["If-Unmodified-Since before If-None-Match", "GET", {
    "if-unmodified-since": BEFORE,
    "if-none-match": '"v1"',
  }, 412],
];

for (const [name, method, headers, expected] of cases) {
  Deno.test(`evaluatePreconditions() answers ${expected} for ${name}`, () => {
    assert.equal(
      evaluatePreconditions(method, new Headers(headers), validators),
      expected,
    );
  });
}

Deno.test("evaluatePreconditions() without an ETag fails If-Match but passes If-Match *", () => {
  const noTag = { etag: null, lastModified: MTIME };
  assert.equal(
    evaluatePreconditions("GET", new Headers({ "if-match": '"x"' }), noTag),
    412,
  );
  assert.equal(
    evaluatePreconditions("GET", new Headers({ "if-match": "*" }), noTag),
    200,
  );
});

const ifRangeCases: [string, string | null, boolean][] = [
  ["absent", null, true],
  ["strong match", '"v1"', true],
  ["weak tag", 'W/"v1"', false],
  ["other tag", '"v2"', false],
  ["exact date", AT, true],
  ["later date", AFTER, false],
  ["earlier date", BEFORE, false],
  ["garbage", "soon", false],
];

for (const [name, value, expected] of ifRangeCases) {
  Deno.test(`evaluateIfRange() answers ${expected} for ${name}`, () => {
    const headers = new Headers(value === null ? {} : { "if-range": value });
    assert.equal(evaluateIfRange(headers, validators), expected);
  });
}

Deno.test("parseEntityTags() reads * with whitespace around it", () => {
  assert.equal(parseEntityTags(" * "), "*");
});

Deno.test("parseEntityTags() skips malformed members", () => {
  assert.deepEqual(parseEntityTags('"a",,bogus, W/"b" ,"c'), [
    { weak: false, opaque: '"a"' },
    { weak: true, opaque: '"b"' },
  ]);
});

Deno.test("decidePreconditions() says which field decided, in RFC 9110 §13.2.2 order", () => {
  const decide = (headers: Record<string, string>) =>
    decidePreconditions("GET", new Headers(headers), validators);
  assert.deepEqual(decide({}), { status: 200, field: null });
  assert.deepEqual(decide({ "if-match": '"v0"', "if-none-match": '"v1"' }), {
    status: 412,
    field: "if-match",
  });
  assert.deepEqual(decide({ "if-unmodified-since": BEFORE }), {
    status: 412,
    field: "if-unmodified-since",
  });
  assert.deepEqual(
    decide({ "if-none-match": 'W/"v1"', "if-modified-since": "x" }),
    { status: 304, field: "if-none-match" },
  );
  assert.deepEqual(decide({ "if-modified-since": AT }), {
    status: 304,
    field: "if-modified-since",
  });
  assert.deepEqual(
    decidePreconditions(
      "DELETE",
      new Headers({ "if-none-match": "*" }),
      validators,
    ),
    { status: 412, field: "if-none-match" },
  );
});
