/**
 * State-independent field blocks: blocks that mean the same to the peer's
 * decoder whatever its dynamic table holds, and leave that table unchanged.
 * They use only the static table (RFC 7541 §2.3.1) and literals without
 * indexing or never indexed (§6.2.2, §6.2.3), so one block can be
 * serialized once and sent on any connection, at any point: what a
 * pre-serialized fast-lane answer needs.
 *
 * One condition remains on the connection: a pending dynamic table size
 * update must still go first (`HpackEncoder.takeSizeUpdate()`).
 *
 * @module
 */

import { ByteWriter } from "./byte_writer.ts";
import {
  type HeaderField,
  NEVER_INDEXED,
  WITHOUT_INDEXING,
  writeIndexed,
  writeLiteral,
} from "./field_representation.ts";
import { staticFieldIndex, staticNameIndex } from "./static_table.ts";
import type { HuffmanPolicy } from "./string_literal.ts";

/**
 * Encode `fields` as a state-independent field block.
 *
 * @param fields The fields, in order; names lowercase.
 * @param huffman When to Huffman-code strings (`auto`: when not longer).
 * @returns The block's bytes.
 * @throws {TypeError} When a name or value holds a code unit over 0xFF.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeStatelessBlock } from "./encode_stateless_block.ts";
 *
 * // `:status: 200` is static entry 8: one byte.
 * assert.deepEqual(encodeStatelessBlock([{ name: ":status", value: "200" }]),
 *   Uint8Array.of(0x88));
 * ```
 */
export function encodeStatelessBlock(
  fields: readonly HeaderField[],
  huffman: HuffmanPolicy = "auto",
): Uint8Array {
  const target = { out: new ByteWriter(), huffman };
  for (const field of fields) {
    const full = field.neverIndex
      ? 0
      : staticFieldIndex(field.name, field.value);
    if (full !== 0) {
      writeIndexed(target, full);
      continue;
    }
    const kind = field.neverIndex ? NEVER_INDEXED : WITHOUT_INDEXING;
    writeLiteral(target, kind, staticNameIndex(field.name), field);
  }
  return target.out.take();
}
