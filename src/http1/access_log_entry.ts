/**
 * What the engine reports about each answered request, for access logs. The
 * engine builds it only when `onResponse` is set.
 *
 * @module
 */

import { EXPLAIN_FIELD } from "../http/explain_field.ts";
import type { RequestHead } from "./request_head.ts";

/**
 * One answered request, as `serve()`'s `onResponse` is told it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type AccessLogEntry, serve } from "@berth/berth";
 *
 * const logged = Promise.withResolvers<AccessLogEntry>();
 * const server = serve(() => new Response("hello"), {
 *   hostname: "127.0.0.1",
 *   port: 0,
 *   onListen() {},
 *   onResponse: (entry) => logged.resolve(entry),
 * });
 * try {
 *   await (await fetch(`http://127.0.0.1:${server.addr.port}/a?b=1`)).text();
 *   const { method, target, status, bodyBytes } = await logged.promise;
 *   assert.equal(`${method} ${target} ${status} ${bodyBytes}`, "GET /a?b=1 200 5");
 * } finally {
 *   await server.shutdown();
 * }
 * ```
 */
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
  /**
   * For a request that did not parse (`method` is `""`): its request line as
   * far as it was received (to its first CRLF), cut to 256 characters and
   * escaped as nginx escapes it: control bytes, `"`, `\` and bytes over
   * 0x7E become `\xHH`, so it can go into a log as is. `""` for a request
   * that parsed.
   */
  requestLine: string;
  /**
   * Why the answer is what it is, as its `Berth-Explain` field said (a
   * file handler with `explain: true`), or `""`. Not escaped: a handler's
   * words, for the log to escape.
   */
  explain: string;
}

/** The most characters of a refused request line an entry keeps. */
export const MAX_LOGGED_REQUEST_LINE_CHARS = 256;

const HEX = "0123456789ABCDEF";

/**
 * Make the first line of what a client sent safe for a log, as nginx logs a
 * request line: printable ASCII is kept; control bytes, `"`, `\` and bytes
 * over 0x7E become `\xHH`, so no CR or LF (no forged log line) and no quote
 * (no forged field) survives. The line ends at the first CRLF; a bare CR or
 * LF is part of it, escaped. It is cut to
 * {@linkcode MAX_LOGGED_REQUEST_LINE_CHARS} characters, the last three then
 * `...`, never inside an escape.
 *
 * @param received The bytes received, from the request line's first byte.
 * @returns The escaped, bounded line.
 */
export function escapeRequestLine(received: Uint8Array): string {
  const max = MAX_LOGGED_REQUEST_LINE_CHARS;
  let line = "";
  // The longest prefix, at an escape boundary, that leaves room for "...".
  let fits = 0;
  for (let i = 0; i < received.length; i++) {
    const byte = received[i];
    if (byte === 0x0d && received[i + 1] === 0x0a) break;
    line += byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c
      ? String.fromCharCode(byte)
      : `\\x${HEX[byte >> 4]}${HEX[byte & 15]}`;
    if (line.length <= max - 3) fits = line.length;
    if (line.length > max) return line.slice(0, fits) + "...";
  }
  return line;
}

/**
 * What was sent for a request: a fast-lane answer (which carries its
 * explanation's words), or what the handler's response sent.
 */
export interface SentAnswer {
  /** The status sent. */
  readonly status: number;
  /** Body bytes sent. */
  readonly bodyBytes: number;
  /** A fast-lane answer's `Berth-Explain` words, if any. */
  readonly explain?: string;
  /**
   * The handler's response's fields, where `Berth-Explain` is read only
   * when an entry is built.
   */
  readonly headers?: Headers;
}

/** How the connection answered a request, as an entry needs it. */
export interface AnsweredRequest {
  /** The client's address. */
  remoteAddr: Deno.Addr;
  /** `performance.now()` when the head arrived. */
  startedAt: number;
  /** What was sent. */
  sent: SentAnswer;
}

/**
 * Build an entry from what the connection task knows.
 *
 * @param head The parsed head, or, when it did not parse, the bytes received
 *   from its first byte on.
 * @param answered How it was answered, and to whom.
 * @returns The entry.
 */
export function accessLogEntry(
  head: RequestHead | Uint8Array,
  answered: AnsweredRequest,
): AccessLogEntry {
  const { remoteAddr, startedAt, sent } = answered;
  const durationMs = performance.now() - startedAt;
  const parsed = head instanceof Uint8Array ? null : head;
  let referer = "";
  let userAgent = "";
  if (parsed !== null) {
    const names = parsed.headerNames;
    for (let i = 0; i < names.length; i++) {
      if (names[i] === "referer") referer = parsed.headerValues[i];
      else if (names[i] === "user-agent") userAgent = parsed.headerValues[i];
    }
  }
  return {
    remoteAddr,
    time: Date.now() - durationMs,
    method: parsed?.method ?? "",
    target: parsed?.target ?? "",
    httpVersion: parsed === null ? "" : `HTTP/1.${parsed.minorVersion}`,
    status: sent.status,
    bodyBytes: sent.bodyBytes,
    durationMs,
    referer,
    userAgent,
    requestLine: head instanceof Uint8Array ? escapeRequestLine(head) : "",
    explain: sent.explain || (sent.headers?.get(EXPLAIN_FIELD) ?? ""),
  };
}
