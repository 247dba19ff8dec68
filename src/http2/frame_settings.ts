/**
 * SETTINGS frames (RFC 9113 §6.5): a list of identifier/value pairs, or an
 * empty acknowledgement.
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
import { FLAG, FRAME_TYPE } from "./frame_types.ts";
import { connectionError, type Http2Error } from "./http2_error.ts";
import { checkSetting, type SettingsEntry } from "./settings.ts";

/** Bytes per setting: a 16-bit identifier and a 32-bit value. */
const ENTRY_BYTES = 6;

/** A parsed SETTINGS frame. */
export interface SettingsFrame {
  /** The frame's kind. */
  kind: "settings";
  /** Whether this acknowledges the receiver's SETTINGS (then no entries). */
  ack: boolean;
  /** The entries, in order; unknown identifiers included. */
  entries: SettingsEntry[];
}

/**
 * Parse a SETTINGS frame (RFC 9113 §6.5), checking each value's range.
 *
 * @param frame A raw frame of type SETTINGS.
 * @returns The frame, or a connection error: PROTOCOL_ERROR on a stream
 * other than 0, FRAME_SIZE_ERROR for an ACK with a payload or a length
 * not a multiple of 6, or the error `checkSetting()` names.
 */
export function parseSettingsFrame(
  frame: RawFrame,
): SettingsFrame | Http2Error {
  const { payload } = frame;
  if (frame.streamId !== 0) {
    return connectionError(ERROR_CODE.PROTOCOL_ERROR, "SETTINGS on a stream");
  }
  const ack = (frame.flags & FLAG.ACK) !== 0;
  if (ack && payload.length !== 0) {
    return connectionError(
      ERROR_CODE.FRAME_SIZE_ERROR,
      "SETTINGS ACK with a payload",
    );
  }
  if (payload.length % ENTRY_BYTES !== 0) {
    return connectionError(
      ERROR_CODE.FRAME_SIZE_ERROR,
      "SETTINGS not a multiple of 6 bytes",
    );
  }
  const entries: SettingsEntry[] = [];
  for (let at = 0; at < payload.length; at += ENTRY_BYTES) {
    const entry = {
      id: (payload[at] << 8) | payload[at + 1],
      value: readUint32(payload, at + 2),
    };
    const error = checkSetting(entry);
    if (error) return error;
    entries.push(entry);
  }
  return { kind: "settings", ack, entries };
}

/**
 * Serialize a SETTINGS frame with `entries`, in order.
 *
 * @param entries The settings to send.
 * @returns The frame's bytes.
 */
export function encodeSettingsFrame(
  entries: readonly SettingsEntry[],
): Uint8Array {
  const frame = allocateFrame({
    length: entries.length * ENTRY_BYTES,
    type: FRAME_TYPE.SETTINGS,
    flags: 0,
    streamId: 0,
  });
  let at = FRAME_HEADER_BYTES;
  for (const { id, value } of entries) {
    frame[at] = id >>> 8;
    frame[at + 1] = id;
    writeUint32(frame, at + 2, value);
    at += ENTRY_BYTES;
  }
  return frame;
}

/**
 * Serialize a SETTINGS acknowledgement (RFC 9113 §6.5.3).
 *
 * @returns The frame's bytes: an empty SETTINGS with ACK.
 */
export function encodeSettingsAckFrame(): Uint8Array {
  return allocateFrame({
    length: 0,
    type: FRAME_TYPE.SETTINGS,
    flags: FLAG.ACK,
    streamId: 0,
  });
}
