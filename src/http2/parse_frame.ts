/**
 * One entry point for every frame type: a raw frame in, a typed frame or a
 * typed error out (RFC 9113 §4, §6).
 *
 * @module
 */

import type { RawFrame } from "./frame_header.ts";
import type { Http2Error } from "./http2_error.ts";
import {
  type ContinuationFrame,
  parseContinuationFrame,
} from "./frame_continuation.ts";
import { type DataFrame, parseDataFrame } from "./frame_data.ts";
import { type GoAwayFrame, parseGoAwayFrame } from "./frame_goaway.ts";
import { type HeadersFrame, parseHeadersFrame } from "./frame_headers.ts";
import { parsePingFrame, type PingFrame } from "./frame_ping.ts";
import { parsePriorityFrame, type PriorityFrame } from "./frame_priority.ts";
import {
  parsePushPromiseFrame,
  type PushPromiseFrame,
} from "./frame_push_promise.ts";
import {
  parseRstStreamFrame,
  type RstStreamFrame,
} from "./frame_rst_stream.ts";
import { parseSettingsFrame, type SettingsFrame } from "./frame_settings.ts";
import {
  parseWindowUpdateFrame,
  type WindowUpdateFrame,
} from "./frame_window_update.ts";
import { FRAME_TYPE } from "./frame_types.ts";

/**
 * A frame of a type RFC 9113 does not define. It must be ignored (§4.1,
 * §5.5), except in the middle of a field block, where only CONTINUATION
 * may come (§6.10): the connection's to check.
 */
export interface UnknownFrame {
  /** The frame's kind. */
  kind: "unknown";
  /** The type byte. */
  type: number;
  /** The flags byte. */
  flags: number;
  /** The stream id. */
  streamId: number;
  /** The payload. */
  payload: Uint8Array;
}

/** Any parsed frame, told apart by `kind`. */
export type Frame =
  | DataFrame
  | HeadersFrame
  | PriorityFrame
  | RstStreamFrame
  | SettingsFrame
  | PushPromiseFrame
  | PingFrame
  | GoAwayFrame
  | WindowUpdateFrame
  | ContinuationFrame
  | UnknownFrame;

/**
 * Parse a raw frame's payload by its type. Its length was already checked
 * against SETTINGS_MAX_FRAME_SIZE (`FrameReader`); whether the frame is
 * allowed in the stream's or the connection's state is the connection's
 * to check.
 *
 * @param frame A frame as `FrameReader` gives it.
 * @returns The typed frame, or the error RFC 9113 names for it.
 */
export function parseFrame(frame: RawFrame): Frame | Http2Error {
  switch (frame.type) {
    case FRAME_TYPE.DATA:
      return parseDataFrame(frame);
    case FRAME_TYPE.HEADERS:
      return parseHeadersFrame(frame);
    case FRAME_TYPE.PRIORITY:
      return parsePriorityFrame(frame);
    case FRAME_TYPE.RST_STREAM:
      return parseRstStreamFrame(frame);
    case FRAME_TYPE.SETTINGS:
      return parseSettingsFrame(frame);
    case FRAME_TYPE.PUSH_PROMISE:
      return parsePushPromiseFrame(frame);
    case FRAME_TYPE.PING:
      return parsePingFrame(frame);
    case FRAME_TYPE.GOAWAY:
      return parseGoAwayFrame(frame);
    case FRAME_TYPE.WINDOW_UPDATE:
      return parseWindowUpdateFrame(frame);
    case FRAME_TYPE.CONTINUATION:
      return parseContinuationFrame(frame);
    default:
      return { kind: "unknown", ...frame };
  }
}
