/**
 * The frame serializers: exact bytes against frames built by hand, round
 * trips through FrameReader and parseFrame(), field blocks split into
 * HEADERS and CONTINUATION frames, and the frame header itself.
 */

import assert from "node:assert/strict";
import {
  CONNECTION_PREFACE,
  matchPreface,
} from "../../src/http2/connection_preface.ts";
import { encodeContinuationFrame } from "../../src/http2/frame_continuation.ts";
import { encodeDataFrame } from "../../src/http2/frame_data.ts";
import { encodeGoAwayFrame } from "../../src/http2/frame_goaway.ts";
import {
  readFrameHeader,
  writeFrameHeader,
} from "../../src/http2/frame_header.ts";
import { encodeHeadersFrame } from "../../src/http2/frame_headers.ts";
import { encodePingFrame } from "../../src/http2/frame_ping.ts";
import { encodePriorityFrame } from "../../src/http2/frame_priority.ts";
import { FrameReader } from "../../src/http2/frame_reader.ts";
import { encodeRstStreamFrame } from "../../src/http2/frame_rst_stream.ts";
import {
  encodeSettingsAckFrame,
  encodeSettingsFrame,
} from "../../src/http2/frame_settings.ts";
import { FLAG, FRAME_TYPE } from "../../src/http2/frame_types.ts";
import { encodeWindowUpdateFrame } from "../../src/http2/frame_window_update.ts";
import { encodeFieldBlockFrames } from "../../src/http2/field_block_frames.ts";
import { Http2Error } from "../../src/http2/http2_error.ts";
import { parseFrame } from "../../src/http2/parse_frame.ts";
import { hex, latin1Bytes, toHex } from "./_bytes.ts";
import { raw, readable, wire } from "./_frames.ts";

const { END_STREAM, END_HEADERS, PADDED, ACK } = FLAG;

/** Bytes back through the reader and parser: the one frame they hold. */
function reparse(bytes: Uint8Array): Record<string, unknown> {
  const reader = new FrameReader({ maxFrameSize: 2 ** 24 - 1 });
  reader.push(bytes);
  const rawFrame = reader.next();
  assert.ok(rawFrame !== null && !(rawFrame instanceof Http2Error));
  assert.equal(reader.next(), null, "one frame, nothing after it");
  const frame = parseFrame(rawFrame);
  assert.ok(!(frame instanceof Http2Error), String(frame));
  return readable(frame);
}

