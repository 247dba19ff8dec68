/**
 * HPACK decoding errors. Any malformed field block is a connection error of
 * type COMPRESSION_ERROR (RFC 9113 §4.3): the decoder's state can no longer
 * be trusted to match the peer's encoder.
 *
 * @module
 */

import { ERROR_CODE } from "../error_codes.ts";
import { connectionError, type Http2Error } from "../http2_error.ts";

/**
 * A COMPRESSION_ERROR connection error (RFC 9113 §4.3).
 *
 * @param reason A short, stable description.
 * @returns The error, to be returned (not thrown).
 */
export function compressionError(reason: string): Http2Error {
  return connectionError(ERROR_CODE.COMPRESSION_ERROR, reason);
}
