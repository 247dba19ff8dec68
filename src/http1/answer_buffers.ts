/**
 * Buffers for small answers (a head, with its body when it is small), used
 * again once written instead of made per answer: in Deno each new
 * `ArrayBuffer` costs about as much as the rest of the head's encoding
 * (bench/RESULTS.md, "seventh session"). A buffer is taken for one answer,
 * handed out as a view of exactly the answer's bytes (every one of them
 * written before it goes out, so nothing of an earlier answer can show),
 * and put back only once its write has settled: the runtime holds no
 * reference to it then. A write that fails never puts its buffer back.
 *
 * @module
 */

/** The size of each buffer: heads and small bodies fit. */
export const ANSWER_BUFFER_BYTES = 2048;

/**
 * Buffers kept between answers, at most, per isolate: 8 × 2 KiB. Buffers
 * in use are not counted (each belongs to one answer being written, as a
 * buffer made for it would); more are made when these are all in use, and
 * dropped on return when the shelf is full.
 */
export const ANSWER_BUFFERS_KEPT = 8;

/** A shelf of reusable answer buffers. */
export class AnswerBuffers {
  readonly #shelf: ArrayBuffer[] = [];

  /** Buffers on the shelf now (for tests). */
  get kept(): number {
    return this.#shelf.length;
  }

  /**
   * A buffer for an answer of `length` bytes: a shelf buffer when it fits,
   * else a new one of its own.
   *
   * @param length The answer's size in bytes.
   * @returns A view of exactly `length` bytes; their content is undefined
   *   (an earlier answer's) until written.
   */
  take(length: number): Uint8Array {
    if (length > ANSWER_BUFFER_BYTES) return new Uint8Array(length);
    const buffer = this.#shelf.pop() ?? new ArrayBuffer(ANSWER_BUFFER_BYTES);
    return new Uint8Array(buffer, 0, length);
  }

  /**
   * Put back a buffer from {@linkcode take} once its write has settled
   * and nothing refers to it any more; one of its own is left to the GC.
   *
   * @param bytes The view `take` returned.
   */
  give(bytes: Uint8Array): void {
    const buffer = bytes.buffer;
    if (
      buffer.byteLength === ANSWER_BUFFER_BYTES &&
      buffer instanceof ArrayBuffer &&
      this.#shelf.length < ANSWER_BUFFERS_KEPT &&
      // Given twice, it would go to two answers at once.
      !this.#shelf.includes(buffer)
    ) {
      this.#shelf.push(buffer);
    }
  }
}

/** The isolate's shelf, shared by its HTTP/1.1 connections. */
export const answerBuffers: AnswerBuffers = new AnswerBuffers();
