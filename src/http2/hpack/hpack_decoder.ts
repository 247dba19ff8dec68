/**
 * The HPACK decoder (RFC 7541 §3, §6): one per connection, turning each
 * field block the peer sends into names and values, and keeping its dynamic
 * table in step with the peer's encoder.
 *
 * Every malformed block is a COMPRESSION_ERROR (RFC 9113 §4.3), returned,
 * never thrown. The work per block is linear in its bytes: each
 * representation consumes at least one byte, integers are bounded
 * (`integer.ts`), and string lengths are checked before they are read.
 *
 * @module
 */

import { compressionError } from "./compression_error.ts";
import { DynamicTable } from "./dynamic_table.ts";
import { Http2Error } from "../http2_error.ts";
import { type BlockCursor, INTEGER_TOO_LARGE, readInteger } from "./integer.ts";
import {
  STATIC_NAMES,
  STATIC_TABLE_LENGTH,
  STATIC_VALUES,
} from "./static_table.ts";
import { readString, type StringReader } from "./string_literal.ts";

/** Limits of an {@link HpackDecoder}. */
export interface HpackDecoderOptions {
  /**
   * The dynamic table's size limit, in bytes: the SETTINGS_HEADER_TABLE_SIZE
   * this endpoint advertises (RFC 9113 §6.5.2).
   *
   * @default {4096}
   */
  maxTableSize?: number;
  /**
   * Largest decoded field list, counted as RFC 9113 §6.5.2 counts it: each
   * field's name and value octets plus 32.
   *
   * @default {65536}
   */
  maxHeaderListSize?: number;
  /**
   * Most fields in one block.
   *
   * @default {100}
   */
  maxFieldCount?: number;
  /**
   * Longest string literal, in bytes as sent; longer is a COMPRESSION_ERROR
   * before any of it is decoded. The default is `maxHeaderListSize`: no
   * longer string fits in an acceptable list.
   */
  maxStringLength?: number;
}

/** A decoded field block. */
export interface DecodedFieldBlock {
  /** Field names in order, as sent (latin1); parallel to `values`. */
  names: string[];
  /** Field values in order (latin1). */
  values: string[];
  /** The list's size as RFC 9113 §6.5.2 counts it, over all fields sent. */
  listSize: number;
  /**
   * Which limit the block passed, if any: `"size"` (`maxHeaderListSize`) or
   * `"count"` (`maxFieldCount`). The block was still decoded to its end, so
   * the dynamic table stays in step; `names` and `values` hold the fields
   * before the limit. The connection answers that stream (431, or
   * RST_STREAM) and keeps the connection.
   */
  overLimit: "size" | "count" | null;
}

/** Decodes the field blocks of one connection, in order. */
export class HpackDecoder {
  #table: DynamicTable;
  /** The SETTINGS_HEADER_TABLE_SIZE in force: updates may not exceed it. */
  #tableSizeLimit: number;
  /** Set when the limit fell below the table's size (RFC 7541 §4.2). */
  #updateRequired = false;
  #maxHeaderListSize: number;
  #maxFieldCount: number;
  #strings: StringReader;
  #cursor: BlockCursor = { bytes: new Uint8Array(0), position: 0, end: 0 };

