/**
 * PRIORITY frames (RFC 9113 §6.3) and the priority fields HEADERS may carry
 * (§6.2). RFC 9113 deprecates this signalling (§5.3.2); frames are still
 * parsed and checked, and their content may be ignored.
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
import { FRAME_TYPE } from "./frame_types.ts";
import {
  connectionError,
  type Http2Error,
  streamError,
} from "./http2_error.ts";

/** Bytes of priority fields: E bit and stream dependency, then weight. */
export const PRIORITY_BYTES = 5;

/** A stream's priority as RFC 7540 signalled it. */
export interface PriorityFields {
  /** Whether the dependency is exclusive (the E bit). */
  exclusive: boolean;
  /** The stream this one depends on; 0 for none. */
  dependency: number;
  /** The weight, 1–256 (sent as one less). */
  weight: number;
}

/** A parsed PRIORITY frame. */
export interface PriorityFrame {
  /** The frame's kind. */
  kind: "priority";
  /** The stream it concerns. */
  streamId: number;
  /** The priority. */
  priority: PriorityFields;
}

/**
 * Read priority fields at `offset`.
 *
 * @param bytes Holds 5 bytes from `offset`.
 * @param offset Where they start.
 * @returns The fields.
 */
export function readPriority(
  bytes: Uint8Array,
  offset: number,
): PriorityFields {
  return {
    exclusive: (bytes[offset] & 0x80) !== 0,
    dependency: readUint31(bytes, offset),
    weight: bytes[offset + 4] + 1,
  };
}

/**
 * Write priority fields at `offset`.
 *
 * @param target Has room for 5 bytes from `offset`.
 * @param offset Where they start.
 * @param priority The fields.
 */
export function writePriority(
  target: Uint8Array,
  offset: number,
  priority: PriorityFields,
): void {
  const e = priority.exclusive ? 0x80000000 : 0;
  writeUint32(target, offset, (e | priority.dependency) >>> 0);
  target[offset + 4] = priority.weight - 1;
}

/**
 * Parse a PRIORITY frame (RFC 9113 §6.3).
 *
 * @param frame A raw frame of type PRIORITY.
 * @returns The frame; or a PROTOCOL_ERROR connection error on stream 0, a
 * FRAME_SIZE_ERROR stream error unless 5 bytes long, a PROTOCOL_ERROR
 * stream error when the stream depends on itself (§5.3.1).
 */
export function parsePriorityFrame(
  frame: RawFrame,
): PriorityFrame | Http2Error {
  const { streamId, payload } = frame;
  if (streamId === 0) {
    return connectionError(ERROR_CODE.PROTOCOL_ERROR, "PRIORITY on stream 0");
  }
  if (payload.length !== PRIORITY_BYTES) {
    return streamError(
      ERROR_CODE.FRAME_SIZE_ERROR,
      streamId,
      "PRIORITY not 5 bytes",
    );
  }
  const priority = readPriority(payload, 0);
  if (priority.dependency === streamId) {
    return streamError(
      ERROR_CODE.PROTOCOL_ERROR,
      streamId,
      "Stream depends on itself",
    );
  }
  return { kind: "priority", streamId, priority };
}

/**
 * Serialize a PRIORITY frame.
 *
 * @param streamId The stream (not 0).
 * @param priority Its priority.
 * @returns The frame's bytes.
 */
export function encodePriorityFrame(
  streamId: number,
  priority: PriorityFields,
): Uint8Array {
  const frame = allocateFrame({
    length: PRIORITY_BYTES,
    type: FRAME_TYPE.PRIORITY,
    flags: 0,
    streamId,
  });
  writePriority(frame, FRAME_HEADER_BYTES, priority);
  return frame;
}
