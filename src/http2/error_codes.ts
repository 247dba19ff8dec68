/**
 * HTTP/2 error codes (RFC 9113 §7): the 32-bit values RST_STREAM and GOAWAY
 * carry, and their names for logs.
 *
 * @module
 */

/** The error codes RFC 9113 §7 defines, by name. */
export const ERROR_CODE = {
  /** Graceful shutdown, or no error at all. */
  NO_ERROR: 0x0,
  /** A generic protocol error. */
  PROTOCOL_ERROR: 0x1,
  /** An unexpected internal error. */
  INTERNAL_ERROR: 0x2,
  /** The peer violated the flow-control protocol. */
  FLOW_CONTROL_ERROR: 0x3,
  /** A SETTINGS frame was not acknowledged in time. */
  SETTINGS_TIMEOUT: 0x4,
  /** A frame arrived after the stream was half-closed. */
  STREAM_CLOSED: 0x5,
  /** A frame had an invalid size. */
  FRAME_SIZE_ERROR: 0x6,
  /** The stream was refused before any processing. */
  REFUSED_STREAM: 0x7,
  /** The stream is no longer needed. */
  CANCEL: 0x8,
  /** The field section compression context cannot be maintained. */
  COMPRESSION_ERROR: 0x9,
  /** A CONNECT tunnel was reset or closed abnormally. */
  CONNECT_ERROR: 0xa,
  /** The peer behaves in a way that might generate excessive load. */
  ENHANCE_YOUR_CALM: 0xb,
  /** The transport does not meet minimum security requirements. */
  INADEQUATE_SECURITY: 0xc,
  /** HTTP/1.1 must be used instead. */
  HTTP_1_1_REQUIRED: 0xd,
} as const;

/** One of the error codes RFC 9113 §7 defines. */
export type ErrorCode = typeof ERROR_CODE[keyof typeof ERROR_CODE];

const NAMES: readonly string[] = Object.keys(ERROR_CODE);

/**
 * The name of an error code, for logs. Unknown codes are allowed on the
 * wire and carry no special meaning (RFC 9113 §7): they are named by value.
 *
 * @param code A 32-bit error code as received or sent.
 * @returns Its name, e.g. `"PROTOCOL_ERROR"`, or `"UNKNOWN(0x2a)"`.
 */
export function errorCodeName(code: number): string {
  return code >= 0 && code < NAMES.length
    ? NAMES[code]
    : `UNKNOWN(0x${code.toString(16)})`;
}
