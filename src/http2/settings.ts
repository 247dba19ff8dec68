/**
 * HTTP/2 settings (RFC 9113 §6.5.2): their identifiers, initial values and
 * valid ranges, and how a SETTINGS frame's entries change them.
 *
 * @module
 */

import { ERROR_CODE } from "./error_codes.ts";
import { connectionError, type Http2Error } from "./http2_error.ts";

/** The settings RFC 9113 §6.5.2 defines, by identifier. */
export const SETTING = {
  /** The peer's HPACK dynamic table limit for what this side sends. */
  HEADER_TABLE_SIZE: 0x1,
  /** Whether server push is allowed (0 or 1). */
  ENABLE_PUSH: 0x2,
  /** Most concurrent streams the sender lets the receiver open. */
  MAX_CONCURRENT_STREAMS: 0x3,
  /** The sender's initial stream window, in bytes (≤ 2^31-1). */
  INITIAL_WINDOW_SIZE: 0x4,
  /** Largest frame payload the sender accepts (2^14 to 2^24-1). */
  MAX_FRAME_SIZE: 0x5,
  /** Largest field list the sender accepts (advisory). */
  MAX_HEADER_LIST_SIZE: 0x6,
} as const;

/** One identifier/value pair of a SETTINGS frame. */
export interface SettingsEntry {
  /** The identifier (16 bits); unknown ones are kept and ignored. */
  id: number;
  /** The value (32 bits, unsigned). */
  value: number;
}

/** One side's settings, as a connection tracks them. */
export interface Http2Settings {
  /** SETTINGS_HEADER_TABLE_SIZE, in bytes. */
  headerTableSize: number;
  /** SETTINGS_ENABLE_PUSH. */
  enablePush: boolean;
  /** SETTINGS_MAX_CONCURRENT_STREAMS; `Infinity` when unlimited. */
  maxConcurrentStreams: number;
  /** SETTINGS_INITIAL_WINDOW_SIZE, in bytes. */
  initialWindowSize: number;
  /** SETTINGS_MAX_FRAME_SIZE, in bytes. */
  maxFrameSize: number;
  /** SETTINGS_MAX_HEADER_LIST_SIZE; `Infinity` when unlimited. */
  maxHeaderListSize: number;
}

/** Every setting's initial value (RFC 9113 §6.5.2). */
export const INITIAL_SETTINGS: Readonly<Http2Settings> = Object.freeze({
  headerTableSize: 4096,
  enablePush: true,
  maxConcurrentStreams: Infinity,
  initialWindowSize: 65535,
  maxFrameSize: 16384,
  maxHeaderListSize: Infinity,
});

/** The smallest SETTINGS_MAX_FRAME_SIZE, and every peer's initial one. */
export const MIN_MAX_FRAME_SIZE = 2 ** 14;
/** The largest SETTINGS_MAX_FRAME_SIZE. */
export const MAX_MAX_FRAME_SIZE = 2 ** 24 - 1;
/** The largest flow-control window (RFC 9113 §6.9.1). */
export const MAX_WINDOW_SIZE = 2 ** 31 - 1;

/**
 * Check one entry against its setting's valid range (RFC 9113 §6.5.2).
 * Unknown identifiers are valid: they must be ignored.
 *
 * @param entry The entry.
 * @returns `null`, or a connection error: PROTOCOL_ERROR for ENABLE_PUSH
 * other than 0 or 1 and for MAX_FRAME_SIZE outside 2^14..2^24-1,
 * FLOW_CONTROL_ERROR for INITIAL_WINDOW_SIZE over 2^31-1.
 */
export function checkSetting(entry: SettingsEntry): Http2Error | null {
  const { id, value } = entry;
  if (id === SETTING.ENABLE_PUSH && value > 1) {
    return connectionError(ERROR_CODE.PROTOCOL_ERROR, "ENABLE_PUSH not 0 or 1");
  }
  if (id === SETTING.INITIAL_WINDOW_SIZE && value > MAX_WINDOW_SIZE) {
    return connectionError(
      ERROR_CODE.FLOW_CONTROL_ERROR,
      "INITIAL_WINDOW_SIZE over 2^31-1",
    );
  }
  if (
    id === SETTING.MAX_FRAME_SIZE &&
    (value < MIN_MAX_FRAME_SIZE || value > MAX_MAX_FRAME_SIZE)
  ) {
    return connectionError(
      ERROR_CODE.PROTOCOL_ERROR,
      "MAX_FRAME_SIZE out of range",
    );
  }
  return null;
}

/**
 * Settings after a SETTINGS frame's entries, applied in order (the last
 * value of a setting wins, RFC 9113 §6.5.3); unknown identifiers are
 * ignored. The entries are assumed checked (`parseSettingsFrame()` does).
 *
 * @param settings The settings before the frame.
 * @param entries The frame's entries.
 * @returns New settings; `settings` is not changed.
 */
export function applySettings(
  settings: Readonly<Http2Settings>,
  entries: readonly SettingsEntry[],
): Http2Settings {
  const next = { ...settings };
  for (const { id, value } of entries) {
    switch (id) {
      case SETTING.HEADER_TABLE_SIZE:
        next.headerTableSize = value;
        break;
      case SETTING.ENABLE_PUSH:
        next.enablePush = value === 1;
        break;
      case SETTING.MAX_CONCURRENT_STREAMS:
        next.maxConcurrentStreams = value;
        break;
      case SETTING.INITIAL_WINDOW_SIZE:
        next.initialWindowSize = value;
        break;
      case SETTING.MAX_FRAME_SIZE:
        next.maxFrameSize = value;
        break;
      case SETTING.MAX_HEADER_LIST_SIZE:
        next.maxHeaderListSize = value;
        break;
    }
  }
  return next;
}
