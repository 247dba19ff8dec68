import assert from "node:assert/strict";
import { STATUS_TEXT, statusLine } from "../../src/http/status_text.ts";

Deno.test("statusLine() builds the HTTP/1.1 status line with the registered phrase", () => {
  const cases: [number, string][] = [
    [200, "HTTP/1.1 200 OK\r\n"],
    [304, "HTTP/1.1 304 Not Modified\r\n"],
    [431, "HTTP/1.1 431 Request Header Fields Too Large\r\n"],
    [299, "HTTP/1.1 299 Unknown\r\n"],
  ];
  for (const [status, want] of cases) assert.equal(statusLine(status), want);
});

Deno.test("statusLine() agrees with STATUS_TEXT for every registered status", () => {
  for (const [code, text] of Object.entries(STATUS_TEXT)) {
    assert.equal(statusLine(Number(code)), `HTTP/1.1 ${code} ${text}\r\n`);
  }
});
