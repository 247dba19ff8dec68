import assert from "node:assert/strict";
import { encodeHead } from "../../src/http/encode_head.ts";

Deno.test("encodeHead() writes an ASCII head as is, with room after it", () => {
  const bytes = encodeHead("HTTP/1.1 200 OK\r\n\r\n", 3);
  assert.equal(bytes.length, 22);
  assert.equal(
    new TextDecoder().decode(bytes.subarray(0, 19)),
    "HTTP/1.1 200 OK\r\n\r\n",
  );
  assert.deepEqual([...bytes.subarray(19)], [0, 0, 0]);
});

Deno.test("encodeHead() writes a value over 0x7f as latin1, one byte a character", () => {
  const head = "x: caf\u00e9 \u00ff\r\n";
  const bytes = encodeHead(head, 0);
  assert.equal(bytes.length, head.length);
  assert.deepEqual(
    [...bytes],
    [...head].map((c) => c.charCodeAt(0)),
  );
});
