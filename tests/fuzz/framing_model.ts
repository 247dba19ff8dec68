/**
 * The framing model of connection cases: which requests a correct engine
 * hands to the handler, in order, and why it stops. Heads are parsed with
 * berth's own parser (the parser cases check that one); finding heads,
 * body framing and what the engine answers itself are modelled here
 * independently.
 *
 * @module
 */

import { type ResolvedLimits, resolveLimits } from "../../src/http1/limits.ts";
import { parseRequestHead } from "../../src/http1/parse_request_head.ts";
import { RequestParseError } from "../../src/http1/request_head.ts";
import { toBytes } from "./latin1.ts";

/** Limits of every connection case: small, so limits are reachable. */
export const CONNECTION_LIMITS: ResolvedLimits = resolveLimits({
  maxHeaderBytes: 768,
  maxRequestTargetBytes: 160,
  maxHeaderCount: 12,
  maxBodyBytes: 256,
  // Never reached: every input ends, so every read reaches EOF first.
  headersTimeoutMs: 60_000,
  keepAliveTimeoutMs: 60_000,
});

const MAX_CHUNK_LINE_BYTES = 4096;

/** A request the model expects the handler to see. */
export interface ModelCall {
  kind: "call";
  /** The method as sent (case kept). */
  rawMethod: string;
  /** The method as a `Request` has it. */
  method: string;
  url: string;
  /** The engine may close after it (100-continue whose body is unread). */
  mayClose: boolean;
}

/** An `OPTIONS *` request: answered by the engine, no handler call. */
export interface ModelStar {
  kind: "options-star";
}

/** Why the model stops reading the input. */
export type ModelStop =
  | { kind: "eof"; strayCrlf: boolean }
  | ModelError
  | { kind: "close" }
  | { kind: "body"; reason: string };

/** A refusal: the status the engine answers (or, at a limit, another). */
export interface ModelError {
  kind: "error";
  status: number;
  /** Also right: a bare LF past the size limit may be seen first. */
  alternative?: number;
  reason: string;
}

/** The requests the handler sees, and why the engine stops. */
export interface Model {
  events: (ModelCall | ModelStar)[];
  stop: ModelStop;
}

/**
 * Find the next head from `pos` the way RFC 9112 §2.2 and the engine's
 * limits say: skip empty lines, every line ends in CRLF, the head is at
 * most `maxHeaderBytes`.
 */
function modelScanHead(
  s: string,
  pos: number,
  maxHeaderBytes: number,
):
  | { kind: "head"; start: number; end: number }
  | { kind: "eof"; strayCrlf: boolean }
  | ModelError {
  const from = pos;
  while (s.startsWith("\r\n", pos)) pos += 2;
  if (pos === s.length) return { kind: "eof", strayCrlf: pos > from };
  let lineStart = pos;
  for (let lf = s.indexOf("\n", pos); lf !== -1; lf = s.indexOf("\n", lf + 1)) {
    const bare = lf === pos || s[lf - 1] !== "\r";
    if (lf + 1 - pos > maxHeaderBytes) {
      // Whether the engine sees this LF before the size limit trips depends
      // on how the bytes arrived: a bare one may be named first.
      const status = lineStart === pos ? 414 : 431;
      return bare
        ? { kind: "error", status, alternative: 400, reason: "too large" }
        : { kind: "error", status, reason: "too large" };
    }
    if (bare) return { kind: "error", status: 400, reason: "bare LF" };
    if (lf - 1 === lineStart) return { kind: "head", start: pos, end: lf + 1 };
    lineStart = lf + 1;
  }
  if (s.length - pos >= maxHeaderBytes) {
    return lineStart === pos
      ? { kind: "error", status: 414, reason: "request line too long" }
      : { kind: "error", status: 431, reason: "head too large" };
  }
  return { kind: "error", status: 400, reason: "incomplete head" };
}

const NORMALIZED = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];

/** `get`, `Post`…: an unknown method (RFC 9110 §9.1) `Request` would fix. */
function isMiscased(method: string): boolean {
  const upper = method.toUpperCase();
  return upper !== method && NORMALIZED.includes(upper);
}

/** One CRLF-terminated line from `pos`, at most `max` bytes with its CRLF. */
function modelLine(
  s: string,
  pos: number,
  max: number,
): { line: string; next: number } | null {
  const lf = s.indexOf("\n", pos);
  if (lf === -1 || lf === pos || s[lf - 1] !== "\r") return null;
  if (lf + 1 - pos > max) return null;
  return { line: s.slice(pos, lf - 1), next: lf + 1 };
}

// RFC 9112 §7.1.1: chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS
// ext-val ] ), ext-val = token / quoted-string. berth checks less (see
// CHUNK_LINE_AS_BERTH); the model takes berth's rule and the difference is
// listed in the fuzzing report.
const CHUNK_LINE_AS_BERTH =
  // deno-lint-ignore no-control-regex
  /^([0-9A-Fa-f]+)[ \t]*(;[^\x00-\x08\x0a-\x1f\x7f]*)?$/;

