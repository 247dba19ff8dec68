/**
 * An incremental frame reader (RFC 9113 §4.1): bytes in as they arrive,
 * whole frames out. A frame, or its 9-byte header, may be split across any
 * number of reads. A payload that arrived in one piece is handed out as a
 * view of the bytes pushed, not copied; only a payload split across reads
 * is assembled into a buffer of its own.
 *
 * @module
 */

import { CONNECTION_PREFACE, matchPreface } from "./connection_preface.ts";
import { ERROR_CODE } from "./error_codes.ts";
import {
  FRAME_HEADER_BYTES,
  type RawFrame,
  readUint31,
} from "./frame_header.ts";
import { connectionError, type Http2Error } from "./http2_error.ts";
import { MAX_MAX_FRAME_SIZE, MIN_MAX_FRAME_SIZE } from "./settings.ts";

const EMPTY = new Uint8Array(0);

/** Options of a {@link FrameReader}. */
export interface FrameReaderOptions {
  /**
   * The SETTINGS_MAX_FRAME_SIZE in force for what the peer sends: this
   * side's advertised value once acknowledged, 16384 until then.
   *
   * @default {16384}
   */
  maxFrameSize?: number;
  /**
   * Require the client connection preface (RFC 9113 §3.4) before the
   * first frame: what a server reads.
   *
   * @default {false}
   */
  expectPreface?: boolean;
}

/** Splits a byte stream into frames. */
export class FrameReader {
  #maxFrameSize = MIN_MAX_FRAME_SIZE;
  #prefaceMatched: number;
  #chunk: Uint8Array = EMPTY;
  #offset = 0;
  /** A header split across pushes, and how much of it has arrived. */
  #header = new Uint8Array(FRAME_HEADER_BYTES);
  #headerFilled = 0;
  /** The current frame's header fields; `#length` -1 when there is none. */
  #length = -1;
  #type = 0;
  #flags = 0;
  #streamId = 0;
  /** A payload split across pushes, and how much of it has arrived. */
  #payload: Uint8Array | null = null;
  #payloadFilled = 0;
  #error: Http2Error | null = null;

  /**
   * Create a reader with nothing buffered.
   *
   * @param options See {@link FrameReaderOptions}.
   */
  constructor(options: FrameReaderOptions = {}) {
    if (options.maxFrameSize !== undefined) {
      this.maxFrameSize = options.maxFrameSize;
    }
    this.#prefaceMatched = options.expectPreface
      ? 0
      : CONNECTION_PREFACE.length;
  }

  /** The largest payload accepted; larger is a FRAME_SIZE_ERROR (§4.2). */
  get maxFrameSize(): number {
    return this.#maxFrameSize;
  }

  /**
   * Change the largest payload accepted, e.g. when the peer acknowledges
   * this side's SETTINGS_MAX_FRAME_SIZE.
   *
   * @throws {RangeError} Outside 2^14 to 2^24-1 (RFC 9113 §6.5.2).
   */
  set maxFrameSize(bytes: number) {
    if (
      !Number.isInteger(bytes) || bytes < MIN_MAX_FRAME_SIZE ||
      bytes > MAX_MAX_FRAME_SIZE
    ) {
      throw new RangeError(`Invalid max frame size: ${bytes}`);
    }
    this.#maxFrameSize = bytes;
  }

  /**
   * Whether part of a frame (or of the preface) is buffered: an end of
   * input now would cut it short.
   */
  get midFrame(): boolean {
    const preface = this.#prefaceMatched;
    return (preface > 0 && preface < CONNECTION_PREFACE.length) ||
      this.#headerFilled > 0 || this.#length >= 0;
  }

