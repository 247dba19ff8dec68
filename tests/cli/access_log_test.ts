import assert from "node:assert/strict";
import type { AccessLogEntry } from "../../src/http1/access_log_entry.ts";
import {
  clfTime,
  escapeLogField,
  formatAccessLine,
} from "../../src/cli/access_log.ts";

function entry(overrides: Partial<AccessLogEntry> = {}): AccessLogEntry {
  return {
    remoteAddr: { transport: "tcp", hostname: "127.0.0.1", port: 51234 },
    time: Date.UTC(2026, 10, 25, 21, 53, 16, 400),
    method: "GET",
    target: "/path?q=1",
    httpVersion: "HTTP/1.1",
    status: 200,
    bodyBytes: 1560,
    durationMs: 0.42,
    referer: "http://example.test/",
    userAgent: "curl/8.5.0",
    requestLine: "",
    explain: "",
    ...overrides,
  };
}

Deno.test("formatAccessLine() text: method, path, status, bytes, duration", () => {
  const text = { format: "text", verbose: false } as const;
  assert.equal(
    formatAccessLine(entry(), text),
    "GET /path?q=1 200 1560 B 0.4 ms",
  );
  assert.equal(
    formatAccessLine(
      entry({ durationMs: 12.345, status: 304, bodyBytes: 0 }),
      text,
    ),
    "GET /path?q=1 304 0 B 12.3 ms",
  );
});

Deno.test("formatAccessLine() text, verbose: client, user agent, worker", () => {
  assert.equal(
    formatAccessLine(entry(), { format: "text", verbose: true }),
    'GET /path?q=1 200 1560 B 0.4 ms from 127.0.0.1:51234 "curl/8.5.0"',
  );
  assert.equal(
    formatAccessLine(
      entry({
        remoteAddr: { transport: "tcp", hostname: "::1", port: 9 },
      }),
      { format: "text", verbose: true, workerId: 3 },
    ),
    'GET /path?q=1 200 1560 B 0.4 ms from [::1]:9 "curl/8.5.0" worker 3',
  );
  assert.equal(
    formatAccessLine(
      entry({
        remoteAddr: { transport: "unix", path: "" },
        userAgent: "",
      }),
      { format: "text", verbose: true },
    ),
    'GET /path?q=1 200 1560 B 0.4 ms from unix ""',
  );
  // The worker only shows with verbose.
  assert.equal(
    formatAccessLine(entry(), { format: "text", verbose: false, workerId: 3 }),
    "GET /path?q=1 200 1560 B 0.4 ms",
  );
});

Deno.test("formatAccessLine() clf and combined", () => {
  assert.equal(
    formatAccessLine(entry(), { format: "clf", verbose: false }),
    '127.0.0.1 - - [25/Nov/2026:21:53:16 +0000] "GET /path?q=1 HTTP/1.1" 200 1560',
  );
  assert.equal(
    formatAccessLine(entry({ bodyBytes: 0, status: 304 }), {
      format: "clf",
      verbose: true,
    }),
    '127.0.0.1 - - [25/Nov/2026:21:53:16 +0000] "GET /path?q=1 HTTP/1.1" 304 -',
  );
  assert.equal(
    formatAccessLine(entry(), { format: "combined", verbose: false }),
    '127.0.0.1 - - [25/Nov/2026:21:53:16 +0000] "GET /path?q=1 HTTP/1.1" 200 1560 "http://example.test/" "curl/8.5.0"',
  );
  assert.equal(
    formatAccessLine(entry({ referer: "", userAgent: "" }), {
      format: "combined",
      verbose: false,
    }),
    '127.0.0.1 - - [25/Nov/2026:21:53:16 +0000] "GET /path?q=1 HTTP/1.1" 200 1560 "-" "-"',
  );
});

Deno.test("formatAccessLine() shows a refused request with no request line as -", () => {
  const bad = entry({
    method: "",
    target: "",
    httpVersion: "",
    status: 400,
    bodyBytes: 0,
  });
  assert.equal(
    formatAccessLine(bad, { format: "text", verbose: false }),
    "- - 400 0 B 0.4 ms",
  );
  assert.equal(
    formatAccessLine(bad, { format: "clf", verbose: false }),
    '127.0.0.1 - - [25/Nov/2026:21:53:16 +0000] "-" 400 -',
  );
});

