import assert from "node:assert/strict";
import {
  accessLogEntry,
  escapeRequestLine,
  MAX_LOGGED_REQUEST_LINE_CHARS,
} from "../../src/http1/access_log_entry.ts";
import { bytes } from "../../support/raw_http.ts";
import type { RequestHead } from "../../src/http1/request_head.ts";

const ADDR: Deno.NetAddr = { transport: "tcp", hostname: "127.0.0.1", port: 1 };

Deno.test("escapeRequestLine() escapes what could forge or break a log line", () => {
  const table: [string, string, string][] = [
    ["plain", "GET /a?b=1 HTTP/1.1\r\nHost: a\r\n\r\n", "GET /a?b=1 HTTP/1.1"],
    ["bare LF", "GET /a\nb HTTP/1.1\r\n", "GET /a\\x0Ab HTTP/1.1"],
    ["bare CR", "GET /a\rb HTTP/1.1\r\n", "GET /a\\x0Db HTTP/1.1"],
    [
      "a forged second line",
      'GET / HTTP/1.1\n1.2.3.4 - - "GET /admin HTTP/1.1" 200\r\n',
      "GET / HTTP/1.1\\x0A1.2.3.4 - - \\x22GET /admin HTTP/1.1\\x22 200",
    ],
    [
      "quotes and backslashes",
      'GET /"\\ HTTP/1.1\r\n',
      "GET /\\x22\\x5C HTTP/1.1",
    ],
    [
      "bytes over 0x7F",
      "GET /\xc3\xa9\xff HTTP/1.1\r\n",
      "GET /\\xC3\\xA9\\xFF HTTP/1.1",
    ],
    [
      "NUL, tab, DEL, ESC",
      "GET /\x00\t\x7f\x1b HTTP/1.1\r\n",
      "GET /\\x00\\x09\\x7F\\x1B HTTP/1.1",
    ],
    ["no CRLF yet (cut short)", "GET /par", "GET /par"],
    ["a lone CR at the end", "GET /\r", "GET /\\x0D"],
    ["nothing", "", ""],
  ];
  for (const [name, input, want] of table) {
    assert.equal(escapeRequestLine(bytes(input)), want, name);
  }
});

Deno.test("escapeRequestLine() cuts a long line to MAX_LOGGED_REQUEST_LINE_CHARS, never inside an escape", () => {
  assert.equal(MAX_LOGGED_REQUEST_LINE_CHARS, 256);
  const huge = escapeRequestLine(
    bytes(`GET /${"a".repeat(20_000)} HTTP/1.1\r\n`),
  );
  assert.equal(huge.length, 256);
  assert.equal(huge, `GET /${"a".repeat(248)}...`);
  // Exactly at the bound: kept whole, no marker.
  const exact = `GET /${"b".repeat(256 - 5)}`;
  assert.equal(escapeRequestLine(bytes(exact + "\r\n")), exact);
  // Escapes are four characters: the cut falls between two of them.
  const escaped = escapeRequestLine(bytes("\xff".repeat(1000)));
  assert.ok(escaped.length <= 256);
  assert.match(escaped, /^(\\xFF)+\.\.\.$/);
});

/** `GET / HTTP/1.1`, parsed. */
const GET_ROOT: RequestHead = {
  method: "GET",
  target: "/",
  minorVersion: 1,
  headerNames: [],
  headerValues: [],
  host: "a",
  contentLength: 0,
  keepAlive: true,
  expectContinue: false,
};

Deno.test("accessLogEntry() carries the escaped request line of a request that did not parse", () => {
  const entry = accessLogEntry(bytes("GET /\r\n HTTP/1.1\r\n\r\n"), {
    remoteAddr: ADDR,
    startedAt: performance.now(),
    sent: { status: 400, bodyBytes: 12 },
  });
  assert.equal(entry.requestLine, "GET /");
  assert.equal(entry.method, "");
  assert.equal(entry.target, "");
  assert.equal(entry.httpVersion, "");
  assert.equal(entry.status, 400);
  const parsed = accessLogEntry(GET_ROOT, {
    remoteAddr: ADDR,
    startedAt: performance.now(),
    sent: { status: 200, bodyBytes: 0 },
  });
  assert.equal(parsed.requestLine, "");
  assert.equal(parsed.method, "GET");
});

Deno.test("accessLogEntry() carries an answer's explanation: a fast-lane answer's words, or the response's Berth-Explain", () => {
  const head = GET_ROOT;
  const at = { remoteAddr: ADDR, startedAt: performance.now() };
  const fast = accessLogEntry(head, {
    ...at,
    sent: { status: 200, bodyBytes: 1, explain: "fast lane: 200: file" },
  });
  assert.equal(fast.explain, "fast lane: 200: file");
  const ordinary = accessLogEntry(head, {
    ...at,
    sent: {
      status: 404,
      bodyBytes: 1,
      headers: new Headers({ "berth-explain": "404: no such file" }),
    },
  });
  assert.equal(ordinary.explain, "404: no such file");
  const plain = accessLogEntry(head, {
    ...at,
    sent: { status: 200, bodyBytes: 1, explain: "", headers: new Headers() },
  });
  assert.equal(plain.explain, "");
});
