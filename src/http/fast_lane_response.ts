/**
 * A fast-lane answer on the wire: how it is laid out, how many bytes it
 * holds, and how it closes the connection. A handler builds its answers
 * here and the engine sends them from here, so the layout is known in this
 * file only.
 *
 * An answer is one buffer: the status line, the handler's fields, `Date`,
 * `Content-Length` when there is one, the empty line, and a small body right
 * after it (one write). Of a larger body the buffer holds the first
 * `COALESCE_MAX_BYTES`, and the rest stays the body's own buffer: a head
 * written alone goes out as a segment of its own, which the client wakes up
 * for (a 1 MiB file: 0.75× the requests/s of one write, `bench/RESULTS.md`).
 *
 * An answer is shared by every request that gets it within its second; at
 * the next one, its `Date` is written over in place
 * ({@linkcode renewFastLaneResponse}) when no write holds its buffer: an
 * engine counts its writes of an answer (`writes`), since bytes handed to a
 * write must not change while it is pending.
 *
 * @module
 */

import { COALESCE_MAX_BYTES, encodeHead } from "./encode_head.ts";
import type { FastLaneFieldList } from "./fast_lane_fields.ts";
import { httpDate } from "./http_date.ts";
import { statusLine } from "./status_text.ts";

/** A complete answer, ready for the wire. */
export interface FastLaneResponse {
  /** The status code, for access logs. */
  readonly status: number;
  /**
   * Status line and header section, ending with the empty line, with a
   * current `Date` and the framing (`Content-Length`) already in, then
   * the body or its first part: all of it when `body` is `null`.
   */
  readonly head: Uint8Array;
  /** Length of the status line and header section within `head`. */
  readonly headerBytes: number;
  /** Where the `Date` value (an IMF-fixdate, 29 bytes) is within `head`. */
  readonly dateAt: number;
  /**
   * Writes of the answer in flight: an engine adds one before it hands
   * `head` (or bytes copied from it) to a write and takes it back once the
   * write is done. While it is not `0`, `head` is never written to; one
   * never taken back (a write that failed) only keeps it so.
   */
  writes: number;
  /** The rest of the body, after the part inside `head`; `null` for none. */
  readonly body: Uint8Array | null;
  /** Body bytes sent, for access logs. */
  readonly bodyBytes: number;
  /**
   * Why the answer is what it is, as its `Berth-Explain` field says, for
   * access logs; `""` or absent when it does not say.
   */
  readonly explain?: string;
  /**
   * The same answer as a field list, for an engine that does not send
   * HTTP/1.1 bytes (HTTP/2); absent when the handler keeps none.
   */
  readonly fieldList?: FastLaneFieldList;
  /**
   * Whether its producer counted, in the memory it accounts for, the two
   * copies with a `Connection` field that {@linkcode keptCopy} may keep on
   * the answer (their size: {@linkcode connectionCopiesSize}). Only then are
   * they kept; the engine knows nothing else of where answers come from.
   */
  readonly copiesCounted: boolean;
  /**
   * The answer with `Connection: close`, once {@linkcode keptCopy} made it;
   * never written to after. Gone with the answer's second (a renewed
   * answer lets it go).
   */
  closeHead: Uint8Array | null;
  /** The same with `Connection: keep-alive`, for HTTP/1.0 clients. */
  keepAliveHead: Uint8Array | null;
}

/** What a {@linkcode FastLaneResponse} is made from. */
export interface FastLaneResponseInit {
  /** The status code. */
  readonly status: number;
  /**
   * The handler's fields as `name: value\r\n` lines, none of them one the
   * engine owns (`ENGINE_FIELDS`): `Date` and the framing are added here.
   */
  readonly fields: string;
  /** The body to send, or `null` for none (HEAD, 304). */
  readonly body: Uint8Array | null;
  /** The `Content-Length` to announce, or `-1` for none (304). */
  readonly contentLength: number;
  /**
   * The words of its `Berth-Explain` field (already among `fields`), for
   * access logs; `""` or absent for none.
   */
  readonly explain?: string;
  /** The same answer as a field list, passed on to the response. */
  readonly fieldList?: FastLaneFieldList;
  /**
   * Set when the producer counts the answer's `Connection` copies
   * ({@linkcode connectionCopiesSize}) against its memory budget, so
   * {@linkcode keptCopy} may keep them; absent or `false`: never kept.
   */
  readonly copiesCounted?: boolean;
}

/** An IMF-fixdate's length, for the years 1000 to 9999. */
const DATE_VALUE_BYTES = 29;
/** `date: ` + an IMF-fixdate + CRLF. */
const DATE_LINE_BYTES = 6 + DATE_VALUE_BYTES + 2;

