/**
 * Reading what a connection wrote: its bytes split into frames, each frame
 * told in one line (`HEADERS 1 END_STREAM+END_HEADERS 12`), for exact and
 * readable assertions.
 */

import type { RawFrame } from "../../src/http2/frame_header.ts";
import { FrameReader } from "../../src/http2/frame_reader.ts";
import { FLAG, FRAME_TYPE } from "../../src/http2/frame_types.ts";
import { Http2Error } from "../../src/http2/http2_error.ts";

const TYPE_NAMES = Object.fromEntries(
  Object.entries(FRAME_TYPE).map(([name, type]) => [type, name]),
);

/** Every whole frame in `bytes`, in order (payloads are copies). */
export function splitFrames(bytes: Uint8Array): RawFrame[] {
  const reader = new FrameReader({ maxFrameSize: 2 ** 24 - 1 });
  reader.push(bytes);
  const frames: RawFrame[] = [];
  for (let frame = reader.next(); frame !== null; frame = reader.next()) {
    if (frame instanceof Http2Error) throw frame;
    frames.push({ ...frame, payload: frame.payload.slice() });
  }
  return frames;
}

/** The flags a frame of `type` can carry, by name. */
function flagNames(type: number, flags: number): string {
  const names: string[] = [];
  if (type === FRAME_TYPE.SETTINGS || type === FRAME_TYPE.PING) {
    if (flags & FLAG.ACK) names.push("ACK");
  } else if (type === FRAME_TYPE.DATA || type === FRAME_TYPE.HEADERS) {
    if (flags & FLAG.END_STREAM) names.push("END_STREAM");
  }
  if (
    (type === FRAME_TYPE.HEADERS || type === FRAME_TYPE.CONTINUATION) &&
    flags & FLAG.END_HEADERS
  ) {
    names.push("END_HEADERS");
  }
  return names.join("+");
}

/** One line: type, stream, flags, payload length. */
export function describeFrame(frame: RawFrame): string {
  const type = TYPE_NAMES[frame.type] ?? `TYPE_${frame.type}`;
  const flags = flagNames(frame.type, frame.flags);
  return [type, frame.streamId, flags, frame.payload.length]
    .filter((part) => part !== "").join(" ");
}
