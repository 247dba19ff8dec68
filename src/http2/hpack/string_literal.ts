/**
 * HPACK string literals (RFC 7541 §5.2): an H bit, a length with a 7-bit
 * prefix, then that many octets, raw or Huffman-coded.
 *
 * @module
 */

import type { ByteWriter } from "./byte_writer.ts";
import { compressionError } from "./compression_error.ts";
import type { Http2Error } from "../http2_error.ts";
import {
  decodeHuffman,
  HUFFMAN_EOS,
  HUFFMAN_PADDING_TOO_LONG,
} from "./huffman_decode.ts";
import { encodeHuffman, huffmanLength } from "./huffman_encode.ts";
import {
  type BlockCursor,
  INTEGER_TOO_LARGE,
  readInteger,
  writeInteger,
} from "./integer.ts";
import { latin1 } from "./latin1.ts";

/** Which strings an encoder Huffman-codes. */
export type HuffmanPolicy = "auto" | "always" | "never";

/** What reading a string literal needs besides the cursor. */
export interface StringReader {
  /** Longest string accepted, in bytes as sent (before Huffman decoding). */
  maxStringLength: number;
  /** Scratch for Huffman output; replaced with a larger one when needed. */
  scratch: Uint8Array;
}

/**
 * Read the string literal at `cursor.position` and move past it. Its length
 * is checked against `reader.maxStringLength` before any byte of it is
 * read or decoded.
 *
 * @param cursor Where to read; advanced past the literal on success.
 * @param reader The length limit and the Huffman scratch buffer.
 * @returns The string (latin1), or a COMPRESSION_ERROR.
 */
export function readString(
  cursor: BlockCursor,
  reader: StringReader,
): string | Http2Error {
  const { bytes, end } = cursor;
  if (cursor.position >= end) return compressionError("Truncated string");
  const huffman = (bytes[cursor.position] & 0x80) !== 0;
  const length = readInteger(cursor, 7);
  if (length < 0) {
    return compressionError(
      length === INTEGER_TOO_LARGE
        ? "String length too large"
        : "Truncated string length",
    );
  }
  if (length > reader.maxStringLength) {
    return compressionError("String longer than the limit");
  }
  const start = cursor.position;
  if (length > end - start) return compressionError("Truncated string");
  cursor.position = start + length;
  if (!huffman) return latin1(bytes, start, start + length);
  // No code is shorter than 5 bits: n bytes decode to at most 8n/5 octets.
  const room = Math.floor(length * 8 / 5);
  if (reader.scratch.length < room) reader.scratch = new Uint8Array(room);
  const decoded = decodeHuffman(bytes, start, start + length, reader.scratch);
  if (decoded >= 0) return latin1(reader.scratch, 0, decoded);
  return compressionError(
    decoded === HUFFMAN_EOS
      ? "Huffman string holds EOS"
      : decoded === HUFFMAN_PADDING_TOO_LONG
      ? "Huffman padding longer than 7 bits"
      : "Huffman padding not all ones",
  );
}

/**
 * Append `text` as a string literal, Huffman-coded as `policy` says (`auto`:
 * when that is not longer).
 *
 * @param out Where to append.
 * @param text The string; every code unit must be a byte (≤ 0xFF).
 * @param policy When to Huffman-code.
 * @throws {TypeError} When `text` holds a code unit over 0xFF.
 */
export function writeString(
  out: ByteWriter,
  text: string,
  policy: HuffmanPolicy,
): void {
  const coded = huffmanLength(text);
  if (coded < 0) {
    throw new TypeError(
      `Field holds a non-byte character: ${JSON.stringify(text)}`,
    );
  }
  const huffman = policy === "always" ||
    (policy === "auto" && coded <= text.length);
  if (huffman) {
    writeInteger(out, coded, 7, 0x80);
    out.reserve(coded);
    out.length = encodeHuffman(text, out.bytes, out.length);
    return;
  }
  writeInteger(out, text.length, 7, 0);
  out.reserve(text.length);
  const bytes = out.bytes;
  let at = out.length;
  for (let i = 0; i < text.length; i++) bytes[at++] = text.charCodeAt(i);
  out.length = at;
}
