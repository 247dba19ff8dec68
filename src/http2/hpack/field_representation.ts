/**
 * Writing HPACK's field representations (RFC 7541 §6.1, §6.2): what both
 * encoders, the stateful and the state-independent one, put on the wire.
 *
 * @module
 */

import type { ByteWriter } from "./byte_writer.ts";
import { writeInteger } from "./integer.ts";
import { type HuffmanPolicy, writeString } from "./string_literal.ts";

/** A field to encode. */
export interface HeaderField {
  /** The field name, lowercase (RFC 9113 §8.2.1). */
  name: string;
  /** The field value; each code unit a byte (≤ 0xFF). */
  value: string;
  /**
   * Send as "never indexed" (RFC 7541 §6.2.3, §7.1.3): no dynamic table on
   * any hop may keep it. For secrets an attacker could probe by size.
   */
  neverIndex?: boolean;
}

/** How a literal field affects the dynamic table (RFC 7541 §6.2). */
export interface LiteralKind {
  /** The representation's leading bits. */
  readonly pattern: number;
  /** The size of the index prefix, in bits. */
  readonly prefixBits: number;
}

/** RFC 7541 §6.2.1: the decoder adds the field to its dynamic table. */
export const WITH_INDEXING: LiteralKind = { pattern: 0x40, prefixBits: 6 };
/** RFC 7541 §6.2.2: the table is left alone. */
export const WITHOUT_INDEXING: LiteralKind = { pattern: 0x00, prefixBits: 4 };
/** RFC 7541 §6.2.3: left alone here and by every intermediary. */
export const NEVER_INDEXED: LiteralKind = { pattern: 0x10, prefixBits: 4 };

/** Where fields are written, and when strings are Huffman-coded. */
export interface FieldWriter {
  /** The output. */
  out: ByteWriter;
  /** When to Huffman-code string literals. */
  huffman: HuffmanPolicy;
}

/**
 * Append an indexed field (RFC 7541 §6.1).
 *
 * @param target Where to write.
 * @param index The static (1–61) or dynamic (62…) index of the field.
 */
export function writeIndexed(target: FieldWriter, index: number): void {
  writeInteger(target.out, index, 7, 0x80);
}

/**
 * Append a literal field (RFC 7541 §6.2): its name by index when
 * `nameIndex` is not 0, else as a string, then its value.
 *
 * @param target Where to write, and the Huffman policy.
 * @param kind With, without or never indexing.
 * @param nameIndex The index of an entry with the same name, or 0.
 * @param field The field.
 */
export function writeLiteral(
  target: FieldWriter,
  kind: LiteralKind,
  nameIndex: number,
  field: HeaderField,
): void {
  writeInteger(target.out, nameIndex, kind.prefixBits, kind.pattern);
  if (nameIndex === 0) writeString(target.out, field.name, target.huffman);
  writeString(target.out, field.value, target.huffman);
}

/**
 * Append a dynamic table size update (RFC 7541 §6.3).
 *
 * @param out Where to write.
 * @param size The new maximum size in bytes.
 */
export function writeSizeUpdate(out: ByteWriter, size: number): void {
  writeInteger(out, size, 5, 0x20);
}
