/**
 * A whole field block as frames: one HEADERS, then as many CONTINUATION
 * frames as the peer's SETTINGS_MAX_FRAME_SIZE requires (RFC 9113 §4.3,
 * §6.10), all in one buffer so that they go out in one write, with nothing
 * between them.
 *
 * @module
 */

import { FRAME_HEADER_BYTES, writeFrameHeader } from "./frame_header.ts";
import { FLAG, FRAME_TYPE } from "./frame_types.ts";

/** Options of {@link encodeFieldBlockFrames}. */
export interface FieldBlockFramesOptions {
  /** Set END_STREAM on the HEADERS frame (it ends the stream's sending). */
  endStream?: boolean;
  /** The peer's SETTINGS_MAX_FRAME_SIZE: the most payload per frame. */
  maxFrameSize: number;
}

/**
 * Serialize a field block as HEADERS plus CONTINUATION frames.
 *
 * @param streamId The stream (not 0).
 * @param block The encoded field block.
 * @param options END_STREAM and the peer's frame size limit.
 * @returns The frames' bytes, back to back.
 */
export function encodeFieldBlockFrames(
  streamId: number,
  block: Uint8Array,
  options: FieldBlockFramesOptions,
): Uint8Array {
  const { maxFrameSize } = options;
  const frames = Math.max(1, Math.ceil(block.length / maxFrameSize));
  const out = new Uint8Array(block.length + frames * FRAME_HEADER_BYTES);
  let at = 0;
  for (let i = 0; i < frames; i++) {
    const from = i * maxFrameSize;
    const length = Math.min(maxFrameSize, block.length - from);
    const last = i === frames - 1;
    // END_STREAM belongs to HEADERS even when CONTINUATION follows (§8.1).
    const flags = (last ? FLAG.END_HEADERS : 0) |
      (i === 0 && options.endStream ? FLAG.END_STREAM : 0);
    const type = i === 0 ? FRAME_TYPE.HEADERS : FRAME_TYPE.CONTINUATION;
    writeFrameHeader(out, at, { length, type, flags, streamId });
    out.set(block.subarray(from, from + length), at + FRAME_HEADER_BYTES);
    at += FRAME_HEADER_BYTES + length;
  }
  return out;
}
