/**
 * The `multipart/byteranges` body for a 206 with several ranges
 * (RFC 9110 §14.6).
 *
 * @module
 */

import type { ByteRange } from "./parse_range.ts";

/**
 * A piece of a response body: literal bytes (part headers, boundaries) or a
 * byte range to copy from the representation.
 */
export type BodyPart = Uint8Array | ByteRange;

/**
 * A planned `multipart/byteranges` body: its header value, length and pieces.
 */
export interface MultipartPlan {
  /** The `Content-Type` of the response, with the boundary parameter. */
  contentType: string;
  /** The exact body length in bytes, for `Content-Length`. */
  length: number;
  /** Literal bytes and ranges, in body order. */
  parts: BodyPart[];
}

const encoder = new TextEncoder();

/**
 * A random boundary: 24 hex digits, which cannot plausibly occur in the
 * content (RFC 2046 §5.1.1 asks only that it not).
 *
 * @returns A fresh boundary string.
 */
export function createBoundary(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Plan a `multipart/byteranges` body: each range gets its own part with
 * `Content-Type` and `Content-Range`, and the exact total length is known
 * up front so `Content-Length` can be sent.
 *
 * @param ranges The ranges, already sorted and coalesced.
 * @param size The full representation length.
 * @param partContentType The representation's `Content-Type`.
 * @param boundary The boundary; a random one by default.
 * @returns The plan.
 */
export function planMultipartByteranges(
  ranges: readonly ByteRange[],
  size: number,
  partContentType: string,
  boundary: string = createBoundary(),
): MultipartPlan {
  const parts: BodyPart[] = [];
  let length = 0;
  ranges.forEach((range, i) => {
    const head = encoder.encode(
      `${i === 0 ? "" : "\r\n"}--${boundary}\r\n` +
        `Content-Type: ${partContentType}\r\n` +
        `Content-Range: bytes ${range.start}-${range.end}/${size}\r\n\r\n`,
    );
    parts.push(head, { start: range.start, end: range.end });
    length += head.length + (range.end - range.start + 1);
  });
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
  parts.push(tail);
  length += tail.length;
  return {
    contentType: `multipart/byteranges; boundary=${boundary}`,
    length,
    parts,
  };
}

/**
 * Materialise body parts from an in-memory representation.
 *
 * @param parts Literal bytes and ranges.
 * @param bytes The whole representation.
 * @returns The concatenated body.
 */
export function assembleParts(
  parts: readonly BodyPart[],
  bytes: Uint8Array,
): Uint8Array {
  let length = 0;
  for (const part of parts) {
    length += part instanceof Uint8Array
      ? part.length
      : part.end - part.start + 1;
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    const chunk = part instanceof Uint8Array
      ? part
      : bytes.subarray(part.start, part.end + 1);
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