/**
 * A chunked body from `pos`: the index after it (and whether it ran over
 * `maxBodyBytes`), or why it is invalid.
 */
function modelChunked(
  s: string,
  pos: number,
  maxBodyBytes: number,
  maxTrailerBytes: number,
): { next: number; overLimit: boolean } | { error: string } {
  let total = 0;
  while (true) {
    const sizeLine = modelLine(s, pos, MAX_CHUNK_LINE_BYTES);
    if (sizeLine === null) return { error: "chunk-size line" };
    const m = CHUNK_LINE_AS_BERTH.exec(sizeLine.line);
    if (m === null) return { error: "chunk-size syntax" };
    if (m[1].length > 13) return { error: "chunk size too large" };
    const size = parseInt(m[1], 16);
    pos = sizeLine.next;
    if (size === 0) break;
    total += size;
    if (s.length < pos + size + 2) return { error: "incomplete chunk" };
    pos += size;
    if (!s.startsWith("\r\n", pos)) return { error: "chunk data not CRLF" };
    pos += 2;
  }
  let trailerBytes = 0;
  while (true) {
    const line = modelLine(s, pos, MAX_CHUNK_LINE_BYTES);
    if (line === null) return { error: "trailer line" };
    trailerBytes += line.line.length + 2;
    if (trailerBytes > maxTrailerBytes) return { error: "trailers too large" };
    pos = line.next;
    if (line.line === "") return { next: pos, overLimit: total > maxBodyBytes };
  }
}

/**
 * What a correct engine does with `s`: the requests its handler sees, in
 * order, and why it stops. Heads are parsed with berth's own parser (the
 * parser cases check that one against the reference); everything else —
 * finding heads, body framing, what the engine answers itself — is
 * modelled here independently.
 */
export function model(
  s: string,
  limits: ResolvedLimits,
  readWhole: (call: number) => boolean,
): Model {
  const events: (ModelCall | ModelStar)[] = [];
  let pos = 0;
  while (true) {
    const scan = modelScanHead(s, pos, limits.maxHeaderBytes);
    if (scan.kind === "eof") return { events, stop: scan };
    if (scan.kind === "error") return { events, stop: scan };
    const head = parseRequestHead(toBytes(s), scan.start, scan.end, limits);
    if (head instanceof RequestParseError) {
      return {
        events,
        stop: { kind: "error", status: head.status, reason: head.message },
      };
    }
    pos = scan.end;
    if (head.contentLength > limits.maxBodyBytes) {
      return { events, stop: { kind: "error", status: 413, reason: "CL" } };
    }
    if (
      ["CONNECT", "TRACE", "TRACK"].includes(head.method) ||
      isMiscased(head.method)
    ) {
      return { events, stop: { kind: "error", status: 501, reason: "method" } };
    }
    if (head.target === "*") {
      events.push({ kind: "options-star" });
      if (!head.keepAlive || head.contentLength !== 0) {
        return { events, stop: { kind: "close" } };
      }
      continue;
    }
    const url = head.target.startsWith("/")
      ? "http://" + (head.host === "" ? "localhost" : head.host) + head.target
      : head.target;
    let request: Request;
    try {
      const headers = new Headers();
      for (let i = 0; i < head.headerNames.length; i++) {
        headers.append(head.headerNames[i], head.headerValues[i]);
      }
      // As the engine builds it: a body unless the method is GET or HEAD.
      const withBody = head.contentLength !== 0 && head.method !== "GET" &&
        head.method !== "HEAD";
      request = new Request(url, {
        method: head.method,
        headers,
        body: withBody ? "" : null,
      });
    } catch {
      return { events, stop: { kind: "error", status: 400, reason: "URL" } };
    }
    const hasBody = head.contentLength !== 0;
    const call: ModelCall = {
      kind: "call",
      rawMethod: head.method,
      method: request.method,
      url: request.url,
      mayClose: head.expectContinue && hasBody,
    };
    const index = events.filter((e) => e.kind === "call").length;
    events.push(call);
    if (head.contentLength > 0) {
      if (s.length - pos < head.contentLength) {
        return { events, stop: { kind: "body", reason: "incomplete body" } };
      }
      pos += head.contentLength;
    } else if (head.contentLength < 0) {
      const body = modelChunked(
        s,
        pos,
        limits.maxBodyBytes,
        limits.maxHeaderBytes,
      );
      if ("error" in body) {
        return { events, stop: { kind: "body", reason: body.error } };
      }
      if (body.overLimit) {
        // Over maxBodyBytes: a handler reading it gets a 413 and the
        // connection closes. KNOWN BUG (see tests/fuzz_test.ts): when the
        // handler leaves it unread, the engine drains it whole, limit
        // unchecked, and goes on; either outcome is accepted here.
        if (readWhole(index)) {
          return { events, stop: { kind: "body", reason: "too large" } };
        }
        call.mayClose = true;
      }
      pos = body.next;
    }
    if (!head.keepAlive) return { events, stop: { kind: "close" } };
  }
}
