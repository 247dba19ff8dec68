/**
 * HPACK's Huffman code (RFC 7541 Appendix B): one code per octet value and
 * one for EOS (symbol 256).
 *
 * The appendix's code is canonical: ordered by length, then by symbol, each
 * code is the previous one plus one, shifted left by the growth in length.
 * So the code lengths below determine every code, and the codes are derived
 * from them once at load. The tests hold a sample of the appendix's codes
 * and check that the lengths form a complete prefix code.
 *
 * @module
 */

/** The symbol that ends a string in the code; never valid inside one. */
export const EOS = 256;

/** Code lengths in bits, by symbol 0–256 (RFC 7541 Appendix B). */
// deno-fmt-ignore
export const HUFFMAN_LENGTHS: Uint8Array = Uint8Array.of(
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28,
  28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
  6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6,
  5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
  13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
  7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
  15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5,
  6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
  20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23,
  24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
  22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23,
  21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
  26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25,
  19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
  20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23,
  26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
  30,
);

/**
 * The canonical codes for `lengths`: right-aligned, one per symbol.
 *
 * @param lengths Code length per symbol.
 * @returns The code per symbol.
 */
function canonicalCodes(lengths: Uint8Array): Uint32Array {
  const symbols = Array.from(lengths.keys())
    .sort((a, b) => lengths[a] - lengths[b] || a - b);
  const codes = new Uint32Array(lengths.length);
  let code = 0;
  for (let i = 1; i < symbols.length; i++) {
    const grow = lengths[symbols[i]] - lengths[symbols[i - 1]];
    // Up to 30 bits: multiply rather than shift, to stay out of sign bits.
    code = (code + 1) * 2 ** grow;
    codes[symbols[i]] = code;
  }
  return codes;
}

/** Codes by symbol 0–256, right-aligned (RFC 7541 Appendix B). */
export const HUFFMAN_CODES: Uint32Array = canonicalCodes(HUFFMAN_LENGTHS);
