/**
 * The access log: one line per answered request, formatted from `serve()`'s
 * `onResponse` entries.
 *
 * @module
 */

import type { AccessLogEntry } from "../http1/access_log_entry.ts";

/** The access log's line formats. */
export type LogFormat = "text" | "clf" | "combined";

/**
 * Every line format, as `--log-format` takes it.
 */
export const LOG_FORMATS: readonly LogFormat[] = Object.freeze([
  "text",
  "clf",
  "combined",
]);

/** How lines are formatted. */
export interface AccessLogFormat {
  /** The line format. */
  format: LogFormat;
  /** In `text`: add the client's address, user agent and worker. */
  verbose: boolean;
  /** The worker that served, shown by `verbose` (absent on the main thread). */
  workerId?: number;
}

const MONTHS = [
  "Jan",
  "Feb",
  "Mar",
  "Apr",
  "May",
  "Jun",
  "Jul",
  "Aug",
  "Sep",
  "Oct",
  "Nov",
  "Dec",
];

// Anything that could break a line or a quoted field, or fool a terminal.
// deno-lint-ignore no-control-regex
const UNSAFE = /[\x00-\x1f\x7f-\uffff"\\]/;
// deno-lint-ignore no-control-regex
const UNSAFE_ALL = /[\x00-\x1f\x7f-\uffff"\\]/g;

/**
 * Make a request field safe for a log line: quotes and backslashes are
 * backslash-escaped, control and non-ASCII characters become `\xHH`
 * (or `\uHHHH`), as nginx does.
 *
 * @param text A value the client sent.
 * @returns It, safe between double quotes on one line.
 */
export function escapeLogField(text: string): string {
  if (!UNSAFE.test(text)) return text;
  return text.replace(UNSAFE_ALL, (c) => {
    if (c === '"' || c === "\\") return `\\${c}`;
    const code = c.charCodeAt(0);
    return code < 0x100
      ? `\\x${code.toString(16).toUpperCase().padStart(2, "0")}`
      : `\\u${code.toString(16).toUpperCase().padStart(4, "0")}`;
  });
}

// What escapeRequestLine() never leaves in a line.
// deno-lint-ignore no-control-regex
const UNESCAPED = /[\x00-\x1f\x7f-\uffff"]/;

/**
 * The engine escapes a refused request's line (escapeRequestLine): it goes
 * between quotes as it is, since escaping it again would double its
 * backslashes. A line that did not come that way is escaped here.
 */
function escapedRequestLine(line: string): string {
  return UNESCAPED.test(line) ? escapeLogField(line) : line;
}

let clfSecond = -1;
let clfStamp = "";

/**
 * A time as Common Log Format writes it, in UTC: `25/Nov/2026:21:53:16 +0000`.
 *
 * @param time Milliseconds since the epoch.
 * @returns The stamp, without brackets.
 */
export function clfTime(time: number): string {
  const second = Math.floor(time / 1000);
  if (second !== clfSecond) {
    const d = new Date(second * 1000);
    const p = (n: number) => String(n).padStart(2, "0");
    clfStamp = `${p(d.getUTCDate())}/${
      MONTHS[d.getUTCMonth()]
    }/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${
      p(d.getUTCSeconds())
    } +0000`;
    clfSecond = second;
  }
  return clfStamp;
}

function clientHost(addr: Deno.Addr): string {
  return addr.transport === "tcp" || addr.transport === "udp"
    ? addr.hostname
    : "-";
}

function clientAddress(addr: Deno.Addr): string {
  if (addr.transport === "tcp" || addr.transport === "udp") {
    return addr.hostname.includes(":")
      ? `[${addr.hostname}]:${addr.port}`
      : `${addr.hostname}:${addr.port}`;
  }
  return addr.transport === "unix" && addr.path !== "" ? addr.path : "unix";
}

/**
 * Format one access log line (without its newline).
 *
 * - `text`: `GET /path 200 1560 B 0.4 ms`; with `verbose`, then
 *   `from 127.0.0.1:51234 "user agent"` and `worker N` when on a worker.
 * - `clf`: `127.0.0.1 - - [25/Nov/2026:21:53:16 +0000] "GET /path HTTP/1.1" 200 1560`
 *   (`-` for an empty body).
 * - `combined`: `clf`, then `"referer" "user agent"`.
 *
 * A request that did not parse shows, instead of method and path, its request
 * line as received, escaped by the engine, between double quotes:
 * `"GET /a\x0Ab HTTP/1.1" 400 12 B 0.1 ms`, or in `clf`
 * `... "GET /a\x0Ab HTTP/1.1" 400 12` (`- -`, `"-"` when it is empty).
 *
 * An answer that says why it is what it is (`--explain`) ends its line, in
 * every format, with those words between double quotes, escaped as a
 * request field is: `GET / 304 0 B 0.1 ms "304: If-None-Match matched \"…\""`.
 *
 * @param entry What `serve()` reported.
 * @param options The format.
 * @returns The line.
 */
export function formatAccessLine(
  entry: AccessLogEntry,
  options: AccessLogFormat,
): string {
  const target = entry.target === "" ? "-" : escapeLogField(entry.target);
  const method = entry.method === "" ? "-" : escapeLogField(entry.method);
  const refused = entry.method === "" && entry.requestLine !== ""
    ? `"${escapedRequestLine(entry.requestLine)}"`
    : "";
  if (options.format === "text") {
    const request = entry.method !== ""
      ? `${method} ${target}`
      : refused || "- -";
    let line = `${request} ${entry.status} ${entry.bodyBytes} B ${
      entry.durationMs.toFixed(1)
    } ms`;
    if (options.verbose) {
      line += ` from ${clientAddress(entry.remoteAddr)} "${
        escapeLogField(entry.userAgent)
      }"`;
      if (options.workerId !== undefined) line += ` worker ${options.workerId}`;
    }
    return withExplanation(line, entry);
  }
  const request = entry.method !== ""
    ? `"${method} ${target} ${escapeLogField(entry.httpVersion)}"`
    : refused || '"-"';
  let line = `${clientHost(entry.remoteAddr)} - - [${
    clfTime(entry.time)
  }] ${request} ${entry.status} ${
    entry.bodyBytes === 0 ? "-" : entry.bodyBytes
  }`;
  if (options.format === "combined") {
    line += ` "${escapeLogField(entry.referer) || "-"}" "${
      escapeLogField(entry.userAgent) || "-"
    }"`;
  }
  return withExplanation(line, entry);
}

/** The line, then the answer's explanation, if it has one. */
function withExplanation(line: string, entry: AccessLogEntry): string {
  const explain = entry.explain;
  return explain === "" ? line : `${line} "${escapeLogField(explain)}"`;
}
