import assert from "node:assert/strict";
import { FrameReader } from "../../src/http2/frame_reader.ts";
import { FLAG, FRAME_TYPE } from "../../src/http2/frame_types.ts";
import { Http2Error } from "../../src/http2/http2_error.ts";
import { SendBatch } from "../../src/http2/send_batch.ts";

const { END_HEADERS, END_STREAM } = FLAG;

/** The frames in `bytes`: [type, flags, stream, payload's first byte, length]. */
function frameList(bytes: Uint8Array): number[][] {
  const reader = new FrameReader({ maxFrameSize: (1 << 24) - 1 });
  reader.push(bytes);
  const list = [];
  for (let frame = reader.next(); frame !== null; frame = reader.next()) {
    assert.ok(!(frame instanceof Http2Error));
    const { type, flags, streamId, payload } = frame;
    list.push([type, flags, streamId, payload[0] ?? -1, payload.length]);
  }
  return list;
}

Deno.test("SendBatch frames control frames, DATA and header blocks back to back", () => {
  const batch = new SendBatch();
  batch.append(new Uint8Array([0, 0, 0, FRAME_TYPE.PING, 1, 0, 0, 0, 0]));
  batch.fieldBlock(1, new Uint8Array([7, 8]), false, 16384);
  batch.frame(FRAME_TYPE.DATA, END_STREAM, 1, new Uint8Array([5]));
  batch.fieldBlock(3, new Uint8Array(20_000).fill(9), true, 16384);
  const { HEADERS, CONTINUATION, DATA, PING } = FRAME_TYPE;
  assert.deepEqual(frameList(batch.view()), [
    [PING, 1, 0, -1, 0],
    [HEADERS, END_HEADERS, 1, 7, 2],
    [DATA, END_STREAM, 1, 5, 1],
    [HEADERS, END_STREAM, 3, 9, 16384],
    [CONTINUATION, END_HEADERS, 3, 9, 20_000 - 16384],
  ]);
});

Deno.test("SendBatch grows past its buffer for a large frame, and clear() starts afresh", () => {
  const batch = new SendBatch();
  const big = new Uint8Array(300_000).fill(4);
  batch.frame(FRAME_TYPE.DATA, 0, 5, big);
  batch.frame(FRAME_TYPE.DATA, END_STREAM, 5, new Uint8Array([6]));
  assert.deepEqual(frameList(batch.view()), [
    [FRAME_TYPE.DATA, 0, 5, 4, 300_000],
    [FRAME_TYPE.DATA, END_STREAM, 5, 6, 1],
  ]);
  batch.clear();
  assert.equal(batch.length, 0);
  batch.frame(FRAME_TYPE.DATA, END_STREAM, 7, new Uint8Array([1, 2]));
  assert.deepEqual(frameList(batch.view()), [
    [FRAME_TYPE.DATA, END_STREAM, 7, 1, 2],
  ]);
});

Deno.test("SendBatch frames a header block given as parts as if they were joined, split or not", () => {
  const parts = [
    new Uint8Array([1, 2]),
    new Uint8Array(0),
    new Uint8Array([3]),
  ];
  const batch = new SendBatch();
  batch.fieldBlock(1, parts, true, 16384);
  const joined = new SendBatch();
  joined.fieldBlock(1, new Uint8Array([1, 2, 3]), true, 16384);
  assert.deepEqual(batch.view(), joined.view());
  const { HEADERS, CONTINUATION } = FRAME_TYPE;
  assert.deepEqual(frameList(batch.view()), [
    [HEADERS, END_HEADERS | END_STREAM, 1, 1, 3],
  ]);
  // Over the peer's frame size, the parts split across frames whole.
  batch.clear();
  batch.fieldBlock(
    3,
    [new Uint8Array(10_000).fill(1), new Uint8Array(10_000).fill(2)],
    false,
    16384,
  );
  const frames = frameList(batch.view());
  assert.deepEqual(frames, [
    [HEADERS, 0, 3, 1, 16384],
    [CONTINUATION, END_HEADERS, 3, 2, 20_000 - 16384],
  ]);
});
