/**
 * An HTTP/2 stream's access-log entry: the same `AccessLogEntry` the
 * HTTP/1.1 engine reports, so one `onResponse` logs both; the version is
 * `HTTP/2.0`, as nginx logs it.
 *
 * @module
 */

import { EXPLAIN_FIELD } from "../http/explain_field.ts";
import type { AccessLogEntry } from "../http1/access_log_entry.ts";
import type { Http2Stream } from "./http2_stream.ts";

/**
 * The entry for a stream that was answered.
 *
 * @param stream The stream, its response queued (and perhaps sent).
 * @param remoteAddr The client's address.
 * @returns The entry.
 */
export function streamLogEntry(
  stream: Http2Stream,
  remoteAddr: Deno.Addr,
): AccessLogEntry {
  const durationMs = performance.now() - stream.startedAt;
  const head = stream.head;
  let referer = "";
  let userAgent = "";
  const names = head?.headerNames ?? [];
  for (let i = 0; i < names.length; i++) {
    if (names[i] === "referer") referer = head!.headerValues[i];
    else if (names[i] === "user-agent") userAgent = head!.headerValues[i];
  }
  return {
    remoteAddr,
    time: Date.now() - durationMs,
    method: head?.method ?? "",
    target: head?.path ?? "",
    httpVersion: "HTTP/2.0",
    status: stream.status,
    bodyBytes: stream.output.bodyBytesSent,
    durationMs,
    referer,
    userAgent,
    requestLine: "",
    explain: stream.responseHeaders?.get(EXPLAIN_FIELD) ?? stream.explain,
  };
}
