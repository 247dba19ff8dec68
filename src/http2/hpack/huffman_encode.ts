/**
 * Huffman encoding for HPACK string literals (RFC 7541 §5.2): the length a
 * string would take, and the coded bytes, padded with the most significant
 * bits of EOS (all ones).
 *
 * @module
 */

import { HUFFMAN_CODES, HUFFMAN_LENGTHS } from "./huffman_code.ts";

/**
 * How many bytes `text` takes Huffman-coded, padding included.
 *
 * @param text A string of latin1 code units.
 * @returns The coded length in bytes, or `-1` when a code unit is over 0xFF
 * (not a byte: HTTP field values are ByteStrings).
 */
export function huffmanLength(text: string): number {
  let bits = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit > 0xff) return -1;
    bits += HUFFMAN_LENGTHS[unit];
  }
  return Math.ceil(bits / 8);
}

/**
 * Write `text` Huffman-coded into `out` at `offset`.
 *
 * @param text A string of latin1 code units (each at most 0xFF).
 * @param out The buffer; needs `huffmanLength(text)` bytes from `offset`.
 * @param offset Where the first coded byte goes.
 * @returns The index after the last byte written.
 */
export function encodeHuffman(
  text: string,
  out: Uint8Array,
  offset: number,
): number {
  let at = offset;
  // Fewer than 8 pending bits, right-aligned in `pending`.
  let pending = 0;
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const symbol = text.charCodeAt(i) & 0xff;
    let code = HUFFMAN_CODES[symbol];
    let length = HUFFMAN_LENGTHS[symbol];
    if (length > 24) {
      // 7 pending + 25..30 bits would pass 31: add the top bits first.
      pending = (pending << (length - 16)) | (code >>> 16);
      count += length - 16;
      for (; count >= 8; count -= 8) out[at++] = pending >>> (count - 8);
      pending &= (1 << count) - 1;
      code &= 0xffff;
      length = 16;
    }
    pending = (pending << length) | code;
    count += length;
    for (; count >= 8; count -= 8) out[at++] = pending >>> (count - 8);
    pending &= (1 << count) - 1;
  }
  if (count > 0) out[at++] = (pending << (8 - count)) | (0xff >> count);
  return at;
}
