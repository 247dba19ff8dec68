/**
 * The client connection preface (RFC 9113 §3.4): 24 fixed bytes every
 * HTTP/2 connection starts with, before the client's first SETTINGS.
 *
 * @module
 */

/** `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`, as bytes. */
export const CONNECTION_PREFACE: Uint8Array = new TextEncoder().encode(
  "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
);

/**
 * How far `bytes[start..end)` matches the preface from its `offset`-th byte.
 *
 * @param bytes The bytes received.
 * @param start Index of the first byte to compare.
 * @param end Index after the last byte to compare.
 * @param offset How many preface bytes were already matched.
 * @returns The number of preface bytes matched in all (24 when complete),
 * or -1 at the first byte that differs.
 */
export function matchPreface(
  bytes: Uint8Array,
  start: number,
  end: number,
  offset: number,
): number {
  let matched = offset;
  for (let i = start; i < end && matched < CONNECTION_PREFACE.length; i++) {
    if (bytes[i] !== CONNECTION_PREFACE[matched]) return -1;
    matched++;
  }
  return matched;
}
