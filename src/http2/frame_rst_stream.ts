/**
 * RST_STREAM frames (RFC 9113 §6.4): end one stream at once, with an error
 * code.
 *
 * @module
 */

import { ERROR_CODE } from "./error_codes.ts";
import {
  allocateFrame,
  FRAME_HEADER_BYTES,
  type RawFrame,
  readUint32,
  writeUint32,
} from "./frame_header.ts";
import { FRAME_TYPE } from "./frame_types.ts";
import { connectionError, type Http2Error } from "./http2_error.ts";

/** A parsed RST_STREAM frame. */
export interface RstStreamFrame {
  /** The frame's kind. */
  kind: "rst_stream";
  /** The stream it ends. */
  streamId: number;
  /** Why (RFC 9113 §7; unknown codes are allowed). */
  errorCode: number;
}

/**
 * Parse a RST_STREAM frame (RFC 9113 §6.4).
 *
 * @param frame A raw frame of type RST_STREAM.
 * @returns The frame, or a connection error: PROTOCOL_ERROR on stream 0,
 * FRAME_SIZE_ERROR unless 4 bytes long.
 */
export function parseRstStreamFrame(
  frame: RawFrame,
): RstStreamFrame | Http2Error {
  if (frame.streamId === 0) {
    return connectionError(ERROR_CODE.PROTOCOL_ERROR, "RST_STREAM on stream 0");
  }
  if (frame.payload.length !== 4) {
    return connectionError(
      ERROR_CODE.FRAME_SIZE_ERROR,
      "RST_STREAM not 4 bytes",
    );
  }
  return {
    kind: "rst_stream",
    streamId: frame.streamId,
    errorCode: readUint32(frame.payload, 0),
  };
}

/**
 * Serialize a RST_STREAM frame.
 *
 * @param streamId The stream to end (not 0).
 * @param errorCode Why (`ERROR_CODE`).
 * @returns The frame's bytes.
 */
export function encodeRstStreamFrame(
  streamId: number,
  errorCode: number,
): Uint8Array {
  const frame = allocateFrame({
    length: 4,
    type: FRAME_TYPE.RST_STREAM,
    flags: 0,
    streamId,
  });
  writeUint32(frame, FRAME_HEADER_BYTES, errorCode);
  return frame;
}
