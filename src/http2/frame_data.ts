/**
 * DATA frames (RFC 9113 §6.1): a stream's content, perhaps padded.
 *
 * @module
 */

import { ERROR_CODE } from "./error_codes.ts";
import {
  allocateFrame,
  FRAME_HEADER_BYTES,
  type RawFrame,
} from "./frame_header.ts";
import { checkPadLength, contentEnd, contentStart } from "./frame_padding.ts";
import { FLAG, FRAME_TYPE } from "./frame_types.ts";
import { connectionError, type Http2Error } from "./http2_error.ts";

/** A parsed DATA frame. */
export interface DataFrame {
  /** The frame's kind. */
  kind: "data";
  /** The stream it belongs to. */
  streamId: number;
  /** Whether this is the sender's last frame on the stream. */
  endStream: boolean;
  /** The content, padding removed; a view into the payload. */
  data: Uint8Array;
  /**
   * The whole payload's length, Pad Length and padding included: what the
   * frame counts against flow-control windows (RFC 9113 §6.1, §6.9.1).
   */
  flowControlledLength: number;
}

/** Options of {@link encodeDataFrame}. */
export interface DataFrameOptions {
  /** Set END_STREAM. */
  endStream?: boolean;
  /** Pad with this many bytes (0–255); unset sends no Pad Length. */
  padLength?: number;
}

/**
 * Parse a DATA frame (RFC 9113 §6.1).
 *
 * @param frame A raw frame of type DATA.
 * @returns The frame, or a connection error: PROTOCOL_ERROR on stream 0
 * or when the padding does not fit, FRAME_SIZE_ERROR when PADDED has no
 * room for Pad Length.
 */
export function parseDataFrame(frame: RawFrame): DataFrame | Http2Error {
  if (frame.streamId === 0) {
    return connectionError(ERROR_CODE.PROTOCOL_ERROR, "DATA on stream 0");
  }
  const end = contentEnd(frame, 0);
  if (typeof end !== "number") return end;
  const { payload } = frame;
  return {
    kind: "data",
    streamId: frame.streamId,
    endStream: (frame.flags & FLAG.END_STREAM) !== 0,
    data: payload.subarray(contentStart(frame), end),
    flowControlledLength: payload.length,
  };
}

/**
 * Serialize a DATA frame, copying `data` after the header.
 *
 * @param streamId The stream (not 0).
 * @param data The content; at most the peer's SETTINGS_MAX_FRAME_SIZE,
 * padding included.
 * @param options END_STREAM and padding.
 * @returns The frame's bytes.
 * @throws {RangeError} When the pad length is not 0–255.
 */
export function encodeDataFrame(
  streamId: number,
  data: Uint8Array,
  options: DataFrameOptions = {},
): Uint8Array {
  const { padLength } = options;
  checkPadLength(padLength);
  const padded = padLength !== undefined;
  const frame = allocateFrame({
    length: data.length + (padded ? 1 + padLength : 0),
    type: FRAME_TYPE.DATA,
    flags: (options.endStream ? FLAG.END_STREAM : 0) |
      (padded ? FLAG.PADDED : 0),
    streamId,
  });
  if (padded) frame[FRAME_HEADER_BYTES] = padLength;
  frame.set(data, FRAME_HEADER_BYTES + (padded ? 1 : 0));
  return frame;
}
