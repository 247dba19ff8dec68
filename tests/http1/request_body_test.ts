/**
 * Request bodies on the reader: Content-Length and chunked framing, limits,
 * 100-continue, and draining what the handler left.
 */

import assert from "node:assert/strict";
import { BufferedReader } from "../../src/http1/buffered_reader.ts";
import { RequestBody } from "../../src/http1/request_body.ts";
import { RequestParseError } from "../../src/http1/request_head.ts";
import { chunkings, MockConn } from "../../support/mock_conn.ts";

const decoder = new TextDecoder();
const LIMITS = { maxBodyBytes: 1024, maxTrailerBytes: 256 };

function body(
  chunks: string[],
  contentLength: number,
  limits = LIMITS,
  beforeFirstRead?: () => Promise<void>,
): { body: RequestBody; reader: BufferedReader } {
  const reader = new BufferedReader(new MockConn(chunks), 64, 8192);
  return {
    body: new RequestBody(reader, contentLength, {
      ...limits,
      beforeFirstRead,
    }),
    reader,
  };
}

/** Read the whole body as text, or the status it failed with. */
async function readAll(b: RequestBody): Promise<string | number> {
  let text = "";
  try {
    while (true) {
      const chunk = await b.read();
      if (chunk === null) return text;
      text += decoder.decode(chunk);
    }
  } catch (error) {
    assert.ok(error instanceof RequestParseError, String(error));
    assert.equal(b.errorStatus, error.status);
    return error.status;
  }
}

/** What is left on the reader after the body. */
async function rest(reader: BufferedReader): Promise<string> {
  let text = "";
  while (true) {
    const chunk = await reader.readChunk(1024);
    if (chunk === null) return text;
    text += decoder.decode(chunk);
  }
}

const CASES: [string, string, number, string | number, string][] = [
  ["a Content-Length body", "hello worldNEXT", 11, "hello world", "NEXT"],
  [
    "a chunked body with extensions and trailers",
    '5;a=b\r\nhello\r\n6 ; q="x y"\r\n world\r\n0;end\r\nT: 1\r\nU: 2\r\n\r\nNEXT',
    -1,
    "hello world",
    "NEXT",
  ],
  [
    "a chunked body with uppercase hex",
    "A\r\n0123456789\r\n0\r\n\r\nNEXT",
    -1,
    "0123456789",
    "NEXT",
  ],
  ["an empty chunked body", "0\r\n\r\nNEXT", -1, "", "NEXT"],
  ["a non-hex chunk size", "x\r\nhello\r\n0\r\n\r\n", -1, 400, ""],
  ["a chunk size followed by junk", "5 5\r\nhello\r\n0\r\n\r\n", -1, 400, ""],
  [
    "a control byte in an extension",
    "5;\x00\r\nhello\r\n0\r\n\r\n",
    -1,
    400,
    "",
  ],
  ["chunk data without its CRLF", "5\r\nhelloX\r\n0\r\n\r\n", -1, 400, ""],
  ["a chunk-size line with a bare LF", "5\nhello\r\n0\r\n\r\n", -1, 400, ""],
  [
    "a chunk-size line over 4 KiB",
    `5;${"e".repeat(5000)}\r\nhello\r\n0\r\n\r\n`,
    -1,
    400,
    "",
  ],
  ["an overflowing chunk size", "10000000000000\r\n", -1, 413, ""],
  ["a chunk over maxBodyBytes", "401\r\n", -1, 413, ""],
  ["a Content-Length body cut short", "hel", 5, 400, ""],
  ["a chunked body cut short", "5\r\nhel", -1, 400, ""],
  ["trailers cut short", "0\r\nT: 1\r\n", -1, 400, ""],
];

for (const [name, input, length, want, after] of CASES) {
  Deno.test(`RequestBody reads ${name}`, async () => {
    for (const [how, chunks] of chunkings(input)) {
      const { body: b, reader } = body(chunks, length);
      assert.equal(await readAll(b), want, how);
      if (typeof want === "string") {
        assert.equal(b.done, true, how);
        assert.equal(await rest(reader), after, how);
      }
    }
  });
}

Deno.test("RequestBody enforces maxBodyBytes on the bytes read across chunks", async () => {
  const input = "200\r\n" + "a".repeat(512) + "\r\n200\r\n" + "b".repeat(512) +
    "\r\n1\r\nc\r\n0\r\n\r\n";
  const { body: b } = body([input], -1);
  assert.equal(await readAll(b), 413);
  const { body: fits } = body([input.replace("1\r\nc\r\n", "")], -1);
  assert.equal((await readAll(fits) as string).length, 1024);
});

Deno.test("RequestBody refuses trailers over maxTrailerBytes with 431", async () => {
  const { body: b } = body([`0\r\nT: ${"t".repeat(300)}\r\n\r\n`], -1);
  assert.equal(await readAll(b), 431);
});

Deno.test("RequestBody runs beforeFirstRead once, before the first byte is read", async () => {
  const events: string[] = [];
  const { body: b } = body(["hello"], 5, LIMITS, () => {
    events.push("continue");
    return Promise.resolve();
  });
  assert.equal(b.started, false);
  const chunk = await b.read();
  events.push(decoder.decode(chunk!));
  assert.equal(await b.read(), null);
  assert.deepEqual(events, ["continue", "hello"]);
  assert.equal(b.started, true);
});

