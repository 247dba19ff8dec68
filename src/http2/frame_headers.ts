/**
 * HEADERS frames (RFC 9113 §6.2): open a stream and carry the first
 * fragment of its field block, perhaps padded, perhaps with priority.
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
import {
  PRIORITY_BYTES,
  type PriorityFields,
  readPriority,
  writePriority,
} from "./frame_priority.ts";
import { FLAG, FRAME_TYPE } from "./frame_types.ts";
import {
  connectionError,
  type Http2Error,
  streamError,
} from "./http2_error.ts";

/** A parsed HEADERS frame. */
export interface HeadersFrame {
  /** The frame's kind. */
  kind: "headers";
  /** The stream it opens (or its trailers). */
  streamId: number;
  /** Whether the stream ends with this field block. */
  endStream: boolean;
  /** Whether the field block is complete (no CONTINUATION follows). */
  endHeaders: boolean;
  /** The priority fields, when the PRIORITY flag is set. */
  priority: PriorityFields | null;
  /** The field block fragment, padding removed; a view into the payload. */
  fragment: Uint8Array;
}

/** Options of {@link encodeHeadersFrame}. */
export interface HeadersFrameOptions {
  /** Set END_STREAM. */
  endStream?: boolean;
  /**
   * Set END_HEADERS.
   *
   * @default {true}
   */
  endHeaders?: boolean;
  /** Send priority fields (and the PRIORITY flag). */
  priority?: PriorityFields;
  /** Pad with this many bytes (0–255); unset sends no Pad Length. */
  padLength?: number;
}

/**
 * Parse a HEADERS frame (RFC 9113 §6.2).
 *
 * @param frame A raw frame of type HEADERS.
 * @returns The frame; or a connection error: PROTOCOL_ERROR on stream 0
 * or when the padding does not fit, FRAME_SIZE_ERROR when the mandatory
 * fields do not fit; or, when the stream depends on itself, a
 * PROTOCOL_ERROR stream error (§5.3.1) carrying the parsed frame in
 * `frame`, whose field block must still be decoded (§4.3).
 */
export function parseHeadersFrame(frame: RawFrame): HeadersFrame | Http2Error {
  const { streamId, flags, payload } = frame;
  if (streamId === 0) {
    return connectionError(ERROR_CODE.PROTOCOL_ERROR, "HEADERS on stream 0");
  }
  const hasPriority = (flags & FLAG.PRIORITY) !== 0;
  const end = contentEnd(frame, hasPriority ? PRIORITY_BYTES : 0);
  if (typeof end !== "number") return end;
  let start = contentStart(frame);
  let priority: PriorityFields | null = null;
  if (hasPriority) {
    priority = readPriority(payload, start);
    start += PRIORITY_BYTES;
  }
  const headers: HeadersFrame = {
    kind: "headers",
    streamId,
    endStream: (flags & FLAG.END_STREAM) !== 0,
    endHeaders: (flags & FLAG.END_HEADERS) !== 0,
    priority,
    fragment: payload.subarray(start, end),
  };
  if (priority?.dependency === streamId) {
    const error = streamError(
      ERROR_CODE.PROTOCOL_ERROR,
      streamId,
      "Stream depends on itself",
    );
    error.frame = headers;
    return error;
  }
  return headers;
}

/**
 * Serialize a HEADERS frame, copying `fragment` after the header.
 *
 * @param streamId The stream (not 0).
 * @param fragment The field block fragment.
 * @param options END_STREAM, END_HEADERS, priority and padding.
 * @returns The frame's bytes.
 * @throws {RangeError} When the pad length is not 0–255.
 */
export function encodeHeadersFrame(
  streamId: number,
  fragment: Uint8Array,
  options: HeadersFrameOptions = {},
): Uint8Array {
  const { padLength, priority } = options;
  checkPadLength(padLength);
  const padded = padLength !== undefined;
  const flags = (options.endStream ? FLAG.END_STREAM : 0) |
    (options.endHeaders ?? true ? FLAG.END_HEADERS : 0) |
    (padded ? FLAG.PADDED : 0) | (priority ? FLAG.PRIORITY : 0);
  let at = FRAME_HEADER_BYTES + (padded ? 1 : 0);
  const frame = allocateFrame({
    length: at - FRAME_HEADER_BYTES + (priority ? PRIORITY_BYTES : 0) +
      fragment.length + (padLength ?? 0),
    type: FRAME_TYPE.HEADERS,
    flags,
    streamId,
  });
  if (padded) frame[FRAME_HEADER_BYTES] = padLength;
  if (priority) {
    writePriority(frame, at, priority);
    at += PRIORITY_BYTES;
  }
  frame.set(fragment, at);
  return frame;
}
