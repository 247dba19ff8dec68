/**
 * The error that says a response body failed while the connection can still
 * answer 500 instead.
 *
 * @module
 */

/** A response body chunk that was not a `Uint8Array`, or a body that failed
 * before any byte was written: the connection can still answer 500. */
export class ResponseBodyError extends Error {
  /**
   * @param message What went wrong.
   * @param options The underlying cause.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ResponseBodyError";
  }
}
