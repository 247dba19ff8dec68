/**
 * GOAWAY frames (RFC 9113 §6.8): the connection is ending; streams above
 * the last stream id were not processed and may be retried elsewhere.
 *
 * @module
 */

import { ERROR_CODE } from "./error_codes.ts";
import {
  allocateFrame,
  FRAME_HEADER_BYTES,
  type RawFrame,
  readUint31,
  readUint32,
  writeUint32,
} from "./frame_header.ts";
import { FRAME_TYPE } from "./frame_types.ts";
import { connectionError, type Http2Error } from "./http2_error.ts";

/** Bytes before the debug data: last stream id and error code. */
const FIXED_BYTES = 8;

/** A parsed GOAWAY frame. */
export interface GoAwayFrame {
  /** The frame's kind. */
  kind: "goaway";
  /** The highest stream the sender may have processed. */
  lastStreamId: number;
  /** Why (RFC 9113 §7; unknown codes are allowed). */
  errorCode: number;
  /** Opaque diagnostic bytes; a view into the payload. */
  debugData: Uint8Array;
}

/**
 * Parse a GOAWAY frame (RFC 9113 §6.8).
 *
 * @param frame A raw frame of type GOAWAY.
 * @returns The frame, or a connection error: PROTOCOL_ERROR on a stream
 * other than 0, FRAME_SIZE_ERROR when shorter than 8 bytes.
 */
export function parseGoAwayFrame(frame: RawFrame): GoAwayFrame | Http2Error {
  const { payload } = frame;
  if (frame.streamId !== 0) {
    return connectionError(ERROR_CODE.PROTOCOL_ERROR, "GOAWAY on a stream");
  }
  if (payload.length < FIXED_BYTES) {
    return connectionError(ERROR_CODE.FRAME_SIZE_ERROR, "GOAWAY too short");
  }
  return {
    kind: "goaway",
    lastStreamId: readUint31(payload, 0),
    errorCode: readUint32(payload, 4),
    debugData: payload.subarray(FIXED_BYTES),
  };
}

/**
 * Serialize a GOAWAY frame.
 *
 * @param lastStreamId The highest stream this side processed or may still.
 * @param errorCode Why (`ERROR_CODE.NO_ERROR` for a graceful shutdown).
 * @param debugData Opaque diagnostic bytes, never secrets.
 * @returns The frame's bytes.
 */
export function encodeGoAwayFrame(
  lastStreamId: number,
  errorCode: number,
  debugData: Uint8Array = new Uint8Array(0),
): Uint8Array {
  const frame = allocateFrame({
    length: FIXED_BYTES + debugData.length,
    type: FRAME_TYPE.GOAWAY,
    flags: 0,
    streamId: 0,
  });
  writeUint32(frame, FRAME_HEADER_BYTES, lastStreamId & 0x7fffffff);
  writeUint32(frame, FRAME_HEADER_BYTES + 4, errorCode);
  frame.set(debugData, FRAME_HEADER_BYTES + FIXED_BYTES);
  return frame;
}
