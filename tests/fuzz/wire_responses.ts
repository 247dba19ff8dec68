/**
 * What the engine wrote, parsed strictly as a sequence of HTTP/1.1
 * responses: status line, CRLF-terminated fields, exact framing, nothing
 * left over.
 *
 * @module
 */

import { escapeBytes } from "./latin1.ts";

/** One response as the engine wrote it. */
export interface WireResponse {
  /** The status code. */
  status: number;
  /** The fields, names lower-cased, in order. */
  headers: [string, string][];
  /** The body, de-chunked, latin1. */
  body: string;
  /** The handler call it answers (its `x-call` field), or `null`. */
  call: number | null;
  /** Whether it carries `Connection: close`. */
  close: boolean;
}

function header(response: WireResponse, name: string): string | null {
  const found = response.headers.find(([n]) => n === name);
  return found === undefined ? null : found[1];
}

/**
 * Parse everything the engine wrote as a sequence of HTTP/1.1 responses,
 * strictly: status line, CRLF-terminated fields, exact framing, nothing
 * left over. `isHead(call)` tells whether the request that response `call`
 * answers was a HEAD (its body is then absent whatever the fields say).
 */
export function parseWire(
  out: string,
  isHead: (call: number | null) => boolean,
): { responses: WireResponse[]; error: string | null } {
  const responses: WireResponse[] = [];
  let pos = 0;
  const bad = (why: string) => ({
    responses,
    error: `${why} at byte ${pos}: ${escapeBytes(out.slice(pos, pos + 120))}`,
  });
  while (pos < out.length) {
    const headEnd = out.indexOf("\r\n\r\n", pos);
    if (headEnd === -1) return bad("a response head without its end");
    const lines = out.slice(pos, headEnd).split("\r\n");
    const statusLine = /^HTTP\/1\.1 ([1-9][0-9]{2}) [\x20-\x7e]*$/.exec(
      lines[0],
    );
    if (statusLine === null) return bad("a malformed status line");
    const headers: [string, string][] = [];
    for (const line of lines.slice(1)) {
      // deno-lint-ignore no-control-regex
      const m = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+): ([^\x00-\x08\x0a-\x1f]*)$/
        .exec(line);
      if (m === null) return bad(`a malformed field line ${escapeBytes(line)}`);
      headers.push([m[1].toLowerCase(), m[2]]);
    }
    const status = Number(statusLine[1]);
    const callField = headers.find(([n]) => n === "x-call")?.[1];
    const call = callField === undefined ? null : Number(callField);
    const response: WireResponse = {
      status,
      headers,
      body: "",
      call,
      close: /(^|,)\s*close\s*(,|$)/i.test(
        headers.find(([n]) => n === "connection")?.[1] ?? "",
      ),
    };
    pos = headEnd + 4;
    const lengths = headers.filter(([n]) => n === "content-length");
    const te = header(response, "transfer-encoding");
    if (lengths.length > 1) return bad("two content-length fields");
    if (lengths.length === 1 && te !== null) {
      return bad("content-length with transfer-encoding");
    }
    if (lengths.length === 1 && !/^[0-9]+$/.test(lengths[0][1])) {
      return bad("a malformed content-length");
    }
    const noBody = status < 200 || status === 204 || status === 304 ||
      isHead(call);
    if ((status < 200 || status === 204) && (te !== null)) {
      return bad("transfer-encoding on a bodiless status");
    }
    if (noBody) {
      // Nothing.
    } else if (te !== null) {
      if (te !== "chunked") return bad(`transfer-encoding ${te}`);
      while (true) {
        const lineEnd = out.indexOf("\r\n", pos);
        if (lineEnd === -1) return bad("an unterminated chunk-size line");
        const sizeText = out.slice(pos, lineEnd);
        if (!/^[0-9a-f]+$/.test(sizeText)) return bad("a bad chunk size");
        const size = parseInt(sizeText, 16);
        pos = lineEnd + 2;
        if (size === 0) {
          if (!out.startsWith("\r\n", pos)) return bad("a bad last chunk");
          pos += 2;
          break;
        }
        if (out.length < pos + size + 2) return bad("a short chunk");
        response.body += out.slice(pos, pos + size);
        pos += size;
        if (!out.startsWith("\r\n", pos)) return bad("chunk data without CRLF");
        pos += 2;
      }
    } else if (lengths.length === 1) {
      const length = Number(lengths[0][1]);
      if (out.length < pos + length) return bad("a body shorter than declared");
      response.body = out.slice(pos, pos + length);
      pos += length;
    } else {
      // Close-delimited: only ever the last response.
      response.body = out.slice(pos);
      pos = out.length;
      response.close = true;
    }
    responses.push(response);
  }
  return { responses, error: null };
}
