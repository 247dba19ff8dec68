/**
 * FrameReader: frames out of a byte stream however it is cut — whole,
 * split at every byte boundary, byte by byte, in random pieces — payloads
 * lent without copying when they arrived whole, the length limit (§4.2)
 * and the connection preface (§3.4).
 */

import assert from "node:assert/strict";
import { CONNECTION_PREFACE } from "../../src/http2/connection_preface.ts";
import type { RawFrame } from "../../src/http2/frame_header.ts";
import { FrameReader } from "../../src/http2/frame_reader.ts";
import { FLAG, FRAME_TYPE } from "../../src/http2/frame_types.ts";
import { Http2Error } from "../../src/http2/http2_error.ts";
import { xorshift } from "../../support/xorshift.ts";
import { concat, latin1Bytes, toHex } from "./_bytes.ts";
import { assertError, raw, wire } from "./_frames.ts";

const FRAMES: RawFrame[] = [
  raw(FRAME_TYPE.SETTINGS, 0, 0, "0003 00000064 0004 0000ffff"),
  raw(FRAME_TYPE.WINDOW_UPDATE, 0, 0, "00 0f 00 01"),
  raw(FRAME_TYPE.HEADERS, FLAG.END_STREAM, 1, "82 86 84"),
  raw(FRAME_TYPE.CONTINUATION, FLAG.END_HEADERS, 1, "41 8c"),
  raw(FRAME_TYPE.DATA, 0, 3),
  {
    ...raw(FRAME_TYPE.DATA, FLAG.END_STREAM, 3),
    payload: new Uint8Array(300).fill(7),
  },
  raw(FRAME_TYPE.PING, 0, 0, "0102030405060708"),
  raw(0xee, 0xff, 0x7fffffff, "ab"),
  raw(FRAME_TYPE.GOAWAY, 0, 0, "00000003 00000000"),
];
const STREAM = concat(...FRAMES.map((frame) => wire(frame)));

/** A frame with its payload as hex, as a caller that copies would keep it. */
function summary(frame: RawFrame): string {
  return `${frame.type}/${frame.flags}/${frame.streamId}/${
    toHex(frame.payload)
  }`;
}

/** Push each chunk and drain; what came out, and whether it ended mid-frame. */
function readAll(reader: FrameReader, chunks: Uint8Array[]) {
  const frames: string[] = [];
  let error: Http2Error | null = null;
  for (const chunk of chunks) {
    reader.push(chunk);
    for (let result = reader.next(); result !== null; result = reader.next()) {
      if (result instanceof Http2Error) {
        error = result;
        break;
      }
      frames.push(summary(result));
    }
    if (error) break;
  }
  return { frames, error, midFrame: reader.midFrame };
}

/** Every way to cut `bytes`: whole, at each boundary, byte by byte, random. */
function cuts(bytes: Uint8Array): [string, Uint8Array[]][] {
  const ways: [string, Uint8Array[]][] = [["whole", [bytes]]];
  for (let at = 1; at < bytes.length; at++) {
    ways.push([`split at ${at}`, [bytes.subarray(0, at), bytes.subarray(at)]]);
  }
  ways.push(["byte by byte", Array.from(bytes, (b) => Uint8Array.of(b))]);
  const random = xorshift(0xf4a3e5);
  for (let round = 0; round < 20; round++) {
    const pieces = [];
    for (let at = 0; at < bytes.length;) {
      const size = 1 + random() % 40;
      pieces.push(bytes.slice(at, at + size));
      at += size;
    }
    ways.push([`random pieces #${round}`, pieces]);
  }
  return ways;
}

Deno.test("FrameReader.next() gives the same frames however the stream is cut", () => {
  const want = FRAMES.map(summary);
  for (const [how, chunks] of cuts(STREAM)) {
    const result = readAll(new FrameReader(), chunks);
    assert.deepEqual(
      result,
      { frames: want, error: null, midFrame: false },
      how,
    );
  }
});

Deno.test("FrameReader.midFrame tells whether the input stopped inside a frame", () => {
  const ends = new Set<number>();
  let at = 0;
  for (const frame of FRAMES) ends.add(at += 9 + frame.payload.length);
  for (let cut = 1; cut < STREAM.length; cut++) {
    const result = readAll(new FrameReader(), [STREAM.subarray(0, cut)]);
    assert.equal(result.midFrame, !ends.has(cut), `cut at ${cut}`);
  }
});

Deno.test("FrameReader.next() lends payloads that arrived whole, without copying", () => {
  const reader = new FrameReader();
  reader.push(STREAM);
  for (let result = reader.next(); result !== null; result = reader.next()) {
    assert.ok(!(result instanceof Http2Error));
    assert.equal(result.payload.buffer, STREAM.buffer);
  }
});

