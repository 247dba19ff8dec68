/**
 * Huffman decoding for HPACK string literals (RFC 7541 §5.2), four bits at a
 * time through a state machine derived at load from the code in
 * `huffman_code.ts`: a state is an inner node of the code's tree (256 of
 * them), and each (state, nibble) pair says the next state and the symbol,
 * if any, completed on the way. No code is shorter than 5 bits, so a nibble
 * completes at most one symbol.
 *
 * @module
 */

import { EOS, HUFFMAN_CODES, HUFFMAN_LENGTHS } from "./huffman_code.ts";

/** A transition's flag: it completes a symbol (in bits 16–23). */
const EMIT = 0x100;
/** A transition's flag: it completes EOS, which a string must not hold. */
const FAIL = 0x200;

/** How a decode may end, by final state. */
const NOT_ONES = 0;
const ACCEPT = 1;
const TOO_LONG = 2;

/** `decodeHuffman()` result: the string held EOS. */
export const HUFFMAN_EOS: number = -1;
/** `decodeHuffman()` result: the padding was longer than 7 bits. */
export const HUFFMAN_PADDING_TOO_LONG: number = -2;
/** `decodeHuffman()` result: the padding was not all ones (or cut a code). */
export const HUFFMAN_PADDING_NOT_ONES: number = -3;

/** The code's tree: per inner node, its two children; a leaf is ~symbol. */
function buildTree(): { children: Int16Array; ending: Uint8Array } {
  const children = new Int16Array(512);
  // Per node: ACCEPT when its path is all ones and at most 7 bits long.
  const ending = new Uint8Array(256);
  ending[0] = ACCEPT;
  let nodes = 1;
  for (let symbol = 0; symbol <= EOS; symbol++) {
    const code = HUFFMAN_CODES[symbol];
    let node = 0;
    for (let bit = HUFFMAN_LENGTHS[symbol] - 1; bit > 0; bit--) {
      const slot = node * 2 + ((code >>> bit) & 1);
      if (children[slot] === 0) {
        const path = code >>> bit;
        const depth = HUFFMAN_LENGTHS[symbol] - bit;
        const ones = path === 2 ** depth - 1;
        ending[nodes] = ones ? (depth <= 7 ? ACCEPT : TOO_LONG) : NOT_ONES;
        children[slot] = nodes++;
      }
      node = children[slot];
    }
    children[node * 2 + (code & 1)] = ~symbol;
  }
  return { children, ending };
}

/** Per (state << 4 | nibble): next state, EMIT/FAIL, symbol << 16. */
function buildTransitions(children: Int16Array): Uint32Array {
  const table = new Uint32Array(256 * 16);
  for (let state = 0; state < 256; state++) {
    for (let nibble = 0; nibble < 16; nibble++) {
      let node = state;
      let entry = 0;
      for (let bit = 3; bit >= 0; bit--) {
        const child = children[node * 2 + ((nibble >> bit) & 1)];
        if (child >= 0) {
          node = child;
          continue;
        }
        node = 0;
        if (~child === EOS) entry |= FAIL;
        else entry |= EMIT | (~child << 16);
      }
      table[(state << 4) | nibble] = entry | node;
    }
  }
  return table;
}

const { children, ending: ENDING } = buildTree();
const TRANSITIONS = buildTransitions(children);

/**
 * Decode the Huffman-coded bytes `input[start..end)` into `out` from index
 * 0. RFC 7541 §5.2: EOS inside the string, padding longer than 7 bits and
 * padding that is not the most significant bits of EOS are errors.
 *
 * @param input The bytes holding the coded string.
 * @param start Index of its first byte.
 * @param end Index after its last byte.
 * @param out Where to write octets; needs room for `(end - start) * 8 / 5`.
 * @returns The number of octets written, or a negative `HUFFMAN_*` result.
 */
export function decodeHuffman(
  input: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
): number {
  let state = 0;
  let written = 0;
  for (let i = start; i < end; i++) {
    const byte = input[i];
    let entry = TRANSITIONS[(state << 4) | (byte >> 4)];
    if (entry & FAIL) return HUFFMAN_EOS;
    if (entry & EMIT) out[written++] = entry >>> 16;
    entry = TRANSITIONS[((entry & 0xff) << 4) | (byte & 0xf)];
    if (entry & FAIL) return HUFFMAN_EOS;
    if (entry & EMIT) out[written++] = entry >>> 16;
    state = entry & 0xff;
  }
  const ending = ENDING[state];
  if (ending === ACCEPT) return written;
  return ending === TOO_LONG
    ? HUFFMAN_PADDING_TOO_LONG
    : HUFFMAN_PADDING_NOT_ONES;
}
