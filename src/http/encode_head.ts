/**
 * A response head as bytes. Header values are ByteStrings (one byte per
 * UTF-16 code unit, RFC 9110 §5.5 obs-text), so a head of N characters is N
 * bytes; the common all-ASCII head takes `TextEncoder`'s fast path.
 *
 * @module
 */

/**
 * Bodies up to this size are copied next to their head, so head and body go
 * out in one write; larger ones are written on their own, never copied.
 */
export const COALESCE_MAX_BYTES = 64 * 1024;

const encoder = new TextEncoder();

/**
 * Encode a response head into a new buffer, leaving `bodyRoom` bytes after
 * it for a body to be copied in.
 *
 * @param head The status line and fields, ending with the empty line.
 * @param bodyRoom Bytes to leave free after the head.
 * @returns A buffer of `head.length + bodyRoom` bytes, the head first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeHead } from "./encode_head.ts";
 *
 * const bytes = encodeHead("x: caf\u00e9\r\n", 2);
 * assert.equal(bytes.length, 11);
 * assert.equal(bytes[6], 0xe9); // latin1, not UTF-8
 * ```
 */
export function encodeHead(head: string, bodyRoom: number): Uint8Array {
  const bytes = new Uint8Array(head.length + bodyRoom);
  encodeHeadInto(head, bytes);
  return bytes;
}

/**
 * Encode a response head into the first `head.length` bytes of `bytes`,
 * one byte per code unit. The bytes after those may be written over too
 * (a head with a character over 0x7f is tried as UTF-8 first): fill them
 * afterwards.
 *
 * @param head The status line and fields, ending with the empty line.
 * @param bytes Where to write it: at least `head.length` bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeHeadInto } from "./encode_head.ts";
 *
 * const bytes = new Uint8Array(4);
 * encodeHeadInto("\u00e9\r", bytes);
 * assert.deepEqual([...bytes.subarray(0, 2)], [0xe9, 0x0d]); // latin1
 * ```
 */
export function encodeHeadInto(head: string, bytes: Uint8Array): void {
  const { read, written } = encoder.encodeInto(head, bytes);
  if (read !== head.length || written !== head.length) {
    // A character over 0x7f: UTF-8 would not fit (or would be wrong);
    // write every code unit as its byte, as HTTP has it.
    for (let i = 0; i < head.length; i++) bytes[i] = head.charCodeAt(i);
  }
}
