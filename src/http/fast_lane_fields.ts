/**
 * A fast-lane answer as a field list rather than bytes: what an engine that
 * does not speak HTTP/1.1 (HTTP/2) sends instead of the serialized answer.
 * The handler makes one per answer it keeps and counts it against its
 * budget with {@linkcode fieldListBytes}, the engine's encoding of it
 * included before it exists: the engine encodes the fields once, into
 * {@linkcode FastLaneFieldList.encoded}, and reuses the encoding for every
 * later hit.
 *
 * @module
 */

/** An answer's status and fields, without `date`, and its body. */
export interface FastLaneFieldList {
  /** The status code. */
  readonly status: number;
  /**
   * Field names, lowercase, parallel to `values`; none of them one the
   * engine owns (`ENGINE_FIELDS`): `date` and the framing are not here.
   */
  readonly names: readonly string[];
  /** Field values. */
  readonly values: readonly string[];
  /** The `content-length` to announce, or `-1` for none (304). */
  readonly contentLength: number;
  /**
   * The body a GET gets (a HEAD gets none, nor does a 304, whose is
   * `null`): the handler's own buffer, sent without a copy.
   */
  readonly body: Uint8Array | null;
  /**
   * The engine's encoding of status, fields and `content-length`, made on
   * first use and kept with the answer: at most
   * {@linkcode fieldListBlockBound} bytes, which the handler counts up
   * front.
   */
  encoded: Uint8Array | null;
}

/** An object with its two arrays (V8, Deno 2.9: estimated as lane_file.ts). */
const LIST_OVERHEAD_BYTES = 256;
/** One field in the arrays: two slots and two string headers. */
const FIELD_OVERHEAD_BYTES = 48;
/** The encoded block: a Uint8Array and its buffer, beyond its data. */
const ENCODED_OVERHEAD_BYTES = 320;
/**
 * One field as a literal at its longest: the representation byte with a
 * name index, or a literal name (1 + a 7-bit-prefix length of up to 5
 * bytes), then the value's length (up to 5 bytes). A Huffman code is used
 * only where it is not longer (RFC 7541 §5.2).
 */
const FIELD_FRAMING_BYTES = 1 + 5 + 5;

/**
 * The most bytes an HPACK block of the list's status, fields and
 * `content-length` takes, literals throughout (no table entry ever makes a
 * field longer than its literal).
 *
 * @param list The answer's fields.
 * @returns An upper bound of the encoding's length.
 */
export function fieldListBlockBound(
  list: Pick<FastLaneFieldList, "names" | "values" | "contentLength">,
): number {
  // `:status` (7 + 3) and `content-length` (14 + up to 16 digits).
  let total = 2 * FIELD_FRAMING_BYTES + 10 + 30;
  for (let i = 0; i < list.names.length; i++) {
    total += FIELD_FRAMING_BYTES + list.names[i].length +
      list.values[i].length;
  }
  return total;
}

/**
 * What a list holds for reuse, counted before its encoding is made: the
 * object, its strings (two bytes a character), and the encoding at its
 * longest. The body is the handler's to count.
 *
 * @param list The answer's fields.
 * @returns The bytes to count against the handler's budget.
 */
export function fieldListBytes(
  list: Pick<FastLaneFieldList, "names" | "values" | "contentLength">,
): number {
  let total = LIST_OVERHEAD_BYTES + ENCODED_OVERHEAD_BYTES +
    fieldListBlockBound(list);
  for (let i = 0; i < list.names.length; i++) {
    total += FIELD_OVERHEAD_BYTES +
      2 * (list.names[i].length + list.values[i].length);
  }
  return total;
}
