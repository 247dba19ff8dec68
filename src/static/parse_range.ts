/**
 * `Range: bytes=…` parsing (RFC 9110 §14.1.2, §14.2).
 *
 * @module
 */

/**
 * An inclusive byte range within a representation.
 */
export interface ByteRange {
  /** First byte offset. */
  start: number;
  /** Last byte offset, inclusive (`end >= start`). */
  end: number;
}

/**
 * What to do with a `Range` header:
 * - `none`: ignore it and send the whole representation (absent, another
 *   unit, malformed, or too many ranges);
 * - `unsatisfiable`: answer 416 with `Content-Range: bytes *\/SIZE` (no
 *   range overlaps the representation, or one is invalid);
 * - `ranges`: one range (a plain 206) or several sorted, non-overlapping
 *   ranges (a `multipart/byteranges` 206).
 */
export type RangeResult =
  | { type: "none" }
  | { type: "unsatisfiable" }
  | { type: "ranges"; ranges: ByteRange[] };

/**
 * Options for {@linkcode parseRange}.
 */
export interface ParseRangeOptions {
  /**
   * Most range-specs accepted in one header; a header with more is ignored
   * (a 200 with the full body), which keeps a thousand-range request cheap.
   *
   * @default {16}
   */
  maxRanges?: number;
}

const NONE: RangeResult = { type: "none" };
const UNSATISFIABLE: RangeResult = { type: "unsatisfiable" };
const INT_RANGE = /^(\d+)-(\d*)$/;
const SUFFIX_RANGE = /^-(\d+)$/;

/**
 * Parse a `Range` header against a representation of `size` bytes.
 *
 * Rules: the unit is `bytes` (case-insensitive); `N-M` is clamped to the
 * end; `N-` runs to the end; `-N` is the last N bytes (the whole file when
 * N ≥ size). A spec whose start is at or past the end, `-0`, or any number
 * that is not a safe integer is unsatisfiable — such values cannot be
 * represented exactly, so they are refused rather than guessed at. A spec
 * whose last byte comes before its first (`bytes=500-200`) is invalid, and
 * makes the whole header unsatisfiable (RFC 9110 §14.1.1, §14.2). Several
 * ranges are sorted and overlapping or adjacent ones coalesced
 * (RFC 9110 §14.2 allows it); if one range remains it is a single range.
 *
 * @param header The `Range` header value, or `null` when absent.
 * @param size The representation length in bytes.
 * @param options Limits.
 * @returns What to answer; see {@linkcode RangeResult}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseRange } from "./parse_range.ts";
 *
 * assert.deepEqual(parseRange("bytes=0-9", 100), {
 *   type: "ranges",
 *   ranges: [{ start: 0, end: 9 }],
 * });
 * assert.deepEqual(parseRange("bytes=-10", 100), {
 *   type: "ranges",
 *   ranges: [{ start: 90, end: 99 }],
 * });
 * assert.deepEqual(parseRange("bytes=100-", 100), { type: "unsatisfiable" });
 * assert.deepEqual(parseRange("items=0-1", 100), { type: "none" });
 * ```
 */
export function parseRange(
  header: string | null,
  size: number,
  options: ParseRangeOptions = {},
): RangeResult {
  if (header === null) return NONE;
  const maxRanges = options.maxRanges ?? 16;
  // Cheap abuse guard before any splitting or regex work.
  if (header.length > 64 + maxRanges * 48) return NONE;
  let commas = 0;
  for (let i = 0; i < header.length; i++) {
    if (header.charCodeAt(i) === 44 && ++commas >= maxRanges) return NONE;
  }
  const eq = header.indexOf("=");
  if (eq < 0 || header.slice(0, eq).trim().toLowerCase() !== "bytes") {
    return NONE;
  }
  const ranges: ByteRange[] = [];
  let sawSuffix = false;
  let sawSpec = false;
  for (const raw of header.slice(eq + 1).split(",")) {
    const spec = raw.trim();
    if (spec === "") continue; // empty list elements are allowed (RFC 9110 §5.6.1)
    sawSpec = true;
    let match = INT_RANGE.exec(spec);
    if (match) {
      const first = Number(match[1]);
      const open = match[2] === "";
      const last = open ? Infinity : Number(match[2]);
      // RFC 9110 §14.1.1: a last byte before the first makes the range
      // invalid, and §14.2 answers an invalid set with 416.
      if (last < first) return UNSATISFIABLE;
      if (!Number.isSafeInteger(first)) continue;
      // A written last-byte-pos too large for a number (400 nines parse to
      // Infinity) is unsatisfiable, never "to the end" like an open range.
      if (!open && !Number.isSafeInteger(last)) continue;
      if (first >= size) continue;
      ranges.push({ start: first, end: Math.min(last, size - 1) });
      continue;
    }
    match = SUFFIX_RANGE.exec(spec);
    if (!match) return NONE;
    const length = Number(match[1]);
    if (!Number.isSafeInteger(length) || length === 0) continue;
    sawSuffix = true;
    if (size === 0) continue;
    ranges.push({ start: Math.max(0, size - length), end: size - 1 });
  }
  if (!sawSpec) return NONE;
  if (ranges.length === 0) {
    // A non-empty suffix of an empty file is satisfiable but has no bytes to
    // send in a 206 (RFC 9110 §14.1.2); send the empty 200 instead.
    return size === 0 && sawSuffix ? NONE : UNSATISFIABLE;
  }
  return { type: "ranges", ranges: coalesce(ranges) };
}

function coalesce(ranges: ByteRange[]): ByteRange[] {
  if (ranges.length === 1) return ranges;
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const out: ByteRange[] = [{ ...sorted[0] }];
  for (let i = 1; i < sorted.length; i++) {
    const last = out[out.length - 1];
    const next = sorted[i];
    if (next.start <= last.end + 1) {
      last.end = Math.max(last.end, next.end);
    } else {
      out.push({ ...next });
    }
  }
  return out;
}
