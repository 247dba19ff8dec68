/**
 * One reusable read buffer per connection. Bytes past the current request
 * stay buffered, which is what makes pipelining work.
 *
 * @module
 */

import type { Conn } from "./conn.ts";
import { RequestParseError } from "./request_head.ts";

const CR = 13;
const LF = 10;

/** Where a complete request head sits in the reader's buffer. */
export interface HeadSpan {
  /** Index of the first byte of the request line. */
  start: number;
  /** Index just past the empty line that ends the head. */
  end: number;
}

/** Buffered reading over a {@linkcode Conn}, for heads and bodies alike. */
export class BufferedReader {
  /** The buffer; valid bytes are `buffer[start..end)`. */
  buffer: Uint8Array;
  /** First unread byte. */
  start = 0;
  /** One past the last buffered byte. */
  end = 0;
  /** `true` once the peer has ended its side. */
  eof = false;
  readonly #conn: Conn;
  readonly #maxSize: number;
  /** Head scan state, relative to `start`: bytes searched, current line. */
  #scanned = 0;
  #lineStart = 0;

  /**
   * @param conn Where bytes come from.
   * @param initialSize The buffer's starting size; it grows only when a head needs it.
   * @param maxSize The largest the buffer may grow.
   */
  constructor(conn: Conn, initialSize: number, maxSize: number) {
    this.#conn = conn;
    this.buffer = new Uint8Array(initialSize);
    this.#maxSize = Math.max(maxSize, initialSize);
  }

  /** How many bytes are buffered and unread. */
  get buffered(): number {
    return this.end - this.start;
  }

