/**
 * The one error type of the HTTP/2 codecs: what went wrong, the RFC 9113 §7
 * error code to send, and whether it ends one stream or the whole connection
 * (RFC 9113 §5.4). Parsers and decoders return it; they never throw it.
 *
 * @module
 */

import { errorCodeName } from "./error_codes.ts";
import type { Frame } from "./parse_frame.ts";

/**
 * Whether an error ends one stream (RST_STREAM, RFC 9113 §5.4.2) or the
 * connection (GOAWAY, RFC 9113 §5.4.1).
 */
export type ErrorScope = "stream" | "connection";

/** A protocol error found in received bytes, with the code to answer it. */
export class Http2Error extends Error {
  /** The RFC 9113 §7 error code to send (RST_STREAM or GOAWAY). */
  readonly code: number;
  /** Whether the error ends one stream or the whole connection. */
  readonly scope: ErrorScope;
  /** The stream a stream error ends; `0` for a connection error. */
  readonly streamId: number;
  /**
   * The frame as parsed, when a stream error leaves part of it for the
   * connection to process still: a HEADERS frame's field block must be
   * decoded whatever becomes of its stream (RFC 9113 §4.3).
   */
  frame?: Frame;

  /**
   * Create an error; prefer {@link connectionError} and {@link streamError}.
   *
   * @param code The RFC 9113 §7 error code.
   * @param scope `"stream"` or `"connection"`.
   * @param streamId The stream a stream error ends, else `0`.
   * @param reason A short, stable description (never sent with a stack).
   */
  constructor(
    code: number,
    scope: ErrorScope,
    streamId: number,
    reason: string,
  ) {
    super(reason);
    this.name = "Http2Error";
    this.code = code;
    this.scope = scope;
    this.streamId = streamId;
  }

  /** The error code's name, e.g. `"FRAME_SIZE_ERROR"`. */
  get codeName(): string {
    return errorCodeName(this.code);
  }
}

/**
 * A connection error (RFC 9113 §5.4.1): the connection answers GOAWAY with
 * `code` and closes.
 *
 * @param code The RFC 9113 §7 error code.
 * @param reason A short, stable description.
 * @returns The error, to be returned (not thrown).
 */
export function connectionError(code: number, reason: string): Http2Error {
  return new Http2Error(code, "connection", 0, reason);
}

/**
 * A stream error (RFC 9113 §5.4.2): the connection answers RST_STREAM with
 * `code` on `streamId` and carries on.
 *
 * @param code The RFC 9113 §7 error code.
 * @param streamId The stream the error ends.
 * @param reason A short, stable description.
 * @returns The error, to be returned (not thrown).
 */
export function streamError(
  code: number,
  streamId: number,
  reason: string,
): Http2Error {
  return new Http2Error(code, "stream", streamId, reason);
}
