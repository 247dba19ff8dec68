/**
 * PUSH_PROMISE frames (RFC 9113 §6.6), parsed only: a server never sends
 * them, and receiving one is a PROTOCOL_ERROR the connection decides on
 * (§8.4). Its field block must still be decoded for HPACK state (§4.3).
 *
 * @module
 */

import { ERROR_CODE } from "./error_codes.ts";
import { type RawFrame, readUint31 } from "./frame_header.ts";
import { contentEnd, contentStart } from "./frame_padding.ts";
import { FLAG } from "./frame_types.ts";
import { connectionError, type Http2Error } from "./http2_error.ts";

/** Bytes of the promised stream id (a reserved bit and 31 bits). */
const PROMISED_ID_BYTES = 4;

/** A parsed PUSH_PROMISE frame. */
export interface PushPromiseFrame {
  /** The frame's kind. */
  kind: "push_promise";
  /** The stream the promise is made on. */
  streamId: number;
  /** The stream the sender reserves for the push. */
  promisedStreamId: number;
  /** Whether the field block is complete (no CONTINUATION follows). */
  endHeaders: boolean;
  /** The field block fragment, padding removed; a view into the payload. */
  fragment: Uint8Array;
}

/**
 * Parse a PUSH_PROMISE frame (RFC 9113 §6.6).
 *
 * @param frame A raw frame of type PUSH_PROMISE.
 * @returns The frame, or a connection error: PROTOCOL_ERROR on stream 0
 * or when the padding does not fit, FRAME_SIZE_ERROR when the promised
 * stream id does not fit.
 */
export function parsePushPromiseFrame(
  frame: RawFrame,
): PushPromiseFrame | Http2Error {
  if (frame.streamId === 0) {
    return connectionError(
      ERROR_CODE.PROTOCOL_ERROR,
      "PUSH_PROMISE on stream 0",
    );
  }
  const end = contentEnd(frame, PROMISED_ID_BYTES);
  if (typeof end !== "number") return end;
  const start = contentStart(frame);
  return {
    kind: "push_promise",
    streamId: frame.streamId,
    promisedStreamId: readUint31(frame.payload, start),
    endHeaders: (frame.flags & FLAG.END_HEADERS) !== 0,
    fragment: frame.payload.subarray(start + PROMISED_ID_BYTES, end),
  };
}
