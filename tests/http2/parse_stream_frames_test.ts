/**
 * parseFrame() on the frames that belong to a stream (RFC 9113 §6.1–§6.4,
 * §6.6, §6.10): valid encodings, and every error each type can carry, with
 * its code and scope.
 */

import assert from "node:assert/strict";
import { FLAG, FRAME_TYPE } from "../../src/http2/frame_types.ts";
import { Http2Error } from "../../src/http2/http2_error.ts";
import { parseFrame } from "../../src/http2/parse_frame.ts";
import { raw, testParseCases } from "./_frames.ts";

const { DATA, HEADERS, PRIORITY, RST_STREAM, PUSH_PROMISE, CONTINUATION } =
  FRAME_TYPE;
const { END_STREAM, END_HEADERS, PADDED } = FLAG;
const PRIORITY_FLAG = FLAG.PRIORITY;

const P = "parseFrame()";

testParseCases(`${P} DATA:`, parseFrame, [
  {
    name: "content and END_STREAM",
    frame: raw(DATA, END_STREAM, 1, "68 69"),
    want: {
      kind: "data",
      streamId: 1,
      endStream: true,
      data: "6869",
      flowControlledLength: 2,
    },
  },
  {
    name: "empty, flags it does not define ignored",
    frame: raw(DATA, 0xf6, 3),
    want: {
      kind: "data",
      streamId: 3,
      endStream: false,
      data: "",
      flowControlledLength: 0,
    },
  },
  {
    name: "padding removed, counted for flow control (§6.9.1)",
    frame: raw(DATA, PADDED, 5, "02 68 69 00 00"),
    want: {
      kind: "data",
      streamId: 5,
      endStream: false,
      data: "6869",
      flowControlledLength: 5,
    },
  },
  {
    name: "padding filling all but Pad Length",
    frame: raw(DATA, PADDED, 5, "03 00 00 00"),
    want: {
      kind: "data",
      streamId: 5,
      endStream: false,
      data: "",
      flowControlledLength: 4,
    },
  },
  {
    name: "on stream 0 is a PROTOCOL_ERROR (§6.1)",
    frame: raw(DATA, 0, 0, "68"),
    want: {
      code: "PROTOCOL_ERROR",
      scope: "connection",
      reason: "DATA on stream 0",
    },
  },
  {
    name: "padding as long as the payload is a PROTOCOL_ERROR (§6.1)",
    frame: raw(DATA, PADDED, 1, "04 00 00 00"),
    want: {
      code: "PROTOCOL_ERROR",
      scope: "connection",
      reason: "Padding too long",
    },
  },
  {
    name: "PADDED with no room for Pad Length is a FRAME_SIZE_ERROR (§4.2)",
    frame: raw(DATA, PADDED, 1),
    want: {
      code: "FRAME_SIZE_ERROR",
      scope: "connection",
      reason: "Frame too short",
    },
  },
]);

testParseCases(`${P} HEADERS:`, parseFrame, [
  {
    name: "a fragment with END_STREAM and END_HEADERS",
    frame: raw(HEADERS, END_STREAM | END_HEADERS, 1, "82 86"),
    want: {
      kind: "headers",
      streamId: 1,
      endStream: true,
      endHeaders: true,
      priority: null,
      fragment: "8286",
    },
  },
  {
    name: "padded, with priority",
    frame: raw(HEADERS, PADDED | PRIORITY_FLAG, 3, "01 80 00 00 01 0f 82 00"),
    want: {
      kind: "headers",
      streamId: 3,
      endStream: false,
      endHeaders: false,
      priority: { exclusive: true, dependency: 1, weight: 16 },
      fragment: "82",
    },
  },
  {
    name: "an empty fragment, priority only",
    frame: raw(HEADERS, PRIORITY_FLAG | END_HEADERS, 3, "00 00 00 00 ff"),
    want: {
      kind: "headers",
      streamId: 3,
      endStream: false,
      endHeaders: true,
      priority: { exclusive: false, dependency: 0, weight: 256 },
      fragment: "",
    },
  },
  {
    name: "on stream 0 is a PROTOCOL_ERROR (§6.2)",
    frame: raw(HEADERS, END_HEADERS, 0, "82"),
    want: {
      code: "PROTOCOL_ERROR",
      scope: "connection",
      reason: "HEADERS on stream 0",
    },
  },
  {
    name: "padding past the fragment's room is a PROTOCOL_ERROR (§6.2)",
    frame: raw(HEADERS, PADDED | PRIORITY_FLAG, 1, "02 00 00 00 00 0f 82"),
    want: {
      code: "PROTOCOL_ERROR",
      scope: "connection",
      reason: "Padding too long",
    },
  },
  {
    name: "priority fields cut short are a FRAME_SIZE_ERROR (§4.2)",
    frame: raw(HEADERS, PRIORITY_FLAG, 1, "00 00 00"),
    want: {
      code: "FRAME_SIZE_ERROR",
      scope: "connection",
      reason: "Frame too short",
    },
  },
]);

