/**
 * The reusable read buffer: heads found under every chunking, pipelined
 * bytes kept, limits enforced however the bytes arrive.
 */

import assert from "node:assert/strict";
import { BufferedReader } from "../../src/http1/buffered_reader.ts";
import { RequestParseError } from "../../src/http1/request_head.ts";
import { chunkings, MockConn } from "../../support/mock_conn.ts";

const decoder = new TextDecoder();

function reader(chunks: string[], initial = 64, max = 1024): BufferedReader {
  return new BufferedReader(new MockConn(chunks), initial, max);
}

/** The text of a span or the status of a refusal. */
function describe(
  r: BufferedReader,
  result: { start: number; end: number } | RequestParseError | null,
): string | number | null {
  if (result === null) return null;
  if (result instanceof RequestParseError) return result.status;
  return decoder.decode(r.buffer.subarray(result.start, result.end));
}

const HEAD = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";

Deno.test("BufferedReader.readHead() finds a head under every chunking", async () => {
  for (const [how, chunks] of chunkings(HEAD)) {
    const r = reader(chunks);
    assert.equal(describe(r, await r.readHead(1024)), HEAD, how);
  }
});

Deno.test("BufferedReader.readHead() skips empty lines before the request line", async () => {
  for (const [how, chunks] of chunkings("\r\n\r\n" + HEAD)) {
    const r = reader(chunks);
    assert.equal(describe(r, await r.readHead(1024)), HEAD, how);
  }
});

Deno.test("BufferedReader.readHead() keeps pipelined bytes for the next head", async () => {
  const second = "POST /x HTTP/1.1\r\nHost: b\r\nContent-Length: 1\r\n\r\n";
  for (const [how, chunks] of chunkings(HEAD + second + "Z")) {
    const r = reader(chunks);
    const first = await r.readHead(1024);
    assert.equal(describe(r, first), HEAD, how);
    r.start = (first as { end: number }).end;
    assert.equal(describe(r, await r.readHead(1024)), second, how);
  }
});

Deno.test("BufferedReader reuses one buffer across requests on a connection", async () => {
  const r = reader([HEAD.repeat(20)], 256, 1024);
  const buffer = r.buffer;
  for (let i = 0; i < 20; i++) {
    const span = await r.readHead(1024);
    assert.ok(!(span instanceof RequestParseError) && span !== null);
    r.start = span.end;
  }
  assert.equal(r.buffer, buffer, "no new buffer for small heads");
  assert.equal(await r.readHead(1024), null);
});

Deno.test("BufferedReader.readHead() returns null on a clean end of stream", async () => {
  assert.equal(await reader([]).readHead(1024), null);
});

Deno.test("BufferedReader.readHead() answers 400 to a head cut short", async () => {
  for (const [how, chunks] of chunkings("GET / HTTP/1.1\r\nHost: a\r\n")) {
    const r = reader(chunks);
    assert.equal(describe(r, await r.readHead(1024)), 400, how);
  }
});

Deno.test("BufferedReader.readHead() answers 400 to a bare LF", async () => {
  for (
    const input of [
      "GET / HTTP/1.1\nHost: a\r\n\r\n",
      "\nGET / HTTP/1.1\r\n\r\n",
    ]
  ) {
    for (const [how, chunks] of chunkings(input)) {
      const r = reader(chunks);
      assert.equal(describe(r, await r.readHead(1024)), 400, how);
    }
  }
});

Deno.test("BufferedReader.readHead() answers 414 to a request line over the limit", async () => {
  const input = `GET /${"a".repeat(200)} HTTP/1.1\r\nHost: a\r\n\r\n`;
  for (const [how, chunks] of chunkings(input)) {
    const r = reader(chunks, 64, 1024);
    assert.equal(describe(r, await r.readHead(100)), 414, how);
  }
});

Deno.test("BufferedReader.readHead() answers 431 to a head over the limit", async () => {
  const input = `GET / HTTP/1.1\r\nHost: a\r\nX: ${"b".repeat(200)}\r\n\r\n`;
  for (const [how, chunks] of chunkings(input)) {
    const r = reader(chunks, 64, 1024);
    assert.equal(describe(r, await r.readHead(100)), 431, how);
  }
});

Deno.test("BufferedReader.readHead() accepts a head of exactly the limit", async () => {
  for (const [how, chunks] of chunkings(HEAD)) {
    const r = reader(chunks);
    assert.equal(describe(r, await r.readHead(HEAD.length)), HEAD, how);
    const short = reader(chunks);
    assert.equal(
      describe(short, await short.readHead(HEAD.length - 1)),
      431,
      how,
    );
  }
});

