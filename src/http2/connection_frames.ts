/**
 * The frames of the connection itself (RFC 9113 §6.5, §6.7, §6.8, §6.9):
 * the check that a field block is not interrupted and that the client's
 * preface ends in SETTINGS, then SETTINGS and their acknowledgement, PING,
 * GOAWAY, the connection's WINDOW_UPDATE; every other frame goes to its
 * stream (`stream_frames.ts`).
 *
 * @module
 */

import { ERROR_CODE } from "./error_codes.ts";
import type { RawFrame } from "./frame_header.ts";
import { encodePingFrame, type PingFrame } from "./frame_ping.ts";
import {
  encodeSettingsAckFrame,
  type SettingsFrame,
} from "./frame_settings.ts";
import { FRAME_TYPE } from "./frame_types.ts";
import type { Http2Connection } from "./http2_connection.ts";
import { connectionError, Http2Error } from "./http2_error.ts";
import { parseFrame } from "./parse_frame.ts";
import {
  applySettings,
  INITIAL_SETTINGS,
  MAX_WINDOW_SIZE,
} from "./settings.ts";
import { receiveStreamFrame } from "./stream_frames.ts";

/** The window every connection and stream starts with (RFC 9113 §6.9.2). */
export const DEFAULT_WINDOW: number = INITIAL_SETTINGS.initialWindowSize;

/**
 * Act on one frame.
 *
 * @param connection The connection.
 * @param raw The frame as read.
 * @returns A connection error to end with, or `null`.
 */
export function receiveFrame(
  connection: Http2Connection,
  raw: RawFrame,
): Http2Error | null {
  if (
    connection.blocks.streamId !== 0 &&
    raw.type !== FRAME_TYPE.CONTINUATION
  ) {
    // §4.3: a field block is a contiguous sequence of frames.
    return connectionError(
      ERROR_CODE.PROTOCOL_ERROR,
      "Frame inside a field block",
    );
  }
  if (!connection.sawSettings) {
    // §3.4: the client's preface ends with a SETTINGS frame.
    if (raw.type !== FRAME_TYPE.SETTINGS || raw.flags !== 0) {
      return connectionError(
        ERROR_CODE.PROTOCOL_ERROR,
        "First frame is not SETTINGS",
      );
    }
    connection.sawSettings = true;
  }
  const frame = parseFrame(raw);
  if (frame instanceof Http2Error) {
    return frame.scope === "connection"
      ? frame
      : receiveStreamFrame(connection, frame);
  }
  switch (frame.kind) {
    case "settings":
      return receiveSettings(connection, frame);
    case "ping":
      return receivePing(connection, frame);
    case "goaway":
      connection.peerGoneAway = true;
      if (connection.streams.table.size === 0) connection.end();
      return null;
    case "push_promise":
      // §8.4: only a server may push.
      return connectionError(
        ERROR_CODE.PROTOCOL_ERROR,
        "PUSH_PROMISE from a client",
      );
    case "unknown":
      // §5.5: ignored; but a frame that does nothing is counted.
      return connection.floods("empty");
    case "window_update":
      if (frame.streamId === 0) {
        return receiveConnectionWindow(connection, frame.increment);
      }
  }
  return receiveStreamFrame(connection, frame);
}

/** The client's SETTINGS, or its acknowledgement of ours (§6.5.3). */
function receiveSettings(
  connection: Http2Connection,
  frame: SettingsFrame,
): Http2Error | null {
  if (frame.ack) {
    if (!connection.settingsAcked) settingsAcknowledged(connection);
    return null;
  }
  const flood = connection.floods("acks");
  if (flood !== null) return flood;
  const { scheduler } = connection;
  const before = connection.peer;
  const after = applySettings(before, frame.entries);
  const delta = after.initialWindowSize - before.initialWindowSize;
  if (delta !== 0) {
    // §6.9.2: every stream's window moves by the change.
    for (const stream of connection.streams.table.values()) {
      const output = stream.output;
      output.sendWindow += delta;
      if (output.sendWindow > MAX_WINDOW_SIZE) {
        return connectionError(
          ERROR_CODE.FLOW_CONTROL_ERROR,
          "INITIAL_WINDOW_SIZE change overflows a window",
        );
      }
      if (delta > 0) scheduler.wake(output);
    }
  }
  if (after.headerTableSize !== before.headerTableSize) {
    connection.encoder.setPeerMaxTableSize(after.headerTableSize);
  }
  scheduler.maxFrameSize = after.maxFrameSize;
  connection.peer = after;
  scheduler.queueControl(encodeSettingsAckFrame());
  return null;
}

/** Our SETTINGS are acknowledged: they bind the client from here. */
function settingsAcknowledged(connection: Http2Connection): void {
  connection.settingsAcked = true;
  connection.deadlines.settings = 0;
  const { maxFrameBytes, initialWindowBytes } = connection.http2;
  connection.frames.maxFrameSize = maxFrameBytes;
  // Streams opened before now were granted 65,535 at least.
  const delta = initialWindowBytes -
    Math.max(initialWindowBytes, DEFAULT_WINDOW);
  if (delta === 0) return;
  for (const stream of connection.streams.table.values()) {
    stream.receiveWindow.adjust(delta);
  }
}

/** A PING: answered with the same data (§6.7). */
function receivePing(
  connection: Http2Connection,
  frame: PingFrame,
): Http2Error | null {
  if (frame.ack) return null;
  const flood = connection.floods("acks");
  if (flood !== null) return flood;
  connection.scheduler.queueControl(encodePingFrame(frame.opaqueData, true));
  return null;
}

/** WINDOW_UPDATE on stream 0 (§6.9.1). */
function receiveConnectionWindow(
  connection: Http2Connection,
  increment: number,
): Http2Error | null {
  const scheduler = connection.scheduler;
  if (scheduler.connectionWindow + increment > MAX_WINDOW_SIZE) {
    return connectionError(
      ERROR_CODE.FLOW_CONTROL_ERROR,
      "Connection window over 2^31-1",
    );
  }
  scheduler.addConnectionWindow(increment);
  return null;
}