  /**
   * Hand over the next bytes read. Call only once `next()` has returned
   * `null` (every byte before is consumed). Payload views returned later
   * may point into `chunk`: do not reuse its memory while they are in use.
   *
   * @param chunk The bytes read.
   * @throws {Error} When bytes pushed before are not all consumed.
   */
  push(chunk: Uint8Array): void {
    if (this.#offset < this.#chunk.length && this.#error === null) {
      throw new Error("FrameReader.push() before next() returned null");
    }
    this.#chunk = chunk;
    this.#offset = 0;
  }

  /**
   * The next whole frame from the bytes pushed so far.
   *
   * @returns A frame; `null` when more bytes are needed; or a connection
   * error (PROTOCOL_ERROR for a bad preface, FRAME_SIZE_ERROR for a frame
   * over `maxFrameSize`), returned again on every later call.
   */
  next(): RawFrame | Http2Error | null {
    if (this.#error !== null) return this.#error;
    if (this.#prefaceMatched < CONNECTION_PREFACE.length && !this.#preface()) {
      return this.#error;
    }
    if (this.#length < 0 && !this.#readHeader()) return this.#error;
    const chunk = this.#chunk;
    const length = this.#length;
    const available = chunk.length - this.#offset;
    let payload: Uint8Array;
    if (this.#payload === null && available >= length) {
      // The common case: the whole payload is here; lend a view.
      payload = chunk.subarray(this.#offset, this.#offset + length);
      this.#offset += length;
    } else {
      payload = this.#payload ??= new Uint8Array(length);
      const take = Math.min(length - this.#payloadFilled, available);
      payload.set(
        chunk.subarray(this.#offset, this.#offset + take),
        this.#payloadFilled,
      );
      this.#offset += take;
      this.#payloadFilled += take;
      if (this.#payloadFilled < length) return null;
      this.#payload = null;
      this.#payloadFilled = 0;
    }
    this.#length = -1;
    return {
      type: this.#type,
      flags: this.#flags,
      streamId: this.#streamId,
      payload,
    };
  }

  /** Match preface bytes; `true` once all 24 have matched. */
  #preface(): boolean {
    const chunk = this.#chunk;
    const before = this.#prefaceMatched;
    const matched = matchPreface(chunk, this.#offset, chunk.length, before);
    if (matched < 0) {
      // RFC 9113 §3.4: an invalid preface is a PROTOCOL_ERROR.
      this.#error = connectionError(
        ERROR_CODE.PROTOCOL_ERROR,
        "Invalid connection preface",
      );
      return false;
    }
    this.#offset += matched - before;
    this.#prefaceMatched = matched;
    return matched === CONNECTION_PREFACE.length;
  }

  /** Take in the next header; `true` once it is whole and acceptable. */
  #readHeader(): boolean {
    let source = this.#chunk;
    let at = this.#offset;
    if (this.#headerFilled > 0 || source.length - at < FRAME_HEADER_BYTES) {
      // A header split across pushes: gather it in #header first.
      const take = Math.min(
        FRAME_HEADER_BYTES - this.#headerFilled,
        source.length - at,
      );
      this.#header.set(source.subarray(at, at + take), this.#headerFilled);
      this.#headerFilled += take;
      this.#offset += take;
      if (this.#headerFilled < FRAME_HEADER_BYTES) return false;
      this.#headerFilled = 0;
      source = this.#header;
      at = 0;
    } else {
      this.#offset += FRAME_HEADER_BYTES;
    }
    const length = (source[at] << 16) | (source[at + 1] << 8) | source[at + 2];
    if (length > this.#maxFrameSize) {
      // RFC 9113 §4.2. A connection error for every type: treating it as
      // one is always allowed (§5.4.1), and it spares reading the payload.
      this.#error = connectionError(
        ERROR_CODE.FRAME_SIZE_ERROR,
        "Frame larger than SETTINGS_MAX_FRAME_SIZE",
      );
      return false;
    }
    this.#length = length;
    this.#type = source[at + 3];
    this.#flags = source[at + 4];
    // RFC 9113 §4.1: the reserved bit is ignored on receipt.
    this.#streamId = readUint31(source, at + 5);
    return true;
  }
}
