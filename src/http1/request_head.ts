/**
 * The parsed request head: what the engine needs from a request line and its
 * header section, with framing already decided (RFC 9112 §6).
 *
 * @module
 */

/**
 * A request head that parsed and passed every framing check. Read-only: a
 * connection hands the same head on again when the next request repeats it
 * field for field (see `parseRequestHead`).
 */
export interface RequestHead {
  /** The method token, case-sensitive as sent (RFC 9110 §9.1). */
  readonly method: string;
  /** The raw request-target: origin-form, absolute-form or `*`. */
  readonly target: string;
  /** `1` for HTTP/1.1, `0` for HTTP/1.0. */
  readonly minorVersion: 0 | 1;
  /** Field names, lowercased, in arrival order; parallel to `headerValues`. */
  readonly headerNames: readonly string[];
  /** Field values with surrounding whitespace removed (latin1 decoded). */
  readonly headerValues: readonly string[];
  /**
   * The single `Host` value, or `""` when it was sent empty or, in HTTP/1.0
   * only, left out.
   */
  readonly host: string;
  /**
   * The body length from `Content-Length`, `-1` when the body is chunked,
   * `0` when the request has no body.
   */
  readonly contentLength: number;
  /** `true` when the connection persists after this exchange. */
  readonly keepAlive: boolean;
  /** `true` when the client sent `Expect: 100-continue`. */
  readonly expectContinue: boolean;
}

/** Limits the head parser enforces. */
export interface RequestHeadLimits {
  /** Longest accepted request-target, in bytes; longer → 414. */
  maxRequestTargetBytes: number;
  /** Most header fields accepted; more → 431. */
  maxHeaderCount: number;
}

/** Why a request head was refused: the status to answer and a stable reason. */
export class RequestParseError extends Error {
  /** The HTTP status to answer with (400, 414, 431, 501, 505…). */
  readonly status: number;
  /**
   * Create a refusal.
   *
   * @param status The status code to answer with.
   * @param reason A short, stable description (never sent with a stack).
   */
  constructor(status: number, reason: string) {
    super(reason);
    this.name = "RequestParseError";
    this.status = status;
  }
}
