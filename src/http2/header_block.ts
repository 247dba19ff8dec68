/**
 * Assembling a field block from a HEADERS frame and the CONTINUATION frames
 * that follow it (RFC 9113 §4.3, §6.10), under two caps: its size and its
 * number of CONTINUATION frames. Without them a peer could send CONTINUATION
 * frames without end, each one empty or each one growing the block (the
 * CONTINUATION flood of 2024, CVE-2024-27316 and kin).
 *
 * @module
 */

import { ERROR_CODE } from "./error_codes.ts";
import type { ContinuationFrame } from "./frame_continuation.ts";
import type { HeadersFrame } from "./frame_headers.ts";
import { connectionError, type Http2Error } from "./http2_error.ts";

/**
 * CONTINUATION frames accepted after one HEADERS frame; the next one ends
 * the connection with ENHANCE_YOUR_CALM. nghttp2's default, which Node.js
 * follows: a block that fits the size cap needs far fewer at 16 KiB a frame.
 */
export const MAX_CONTINUATION_FRAMES = 8;

/** A whole field block, and the HEADERS frame that began it. */
export interface AssembledBlock {
  /** The HEADERS frame (its flags: END_STREAM, priority). */
  headers: HeadersFrame;
  /** The block: a view of the frame's bytes when it came in one frame. */
  block: Uint8Array;
}

/**
 * Joins the fragments of one field block at a time. While one is in
 * progress, only CONTINUATION frames on its stream may come (§6.10); the
 * connection checks that of every other frame with `streamId`.
 */
export class HeaderBlockAssembler {
  /** The stream whose block is in progress; `0` when none is. */
  streamId = 0;
  readonly #maxBytes: number;
  #headers: HeadersFrame | null = null;
  #parts: Uint8Array[] = [];
  #bytes = 0;
  #continuations = 0;

  /** @param maxBytes The largest block accepted, in bytes as sent. */
  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /**
   * Begin a block with its HEADERS frame.
   *
   * @param headers A HEADERS frame, while no block is in progress.
   * @returns The whole block when END_HEADERS is set; `null` while
   *   CONTINUATION frames are to come; or an ENHANCE_YOUR_CALM connection
   *   error when the fragment alone is over the size cap.
   */
  start(headers: HeadersFrame): AssembledBlock | Http2Error | null {
    if (headers.fragment.length > this.#maxBytes) return tooLarge();
    if (headers.endHeaders) return { headers, block: headers.fragment };
    this.streamId = headers.streamId;
    this.#headers = headers;
    // A copy: the frame's bytes are a view of a read buffer to be reused.
    this.#parts = [headers.fragment.slice()];
    this.#bytes = headers.fragment.length;
    this.#continuations = 0;
    return null;
  }

  /**
   * Add a CONTINUATION frame to the block in progress.
   *
   * @param frame A CONTINUATION frame.
   * @returns The whole block when END_HEADERS is set; `null` while more are
   *   to come; or a connection error: PROTOCOL_ERROR when no block is in
   *   progress on its stream (§6.10), ENHANCE_YOUR_CALM past either cap.
   */
  continue(frame: ContinuationFrame): AssembledBlock | Http2Error | null {
    const headers = this.#headers;
    if (headers === null || frame.streamId !== this.streamId) {
      return connectionError(
        ERROR_CODE.PROTOCOL_ERROR,
        "CONTINUATION without a field block in progress",
      );
    }
    if (++this.#continuations > MAX_CONTINUATION_FRAMES) {
      this.#reset();
      return connectionError(
        ERROR_CODE.ENHANCE_YOUR_CALM,
        "Too many CONTINUATION frames",
      );
    }
    this.#bytes += frame.fragment.length;
    if (this.#bytes > this.#maxBytes) {
      this.#reset();
      return tooLarge();
    }
    this.#parts.push(frame.fragment.slice());
    if (!frame.endHeaders) return null;
    const block = new Uint8Array(this.#bytes);
    let at = 0;
    for (const part of this.#parts) {
      block.set(part, at);
      at += part.length;
    }
    this.#reset();
    return { headers, block };
  }

  #reset(): void {
    this.streamId = 0;
    this.#headers = null;
    this.#parts = [];
    this.#bytes = 0;
  }
}

function tooLarge(): Http2Error {
  // RFC 9113 §10.5.1: a block must be decoded "unless the connection is
  // closed"; past the cap it is not worth buffering, so the connection ends.
  return connectionError(ERROR_CODE.ENHANCE_YOUR_CALM, "Field block too large");
}
