/**
 * Buffers for small answers (a head, with its body when it is small), used
 * again once written instead of made per answer: in Deno each new
 * `ArrayBuffer` costs about as much as the rest of the head's encoding
 * (bench/RESULTS.md, "seventh session"). A buffer is taken for one answer,
 * handed out as a view of exactly the answer's bytes (every one of them
 * written before it goes out, so nothing of an earlier answer can show),
 * and put back only once its write has settled well: the runtime holds no
 * reference to it then. One whose write failed is forgotten, not reused.
 *
 * Under load many answers are in flight at once (every connection whose
 * request came in the same turn of the event loop), so the shelf holds
 * enough buffers for that; past them, an answer gets a buffer of its own,
 * of its exact size, as without a shelf.
 *
 * @module
 */

/** The size of each shelf buffer: heads and small bodies fit. */
export const ANSWER_BUFFER_BYTES = 1024;

/**
 * Shelf buffers there are at most, per isolate, in use or not: 64 × 1 KiB.
 * At 50 busy connections (wrk's) every answer finds one.
 */
export const ANSWER_BUFFERS_MAX = 64;

/** A shelf of reusable answer buffers. */
export class AnswerBuffers {
  readonly #shelf: ArrayBuffer[] = [];
  /** Shelf buffers made and not forgotten: on the shelf or in use. */
  #made = 0;

  /** Buffers on the shelf now (for tests). */
  get kept(): number {
    return this.#shelf.length;
  }

  /** Shelf buffers on the shelf or in use (for tests). */
  get made(): number {
    return this.#made;
  }

  /**
   * A buffer for an answer of `length` bytes: a shelf buffer when it fits
   * and one is free (or may still be made), else one of its own.
   *
   * @param length The answer's size in bytes.
   * @returns A view of exactly `length` bytes; their content is undefined
   *   (an earlier answer's) until written.
   */
  take(length: number): Uint8Array {
    if (length <= ANSWER_BUFFER_BYTES) {
      let buffer = this.#shelf.pop();
      if (buffer === undefined && this.#made < ANSWER_BUFFERS_MAX) {
        this.#made++;
        buffer = new ArrayBuffer(ANSWER_BUFFER_BYTES);
      }
      if (buffer !== undefined) return new Uint8Array(buffer, 0, length);
    }
    return new Uint8Array(length);
  }

  /**
   * Put back a buffer from {@linkcode take} once its write has settled
   * well and nothing refers to it any more; one of its own is left to the
   * GC.
   *
   * @param bytes The view `take` returned.
   */
  give(bytes: Uint8Array): void {
    const buffer = bytes.buffer;
    if (
      isShelfSized(buffer) && this.#shelf.length < this.#made &&
      // Given twice, it would go to two answers at once.
      !this.#shelf.includes(buffer)
    ) {
      this.#shelf.push(buffer);
    }
  }

  /**
   * Let go of a buffer from {@linkcode take} whose write failed: it is not
   * reused, and a new one may be made in its place.
   *
   * @param bytes The view `take` returned.
   */
  forget(bytes: Uint8Array): void {
    if (isShelfSized(bytes.buffer) && this.#made > 0) this.#made--;
  }
}

/**
 * Whether a buffer can serve as a shelf buffer. One of an answer's own is
 * this size only when the answer is: it is as good as a shelf buffer then,
 * and the counts stay bounds (the shelf never holds more than `#made`,
 * never more than `ANSWER_BUFFERS_MAX`).
 */
function isShelfSized(buffer: ArrayBufferLike): buffer is ArrayBuffer {
  return buffer.byteLength === ANSWER_BUFFER_BYTES &&
    buffer instanceof ArrayBuffer;
}

/** The isolate's shelf, shared by its HTTP/1.1 connections. */
export const answerBuffers: AnswerBuffers = new AnswerBuffers();
