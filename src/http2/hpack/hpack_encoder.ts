/**
 * The HPACK encoder (RFC 7541 §3, §6): one per connection, indexing the
 * fields it sends in its dynamic table so that repeats cost one byte.
 *
 * Blocks from {@link HpackEncoder.encode} must reach the peer in the order
 * they were encoded: each may depend on the table the ones before it left.
 * Blocks from `encodeStatelessBlock()` do not, and may be interleaved.
 *
 * @module
 */

import { ByteWriter } from "./byte_writer.ts";
import { DynamicTable, entrySize } from "./dynamic_table.ts";
import {
  type HeaderField,
  NEVER_INDEXED,
  WITH_INDEXING,
  WITHOUT_INDEXING,
  writeIndexed,
  writeLiteral,
  writeSizeUpdate,
} from "./field_representation.ts";
import {
  STATIC_TABLE_LENGTH,
  staticFieldIndex,
  staticNameIndex,
} from "./static_table.ts";
import type { HuffmanPolicy } from "./string_literal.ts";

/** The SETTINGS_HEADER_TABLE_SIZE every peer starts with (RFC 9113 §6.5.2). */
const INITIAL_PEER_TABLE_SIZE = 4096;

/** What `takeSizeUpdate()` returns when nothing is owed (never written to). */
const NOTHING_OWED = new Uint8Array(0);

/** Options of an {@link HpackEncoder}. */
export interface HpackEncoderOptions {
  /**
   * The most dynamic table this encoder uses, in bytes, whatever the peer
   * allows: memory per connection.
   *
   * @default {4096}
   */
  maxTableSize?: number;
  /**
   * When to Huffman-code strings: `auto` when that is not longer.
   *
   * @default {"auto"}
   */
  huffman?: HuffmanPolicy;
}

/** Encodes the field blocks of one connection, in order. */
export class HpackEncoder {
  #table: DynamicTable;
  #maxTableSize: number;
  /** Table sizes not yet signalled: the lowest since, and the last. */
  #pendingLowest = -1;
  #pendingLast = -1;
  /** name → value → insertion number of the newest such entry. */
  #fields = new Map<string, Map<string, number>>();
  /** name → insertion number of the newest entry with that name. */
  #names = new Map<string, number>();
  #target: { out: ByteWriter; huffman: HuffmanPolicy };

  /**
   * Create an encoder with an empty dynamic table.
   *
   * @param options See {@link HpackEncoderOptions}.
   */
  constructor(options: HpackEncoderOptions = {}) {
    this.#maxTableSize = options.maxTableSize ?? 4096;
    this.#target = {
      out: new ByteWriter(),
      huffman: options.huffman ?? "auto",
    };
    const size = Math.min(this.#maxTableSize, INITIAL_PEER_TABLE_SIZE);
    this.#table = new DynamicTable(size, (name, value, insertion) => {
      const values = this.#fields.get(name);
      if (values?.get(value) === insertion) {
        values.delete(value);
        if (values.size === 0) this.#fields.delete(name);
      }
      if (this.#names.get(name) === insertion) this.#names.delete(name);
    });
    if (size !== INITIAL_PEER_TABLE_SIZE) this.#pendingLowest = size;
    this.#pendingLast = this.#pendingLowest;
  }

  /** The dynamic table (read it; only the encoder changes it). */
  get table(): DynamicTable {
    return this.#table;
  }

  /**
   * Apply the peer's SETTINGS_HEADER_TABLE_SIZE (RFC 9113 §6.5.2). The
   * table shrinks at once if it must; the change is signalled at the start
   * of the next block (RFC 7541 §4.2).
   *
   * @param limit The peer's limit in bytes.
   */
  setPeerMaxTableSize(limit: number): void {
    const size = Math.min(this.#maxTableSize, limit);
    if (size === this.#table.maxSize) return;
    this.#table.resize(size);
    if (this.#pendingLowest < 0 || size < this.#pendingLowest) {
      this.#pendingLowest = size;
    }
    this.#pendingLast = size;
  }

  /**
   * The size update(s) owed to the peer, to send in front of a
   * state-independent block; afterwards nothing is owed. Empty when
   * nothing is.
   *
   * @returns Zero to two size updates (RFC 7541 §4.2, §6.3).
   */
  takeSizeUpdate(): Uint8Array {
    // The common case, once per fast-lane answer: nothing owed, no copy.
    if (this.#pendingLast < 0) return NOTHING_OWED;
    this.#writeSizeUpdates();
    return this.#target.out.take();
  }

  /**
   * Encode `fields` as one field block, indexing what is worth indexing:
   * a field matching a table entry is one index; any other is a literal
   * added to the dynamic table, unless it is `neverIndex` or larger than
   * the whole table.
   *
   * @param fields The fields, in order; names lowercase.
   * @returns The block's bytes.
   * @throws {TypeError} When a name or value holds a code unit over 0xFF.
   */
  encode(fields: readonly HeaderField[]): Uint8Array {
    const target = this.#target;
    this.#writeSizeUpdates();
    for (const field of fields) {
      const { name, value } = field;
      if (!field.neverIndex) {
        const full = staticFieldIndex(name, value) || this.#dynamicField(field);
        if (full !== 0) {
          writeIndexed(target, full);
          continue;
        }
      }
      const nameIndex = staticNameIndex(name) || this.#dynamicName(name);
      if (field.neverIndex) {
        writeLiteral(target, NEVER_INDEXED, nameIndex, field);
      } else if (entrySize(name, value) > this.#table.maxSize) {
        writeLiteral(target, WITHOUT_INDEXING, nameIndex, field);
      } else {
        writeLiteral(target, WITH_INDEXING, nameIndex, field);
        this.#insert(name, value);
      }
    }
    return target.out.take();
  }

  /** The index of a dynamic entry `name: value`, or 0. */
  #dynamicField(field: HeaderField): number {
    const insertion = this.#fields.get(field.name)?.get(field.value);
    return insertion === undefined ? 0 : this.#indexOf(insertion);
  }

  /** The index of the newest dynamic entry named `name`, or 0. */
  #dynamicName(name: string): number {
    const insertion = this.#names.get(name);
    return insertion === undefined ? 0 : this.#indexOf(insertion);
  }

  /** RFC 7541 §2.3.3: the newest dynamic entry follows the static ones. */
  #indexOf(insertion: number): number {
    return STATIC_TABLE_LENGTH + this.#table.insertions - insertion;
  }

  /** Add an entry to the table and to the lookups. */
  #insert(name: string, value: string): void {
    this.#table.add(name, value);
    const insertion = this.#table.insertions - 1;
    let values = this.#fields.get(name);
    if (values === undefined) this.#fields.set(name, values = new Map());
    values.set(value, insertion);
    this.#names.set(name, insertion);
  }

  /** Signal owed table sizes: the lowest first if it differs (§4.2). */
  #writeSizeUpdates(): void {
    if (this.#pendingLast < 0) return;
    const out = this.#target.out;
    if (this.#pendingLowest < this.#pendingLast) {
      writeSizeUpdate(out, this.#pendingLowest);
    }
    writeSizeUpdate(out, this.#pendingLast);
    this.#pendingLowest = this.#pendingLast = -1;
  }
}
