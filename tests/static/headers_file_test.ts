import assert from "node:assert/strict";
import { headersFor, parseHeadersFile } from "../../src/static/headers_file.ts";

const seg = (path: string) => path.split("/").filter((s) => s !== "");

/** The examples both conventions document, in their shape. */
const DOCUMENTED = `
# Security headers for one page
/secure/page
  X-Frame-Options: DENY
  X-Content-Type-Options: nosniff
  Referrer-Policy: no-referrer

/static/*
  Access-Control-Allow-Origin: *
  X-Robots-Tag: nosnippet

/movies/:title
  x-movie-name: You are watching ":title"

/*
  Content-Security-Policy: default-src 'self';

/jobs/*
  ! Content-Security-Policy
`;

Deno.test("parseHeadersFile() and headersFor() apply the documented examples of both conventions", () => {
  const { blocks, problems } = parseHeadersFile(DOCUMENTED);
  assert.deepEqual(problems, []);
  assert.equal(blocks.length, 5);
  const page = headersFor(blocks, seg("/secure/page"));
  assert.deepEqual([...page.set], [
    ["x-frame-options", "DENY"],
    ["x-content-type-options", "nosniff"],
    ["referrer-policy", "no-referrer"],
    ["content-security-policy", "default-src 'self';"],
  ]);
  assert.deepEqual(
    headersFor(blocks, seg("/movies/Up%20High")).set.get("x-movie-name"),
    'You are watching "Up%2520High"',
  );
  assert.equal(
    headersFor(blocks, seg("/movies/up")).set.get("x-movie-name"),
    'You are watching "up"',
  );
  const jobs = headersFor(blocks, seg("/jobs/engineer"));
  assert.equal(jobs.set.has("content-security-policy"), false);
  assert.deepEqual([...jobs.remove], ["content-security-policy"]);
  const asset = headersFor(blocks, seg("/static/app.js"));
  assert.equal(asset.set.get("access-control-allow-origin"), "*");
});

Deno.test("headersFor() joins a field two blocks set, and a later block sets again what ! removed", () => {
  const { blocks } = parseHeadersFile(
    "/*\n  Link: </a.css>; rel=preload\n/docs/*\n  Link: </b.css>; rel=preload\n" +
      "  ! X-Gone\n/docs/keep\n  X-Gone: back\n",
  );
  const docs = headersFor(blocks, seg("/docs/page"));
  assert.equal(
    docs.set.get("link"),
    "</a.css>; rel=preload, </b.css>; rel=preload",
  );
  assert.deepEqual([...docs.remove], ["x-gone"]);
  const keep = headersFor(blocks, seg("/docs/keep"));
  assert.equal(keep.set.get("x-gone"), "back");
  assert.deepEqual([...keep.remove], []);
});

Deno.test("parseHeadersFile() refuses the fields the server owns and reports each bad line", () => {
  const text = [
    "  X-Early: 1", // 1: before any path
    "/a", // 2
    "  Content-Length: 5", // 3
    "  Date: today", // 4
    "  Transfer-Encoding: chunked", // 5
    "  Connection: close", // 6
    "  no colon here", // 7
    "  Bad Name: x", // 8
    "  X-Ok: fine", // 9
    "/b*/c", // 10: bad pattern
    "  X-Skipped: yes", // 11: under a refused pattern
    "https://example.com/*", // 12: hostnames unsupported
  ].join("\n");
  const { blocks, problems } = parseHeadersFile(text);
  assert.deepEqual(problems.map((p) => p.line), [1, 3, 4, 5, 6, 7, 8, 10, 12]);
  assert.match(problems[1].message, /"content-length" is the server's to set/);
  assert.equal(blocks.length, 1);
  assert.deepEqual(blocks[0].set, [["x-ok", "fine"]]);
});

Deno.test("parseHeadersFile() caps blocks and line length", () => {
  const text = Array.from({ length: 4 }, (_, i) => `/p${i}\n  X-N: ${i}`).join(
    "\n",
  );
  const { blocks, problems } = parseHeadersFile(text, { maxRules: 2 });
  assert.equal(blocks.length, 2);
  assert.deepEqual(problems.map((p) => p.line), [5, 7]);
  const long = parseHeadersFile(`/a\n  X-Long: ${"v".repeat(100)}`, {
    maxLineLength: 50,
  });
  assert.deepEqual(long.blocks[0].set, []);
  assert.equal(long.problems[0].line, 2);
});
