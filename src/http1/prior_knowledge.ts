/**
 * h2c with prior knowledge (RFC 9113 §3.3): a client that knows the server
 * speaks HTTP/2 on cleartext opens with HTTP/2's connection preface instead
 * of a request. The preface's first 18 bytes, `PRI * HTTP/2.0\r\n\r\n`, scan
 * as an HTTP/1.1 head that the parser refuses (505); only then does the
 * engine look here, so a request that parses never pays for the check.
 *
 * @module
 */

import type { Conn } from "./conn.ts";

/**
 * Takes over a connection that opened with the HTTP/2 preface: `received`
 * holds every byte read so far, the preface first. Resolves once the
 * connection is closed.
 */
export type PriorKnowledgeHandoff = (
  conn: Conn,
  received: Uint8Array,
) => Promise<void>;

/**
 * The part of the preface (RFC 9113 §3.4) that reads as an HTTP/1.1 head:
 * its request line and the empty line after it. The rest (`SM\r\n\r\n`) is
 * HTTP/2's to check, with the frames after it.
 */
const PREFACE_HEAD = new TextEncoder().encode("PRI * HTTP/2.0\r\n\r\n");

/**
 * Whether the head in `bytes[start..end)` is the HTTP/2 preface's.
 *
 * @param bytes The buffer holding the head.
 * @param start Index of the head's first byte.
 * @param end Index just past the head's empty line.
 * @returns `true` for `PRI * HTTP/2.0\r\n\r\n`, exactly.
 */
export function isPrefaceHead(
  bytes: Uint8Array,
  start: number,
  end: number,
): boolean {
  if (end - start !== PREFACE_HEAD.length) return false;
  for (let i = 0; i < PREFACE_HEAD.length; i++) {
    if (bytes[start + i] !== PREFACE_HEAD[i]) return false;
  }
  return true;
}
