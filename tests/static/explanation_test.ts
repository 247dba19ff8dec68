import assert from "node:assert/strict";
import {
  Explanation,
  MAX_EXPLAIN_CHARS,
} from "../../src/static/explanation.ts";
import { EntryRefusedError } from "../../src/static/locate_entry.ts";
import { decidePreconditions } from "../../src/static/preconditions.ts";

const PRINTABLE = /^[\x20-\x7e]*$/;

Deno.test("Explanation.render(): the status, then each note in the order decided", () => {
  const explain = new Explanation();
  explain.rule(3, 200);
  explain.note("index");
  explain.represented("br", false);
  explain.headers([1, 4]);
  assert.equal(
    explain.render(200),
    "200: rewrite by _redirects line 3; directory index; _headers lines 1, 4; precompressed .br sibling",
  );
});

Deno.test("Explanation.render(): with nothing noted, a file as named, or the status's own words", () => {
  assert.equal(new Explanation().render(200), "200: file");
  assert.equal(new Explanation().render(503), "503: service unavailable");
});

Deno.test("Explanation: a not-found answer gives the first reason its lookup missed", () => {
  const explain = new Explanation();
  explain.missed(new EntryRefusedError("outside-root"));
  explain.missed(new Deno.errors.NotFound("later lookups do not count"));
  explain.note("missing");
  assert.equal(explain.render(404), "404: symlink leaves the root");
  const fifo = new Explanation();
  fifo.missed(null);
  fifo.note("missing");
  assert.equal(fifo.render(404), "404: not a regular file");
  const loop = new Explanation();
  loop.missed(Object.assign(new Error("loop"), { code: "ELOOP" }));
  loop.note("missing");
  assert.equal(loop.render(404), "404: symlink loop");
});

Deno.test("Explanation: a file answered again forgets what the first attempt noted", () => {
  const explain = new Explanation();
  explain.represented("gzip", false);
  explain.ranged([{ start: 0, end: 9 }], 100);
  explain.represented(null, true);
  assert.equal(explain.render(200), "200: gzip on the fly");
  explain.vanished();
  assert.equal(explain.render(404), "404: the file went away while answered");
});

Deno.test("Explanation: an ETag is named only when it is plain ASCII and short", () => {
  const matched = (etag: string | null) => {
    const explain = new Explanation();
    explain.precondition(
      decidePreconditions("GET", new Headers({ "if-none-match": "*" }), {
        etag,
        lastModified: null,
      }),
      etag,
    );
    return explain.render(304);
  };
  assert.equal(matched('"3e8-abc"'), '304: If-None-Match matched "3e8-abc"');
  assert.equal(matched('W/"x"'), '304: If-None-Match matched W/"x"');
  assert.equal(matched('"\xe9t\xe9"'), "304: If-None-Match matched the ETag");
  assert.equal(
    matched(`"${"x".repeat(81)}"`),
    "304: If-None-Match matched the ETag",
  );
  assert.equal(matched(null), "304: If-None-Match matched no ETag");
});

Deno.test("Explanation.render(): printable ASCII, at most MAX_EXPLAIN_CHARS, whatever it holds", () => {
  const explain = new Explanation();
  for (let line = 1; line <= 2000; line++) explain.rule(line, 301);
  const words = explain.render(301);
  assert.equal(words.length, MAX_EXPLAIN_CHARS);
  assert.ok(words.endsWith("..."));
  assert.match(words, PRINTABLE);
  const ranges = new Explanation();
  ranges.ranged(
    Array.from({ length: 16 }, (_, i) => ({ start: 10 * i, end: 10 * i + 1 })),
    1000,
  );
  assert.equal(
    ranges.render(206),
    "206: bytes 0-1, 10-11, 20-21, 30-31 and 12 more of 1000 (multipart)",
  );
});

Deno.test("Explanation.replayed(): what the fast lane's 200 and 304 say, the request's own conditions aside", () => {
  const explain = new Explanation();
  explain.note("index");
  explain.represented("zstd", false);
  explain.wholeFile("range-ignored");
  assert.equal(
    explain.render(200),
    "200: directory index; precompressed .zst sibling; Range ignored (whole file)",
  );
  assert.deepEqual(explain.replayed('"1-2"'), {
    full: "200: directory index; precompressed .zst sibling",
    notModified:
      '304: directory index; precompressed .zst sibling; If-None-Match matched "1-2"',
  });
  // Only what the path decided, not the representation: the lane's key.
  assert.equal(explain.routeWords(), "directory index");
});
