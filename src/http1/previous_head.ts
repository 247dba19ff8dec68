/**
 * A connection's previous request head, for the next one to reuse: a head
 * whose bytes are the previous head's, byte for byte, parses to the same
 * head (the parse is a function of the bytes and the connection's limits),
 * so it is not parsed again; any other head is parsed with the previous
 * one's strings at hand (see `parseRequestHead`). Clients that repeat a
 * request on a connection (polling, load generators, `ab -k`, `wrk`) pay
 * for its parse once.
 *
 * @module
 */

import { parseRequestHead } from "./parse_request_head.ts";
import {
  type RequestHead,
  type RequestHeadLimits,
  RequestParseError,
} from "./request_head.ts";

/**
 * The largest head kept for the next: browsers' heads fit. A larger one is
 * not kept, so a connection holds at most this much of bytes, and of
 * strings, between requests.
 */
export const PREVIOUS_HEAD_MAX_BYTES = 2048;

/** The smallest copy of a head's bytes made: most heads fit. */
const COPY_MIN_BYTES = 128;

/** One connection's previous head, and its bytes. */
export class PreviousHead {
  #head: RequestHead | undefined = undefined;
  /** The previous head's bytes in `#bytes[0..#length)`. */
  #bytes: Uint8Array | null = null;
  #length = 0;

  /**
   * Parse `bytes[start..end)`, or hand on the previous head when these are
   * its bytes; keep the result for the next.
   *
   * @param bytes The buffer holding the head.
   * @param start Index of the first byte of the request line.
   * @param end Index just past the head's final `\r\n\r\n`.
   * @param limits The connection's limits, the same for every head.
   * @returns As `parseRequestHead`.
   */
  parse(
    bytes: Uint8Array,
    start: number,
    end: number,
    limits: RequestHeadLimits,
  ): RequestHead | RequestParseError {
    const length = end - start;
    if (this.#head !== undefined && length === this.#length) {
      const kept = this.#bytes!;
      let i = 0;
      while (i < length && kept[i] === bytes[start + i]) i++;
      if (i === length) return this.#head;
    }
    const head = parseRequestHead(bytes, start, end, limits, this.#head);
    if (head instanceof RequestParseError) return head; // the previous stays
    if (length > PREVIOUS_HEAD_MAX_BYTES) {
      this.#head = undefined;
      this.#bytes = null;
      return head;
    }
    if (this.#bytes === null || this.#bytes.length < length) {
      let size = COPY_MIN_BYTES;
      while (size < length) size *= 2;
      this.#bytes = new Uint8Array(size);
    }
    const copy = this.#bytes;
    for (let i = 0; i < length; i++) copy[i] = bytes[start + i];
    this.#length = length;
    this.#head = head;
    return head;
  }
}