Deno.test("BufferedReader.readHead() calls onFirstByte once, when bytes arrive", async () => {
  const conn = new MockConn([], { holdOpen: true });
  const r = new BufferedReader(conn, 64, 1024);
  let calls = 0;
  const pending = r.readHead(1024, () => calls++);
  assert.equal(calls, 0);
  conn.push("GET / HT");
  conn.push("TP/1.1\r\nHost: a\r\n\r\n");
  conn.end();
  assert.ok(!((await pending) instanceof RequestParseError));
  assert.equal(calls, 1);
});

Deno.test("BufferedReader.readLine() reads CRLF lines and refuses long or bare-LF ones", async () => {
  for (const [how, chunks] of chunkings("5;ext=1\r\n\r\nabc\r\n")) {
    const r = reader(chunks);
    assert.equal(describe(r, await r.readLine(16)), "5;ext=1", how);
    assert.equal(describe(r, await r.readLine(16)), "", how);
    assert.equal(describe(r, await r.readLine(16)), "abc", how);
    assert.equal(describe(r, await r.readLine(16)), 400, how);
  }
  const bare = reader(["abc\n"]);
  assert.equal(describe(bare, await bare.readLine(16)), 400);
  const long = reader(["x".repeat(40) + "\r\n"]);
  assert.equal(describe(long, await long.readLine(16)), 400);
  const exact = reader(["x".repeat(14) + "\r\n"]);
  assert.equal(describe(exact, await exact.readLine(16)), "x".repeat(14));
});

Deno.test("BufferedReader.readChunk() copies buffered bytes out and reads large bodies directly", async () => {
  const r = reader([HEAD + "hello", "world".repeat(100)], 64, 1024);
  const span = await r.readHead(1024);
  assert.ok(span !== null && !(span instanceof RequestParseError));
  r.start = span.end;
  const first = await r.readChunk(3);
  assert.equal(decoder.decode(first!), "hel");
  first![0] = 0; // the caller owns its copy
  assert.equal(decoder.decode(await r.readChunk(100) ?? undefined), "lo");
  const big = await r.readChunk(10_000);
  assert.equal(decoder.decode(big!), "world".repeat(100));
  assert.equal(await r.readChunk(10), null);
});

Deno.test("BufferedReader.skip() discards bytes and reports end of stream", async () => {
  const r = reader(["abcdef", "gh"]);
  assert.equal(await r.skip(4), 4);
  assert.equal(await r.skip(100), 2);
  assert.equal(await r.skip(100), 2);
  assert.equal(await r.skip(100), 0);
  assert.equal(r.eof, true);
});

Deno.test("BufferedReader.room() and filled() read as fill() does, for a caller that reads itself", async () => {
  const conn = new MockConn(["GET / HT", "TP/1.1\r\nHost: a\r\n\r\n"]);
  const r = new BufferedReader(conn, 64, 1024);
  let span = r.scanHead(1024);
  while (span === null) {
    const room = r.room();
    assert.ok(room !== null && room.length > 0);
    assert.equal(r.filled(await conn.read(room)), true);
    span = r.scanHead(1024);
  }
  assert.equal(describe(r, span), HEAD);
  assert.ok(!(span instanceof RequestParseError));
  r.start = span.end;
  // End of stream: filled(null) says so, and room() has nowhere to read.
  assert.equal(r.filled(await conn.read(r.room()!)), false);
  assert.equal(r.eof, true);
  assert.equal(r.room(), null);
  assert.equal(await r.fill(), false);
});

Deno.test("BufferedReader.scanHeadEnd() ends the head where scanHead()'s span does", async () => {
  for (const [how, chunks] of chunkings("\r\n" + HEAD + HEAD)) {
    const r = reader(chunks);
    while (r.scanHeadEnd(1024) === null) assert.ok(await r.fill(), how);
    const end = r.scanHeadEnd(1024);
    const span = r.scanHead(1024);
    assert.ok(span !== null && !(span instanceof RequestParseError), how);
    assert.equal(end, span.end, how);
    assert.equal(
      decoder.decode(r.buffer.subarray(r.start, end as number)),
      HEAD,
      how,
    );
  }
});

Deno.test("BufferedReader.room() gives a read the whole buffer when nothing is buffered", async () => {
  const r = reader([HEAD, HEAD], 256, 1024);
  assert.equal(r.room(), r.buffer);
  assert.ok(await r.fill());
  assert.notEqual(r.room()!.length, r.buffer.length);
  r.start = r.end;
  assert.equal(r.room(), r.buffer);
});
