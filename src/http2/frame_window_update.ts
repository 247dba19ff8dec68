/**
 * WINDOW_UPDATE frames (RFC 9113 §6.9): flow-control credit for a stream,
 * or for the connection on stream 0.
 *
 * @module
 */

import { ERROR_CODE } from "./error_codes.ts";
import {
  allocateFrame,
  FRAME_HEADER_BYTES,
  type RawFrame,
  readUint31,
  writeUint32,
} from "./frame_header.ts";
import { FRAME_TYPE, MAX_STREAM_ID } from "./frame_types.ts";
import {
  connectionError,
  type Http2Error,
  streamError,
} from "./http2_error.ts";

/** A parsed WINDOW_UPDATE frame. */
export interface WindowUpdateFrame {
  /** The frame's kind. */
  kind: "window_update";
  /** The stream whose window grows; 0 for the connection's. */
  streamId: number;
  /** Bytes of credit added (1 to 2^31-1). */
  increment: number;
}

/**
 * Parse a WINDOW_UPDATE frame (RFC 9113 §6.9). Whether the window then
 * passes 2^31-1 is the connection's to check (§6.9.1).
 *
 * @param frame A raw frame of type WINDOW_UPDATE.
 * @returns The frame; or a FRAME_SIZE_ERROR connection error unless 4
 * bytes long; or, for an increment of 0, a PROTOCOL_ERROR: a connection
 * error on stream 0, a stream error on a stream.
 */
export function parseWindowUpdateFrame(
  frame: RawFrame,
): WindowUpdateFrame | Http2Error {
  const { streamId, payload } = frame;
  if (payload.length !== 4) {
    return connectionError(
      ERROR_CODE.FRAME_SIZE_ERROR,
      "WINDOW_UPDATE not 4 bytes",
    );
  }
  const increment = readUint31(payload, 0);
  if (increment === 0) {
    const reason = "WINDOW_UPDATE of 0";
    return streamId === 0
      ? connectionError(ERROR_CODE.PROTOCOL_ERROR, reason)
      : streamError(ERROR_CODE.PROTOCOL_ERROR, streamId, reason);
  }
  return { kind: "window_update", streamId, increment };
}

/**
 * Serialize a WINDOW_UPDATE frame.
 *
 * @param streamId The stream, or 0 for the connection.
 * @param increment Bytes of credit, 1 to 2^31-1.
 * @returns The frame's bytes.
 * @throws {RangeError} When the increment is out of range.
 */
export function encodeWindowUpdateFrame(
  streamId: number,
  increment: number,
): Uint8Array {
  if (
    !Number.isInteger(increment) || increment < 1 || increment > MAX_STREAM_ID
  ) {
    throw new RangeError(`Invalid window increment: ${increment}`);
  }
  const frame = allocateFrame({
    length: 4,
    type: FRAME_TYPE.WINDOW_UPDATE,
    flags: 0,
    streamId,
  });
  writeUint32(frame, FRAME_HEADER_BYTES, increment);
  return frame;
}
