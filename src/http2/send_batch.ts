/**
 * The bytes of one write of the send scheduler, framed straight into one
 * buffer that is reused from write to write: no buffer per frame header,
 * per header block's frames, or per batch (under load these were a good
 * part of the garbage). Reuse is safe because the scheduler awaits each
 * write whole before it builds the next batch.
 *
 * @module
 */

import { encodeFieldBlockFrames } from "./field_block_frames.ts";
import { FRAME_HEADER_BYTES, writeFrameHeader } from "./frame_header.ts";
import { FLAG, FRAME_TYPE } from "./frame_types.ts";
import { type FieldBlockParts, joinFieldBlock } from "./stream_head.ts";

/** The buffer's size at first, and what it shrinks back to after a spike. */
const KEPT_BYTES = 96 * 1024;

/** One batch of frames being built. */
export class SendBatch {
  /** Bytes framed so far. */
  length = 0;
  #bytes = new Uint8Array(KEPT_BYTES);

  /** The frames framed so far; valid until the next `clear()`. */
  view(): Uint8Array {
    return this.#bytes.subarray(0, this.length);
  }

  /** Start a new batch (after the last one was written whole). */
  clear(): void {
    this.length = 0;
    // A large frame grew the buffer: do not keep it for every later batch.
    if (this.#bytes.length > KEPT_BYTES) {
      this.#bytes = new Uint8Array(KEPT_BYTES);
    }
  }

  /**
   * Append bytes already framed (a control frame).
   *
   * @param bytes The frame.
   */
  append(bytes: Uint8Array): void {
    this.#reserve(bytes.length);
    this.#bytes.set(bytes, this.length);
    this.length += bytes.length;
  }

  /**
   * Append a frame header, then the payload if any.
   *
   * @param type The frame type.
   * @param flags The flags byte.
   * @param streamId The stream.
   * @param payload The payload (may be empty).
   */
  frame(
    type: number,
    flags: number,
    streamId: number,
    payload: Uint8Array,
  ): void {
    const length = payload.length;
    this.#reserve(FRAME_HEADER_BYTES + length);
    writeFrameHeader(this.#bytes, this.length, {
      length,
      type,
      flags,
      streamId,
    });
    this.#bytes.set(payload, this.length + FRAME_HEADER_BYTES);
    this.length += FRAME_HEADER_BYTES + length;
  }

  /**
   * Append a field block as one HEADERS and as many CONTINUATION frames as
   * `maxFrameSize` requires, back to back (RFC 9113 §4.3, §6.10); the rare
   * split block is framed apart, then copied in.
   *
   * @param streamId The stream.
   * @param block The encoded field block, or its parts in order.
   * @param endStream Set END_STREAM on the HEADERS frame.
   * @param maxFrameSize The peer's SETTINGS_MAX_FRAME_SIZE.
   */
  fieldBlock(
    streamId: number,
    block: FieldBlockParts,
    endStream: boolean,
    maxFrameSize: number,
  ): void {
    let length = 0;
    if (block instanceof Uint8Array) length = block.length;
    else for (const part of block) length += part.length;
    if (length > maxFrameSize) {
      this.append(encodeFieldBlockFrames(streamId, joinFieldBlock(block), {
        endStream,
        maxFrameSize,
      }));
      return;
    }
    const flags = FLAG.END_HEADERS | (endStream ? FLAG.END_STREAM : 0);
    if (block instanceof Uint8Array) {
      this.frame(FRAME_TYPE.HEADERS, flags, streamId, block);
      return;
    }
    this.#reserve(FRAME_HEADER_BYTES + length);
    const bytes = this.#bytes;
    writeFrameHeader(bytes, this.length, {
      length,
      type: FRAME_TYPE.HEADERS,
      flags,
      streamId,
    });
    let at = this.length + FRAME_HEADER_BYTES;
    for (const part of block) {
      bytes.set(part, at);
      at += part.length;
    }
    this.length = at;
  }

  #reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.#bytes.length) return;
    const grown = new Uint8Array(Math.max(needed, this.#bytes.length * 2));
    grown.set(this.#bytes.subarray(0, this.length));
    this.#bytes = grown;
  }
}
