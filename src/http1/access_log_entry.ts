/**
 * What the engine reports about each answered request, for access logs. The
 * engine builds it only when `onResponse` is set.
 *
 * @module
 */

import type { RequestHead } from "./request_head.ts";

/** One answered request. */
export interface AccessLogEntry {
  /** The client's address. */
  remoteAddr: Deno.Addr;
  /** When the request head had arrived, in ms since the epoch. */
  time: number;
  /** The method, or `""` when the request line did not parse. */
  method: string;
  /** The raw request-target, or `""` when the request line did not parse. */
  target: string;
  /** `"HTTP/1.1"`, `"HTTP/1.0"`, or `""` when the request did not parse. */
  httpVersion: string;
  /** The status sent. */
  status: number;
  /** Body bytes sent (not counting headers and framing). */
  bodyBytes: number;
  /** From the request head's arrival to the last byte written, in ms. */
  durationMs: number;
  /** The `Referer` sent, or `""`. */
  referer: string;
  /** The `User-Agent` sent, or `""`. */
  userAgent: string;
}

/**
 * Build an entry from what the connection task knows.
 *
 * @param remoteAddr The client's address.
 * @param head The parsed head, or `null` when it did not parse.
 * @param startedAt `performance.now()` when the head arrived.
 * @param status The status sent.
 * @param bodyBytes Body bytes sent.
 * @returns The entry.
 */
export function accessLogEntry(
  remoteAddr: Deno.Addr,
  head: RequestHead | null,
  startedAt: number,
  status: number,
  bodyBytes: number,
): AccessLogEntry {
  const durationMs = performance.now() - startedAt;
  let referer = "";
  let userAgent = "";
  if (head !== null) {
    const names = head.headerNames;
    for (let i = 0; i < names.length; i++) {
      if (names[i] === "referer") referer = head.headerValues[i];
      else if (names[i] === "user-agent") userAgent = head.headerValues[i];
    }
  }
  return {
    remoteAddr,
    time: Date.now() - durationMs,
    method: head?.method ?? "",
    target: head?.target ?? "",
    httpVersion: head === null ? "" : `HTTP/1.${head.minorVersion}`,
    status,
    bodyBytes,
    durationMs,
    referer,
    userAgent,
  };
}
