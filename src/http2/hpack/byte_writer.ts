/**
 * A growable output buffer for HPACK encoders: one allocation reused across
 * header blocks, grown by doubling when a block needs more.
 *
 * @module
 */

/** Bytes appended at `length`, into a buffer that grows as needed. */
export class ByteWriter {
  /** The buffer; bytes `[0, length)` are written. */
  bytes: Uint8Array;
  /** How many bytes are written. */
  length = 0;

  /**
   * Create a writer.
   *
   * @param capacity The initial buffer size in bytes.
   */
  constructor(capacity = 256) {
    this.bytes = new Uint8Array(capacity);
  }

  /**
   * Make room for `count` more bytes after `length`.
   *
   * @param count How many bytes are about to be written.
   */
  reserve(count: number): void {
    const needed = this.length + count;
    if (needed <= this.bytes.length) return;
    let capacity = this.bytes.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  /**
   * Append one byte.
   *
   * @param byte The byte (0–255).
   */
  byte(byte: number): void {
    this.reserve(1);
    this.bytes[this.length++] = byte;
  }

  /**
   * A copy of the bytes written, then start over.
   *
   * @returns A new array the caller owns.
   */
  take(): Uint8Array {
    const written = this.bytes.slice(0, this.length);
    this.length = 0;
    return written;
  }
}