  /**
   * Read once more from the connection, making room first.
   *
   * @returns `false` at end of stream.
   */
  async fill(): Promise<boolean> {
    const room = this.room();
    return room !== null && this.filled(await this.#conn.read(room));
  }

  /**
   * Make room for a read, for a caller that reads itself (the connection
   * task awaits the read directly: one promise per request, not two).
   * Pass what the read returns to {@linkcode BufferedReader.filled}.
   *
   * @returns Where the next read goes, or `null` at end of stream.
   */
  room(): Uint8Array | null {
    if (this.eof) return null;
    if (this.start === this.end) {
      this.start = this.end = 0;
    } else if (this.end > this.buffer.length - 512) {
      if (this.start > 0) {
        this.buffer.copyWithin(0, this.start, this.end);
        this.end -= this.start;
        this.start = 0;
      } else if (this.end === this.buffer.length) {
        const size = Math.min(this.buffer.length * 2, this.#maxSize);
        if (size <= this.buffer.length) {
          throw new RangeError("Read buffer is full");
        }
        const grown = new Uint8Array(size);
        grown.set(this.buffer.subarray(0, this.end));
        this.buffer = grown;
      }
    }
    // Between requests the buffer is empty: the read takes all of it, and
    // a view of its own would be one more object per request.
    return this.end === 0 ? this.buffer : this.buffer.subarray(this.end);
  }

  /**
   * Count what a read into {@linkcode BufferedReader.room} returned.
   *
   * @param n The bytes read, or `null` at end of stream.
   * @returns `false` at end of stream.
   */
  filled(n: number | null): boolean {
    if (n === null) {
      this.eof = true;
      return false;
    }
    this.end += n;
    return true;
  }

  /**
   * Look for a whole request head in what is buffered, without reading.
   * The search resumes where the last call stopped, so a head that trickles
   * in is scanned once, not once per read.
   *
   * Leading empty lines are skipped (RFC 9112 §2.2). Every line must end in
   * CRLF: a bare LF is refused at once rather than waited on.
   *
   * @param maxHeadBytes The largest head accepted.
   * @returns The head's span, a refusal, or `null` when more bytes are needed.
   */
  scanHead(maxHeadBytes: number): HeadSpan | RequestParseError | null {
    const end = this.scanHeadEnd(maxHeadBytes);
    return typeof end === "number" ? { start: this.start, end } : end;
  }

  /**
   * {@linkcode BufferedReader.scanHead} without a span object, for the
   * connection task (one object less per request): the head starts at
   * `start`, as it stands after the call.
   *
   * @param maxHeadBytes The largest head accepted.
   * @returns Where the head ends (just past its empty line), a refusal, or
   *   `null` when more bytes are needed.
   */
  scanHeadEnd(maxHeadBytes: number): number | RequestParseError | null {
    const buf = this.buffer;
    const end = this.end;
    if (this.#lineStart === 0) {
      // RFC 9112 §2.2: ignore empty lines before the request line.
      while (
        end - this.start >= 2 && buf[this.start] === CR &&
        buf[this.start + 1] === LF
      ) {
        this.start += 2;
        this.#scanned = 0;
      }
    }
    let base = this.start;
    let i = base + this.#scanned;
    while (i < end) {
      // A loop, not `indexOf`: a head's lines are short, and the call costs
      // more than the scan.
      let lf = i;
      while (lf < end && buf[lf] !== LF) lf++;
      if (lf === end) break;
      if (lf === base || buf[lf - 1] !== CR) {
        this.#resetScan();
        return new RequestParseError(400, "Bare LF");
      }
      // The limit holds however the bytes arrived: a head that came whole
      // in one read is measured as one that came byte by byte.
      if (lf + 1 - base > maxHeadBytes) {
        const tooLong = this.#lineStart === 0;
        this.#resetScan();
        return tooLong
          ? new RequestParseError(414, "Request line too long")
          : new RequestParseError(431, "Header section too large");
      }
      if (lf - 1 === base + this.#lineStart) {
        if (this.#lineStart === 0) {
          // A leading CRLF split across reads: drop it and go on.
          this.start = base = i = lf + 1;
          continue;
        }
        this.#resetScan();
        return lf + 1;
      }
      this.#lineStart = lf + 1 - base;
      i = lf + 1;
    }
    this.#scanned = end - base;
    if (this.#scanned >= maxHeadBytes) {
      // Still inside the request line: the target is what is too long.
      const tooLong = this.#lineStart === 0;
      this.#resetScan();
      return tooLong
        ? new RequestParseError(414, "Request line too long")
        : new RequestParseError(431, "Header section too large");
    }
    return null;
  }

  #resetScan(): void {
    this.#scanned = 0;
    this.#lineStart = 0;
  }

  /**
   * Read until a whole request head is buffered.
   *
   * @param maxHeadBytes The largest head accepted.
   * @param onFirstByte Called once the first byte of the head has arrived.
   * @returns The head's span, `null` on a clean end of stream before any
   *   byte, or a {@linkcode RequestParseError}.
   */
  async readHead(
    maxHeadBytes: number,
    onFirstByte?: () => void,
  ): Promise<HeadSpan | RequestParseError | null> {
    let sawFirstByte = this.buffered > 0;
    while (true) {
      const found = this.scanHead(maxHeadBytes);
      if (found !== null) return found;
      if (!await this.fill()) {
        this.#resetScan();
        if (this.buffered === 0 && !sawFirstByte) return null;
        return new RequestParseError(400, "Incomplete request head");
      }
      if (!sawFirstByte) {
        sawFirstByte = true;
        onFirstByte?.();
      }
    }
  }

  /**
   * Read one CRLF-terminated line (chunk-size lines, trailer fields).
   *
   * @param maxLineBytes The longest line accepted, CRLF included.
   * @returns The line's span without its CRLF (advanced past), or a refusal.
   */
  async readLine(maxLineBytes: number): Promise<HeadSpan | RequestParseError> {
    let scanned = 0;
    while (true) {
      const lf = this.buffer.subarray(this.start + scanned, this.end).indexOf(
        LF,
      );
      if (lf !== -1) {
        const at = this.start + scanned + lf;
        if (at === this.start || this.buffer[at - 1] !== CR) {
          return new RequestParseError(400, "Bare LF");
        }
        if (at + 1 - this.start > maxLineBytes) break;
        const span = { start: this.start, end: at - 1 };
        this.start = at + 1;
        return span;
      }
      scanned = this.end - this.start;
      if (scanned >= maxLineBytes) break;
      if (!await this.fill()) {
        return new RequestParseError(400, "Incomplete request body");
      }
    }
    return new RequestParseError(400, "Line too long");
  }

  /**
   * Take up to `max` bytes for a body. Buffered bytes are copied out (the
   * buffer is reused); a large read goes straight into a fresh chunk.
   *
   * @param max The most bytes wanted.
   * @returns A chunk, or `null` at end of stream.
   */
  async readChunk(max: number): Promise<Uint8Array | null> {
    if (this.start === this.end) {
      if (this.eof) return null;
      if (max >= this.buffer.length) {
        const chunk = new Uint8Array(Math.min(max, 256 * 1024));
        const n = await this.#conn.read(chunk);
        if (n === null) {
          this.eof = true;
          return null;
        }
        return chunk.subarray(0, n);
      }
      if (!await this.fill()) return null;
    }
    const n = Math.min(max, this.end - this.start);
    const chunk = this.buffer.slice(this.start, this.start + n);
    this.start += n;
    return chunk;
  }

  /**
   * Discard up to `max` buffered-or-incoming bytes without copying.
   *
   * @param max The most bytes to skip.
   * @returns How many were skipped; `0` only at end of stream.
   */
  async skip(max: number): Promise<number> {
    if (this.start === this.end && !await this.fill()) return 0;
    const n = Math.min(max, this.end - this.start);
    this.start += n;
    return n;
  }

  /**
   * Ensure at least one byte is buffered.
   *
   * @returns `false` at end of stream.
   */
  async ensure(): Promise<boolean> {
    return this.start < this.end || await this.fill();
  }
}
