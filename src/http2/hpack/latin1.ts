/**
 * Bytes to a string, one code unit per byte (latin1, ISO-8859-1): how HTTP
 * field names and values become the ByteStrings `Headers` holds.
 *
 * @module
 */

/** Most bytes handed to one `String.fromCharCode` call. */
const CHUNK = 4096;

/**
 * Decode `bytes[start..end)` as latin1: byte n becomes U+00nn. Not
 * `TextDecoder("latin1")`, which is windows-1252 and remaps 0x80–0x9F.
 *
 * @param bytes The source bytes.
 * @param start Index of the first byte.
 * @param end Index after the last byte.
 * @returns The string, `end - start` code units long.
 */
export function latin1(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= CHUNK) {
    return String.fromCharCode.apply(null, bytes.subarray(start, end) as never);
  }
  const parts: string[] = [];
  for (let at = start; at < end; at += CHUNK) {
    const piece = bytes.subarray(at, Math.min(at + CHUNK, end));
    parts.push(String.fromCharCode.apply(null, piece as never));
  }
  return parts.join("");
}
