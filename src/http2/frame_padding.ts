/**
 * Padding in DATA, HEADERS and PUSH_PROMISE frames (RFC 9113 §6.1, §6.2,
 * §6.6): with the PADDED flag, a Pad Length byte first and that many bytes
 * of padding last.
 *
 * @module
 */

import { ERROR_CODE } from "./error_codes.ts";
import type { RawFrame } from "./frame_header.ts";
import { FLAG } from "./frame_types.ts";
import { connectionError, type Http2Error } from "./http2_error.ts";

/**
 * Where a frame's content starts: after the Pad Length byte if PADDED.
 *
 * @param frame The frame.
 * @returns 1 when the frame is PADDED, else 0.
 */
export function contentStart(frame: RawFrame): number {
  return frame.flags & FLAG.PADDED ? 1 : 0;
}

/**
 * Where a frame's content ends: before the padding. Checks that the
 * mandatory fields fit (else FRAME_SIZE_ERROR, RFC 9113 §4.2; these frames
 * change connection state, so it is a connection error) and that the
 * padding fits in what remains (else PROTOCOL_ERROR, §6.1, §6.2, §6.6).
 *
 * @param frame The frame.
 * @param fixedBytes Mandatory bytes between Pad Length and the content.
 * @returns The index after the content in `frame.payload`, or the error.
 */
export function contentEnd(
  frame: RawFrame,
  fixedBytes: number,
): number | Http2Error {
  const { payload } = frame;
  const start = contentStart(frame) + fixedBytes;
  if (payload.length < start) {
    return connectionError(ERROR_CODE.FRAME_SIZE_ERROR, "Frame too short");
  }
  if (start === fixedBytes) return payload.length;
  const padLength = payload[0];
  if (padLength > payload.length - start) {
    return connectionError(ERROR_CODE.PROTOCOL_ERROR, "Padding too long");
  }
  return payload.length - padLength;
}

/**
 * Check a requested pad length.
 *
 * @param padLength Bytes of padding, or `undefined` for an unpadded frame.
 * @throws {RangeError} When it is not an integer from 0 to 255.
 */
export function checkPadLength(padLength: number | undefined): void {
  if (padLength === undefined) return;
  if (!Number.isInteger(padLength) || padLength < 0 || padLength > 255) {
    throw new RangeError(`Invalid pad length: ${padLength}`);
  }
}
