/**
 * HPACK's integer representation (RFC 7541 §5.1): an N-bit prefix in the
 * first byte, then 7 bits per continuation byte, least significant first.
 *
 * @module
 */

import type { ByteWriter } from "./byte_writer.ts";

/**
 * The largest integer a decoder accepts. RFC 7541 §5.1 leaves the bound to
 * the implementation; every integer HPACK carries (an index, a string
 * length, a table size) fits far below 2^31, so more is an attack or a bug.
 */
export const MAX_INTEGER = 2 ** 31 - 1;

/** `readInteger()` result: the block ended inside the integer. */
export const INTEGER_TRUNCATED: number = -1;
/** `readInteger()` result: the integer is over `MAX_INTEGER`. */
export const INTEGER_TOO_LARGE: number = -2;

/** A position in a header block being decoded. */
export interface BlockCursor {
  /** The bytes of the block. */
  bytes: Uint8Array;
  /** The next byte to read. */
  position: number;
  /** The index after the block's last byte. */
  end: number;
}

/**
 * Read the integer whose first byte is at `cursor.position`, using its low
 * `prefixBits` bits, and move past it.
 *
 * @param cursor Where to read; advanced past the integer on success.
 * @param prefixBits N, the prefix size in bits (1–8).
 * @returns The value, or `INTEGER_TRUNCATED` / `INTEGER_TOO_LARGE`.
 */
export function readInteger(cursor: BlockCursor, prefixBits: number): number {
  const { bytes, end } = cursor;
  let at = cursor.position;
  if (at >= end) return INTEGER_TRUNCATED;
  const max = (1 << prefixBits) - 1;
  let value = bytes[at++] & max;
  if (value < max) {
    cursor.position = at;
    return value;
  }
  // Continuation bytes; the bound also caps their count (5 reach 2^35),
  // so redundant zero bytes cannot make the loop long.
  for (let shift = 0;; shift += 7) {
    if (at >= end) return INTEGER_TRUNCATED;
    const byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    if (value > MAX_INTEGER || shift > 28) return INTEGER_TOO_LARGE;
    if ((byte & 0x80) === 0) break;
  }
  cursor.position = at;
  return value;
}

/**
 * Append `value` with an N-bit prefix; the first byte's other bits are
 * `highBits` (the representation's pattern).
 *
 * @param out Where to append.
 * @param value A non-negative integer up to `MAX_INTEGER`.
 * @param prefixBits N, the prefix size in bits (1–8).
 * @param highBits The bits above the prefix in the first byte.
 */
export function writeInteger(
  out: ByteWriter,
  value: number,
  prefixBits: number,
  highBits: number,
): void {
  const max = (1 << prefixBits) - 1;
  if (value < max) {
    out.byte(highBits | value);
    return;
  }
  out.reserve(6);
  const bytes = out.bytes;
  bytes[out.length++] = highBits | max;
  let rest = value - max;
  while (rest >= 0x80) {
    bytes[out.length++] = (rest & 0x7f) | 0x80;
    rest = Math.floor(rest / 0x80);
  }
  bytes[out.length++] = rest;
}
