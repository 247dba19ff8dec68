/**
 * parseFrame() on SETTINGS, PING, GOAWAY, WINDOW_UPDATE and unknown types
 * (RFC 9113 §6.5, §6.7–§6.9, §5.5): valid encodings, and every error each
 * can carry, with its code and scope; and how settings apply.
 */

import assert from "node:assert/strict";
import { FLAG, FRAME_TYPE } from "../../src/http2/frame_types.ts";
import { parseFrame } from "../../src/http2/parse_frame.ts";
import {
  applySettings,
  INITIAL_SETTINGS,
  SETTING,
} from "../../src/http2/settings.ts";
import { raw, testParseCases } from "./_frames.ts";

const { SETTINGS, PING, GOAWAY, WINDOW_UPDATE } = FRAME_TYPE;
const { ACK } = FLAG;
const P = "parseFrame()";

/** One setting as 6 bytes of hex. */
function entry(id: number, value: number): string {
  return id.toString(16).padStart(4, "0") +
    value.toString(16).padStart(8, "0");
}

const SIX = [
  entry(SETTING.HEADER_TABLE_SIZE, 0),
  entry(SETTING.ENABLE_PUSH, 0),
  entry(SETTING.MAX_CONCURRENT_STREAMS, 100),
  entry(SETTING.INITIAL_WINDOW_SIZE, 2 ** 31 - 1),
  entry(SETTING.MAX_FRAME_SIZE, 2 ** 24 - 1),
  entry(SETTING.MAX_HEADER_LIST_SIZE, 0xffffffff),
].join("");

testParseCases(`${P} SETTINGS:`, parseFrame, [
  {
    name: "the six defined settings at their bounds, in order",
    frame: raw(SETTINGS, 0, 0, SIX),
    want: {
      kind: "settings",
      ack: false,
      entries: [
        { id: 1, value: 0 },
        { id: 2, value: 0 },
        { id: 3, value: 100 },
        { id: 4, value: 2 ** 31 - 1 },
        { id: 5, value: 2 ** 24 - 1 },
        { id: 6, value: 0xffffffff },
      ],
    },
  },
  {
    name: "empty, and the lower bounds",
    frame: raw(
      SETTINGS,
      0,
      0,
      entry(SETTING.ENABLE_PUSH, 1) + entry(SETTING.MAX_FRAME_SIZE, 16384),
    ),
    want: {
      kind: "settings",
      ack: false,
      entries: [{ id: 2, value: 1 }, { id: 5, value: 16384 }],
    },
  },
  {
    name: "an unknown identifier kept, whatever its value (§6.5.2)",
    frame: raw(SETTINGS, 0, 0, entry(0xff, 0xffffffff)),
    want: {
      kind: "settings",
      ack: false,
      entries: [{ id: 0xff, value: 0xffffffff }],
    },
  },
  {
    name: "an ACK",
    frame: raw(SETTINGS, ACK, 0),
    want: { kind: "settings", ack: true, entries: [] },
  },
  {
    name: "on a stream is a PROTOCOL_ERROR (§6.5)",
    frame: raw(SETTINGS, 0, 1),
    want: {
      code: "PROTOCOL_ERROR",
      scope: "connection",
      reason: "SETTINGS on a stream",
    },
  },
  {
    name: "an ACK with a payload is a FRAME_SIZE_ERROR (§6.5)",
    frame: raw(SETTINGS, ACK, 0, entry(1, 0)),
    want: {
      code: "FRAME_SIZE_ERROR",
      scope: "connection",
      reason: "SETTINGS ACK with a payload",
    },
  },
  {
    name: "a length not a multiple of 6 is a FRAME_SIZE_ERROR (§6.5)",
    frame: raw(SETTINGS, 0, 0, entry(1, 0) + "00"),
    want: {
      code: "FRAME_SIZE_ERROR",
      scope: "connection",
      reason: "SETTINGS not a multiple of 6 bytes",
    },
  },
  {
    name: "ENABLE_PUSH of 2 is a PROTOCOL_ERROR (§6.5.2)",
    frame: raw(SETTINGS, 0, 0, entry(SETTING.ENABLE_PUSH, 2)),
    want: {
      code: "PROTOCOL_ERROR",
      scope: "connection",
      reason: "ENABLE_PUSH not 0 or 1",
    },
  },
  {
    name: "INITIAL_WINDOW_SIZE of 2^31 is a FLOW_CONTROL_ERROR (§6.5.2)",
    frame: raw(SETTINGS, 0, 0, entry(SETTING.INITIAL_WINDOW_SIZE, 2 ** 31)),
    want: {
      code: "FLOW_CONTROL_ERROR",
      scope: "connection",
      reason: "INITIAL_WINDOW_SIZE over 2^31-1",
    },
  },
  {
    name: "MAX_FRAME_SIZE of 2^14-1 is a PROTOCOL_ERROR (§6.5.2)",
    frame: raw(SETTINGS, 0, 0, entry(SETTING.MAX_FRAME_SIZE, 2 ** 14 - 1)),
    want: {
      code: "PROTOCOL_ERROR",
      scope: "connection",
      reason: "MAX_FRAME_SIZE out of range",
    },
  },
  {
    name: "MAX_FRAME_SIZE of 2^24 is a PROTOCOL_ERROR (§6.5.2)",
    frame: raw(
      SETTINGS,
      0,
      0,
      entry(SETTING.HEADER_TABLE_SIZE, 1) +
        entry(SETTING.MAX_FRAME_SIZE, 2 ** 24),
    ),
    want: {
      code: "PROTOCOL_ERROR",
      scope: "connection",
      reason: "MAX_FRAME_SIZE out of range",
    },
  },
]);