Deno.test("formatAccessLine() cannot be made to break a line or a quoted field", () => {
  const line = formatAccessLine(
    entry({ userAgent: 'evil"\r\nGET /forged 200', referer: "a\\b" }),
    { format: "combined", verbose: false },
  );
  assert.ok(!/[\r\n]/.test(line));
  assert.match(line, /"a\\\\b" "evil\\"\\x0D\\x0AGET \/forged 200"$/);
  assert.equal(escapeLogField("plain /ascii?x=1"), "plain /ascii?x=1");
  assert.equal(escapeLogField("é\u2028\x1b"), "\\xE9\\u2028\\x1B");
});

Deno.test("clfTime() is UTC, zero-padded, and cached per second correctly", () => {
  const t = Date.UTC(2026, 0, 2, 3, 4, 5);
  assert.equal(clfTime(t), "02/Jan/2026:03:04:05 +0000");
  assert.equal(clfTime(t + 999), "02/Jan/2026:03:04:05 +0000");
  assert.equal(clfTime(t + 1000), "02/Jan/2026:03:04:06 +0000");
  assert.equal(
    clfTime(Date.UTC(2025, 11, 31, 23, 59, 59)),
    "31/Dec/2025:23:59:59 +0000",
  );
});

Deno.test("formatAccessLine() shows the escaped request line of a request that did not parse", () => {
  const bad = entry({
    method: "",
    target: "",
    httpVersion: "",
    status: 400,
    bodyBytes: 12,
    referer: "",
    userAgent: "",
    requestLine: "GET /a\\x0Ab\\x22 HTTP/1.1",
  });
  assert.equal(
    formatAccessLine(bad, { format: "text", verbose: false }),
    '"GET /a\\x0Ab\\x22 HTTP/1.1" 400 12 B 0.4 ms',
  );
  assert.equal(
    formatAccessLine(bad, { format: "clf", verbose: false }),
    '127.0.0.1 - - [25/Nov/2026:21:53:16 +0000] "GET /a\\x0Ab\\x22 HTTP/1.1" 400 12',
  );
  assert.equal(
    formatAccessLine(bad, { format: "combined", verbose: false }),
    '127.0.0.1 - - [25/Nov/2026:21:53:16 +0000] "GET /a\\x0Ab\\x22 HTTP/1.1" 400 12 "-" "-"',
  );
  // A line that did not come escaped from the engine is escaped here.
  assert.equal(
    formatAccessLine(entry({ ...bad, requestLine: 'GET /\r\n"' }), {
      format: "text",
      verbose: false,
    }),
    '"GET /\\x0D\\x0A\\"" 400 12 B 0.4 ms',
  );
});

Deno.test("formatAccessLine() ends the line with the answer's explanation, in every format, escaped", () => {
  const explained = entry({
    status: 304,
    bodyBytes: 0,
    explain: 'fast lane: 304: If-None-Match matched "3e8-a5f1fa85"',
  });
  const words = '"fast lane: 304: If-None-Match matched \\"3e8-a5f1fa85\\""';
  assert.equal(
    formatAccessLine(explained, { format: "text", verbose: false }),
    `GET /path?q=1 304 0 B 0.4 ms ${words}`,
  );
  assert.equal(
    formatAccessLine(explained, { format: "text", verbose: true, workerId: 2 }),
    `GET /path?q=1 304 0 B 0.4 ms from 127.0.0.1:51234 "curl/8.5.0" worker 2 ${words}`,
  );
  assert.equal(
    formatAccessLine(explained, { format: "clf", verbose: false }),
    `127.0.0.1 - - [25/Nov/2026:21:53:16 +0000] "GET /path?q=1 HTTP/1.1" 304 - ${words}`,
  );
  assert.equal(
    formatAccessLine(explained, { format: "combined", verbose: false }),
    `127.0.0.1 - - [25/Nov/2026:21:53:16 +0000] "GET /path?q=1 HTTP/1.1" 304 - "http://example.test/" "curl/8.5.0" ${words}`,
  );
  // Words from another handler cannot break the line either.
  assert.equal(
    formatAccessLine(entry({ explain: "a\r\nb\\" }), {
      format: "text",
      verbose: false,
    }),
    'GET /path?q=1 200 1560 B 0.4 ms "a\\x0D\\x0Ab\\\\"',
  );
  // No explanation, nothing added.
  assert.equal(
    formatAccessLine(entry(), { format: "clf", verbose: false }),
    '127.0.0.1 - - [25/Nov/2026:21:53:16 +0000] "GET /path?q=1 HTTP/1.1" 200 1560',
  );
});