Deno.test(`${P} HEADERS: depending on itself is a stream PROTOCOL_ERROR that keeps the frame (§5.3.1)`, () => {
  const result = parseFrame(
    raw(HEADERS, PRIORITY_FLAG | END_HEADERS, 5, "00 00 00 05 0f 82"),
  );
  assert.ok(result instanceof Http2Error);
  assert.deepEqual([result.codeName, result.scope, result.streamId], [
    "PROTOCOL_ERROR",
    "stream",
    5,
  ]);
  assert.equal(result.frame?.kind, "headers");
  if (result.frame?.kind === "headers") {
    assert.deepEqual(result.frame.fragment, Uint8Array.of(0x82));
  }
});

testParseCases(`${P} PRIORITY:`, parseFrame, [
  {
    name: "dependency and weight",
    frame: raw(PRIORITY, 0, 3, "80 00 00 01 00"),
    want: {
      kind: "priority",
      streamId: 3,
      priority: { exclusive: true, dependency: 1, weight: 1 },
    },
  },
  {
    name: "on stream 0 is a PROTOCOL_ERROR (§6.3)",
    frame: raw(PRIORITY, 0, 0, "00 00 00 01 00"),
    want: {
      code: "PROTOCOL_ERROR",
      scope: "connection",
      reason: "PRIORITY on stream 0",
    },
  },
  {
    name: "other than 5 bytes is a stream FRAME_SIZE_ERROR (§6.3)",
    frame: raw(PRIORITY, 0, 3, "00 00 00 01"),
    want: {
      code: "FRAME_SIZE_ERROR",
      scope: "stream",
      reason: "PRIORITY not 5 bytes",
    },
  },
  {
    name: "depending on itself is a stream PROTOCOL_ERROR (§5.3.1)",
    frame: raw(PRIORITY, 0, 3, "00 00 00 03 10"),
    want: {
      code: "PROTOCOL_ERROR",
      scope: "stream",
      reason: "Stream depends on itself",
    },
  },
]);

testParseCases(`${P} RST_STREAM:`, parseFrame, [
  {
    name: "an error code, unknown ones kept (§7)",
    frame: raw(RST_STREAM, 0, 1, "00 00 01 00"),
    want: { kind: "rst_stream", streamId: 1, errorCode: 0x100 },
  },
  {
    name: "on stream 0 is a PROTOCOL_ERROR (§6.4)",
    frame: raw(RST_STREAM, 0, 0, "00 00 00 08"),
    want: {
      code: "PROTOCOL_ERROR",
      scope: "connection",
      reason: "RST_STREAM on stream 0",
    },
  },
  {
    name: "other than 4 bytes is a FRAME_SIZE_ERROR (§6.4)",
    frame: raw(RST_STREAM, 0, 1, "00 00 00 08 00"),
    want: {
      code: "FRAME_SIZE_ERROR",
      scope: "connection",
      reason: "RST_STREAM not 4 bytes",
    },
  },
]);

testParseCases(`${P} PUSH_PROMISE:`, parseFrame, [
  {
    name: "the promised stream, reserved bit ignored",
    frame: raw(PUSH_PROMISE, END_HEADERS, 1, "80 00 00 02 82"),
    want: {
      kind: "push_promise",
      streamId: 1,
      promisedStreamId: 2,
      endHeaders: true,
      fragment: "82",
    },
  },
  {
    name: "padded",
    frame: raw(PUSH_PROMISE, PADDED, 1, "01 00 00 00 04 82 00"),
    want: {
      kind: "push_promise",
      streamId: 1,
      promisedStreamId: 4,
      endHeaders: false,
      fragment: "82",
    },
  },
  {
    name: "on stream 0 is a PROTOCOL_ERROR (§6.6)",
    frame: raw(PUSH_PROMISE, 0, 0, "00 00 00 02"),
    want: {
      code: "PROTOCOL_ERROR",
      scope: "connection",
      reason: "PUSH_PROMISE on stream 0",
    },
  },
  {
    name: "no room for the promised stream is a FRAME_SIZE_ERROR (§4.2)",
    frame: raw(PUSH_PROMISE, 0, 1, "00 00 02"),
    want: {
      code: "FRAME_SIZE_ERROR",
      scope: "connection",
      reason: "Frame too short",
    },
  },
  {
    name: "padding past the fragment's room is a PROTOCOL_ERROR (§6.6)",
    frame: raw(PUSH_PROMISE, PADDED, 1, "01 00 00 00 02"),
    want: {
      code: "PROTOCOL_ERROR",
      scope: "connection",
      reason: "Padding too long",
    },
  },
]);

testParseCases(`${P} CONTINUATION:`, parseFrame, [
  {
    name: "a fragment with END_HEADERS",
    frame: raw(CONTINUATION, END_HEADERS, 1, "82 86"),
    want: {
      kind: "continuation",
      streamId: 1,
      endHeaders: true,
      fragment: "8286",
    },
  },
  {
    name: "an empty fragment, PADDED not defined for it and ignored",
    frame: raw(CONTINUATION, PADDED, 1),
    want: {
      kind: "continuation",
      streamId: 1,
      endHeaders: false,
      fragment: "",
    },
  },
  {
    name: "on stream 0 is a PROTOCOL_ERROR (§6.10)",
    frame: raw(CONTINUATION, END_HEADERS, 0, "82"),
    want: {
      code: "PROTOCOL_ERROR",
      scope: "connection",
      reason: "CONTINUATION on stream 0",
    },
  },
]);