const cases: {
  name: string;
  bytes: Uint8Array;
  same: Uint8Array;
  parsed: Record<string, unknown>;
}[] = [
  {
    name: "encodeDataFrame() with END_STREAM",
    bytes: encodeDataFrame(1, hex("6869"), { endStream: true }),
    same: wire(raw(FRAME_TYPE.DATA, END_STREAM, 1, "6869")),
    parsed: {
      kind: "data",
      streamId: 1,
      endStream: true,
      data: "6869",
      flowControlledLength: 2,
    },
  },
  {
    name: "encodeDataFrame() padded",
    bytes: encodeDataFrame(3, hex("6869"), { padLength: 3 }),
    same: wire(raw(FRAME_TYPE.DATA, PADDED, 3, "03 6869 000000")),
    parsed: {
      kind: "data",
      streamId: 3,
      endStream: false,
      data: "6869",
      flowControlledLength: 6,
    },
  },
  {
    name: "encodeHeadersFrame() with the defaults",
    bytes: encodeHeadersFrame(1, hex("8286")),
    same: wire(raw(FRAME_TYPE.HEADERS, END_HEADERS, 1, "8286")),
    parsed: {
      kind: "headers",
      streamId: 1,
      endStream: false,
      endHeaders: true,
      priority: null,
      fragment: "8286",
    },
  },
  {
    name: "encodeHeadersFrame() padded, with priority, no END_HEADERS",
    bytes: encodeHeadersFrame(5, hex("82"), {
      endStream: true,
      endHeaders: false,
      padLength: 1,
      priority: { exclusive: true, dependency: 3, weight: 256 },
    }),
    same: wire(
      raw(FRAME_TYPE.HEADERS, 0x29, 5, "01 80000003 ff 82 00"),
    ),
    parsed: {
      kind: "headers",
      streamId: 5,
      endStream: true,
      endHeaders: false,
      priority: { exclusive: true, dependency: 3, weight: 256 },
      fragment: "82",
    },
  },
  {
    name: "encodePriorityFrame()",
    bytes: encodePriorityFrame(3, {
      exclusive: false,
      dependency: 1,
      weight: 16,
    }),
    same: wire(raw(FRAME_TYPE.PRIORITY, 0, 3, "00000001 0f")),
    parsed: {
      kind: "priority",
      streamId: 3,
      priority: { exclusive: false, dependency: 1, weight: 16 },
    },
  },
  {
    name: "encodeRstStreamFrame()",
    bytes: encodeRstStreamFrame(7, 0x8),
    same: wire(raw(FRAME_TYPE.RST_STREAM, 0, 7, "00000008")),
    parsed: { kind: "rst_stream", streamId: 7, errorCode: 8 },
  },
  {
    name: "encodeSettingsFrame()",
    bytes: encodeSettingsFrame([{ id: 3, value: 100 }, { id: 4, value: 0 }]),
    same: wire(raw(FRAME_TYPE.SETTINGS, 0, 0, "0003 00000064 0004 00000000")),
    parsed: {
      kind: "settings",
      ack: false,
      entries: [{ id: 3, value: 100 }, { id: 4, value: 0 }],
    },
  },
  {
    name: "encodeSettingsAckFrame()",
    bytes: encodeSettingsAckFrame(),
    same: wire(raw(FRAME_TYPE.SETTINGS, ACK, 0)),
    parsed: { kind: "settings", ack: true, entries: [] },
  },
  {
    name: "encodePingFrame() as an answer",
    bytes: encodePingFrame(hex("0102030405060708"), true),
    same: wire(raw(FRAME_TYPE.PING, ACK, 0, "0102030405060708")),
    parsed: { kind: "ping", ack: true, opaqueData: "0102030405060708" },
  },
  {
    name: "encodeGoAwayFrame() with debug data",
    bytes: encodeGoAwayFrame(9, 0xb, latin1Bytes("calm")),
    same: wire(raw(FRAME_TYPE.GOAWAY, 0, 0, "00000009 0000000b 63616c6d")),
    parsed: {
      kind: "goaway",
      lastStreamId: 9,
      errorCode: 11,
      debugData: "63616c6d",
    },
  },
  {
    name: "encodeWindowUpdateFrame()",
    bytes: encodeWindowUpdateFrame(0, 2 ** 31 - 1),
    same: wire(raw(FRAME_TYPE.WINDOW_UPDATE, 0, 0, "7fffffff")),
    parsed: { kind: "window_update", streamId: 0, increment: 2 ** 31 - 1 },
  },
  {
    name: "encodeContinuationFrame()",
    bytes: encodeContinuationFrame(1, hex("84"), true),
    same: wire(raw(FRAME_TYPE.CONTINUATION, END_HEADERS, 1, "84")),
    parsed: {
      kind: "continuation",
      streamId: 1,
      endHeaders: true,
      fragment: "84",
    },
  },
];

for (const { name, bytes, same, parsed } of cases) {
  Deno.test(`${name} writes the frame and parses back`, () => {
    assert.equal(toHex(bytes), toHex(same));
    assert.deepEqual(reparse(bytes), parsed);
  });
}