function contentLengthLine(length: number): string {
  return length >= 0 ? "content-length: " + length + "\r\n" : "";
}

/** How many of the body's first bytes go into the answer's own buffer. */
function embeddedBytes(body: Uint8Array | null): number {
  return body === null ? 0 : Math.min(body.length, COALESCE_MAX_BYTES);
}

/**
 * Serialize an answer with the `Date` of `nowMs`: status line, fields,
 * `Date`, framing and the body (of a large one, its first part), in one
 * buffer.
 *
 * @param init What the answer is made of.
 * @param nowMs The time the answer is for, in milliseconds since the epoch.
 * @returns The answer; serve it within the second it names.
 */
export function serializeFastLaneResponse(
  init: FastLaneResponseInit,
  nowMs: number,
): FastLaneResponse {
  const { body } = init;
  const beforeDate = statusLine(init.status) + init.fields + "date: ";
  const head = beforeDate + httpDate(nowMs) + "\r\n" +
    contentLengthLine(init.contentLength) + "\r\n";
  const embed = embeddedBytes(body);
  const bytes = encodeHead(head, embed);
  if (body !== null) bytes.set(body.subarray(0, embed), head.length);
  return {
    status: init.status,
    head: bytes,
    headerBytes: head.length,
    dateAt: beforeDate.length,
    writes: 0,
    body: body === null || embed === body.length ? null : body.subarray(embed),
    bodyBytes: body === null ? 0 : body.length,
    explain: init.explain ?? "",
    fieldList: init.fieldList,
    copiesCounted: init.copiesCounted === true,
    closeHead: null,
    keepAliveHead: null,
  };
}

/**
 * Make an answer one for the second of `nowMs`, in place, when no write
 * holds its buffer: its `Date` bytes written over, its kept `Connection`
 * copies (with the old date) let go. The first hit of a new second took
 * 7.9 µs a file when it made a new buffer, 1.3 µs with this (a hit within
 * the second: 0.6–0.7 µs; `bench/new_second_pair.ts`, `bench/RESULTS.md`).
 * Nothing else of the answer depends on the time.
 *
 * @param response An answer made by {@linkcode serializeFastLaneResponse}.
 * @param nowMs The time the answer is now for.
 * @returns `true` when renewed; `false` when a write holds it (`writes`),
 *   and the caller makes a new one.
 */
export function renewFastLaneResponse(
  response: FastLaneResponse,
  nowMs: number,
): boolean {
  const date = httpDate(nowMs);
  // A date of another length (a year past 9999) would not fit its place.
  if (response.writes !== 0 || date.length !== DATE_VALUE_BYTES) return false;
  const head = response.head;
  const at = response.dateAt;
  for (let i = 0; i < date.length; i++) head[at + i] = date.charCodeAt(i);
  response.closeHead = null;
  response.keepAliveHead = null;
  return true;
}

/**
 * The bytes {@linkcode serializeFastLaneResponse} makes for `init` and keeps
 * in the answer's own buffer (the head, and a body it embeds), known before
 * it is built, so a cache can count it up front.
 *
 * @param init What the answer is made of.
 * @returns The length of the answer's `head` buffer.
 */
export function fastLaneResponseSize(init: FastLaneResponseInit): number {
  return statusLine(init.status).length + init.fields.length +
    DATE_LINE_BYTES + contentLengthLine(init.contentLength).length + 2 +
    embeddedBytes(init.body);
}

/**
 * What becomes of the connection after a fast-lane answer, as the answer
 * must say it (RFC 9112 §9.3): `"persist"` for HTTP/1.1, where persistence
 * goes without saying; `"keep-alive"` for an HTTP/1.0 client that asked for
 * it; `"close"` for every other.
 */
export type FastLaneConnection = "persist" | "keep-alive" | "close";

const encoder = new TextEncoder();
const CONNECTION_FIELDS = {
  "keep-alive": encoder.encode("connection: keep-alive\r\n\r\n"),
  close: encoder.encode("connection: close\r\n\r\n"),
};
/** What a `"keep-alive"` copy adds to an answer's length. */
const KEEP_ALIVE_EXTRA_BYTES = CONNECTION_FIELDS["keep-alive"].length - 2;
/** What a `"close"` copy adds. */
const CLOSE_EXTRA_BYTES = CONNECTION_FIELDS.close.length - 2;

