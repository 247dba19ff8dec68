/**
 * PING frames (RFC 9113 §6.7): 8 opaque bytes, echoed back with ACK.
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

/** Bytes of a PING's opaque data. */
export const PING_BYTES = 8;

/** A parsed PING frame. */
export interface PingFrame {
  /** The frame's kind. */
  kind: "ping";
  /** Whether this answers a PING. */
  ack: boolean;
  /** The 8 opaque bytes; a view into the payload. */
  opaqueData: Uint8Array;
}

/**
 * Parse a PING frame (RFC 9113 §6.7).
 *
 * @param frame A raw frame of type PING.
 * @returns The frame, or a connection error: PROTOCOL_ERROR on a stream
 * other than 0, FRAME_SIZE_ERROR unless 8 bytes long.
 */
export function parsePingFrame(frame: RawFrame): PingFrame | Http2Error {
  if (frame.streamId !== 0) {
    return connectionError(ERROR_CODE.PROTOCOL_ERROR, "PING on a stream");
  }
  if (frame.payload.length !== PING_BYTES) {
    return connectionError(ERROR_CODE.FRAME_SIZE_ERROR, "PING not 8 bytes");
  }
  return {
    kind: "ping",
    ack: (frame.flags & FLAG.ACK) !== 0,
    opaqueData: frame.payload,
  };
}

/**
 * Serialize a PING frame.
 *
 * @param opaqueData 8 bytes (a PING's own, to answer it with `ack`).
 * @param ack Whether this answers a PING.
 * @returns The frame's bytes.
 * @throws {RangeError} When `opaqueData` is not 8 bytes.
 */
export function encodePingFrame(
  opaqueData: Uint8Array,
  ack: boolean,
): Uint8Array {
  if (opaqueData.length !== PING_BYTES) {
    throw new RangeError(`PING data must be 8 bytes, not ${opaqueData.length}`);
  }
  const frame = allocateFrame({
    length: PING_BYTES,
    type: FRAME_TYPE.PING,
    flags: ack ? FLAG.ACK : 0,
    streamId: 0,
  });
  frame.set(opaqueData, FRAME_HEADER_BYTES);
  return frame;
}
