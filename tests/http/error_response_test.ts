import assert from "node:assert/strict";
import {
  errorResponse,
  errorResponseBytes,
} from "../../src/http/error_response.ts";
import { httpDate } from "../../src/http/http_date.ts";

const decoder = new TextDecoder();

Deno.test("errorResponseBytes() answers with the reason phrase and closes", () => {
  const text = decoder.decode(errorResponseBytes(431));
  const date = text.match(/\r\ndate: ([^\r]+)\r\n/)![1];
  assert.equal(date, httpDate(Date.parse(date)));
  assert.equal(
    text,
    "HTTP/1.1 431 Request Header Fields Too Large\r\n" +
      "content-type: text/plain; charset=utf-8\r\n" +
      "content-length: 32\r\n" +
      "connection: close\r\n" +
      `date: ${date}\r\n\r\n` +
      "Request Header Fields Too Large\n",
  );
});

Deno.test("errorResponseBytes() leaves the connection open when asked, and names an unknown status Error", () => {
  const text = decoder.decode(errorResponseBytes(599, true));
  assert.match(text, /^HTTP\/1\.1 599 Error\r\n/);
  assert.doesNotMatch(text, /connection:/);
  assert.match(text, /\r\ncontent-length: 6\r\n/);
  assert.ok(text.endsWith("\r\n\r\nError\n"));
});

Deno.test("errorResponse() is the same generic text as a Response", async () => {
  const response = errorResponse(500);
  assert.equal(response.status, 500);
  assert.equal(
    response.headers.get("content-type"),
    "text/plain; charset=utf-8",
  );
  assert.equal(await response.text(), "Internal Server Error\n");
});
