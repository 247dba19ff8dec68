/**
 * CONTINUATION frames (RFC 9113 §6.10): the rest of a field block begun by
 * HEADERS or PUSH_PROMISE. That they follow it immediately, on the same
 * stream, is the connection's to check (§6.10, §4.3).
 *
 * @module
 */

import { ERROR_CODE } from "./error_codes.ts";
import {
  allocateFrame,
  FRAME_HEADER_BYTES,
  type RawFrame,
} from "./frame_header.ts";
import { FLAG, FRAME_TYPE } from "./frame_types.ts";
import { connectionError, type Http2Error } from "./http2_error.ts";

/** A parsed CONTINUATION frame. */
export interface ContinuationFrame {
  /** The frame's kind. */
  kind: "continuation";
  /** The stream whose field block continues. */
  streamId: number;
  /** Whether the field block is complete. */
  endHeaders: boolean;
  /** The field block fragment; the whole payload. */
  fragment: Uint8Array;
}

/**
 * Parse a CONTINUATION frame (RFC 9113 §6.10).
 *
 * @param frame A raw frame of type CONTINUATION.
 * @returns The frame, or a PROTOCOL_ERROR connection error on stream 0.
 */
export function parseContinuationFrame(
  frame: RawFrame,
): ContinuationFrame | Http2Error {
  if (frame.streamId === 0) {
    return connectionError(
      ERROR_CODE.PROTOCOL_ERROR,
      "CONTINUATION on stream 0",
    );
  }
  return {
    kind: "continuation",
    streamId: frame.streamId,
    endHeaders: (frame.flags & FLAG.END_HEADERS) !== 0,
    fragment: frame.payload,
  };
}

/**
 * Serialize a CONTINUATION frame, copying `fragment` after the header.
 *
 * @param streamId The stream (not 0).
 * @param fragment The field block fragment.
 * @param endHeaders Whether the field block ends here.
 * @returns The frame's bytes.
 */
export function encodeContinuationFrame(
  streamId: number,
  fragment: Uint8Array,
  endHeaders: boolean,
): Uint8Array {
  const frame = allocateFrame({
    length: fragment.length,
    type: FRAME_TYPE.CONTINUATION,
    flags: endHeaders ? FLAG.END_HEADERS : 0,
    streamId,
  });
  frame.set(fragment, FRAME_HEADER_BYTES);
  return frame;
}