Deno.test("FrameReader.next() assembles a payload split across pushes into its own buffer", () => {
  const reader = new FrameReader();
  const bytes = wire(FRAMES[5]);
  reader.push(bytes.subarray(0, 100));
  assert.equal(reader.next(), null);
  reader.push(bytes.subarray(100));
  const frame = reader.next();
  assert.ok(frame !== null && !(frame instanceof Http2Error));
  assert.notEqual(frame.payload.buffer, bytes.buffer);
  assert.equal(toHex(frame.payload), toHex(FRAMES[5].payload));
});

Deno.test("FrameReader.next() ignores the reserved bit of the stream id (§4.1)", () => {
  const reader = new FrameReader();
  reader.push(wire(raw(FRAME_TYPE.DATA, 0, 5, "aa"), true));
  const frame = reader.next();
  assert.ok(frame !== null && !(frame instanceof Http2Error));
  assert.equal(frame.streamId, 5);
});

const OVERSIZE = {
  code: "FRAME_SIZE_ERROR",
  scope: "connection" as const,
  reason: "Frame larger than SETTINGS_MAX_FRAME_SIZE",
};

Deno.test("FrameReader.next() accepts a frame of exactly SETTINGS_MAX_FRAME_SIZE", () => {
  const payload = new Uint8Array(16384);
  const result = readAll(new FrameReader(), [
    wire({ type: 0, flags: 0, streamId: 1, payload }),
  ]);
  assert.equal(result.frames.length, 1);
  assert.equal(result.error, null);
});

Deno.test("FrameReader.next() refuses a larger frame from its header alone (§4.2)", () => {
  for (
    const type of [FRAME_TYPE.DATA, FRAME_TYPE.HEADERS, FRAME_TYPE.SETTINGS]
  ) {
    const header = wire({
      type,
      flags: 0,
      streamId: 1,
      payload: new Uint8Array(16385),
    }).subarray(0, 9);
    const reader = new FrameReader();
    const result = readAll(reader, [header]);
    assertError(result.error, OVERSIZE);
    assertError(reader.next(), OVERSIZE); // and for good
  }
});

Deno.test("FrameReader.maxFrameSize raises the limit within RFC 9113 §6.5.2's range", () => {
  const big = wire({
    type: 0,
    flags: 0,
    streamId: 1,
    payload: new Uint8Array(70000),
  });
  const reader = new FrameReader({ maxFrameSize: 65536 });
  assertError(readAll(reader, [big]).error, OVERSIZE);
  const raised = new FrameReader();
  raised.maxFrameSize = 2 ** 24 - 1;
  assert.equal(readAll(raised, [big]).frames.length, 1);
  for (const bad of [16383, 2 ** 24, 1.5e4 + 0.5]) {
    assert.throws(() => raised.maxFrameSize = bad, RangeError);
  }
  assert.throws(() => new FrameReader({ maxFrameSize: 100 }), RangeError);
});

Deno.test("FrameReader.push() refuses new bytes while old ones are unread", () => {
  const reader = new FrameReader();
  reader.push(STREAM);
  reader.next();
  assert.throws(() => reader.push(STREAM), Error);
});

Deno.test("FrameReader with expectPreface reads the preface, then frames, however cut (§3.4)", () => {
  const want = FRAMES.map(summary);
  for (const [how, chunks] of cuts(concat(CONNECTION_PREFACE, STREAM))) {
    const reader = new FrameReader({ expectPreface: true });
    const result = readAll(reader, chunks);
    assert.deepEqual(
      result,
      { frames: want, error: null, midFrame: false },
      how,
    );
  }
});

Deno.test("FrameReader with expectPreface is mid-frame inside the preface", () => {
  const reader = new FrameReader({ expectPreface: true });
  assert.equal(reader.midFrame, false);
  assert.equal(
    readAll(reader, [CONNECTION_PREFACE.subarray(0, 5)]).midFrame,
    true,
  );
});

Deno.test("FrameReader with expectPreface refuses anything else as a PROTOCOL_ERROR (§3.4)", () => {
  const want = {
    code: "PROTOCOL_ERROR",
    scope: "connection" as const,
    reason: "Invalid connection preface",
  };
  for (
    const input of [
      "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r!",
      "PRI * HTTP/1.1\r\n\r\nSM\r\n\r\n",
    ]
  ) {
    for (const [how, chunks] of cuts(latin1Bytes(input))) {
      const result = readAll(new FrameReader({ expectPreface: true }), chunks);
      assertError(result.error, want);
      assert.deepEqual(result.frames, [], how);
    }
  }
  // Frames alone, without the preface, are refused as well.
  const result = readAll(new FrameReader({ expectPreface: true }), [STREAM]);
  assertError(result.error, want);
});