Deno.test("RequestBody.stream delivers the body as a pull stream", async () => {
  const { body: b } = body(["5\r\nhello\r\n", "0\r\n\r\n"], -1);
  assert.equal(await new Response(b.stream).text(), "hello");
  assert.equal(b.stream, b.stream, "one stream");
});

Deno.test("RequestBody.drain() skips what the handler left, within a bound", async () => {
  for (
    const [input, length] of [["hello worldNEXT", 11], [
      "5\r\nhello\r\n0\r\n\r\nNEXT",
      -1,
    ]] as const
  ) {
    for (const [how, chunks] of chunkings(input)) {
      const { body: b, reader } = body(chunks, length);
      assert.equal(await b.drain(1024), true, how);
      assert.equal(await rest(reader), "NEXT", how);
    }
  }
});

Deno.test("RequestBody.drain() gives up past its bound", async () => {
  const { body: long } = body(["x".repeat(100)], 100);
  assert.equal(await long.drain(10), false);
  const { body: chunked } = body(
    ["64\r\n" + "x".repeat(100) + "\r\n0\r\n\r\n"],
    -1,
  );
  assert.equal(await chunked.drain(10), false);
});

Deno.test("RequestBody.drain() reports a broken body", async () => {
  const { body: b } = body(["5\r\nhelloXX"], -1);
  assert.equal(await b.drain(1024), false);
  const { body: failed } = body(["zz\r\n"], -1);
  await assert.rejects(failed.read(), RequestParseError);
  assert.equal(await failed.drain(1024), false);
});

Deno.test("RequestBody refuses reads after drain or detach", async () => {
  const { body: drained } = body(["hello"], 5);
  assert.equal(await drained.drain(1024), true);
  await assert.rejects(drained.read(), Deno.errors.BadResource);
  const { body: detached } = body(["hello"], 5);
  detached.detach();
  await assert.rejects(detached.read(), Deno.errors.BadResource);
});

Deno.test("RequestBody.drain() waits for a read in flight", async () => {
  const conn = new MockConn(["hel"], { holdOpen: true });
  const reader = new BufferedReader(conn, 64, 1024);
  const b = new RequestBody(reader, 5, LIMITS);
  const first = await b.read();
  assert.equal(decoder.decode(first!), "hel");
  const inFlight = b.read();
  const draining = b.drain(1024);
  conn.push("loNEXT");
  conn.end();
  assert.equal(decoder.decode((await inFlight)!), "lo");
  assert.equal(await draining, true);
  assert.equal(await rest(reader), "NEXT");
});

/** A body whose first `buffered` input bytes are in the reader's buffer. */
async function buffered(
  input: string,
  length: number,
  buffered = input.length,
): Promise<{ body: RequestBody; reader: BufferedReader }> {
  const reader = new BufferedReader(
    new MockConn([input.slice(0, buffered), input.slice(buffered)]),
    8192,
    8192,
  );
  if (buffered > 0) await reader.fill();
  assert.equal(reader.buffered, buffered);
  return { body: new RequestBody(reader, length, LIMITS), reader };
}

Deno.test("RequestBody.isBufferedWhole() is true only once the whole body is buffered", async () => {
  for (const [name, input, length, want, after] of CASES) {
    if (typeof want !== "string") {
      // Broken or cut short: never whole, so never kept on trust.
      const { body: b } = await buffered(input, length);
      assert.equal(b.isBufferedWhole(1024), false, name);
      continue;
    }
    const bodyBytes = input.length - after.length;
    for (let n = 0; n <= input.length; n++) {
      const { body: b, reader } = await buffered(input, length, n);
      assert.equal(b.isBufferedWhole(1024), n >= bodyBytes, `${name}, ${n}`);
      // Nothing consumed: the body still reads whole.
      assert.equal(await readAll(b), want, `${name}, ${n}`);
      assert.equal(await rest(reader), after, `${name}, ${n}`);
    }
  }
});

Deno.test("RequestBody.isBufferedWhole() holds to its bound and to maxBodyBytes", async () => {
  const { body: fixed } = await buffered("hello world", 11);
  assert.equal(fixed.isBufferedWhole(10), false);
  assert.equal(fixed.isBufferedWhole(11), true);
  const chunked = "5\r\nhello\r\n0\r\n\r\n";
  const { body: within } = await buffered(chunked, -1);
  assert.equal(within.isBufferedWhole(chunked.length - 1), false);
  assert.equal(within.isBufferedWhole(chunked.length), true);
  const big = "401\r\n" + "x".repeat(1025) + "\r\n0\r\n\r\n";
  const { body: over } = await buffered(big, -1);
  assert.equal(over.isBufferedWhole(8192), false, "over maxBodyBytes");
});

Deno.test("RequestBody.isBufferedWhole() picks up where reading stopped", async () => {
  const input = "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
  const { body: b } = await buffered(input, -1);
  assert.equal(decoder.decode((await b.read())!), "hello");
  assert.equal(b.isBufferedWhole(1024), true);
  const { body: cut } = await buffered(input, -1, input.length - 2);
  await cut.read();
  assert.equal(cut.isBufferedWhole(1024), false);
  const { body: all } = await buffered("hi", 2);
  await readAll(all);
  assert.equal(all.isBufferedWhole(0), true, "a body read to its end");
});