  /**
   * Create a decoder with an empty dynamic table.
   *
   * @param options Limits; see {@link HpackDecoderOptions}.
   */
  constructor(options: HpackDecoderOptions = {}) {
    this.#tableSizeLimit = options.maxTableSize ?? 4096;
    this.#table = new DynamicTable(this.#tableSizeLimit);
    this.#maxHeaderListSize = options.maxHeaderListSize ?? 65536;
    this.#maxFieldCount = options.maxFieldCount ?? 100;
    this.#strings = {
      maxStringLength: options.maxStringLength ?? this.#maxHeaderListSize,
      scratch: new Uint8Array(256),
    };
  }

  /** The dynamic table (read it; only the decoder changes it). */
  get table(): DynamicTable {
    return this.#table;
  }

  /**
   * Apply a new SETTINGS_HEADER_TABLE_SIZE, once the peer has acknowledged
   * it (RFC 9113 §4.3.1). If it is below the table's current maximum, the
   * next block must begin with a size update no larger (RFC 7541 §4.2).
   *
   * @param limit The new limit in bytes.
   */
  setMaxTableSize(limit: number): void {
    if (limit < this.#table.maxSize) this.#updateRequired = true;
    this.#tableSizeLimit = limit;
  }

  /**
   * Decode one complete field block (a HEADERS or PUSH_PROMISE fragment
   * with all its CONTINUATION fragments, joined).
   *
   * @param block The block's bytes.
   * @param start Index of its first byte.
   * @param end Index after its last byte.
   * @returns The fields, or a COMPRESSION_ERROR connection error.
   */
  decode(
    block: Uint8Array,
    start = 0,
    end: number = block.length,
  ): DecodedFieldBlock | Http2Error {
    const cursor = this.#cursor;
    cursor.bytes = block;
    cursor.position = start;
    cursor.end = end;
    const result = this.#decodeFields(cursor);
    cursor.bytes = EMPTY; // hold no reference to the caller's buffer
    if (!(result instanceof Http2Error) && this.#updateRequired) {
      return compressionError("Missing table size update");
    }
    return result;
  }

  /** Decode the representations from the cursor to its end. */
  #decodeFields(cursor: BlockCursor): DecodedFieldBlock | Http2Error {
    const { bytes: block, end } = cursor;
    const result: DecodedFieldBlock = {
      names: [],
      values: [],
      listSize: 0,
      overLimit: null,
    };
    let updatesAllowed = true;
    while (cursor.position < end) {
      const first = block[cursor.position];
      if ((first & 0xe0) === 0x20) {
        // RFC 7541 §6.3 and §4.2: only at the start of a block.
        if (!updatesAllowed) {
          return compressionError("Table size update after a field");
        }
        const error = this.#sizeUpdate(cursor);
        if (error) return error;
        continue;
      }
      if (this.#updateRequired) {
        return compressionError("Missing table size update");
      }
      updatesAllowed = false;
      const error = (first & 0x80) !== 0
        ? this.#indexed(cursor, result)
        : this.#literal(cursor, result, first);
      if (error) return error;
    }
    return result;
  }

  /** A dynamic table size update (RFC 7541 §6.3). */
  #sizeUpdate(cursor: BlockCursor): Http2Error | null {
    const size = readInteger(cursor, 5);
    if (size < 0) return integerError(size);
    if (size > this.#tableSizeLimit) {
      return compressionError("Table size update over the limit");
    }
    this.#table.resize(size);
    this.#updateRequired = false;
    return null;
  }

  /** An indexed header field (RFC 7541 §6.1). */
  #indexed(cursor: BlockCursor, out: DecodedFieldBlock): Http2Error | null {
    const index = readInteger(cursor, 7);
    if (index < 0) return integerError(index);
    const table = this.#table;
    if (index === 0) return compressionError("Index 0");
    if (index <= STATIC_TABLE_LENGTH) {
      this.#emit(out, STATIC_NAMES[index - 1], STATIC_VALUES[index - 1]);
    } else if (index - STATIC_TABLE_LENGTH <= table.length) {
      const dynamic = index - STATIC_TABLE_LENGTH;
      this.#emit(out, table.name(dynamic), table.value(dynamic));
    } else {
      return compressionError("Index past the tables");
    }
    return null;
  }

  /**
   * A literal field (RFC 7541 §6.2.1–§6.2.3): with incremental indexing
   * (01, 6-bit index), without indexing (0000) or never indexed (0001,
   * both 4-bit).
   */
  #literal(
    cursor: BlockCursor,
    out: DecodedFieldBlock,
    first: number,
  ): Http2Error | null {
    const indexing = (first & 0x40) !== 0;
    const index = readInteger(cursor, indexing ? 6 : 4);
    if (index < 0) return integerError(index);
    let name: string | Http2Error;
    if (index === 0) {
      name = readString(cursor, this.#strings);
      if (typeof name !== "string") return name;
    } else if (index <= STATIC_TABLE_LENGTH) {
      name = STATIC_NAMES[index - 1];
    } else if (index - STATIC_TABLE_LENGTH <= this.#table.length) {
      name = this.#table.name(index - STATIC_TABLE_LENGTH);
    } else {
      return compressionError("Name index past the tables");
    }
    const value = readString(cursor, this.#strings);
    if (typeof value !== "string") return value;
    if (indexing) this.#table.add(name, value);
    this.#emit(out, name, value);
    return null;
  }

  /** Count a field against the limits; keep it while within them. */
  #emit(out: DecodedFieldBlock, name: string, value: string): void {
    out.listSize += name.length + value.length + 32;
    if (out.overLimit !== null) return;
    if (out.names.length === this.#maxFieldCount) {
      out.overLimit = "count";
    } else if (out.listSize > this.#maxHeaderListSize) {
      out.overLimit = "size";
    } else {
      out.names.push(name);
      out.values.push(value);
    }
  }
}

const EMPTY = new Uint8Array(0);

/** The error for a failed `readInteger()`. */
function integerError(result: number): Http2Error {
  return compressionError(
    result === INTEGER_TOO_LARGE ? "Integer too large" : "Truncated integer",
  );
}
