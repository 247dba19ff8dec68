import assert from "node:assert/strict";
import {
  assembleParts,
  createBoundary,
  planMultipartByteranges,
} from "../../src/static/multipart_byteranges.ts";

Deno.test("planMultipartByteranges() produces the RFC 9110 §14.6 layout with an exact length", () => {
  const content = new TextEncoder().encode("0123456789abcdefghij");
  const plan = planMultipartByteranges(
    [{ start: 0, end: 2 }, { start: 10, end: 12 }],
    content.length,
    "text/plain; charset=utf-8",
    "SEP",
  );
  const body = assembleParts(plan.parts, content);
  assert.equal(plan.length, body.length);
  assert.equal(plan.contentType, "multipart/byteranges; boundary=SEP");
  assert.equal(
    new TextDecoder().decode(body),
    "--SEP\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes 0-2/20\r\n\r\n012" +
      "\r\n--SEP\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes 10-12/20\r\n\r\nabc" +
      "\r\n--SEP--\r\n",
  );
});

Deno.test("createBoundary() is random: 24 lowercase hex digits", () => {
  assert.notEqual(createBoundary(), createBoundary());
  assert.match(createBoundary(), /^[0-9a-f]{24}$/);
});