testParseCases(`${P} PING:`, parseFrame, [
  {
    name: "8 opaque bytes",
    frame: raw(PING, 0, 0, "01 02 03 04 05 06 07 08"),
    want: { kind: "ping", ack: false, opaqueData: "0102030405060708" },
  },
  {
    name: "an ACK",
    frame: raw(PING, ACK, 0, "00 00 00 00 00 00 00 00"),
    want: { kind: "ping", ack: true, opaqueData: "0000000000000000" },
  },
  {
    name: "on a stream is a PROTOCOL_ERROR (§6.7)",
    frame: raw(PING, 0, 1, "00 00 00 00 00 00 00 00"),
    want: {
      code: "PROTOCOL_ERROR",
      scope: "connection",
      reason: "PING on a stream",
    },
  },
  {
    name: "other than 8 bytes is a FRAME_SIZE_ERROR (§6.7)",
    frame: raw(PING, 0, 0, "00 00 00 00 00 00 00"),
    want: {
      code: "FRAME_SIZE_ERROR",
      scope: "connection",
      reason: "PING not 8 bytes",
    },
  },
]);

testParseCases(`${P} GOAWAY:`, parseFrame, [
  {
    name: "last stream (reserved bit ignored), code and debug data",
    frame: raw(GOAWAY, 0, 0, "80 00 00 07 00 00 00 0b 68 69"),
    want: {
      kind: "goaway",
      lastStreamId: 7,
      errorCode: 0xb,
      debugData: "6869",
    },
  },
  {
    name: "exactly 8 bytes",
    frame: raw(GOAWAY, 0, 0, "00 00 00 00 00 00 00 00"),
    want: { kind: "goaway", lastStreamId: 0, errorCode: 0, debugData: "" },
  },
  {
    name: "on a stream is a PROTOCOL_ERROR (§6.8)",
    frame: raw(GOAWAY, 0, 3, "00 00 00 00 00 00 00 00"),
    want: {
      code: "PROTOCOL_ERROR",
      scope: "connection",
      reason: "GOAWAY on a stream",
    },
  },
  {
    name: "shorter than 8 bytes is a FRAME_SIZE_ERROR (§6.8)",
    frame: raw(GOAWAY, 0, 0, "00 00 00 00 00 00 00"),
    want: {
      code: "FRAME_SIZE_ERROR",
      scope: "connection",
      reason: "GOAWAY too short",
    },
  },
]);

testParseCases(`${P} WINDOW_UPDATE:`, parseFrame, [
  {
    name: "for the connection, at the largest increment",
    frame: raw(WINDOW_UPDATE, 0, 0, "7f ff ff ff"),
    want: { kind: "window_update", streamId: 0, increment: 2 ** 31 - 1 },
  },
  {
    name: "for a stream, reserved bit ignored",
    frame: raw(WINDOW_UPDATE, 0, 9, "80 00 00 01"),
    want: { kind: "window_update", streamId: 9, increment: 1 },
  },
  {
    name: "of 0 on a stream is a stream PROTOCOL_ERROR (§6.9)",
    frame: raw(WINDOW_UPDATE, 0, 9, "00 00 00 00"),
    want: {
      code: "PROTOCOL_ERROR",
      scope: "stream",
      reason: "WINDOW_UPDATE of 0",
    },
  },
  {
    name: "of 0 on the connection is a connection PROTOCOL_ERROR (§6.9)",
    frame: raw(WINDOW_UPDATE, 0, 0, "80 00 00 00"),
    want: {
      code: "PROTOCOL_ERROR",
      scope: "connection",
      reason: "WINDOW_UPDATE of 0",
    },
  },
  {
    name: "other than 4 bytes is a FRAME_SIZE_ERROR (§6.9)",
    frame: raw(WINDOW_UPDATE, 0, 9, "00 00 01"),
    want: {
      code: "FRAME_SIZE_ERROR",
      scope: "connection",
      reason: "WINDOW_UPDATE not 4 bytes",
    },
  },
]);

testParseCases(`${P} an unknown type`, parseFrame, [
  {
    name: "is handed over whole, to be ignored (§5.5)",
    frame: raw(0xfa, 0x33, 5, "01 02"),
    want: {
      kind: "unknown",
      type: 0xfa,
      flags: 0x33,
      streamId: 5,
      payload: "0102",
    },
  },
]);

Deno.test("applySettings() applies entries in order, the last one winning, unknown ones ignored", () => {
  const next = applySettings(INITIAL_SETTINGS, [
    { id: SETTING.INITIAL_WINDOW_SIZE, value: 1 },
    { id: SETTING.ENABLE_PUSH, value: 0 },
    { id: 0x99, value: 7 },
    { id: SETTING.INITIAL_WINDOW_SIZE, value: 2 },
    { id: SETTING.MAX_CONCURRENT_STREAMS, value: 10 },
    { id: SETTING.HEADER_TABLE_SIZE, value: 0 },
    { id: SETTING.MAX_FRAME_SIZE, value: 32768 },
    { id: SETTING.MAX_HEADER_LIST_SIZE, value: 8192 },
  ]);
  assert.deepEqual(next, {
    headerTableSize: 0,
    enablePush: false,
    maxConcurrentStreams: 10,
    initialWindowSize: 2,
    maxFrameSize: 32768,
    maxHeaderListSize: 8192,
  });
  assert.equal(INITIAL_SETTINGS.initialWindowSize, 65535, "not changed");
});

Deno.test("INITIAL_SETTINGS are RFC 9113 §6.5.2's initial values", () => {
  assert.deepEqual({ ...INITIAL_SETTINGS }, {
    headerTableSize: 4096,
    enablePush: true,
    maxConcurrentStreams: Infinity,
    initialWindowSize: 65535,
    maxFrameSize: 16384,
    maxHeaderListSize: Infinity,
  });
});
