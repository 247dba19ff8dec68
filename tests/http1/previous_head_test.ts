/**
 * A connection's previous head: a head whose bytes repeat it is it, any
 * other head parses as it would alone, and what is kept stays bounded.
 */

import assert from "node:assert/strict";
import {
  PREVIOUS_HEAD_MAX_BYTES,
  PreviousHead,
} from "../../src/http1/previous_head.ts";
import { parseRequestHead } from "../../src/http1/parse_request_head.ts";
import {
  type RequestHead,
  RequestParseError,
} from "../../src/http1/request_head.ts";

const LIMITS = { maxRequestTargetBytes: 8192, maxHeaderCount: 100 };
const encoder = new TextEncoder();

/** Parse `text` through `previous`, from an offset in a larger buffer. */
function through(
  previous: PreviousHead,
  text: string,
): RequestHead | RequestParseError {
  const bytes = encoder.encode("xx" + text + "yy");
  return previous.parse(bytes, 2, 2 + text.length, LIMITS);
}

function alone(text: string): RequestHead | RequestParseError {
  const bytes = encoder.encode(text);
  return parseRequestHead(bytes, 0, bytes.length, LIMITS);
}

const A = "GET /a HTTP/1.1\r\nHost: one\r\n\r\n";
const B = "GET /b HTTP/1.1\r\nHost: one\r\n\r\n";

Deno.test("PreviousHead hands on the previous head for the same bytes", () => {
  const previous = new PreviousHead();
  const first = through(previous, A);
  assert.deepEqual(first, alone(A));
  assert.equal(through(previous, A), first);
});

Deno.test("PreviousHead parses other bytes as they parse alone", () => {
  const previous = new PreviousHead();
  const sequence = [A, B, A, "GET /a HTTP/1.1\r\nHost: two\r\n\r\n", A];
  let last: RequestHead | RequestParseError | undefined;
  for (const text of sequence) {
    const head = through(previous, text);
    assert.deepEqual(head, alone(text), text);
    assert.notEqual(head, last);
    last = head;
  }
});

Deno.test("PreviousHead keeps the previous head across a refused one", () => {
  const previous = new PreviousHead();
  const first = through(previous, A);
  const refused = through(previous, "GET /a HTTP/1.1\r\n\r\n");
  assert.ok(refused instanceof RequestParseError);
  assert.equal(refused.status, 400);
  assert.equal(through(previous, A), first);
});

Deno.test("PreviousHead keeps no head over PREVIOUS_HEAD_MAX_BYTES", () => {
  const previous = new PreviousHead();
  const big = "GET /a HTTP/1.1\r\nHost: one\r\nX: " +
    "v".repeat(PREVIOUS_HEAD_MAX_BYTES) + "\r\n\r\n";
  const first = through(previous, big);
  const again = through(previous, big);
  assert.deepEqual(again, alone(big));
  assert.notEqual(again, first);
});
