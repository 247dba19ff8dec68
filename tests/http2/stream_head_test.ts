/**
 * encodeStreamHead(): a fast-lane head's kept blocks are handed on as
 * they are, behind any dynamic-table size update the encoder owes (RFC
 * 7541 §4.2); joinFieldBlock() makes one array of them when one is needed.
 */

import assert from "node:assert/strict";
import { HpackDecoder } from "../../src/http2/hpack/hpack_decoder.ts";
import { HpackEncoder } from "../../src/http2/hpack/hpack_encoder.ts";
import { encodeStatelessBlock } from "../../src/http2/hpack/encode_stateless_block.ts";
import { Http2Error } from "../../src/http2/http2_error.ts";
import {
  encodeStreamHead,
  joinFieldBlock,
} from "../../src/http2/stream_head.ts";

Deno.test("encodeStreamHead() hands on kept blocks without a copy, a size update owed in front", () => {
  const encoder = new HpackEncoder();
  const status = encodeStatelessBlock([{ name: ":status", value: "200" }]);
  const date = encodeStatelessBlock([{ name: "date", value: "x" }]);
  const head = { stateless: [status, date] };
  assert.equal(encodeStreamHead(encoder, head), head.stateless);
  encoder.setPeerMaxTableSize(0);
  const parts = encodeStreamHead(encoder, head);
  assert.ok(Array.isArray(parts));
  assert.equal(parts.length, 3);
  assert.equal(parts[1], status);
  // The joined block decodes for a peer that lowered its table to 0.
  const decoder = new HpackDecoder();
  decoder.setMaxTableSize(0);
  const decoded = decoder.decode(joinFieldBlock(parts));
  assert.ok(!(decoded instanceof Http2Error));
  assert.deepEqual(decoded.names, [":status", "date"]);
  // Owed once: the next head goes without it.
  assert.equal(encodeStreamHead(encoder, head), head.stateless);
});

Deno.test("joinFieldBlock() returns one array as it is, and joins parts in order", () => {
  const one = Uint8Array.of(1, 2);
  assert.equal(joinFieldBlock(one), one);
  assert.equal(joinFieldBlock([one]), one);
  assert.deepEqual(
    joinFieldBlock([one, new Uint8Array(0), Uint8Array.of(3)]),
    Uint8Array.of(1, 2, 3),
  );
});