/**
 * The largest answer (with its `Connection` field) worth copying into a
 * connection's own reusable buffer rather than a new one: for a small answer
 * a fresh buffer costs more than the copy (`ab -k` on a 2 KiB file: 86k →
 * 115k requests/s), for a large one the write dwarfs it.
 */
export const FAST_LANE_REUSE_MAX_BYTES = 8 * 1024;

/** The smallest reuse buffer made: most answers' heads fit in it. */
const REUSE_MIN_BYTES = 1024;

/**
 * The buffer a connection keeps to copy its next `"keep-alive"` answer into
 * (see {@linkcode fastLaneBytes}): `reuse` when the copy fits it; else, when
 * the copy is within {@linkcode FAST_LANE_REUSE_MAX_BYTES}, a new one sized
 * to it (the next power of two, from 1 KiB); else `reuse` unchanged. So a
 * connection whose answers are all larger than the bound holds no buffer —
 * one made only to go unused would be memory kept for nothing — and one
 * that holds a buffer holds at most the bound, replacing it at most three
 * times (1, 2, 4, 8 KiB) however its answers vary.
 *
 * @param reuse The connection's buffer so far, or `null` for none.
 * @param response The answer about to be copied.
 * @returns The buffer to keep (and pass to `fastLaneBytes`), or `null`.
 */
export function keepAliveReuse(
  reuse: Uint8Array | null,
  response: FastLaneResponse,
): Uint8Array | null {
  const length = response.head.length + KEEP_ALIVE_EXTRA_BYTES;
  if (
    (reuse !== null && reuse.length >= length) ||
    length > FAST_LANE_REUSE_MAX_BYTES
  ) {
    return reuse;
  }
  let size = REUSE_MIN_BYTES;
  while (size < length) size *= 2;
  return new Uint8Array(Math.min(size, FAST_LANE_REUSE_MAX_BYTES));
}

/**
 * The bytes to write for a fast-lane answer: the answer itself when the
 * connection simply persists, else a copy with the `Connection` field added
 * at the end of the head (before the empty line; an embedded body follows).
 *
 * @param response The answer.
 * @param connection What becomes of the connection.
 * @param reuse A buffer of the caller's to copy into when the copy fits,
 *   free again once the bytes are written; `null` for a new one.
 * @returns The bytes.
 */
export function fastLaneBytes(
  response: FastLaneResponse,
  connection: FastLaneConnection,
  reuse: Uint8Array | null = null,
): Uint8Array {
  if (connection === "persist") return response.head;
  const field = CONNECTION_FIELDS[connection];
  const head = response.head;
  const at = response.headerBytes - 2; // the empty line that ends the head
  const length = head.length + field.length - 2;
  const out = reuse !== null && reuse.length >= length
    ? reuse.subarray(0, length)
    : new Uint8Array(length);
  out.set(head.subarray(0, at));
  out.set(field, at);
  out.set(head.subarray(response.headerBytes), at + field.length);
  return out;
}

/**
 * The bytes the two copies {@linkcode keptCopy} may keep on an answer made
 * from `init` hold together (their data), for a producer that counts them
 * up front; `0` when either would be over
 * {@linkcode FAST_LANE_REUSE_MAX_BYTES}, an answer whose copies are not
 * worth keeping (for a large one the write dwarfs the copy).
 *
 * @param init What the answer is made of.
 * @returns The bytes of both copies, or `0`.
 */
export function connectionCopiesSize(init: FastLaneResponseInit): number {
  const size = fastLaneResponseSize(init);
  if (size + KEEP_ALIVE_EXTRA_BYTES > FAST_LANE_REUSE_MAX_BYTES) return 0;
  return 2 * size + KEEP_ALIVE_EXTRA_BYTES + CLOSE_EXTRA_BYTES;
}

/**
 * The answer's copy with a `Connection` field, made on first use and kept
 * on the answer for every later request that gets the same answer (within
 * its second: `Date`), when its producer counted such
 * copies (`copiesCounted`); else `null`, and the caller copies anew. A kept
 * copy is never written to, so connections may write it at the same time.
 *
 * @param response The answer.
 * @param connection `"close"` (RFC 9112 §9.6) or `"keep-alive"` for an
 *   HTTP/1.0 client that keeps the connection (RFC 9112 §9.3).
 * @returns The kept copy, or `null` when the answer keeps none.
 */
export function keptCopy(
  response: FastLaneResponse,
  connection: "keep-alive" | "close",
): Uint8Array | null {
  if (!response.copiesCounted) return null;
  return connection === "close"
    ? response.closeHead ??= fastLaneBytes(response, "close")
    : response.keepAliveHead ??= fastLaneBytes(response, "keep-alive");
}
