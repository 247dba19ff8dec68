/**
 * A connection's previous request head, for the next one to reuse: a head
 * whose bytes are the previous head's, byte for byte, parses to the same
 * head (the parse is a function of the bytes and the connection's limits),
 * so it is not parsed again. A head whose field section (everything after
 * the request line) is the previous head's, byte for byte, has only its
 * request line parsed (see `previousFieldsAt` in `parseRequestHead`): a
 * client fetching many files on one connection (a browser's assets, `wrk`
 * with a script) repeats its fields and changes the target. Any other head
 * is parsed with the previous one's strings at hand. Clients that repeat a
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

/** Carriage return, which ends the request line. */
const CR = 0x0d;

/** The smallest copy of a head's bytes made: most heads fit. */
const COPY_MIN_BYTES = 128;

/** From this many bytes on, a copy is one `set`, not a loop. */
const SET_MIN_BYTES = 64;

/**
 * Copy `from[start..end)` to `to` at `at`. A short copy is a loop: a
 * `subarray` costs about what a loop over 30 bytes does.
 */
function copyInto(
  to: Uint8Array,
  at: number,
  from: Uint8Array,
  start: number,
  end: number,
): void {
  if (end - start >= SET_MIN_BYTES) {
    to.set(from.subarray(start, end), at);
    return;
  }
  for (let i = start; i < end; i++) to[at++] = from[i];
}

/** One connection's previous head, and its bytes. */
export class PreviousHead {
  #head: RequestHead | undefined = undefined;
  /** The limits `#head` was parsed under. */
  #limits: RequestHeadLimits | undefined = undefined;
  /** The previous head's bytes in `#bytes[0..#length)`. */
  #bytes: Uint8Array | null = null;
  #length = 0;
  /** Where the CRLF ending the previous head's request line is. */
  #lineLength = 0;

  /**
   * Parse `bytes[start..end)`, or hand on the previous head when these are
   * its bytes; keep the result for the next.
   *
   * @param bytes The buffer holding the head.
   * @param start Index of the first byte of the request line.
   * @param end Index just past the head's final `\r\n\r\n`.
   * @param limits The connection's limits.
   * @returns As `parseRequestHead`.
   */
  parse(
    bytes: Uint8Array,
    start: number,
    end: number,
    limits: RequestHeadLimits,
  ): RequestHead | RequestParseError {
    const previous = this.#head;
    const length = end - start;
    let fieldsAt = -1;
    /** How many of the request line's first bytes the copy holds already. */
    let same = 0;
    if (previous !== undefined && limits === this.#limits) {
      // The field section, from the end back: it is most of a head, and
      // the part a client repeats.
      const kept = this.#bytes!;
      const lineLength = this.#lineLength;
      const fieldsLength = this.#length - lineLength;
      if (length > fieldsLength) {
        const shift = end - this.#length - start;
        let i = this.#length - 1;
        while (i >= lineLength && kept[i] === bytes[start + shift + i]) i--;
        if (i < lineLength) {
          fieldsAt = end - fieldsLength;
          if (shift === 0) {
            i = 0;
            while (i < lineLength && kept[i] === bytes[start + i]) i++;
            if (i === lineLength) return previous;
            same = i;
          }
        }
      }
    }
    const head = parseRequestHead(
      bytes,
      start,
      end,
      limits,
      previous,
      fieldsAt,
    );
    if (head instanceof RequestParseError) return head; // the previous stays
    if (length > PREVIOUS_HEAD_MAX_BYTES) {
      this.#head = undefined;
      this.#bytes = null;
      return head;
    }
    // method SP request-target SP HTTP-version, each byte one character.
    const lineEnd = start + head.method.length + head.target.length + 10;
    // The parse takes one byte per character and single spaces, so this is
    // the CR that ends the line; should that ever change, no reuse rests
    // on a guessed line end (a field section's tail would pass for it).
    if (bytes[lineEnd] !== CR) {
      this.#head = undefined;
      this.#bytes = null;
      return head;
    }
    if (lineEnd === fieldsAt) this.#keepLine(bytes, start, lineEnd, same);
    else this.#keep(bytes, start, end);
    this.#lineLength = lineEnd - start;
    this.#head = head;
    this.#limits = limits;
    return head;
  }

  /** Keep `bytes[start..end)` whole. */
  #keep(bytes: Uint8Array, start: number, end: number): void {
    const length = end - start;
    copyInto(this.#room(length), 0, bytes, start, end);
    this.#length = length;
  }

  /**
   * Keep the request line `bytes[start..lineEnd)` before the kept field
   * section, which is this head's too, moved to follow it. The copy's
   * first `same` bytes are the line's already.
   */
  #keepLine(
    bytes: Uint8Array,
    start: number,
    lineEnd: number,
    same: number,
  ): void {
    const lineLength = lineEnd - start;
    const fieldsLength = this.#length - this.#lineLength;
    const length = lineLength + fieldsLength;
    let copy = this.#bytes!;
    if (lineLength !== this.#lineLength) {
      if (copy.length < length) {
        const old = copy;
        copy = this.#room(length);
        copy.set(old.subarray(this.#lineLength, this.#length), lineLength);
      } else {
        copy.copyWithin(lineLength, this.#lineLength, this.#length);
      }
    }
    copyInto(copy, same, bytes, start + same, lineEnd);
    this.#length = length;
  }

  /** A buffer of at least `length` bytes for the kept copy. */
  #room(length: number): Uint8Array {
    if (this.#bytes === null || this.#bytes.length < length) {
      let size = COPY_MIN_BYTES;
      while (size < length) size *= 2;
      this.#bytes = new Uint8Array(size);
    }
    return this.#bytes;
  }
}