Deno.test("The serializers refuse values out of range", () => {
  assert.throws(
    () => encodeDataFrame(1, hex(""), { padLength: 256 }),
    RangeError,
  );
  assert.throws(
    () => encodeHeadersFrame(1, hex(""), { padLength: -1 }),
    RangeError,
  );
  assert.throws(() => encodeWindowUpdateFrame(1, 0), RangeError);
  assert.throws(() => encodeWindowUpdateFrame(1, 2 ** 31), RangeError);
  assert.throws(() => encodePingFrame(new Uint8Array(7), false), RangeError);
});

/** Frames in `bytes` as [type, flags, streamId, payload length]. */
function frameList(bytes: Uint8Array): number[][] {
  const reader = new FrameReader();
  reader.push(bytes);
  const list = [];
  for (let frame = reader.next(); frame !== null; frame = reader.next()) {
    assert.ok(!(frame instanceof Http2Error));
    list.push([frame.type, frame.flags, frame.streamId, frame.payload.length]);
  }
  return list;
}

Deno.test("encodeFieldBlockFrames() splits a block at maxFrameSize into HEADERS and CONTINUATION", () => {
  const block = new Uint8Array(40_000).map((_, i) => i);
  const bytes = encodeFieldBlockFrames(3, block, {
    endStream: true,
    maxFrameSize: 16384,
  });
  const { HEADERS, CONTINUATION } = FRAME_TYPE;
  assert.deepEqual(frameList(bytes), [
    [HEADERS, END_STREAM, 3, 16384],
    [CONTINUATION, 0, 3, 16384],
    [CONTINUATION, END_HEADERS, 3, 40_000 - 32768],
  ]);
  const payloads = [9, 9 + 16384 + 9, 9 + 16384 + 9 + 16384 + 9];
  assert.equal(bytes[payloads[1]], block[16384] & 0xff);
  assert.equal(bytes[payloads[2]], block[32768] & 0xff);
});

Deno.test("encodeFieldBlockFrames() sends a small or empty block as one HEADERS", () => {
  const { HEADERS } = FRAME_TYPE;
  assert.deepEqual(
    frameList(
      encodeFieldBlockFrames(1, new Uint8Array(16384), { maxFrameSize: 16384 }),
    ),
    [[HEADERS, END_HEADERS, 1, 16384]],
  );
  assert.deepEqual(
    frameList(
      encodeFieldBlockFrames(1, new Uint8Array(0), {
        endStream: true,
        maxFrameSize: 16384,
      }),
    ),
    [[HEADERS, END_HEADERS | END_STREAM, 1, 0]],
  );
});

Deno.test("writeFrameHeader() and readFrameHeader() round-trip the extremes, reserved bit unset", () => {
  const bytes = new Uint8Array(11);
  const header = {
    length: 2 ** 24 - 1,
    type: 0xff,
    flags: 0xff,
    streamId: 2 ** 31 - 1,
  };
  writeFrameHeader(bytes, 2, header);
  assert.equal(toHex(bytes.subarray(2)), "ffffffffff7fffffff");
  assert.deepEqual(readFrameHeader(bytes, 2), header);
  bytes[7] |= 0x80;
  assert.equal(readFrameHeader(bytes, 2).streamId, 2 ** 31 - 1, "R ignored");
});

Deno.test("CONNECTION_PREFACE is RFC 9113 §3.4's 24 bytes; matchPreface() follows it piecewise", () => {
  assert.equal(
    toHex(CONNECTION_PREFACE),
    toHex(hex(
      "505249202a20485454502f322e300d0a0d0a534d0d0a0d0a",
    )),
  );
  const p = CONNECTION_PREFACE;
  assert.equal(matchPreface(p, 0, 10, 0), 10);
  assert.equal(matchPreface(p, 10, 24, 10), 24);
  assert.equal(
    matchPreface(latin1Bytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\nxx"), 0, 26, 0),
    24,
  );
  assert.equal(matchPreface(latin1Bytes("GET"), 0, 3, 0), -1);
  assert.equal(matchPreface(latin1Bytes("X"), 0, 1, 3), -1);
});
