/**
 * HpackEncoder and encodeStatelessBlock(): round trips through the decoder
 * under every Huffman policy and table size, indexing choices, size
 * updates (RFC 7541 §4.2), and blocks that are independent of the peer's
 * dynamic table.
 */

import assert from "node:assert/strict";
import { Http2Error } from "../../../src/http2/http2_error.ts";
import { encodeStatelessBlock } from "../../../src/http2/hpack/encode_stateless_block.ts";
import type { HeaderField } from "../../../src/http2/hpack/field_representation.ts";
import {
  type DecodedFieldBlock,
  HpackDecoder,
} from "../../../src/http2/hpack/hpack_decoder.ts";
import { HpackEncoder } from "../../../src/http2/hpack/hpack_encoder.ts";
import type { DynamicTable } from "../../../src/http2/hpack/dynamic_table.ts";
import { xorshift } from "../../../support/xorshift.ts";
import { concat, toHex } from "../_bytes.ts";

function decoded(result: DecodedFieldBlock | Http2Error): DecodedFieldBlock {
  if (result instanceof Http2Error) assert.fail(`decode failed: ${result}`);
  return result;
}

function fieldsOf(result: DecodedFieldBlock): [string, string][] {
  return result.names.map((name, i) => [name, result.values[i]]);
}

function tableOf(table: DynamicTable): string[] {
  const list = [];
  for (let i = 1; i <= table.length; i++) {
    list.push(`${table.name(i)}: ${table.value(i)}`);
  }
  return list;
}

/** A random header list: names from a small set (so some repeat). */
function randomFields(random: () => number): HeaderField[] {
  const names = [":status", "content-type", "etag", "x-a", "x-b", "set-cookie"];
  const fields: HeaderField[] = [];
  for (let n = random() % 8; n > 0; n--) {
    let value = "";
    for (let k = random() % 40; k > 0; k--) {
      // Mostly text, sometimes any byte.
      value += String.fromCharCode(
        random() % 4 ? 32 + random() % 95 : random() & 0xff,
      );
    }
    if (random() % 3 === 0) value = ["200", "text/html", ""][random() % 3];
    fields.push({
      name: names[random() % names.length],
      value,
      neverIndex: random() % 10 === 0,
    });
  }
  return fields;
}

for (const huffman of ["auto", "always", "never"] as const) {
  Deno.test(`HpackEncoder round-trips random header lists through HpackDecoder (huffman: ${huffman})`, () => {
    const random = xorshift(huffman.length * 7919);
    for (const peerSize of [0, 64, 256, 4096]) {
      const encoder = new HpackEncoder({ huffman });
      const decoder = new HpackDecoder();
      encoder.setPeerMaxTableSize(peerSize);
      decoder.setMaxTableSize(peerSize);
      for (let block = 0; block < 200; block++) {
        const fields = randomFields(random);
        const result = decoded(decoder.decode(encoder.encode(fields)));
        assert.deepEqual(
          fieldsOf(result),
          fields.map((f) => [f.name, f.value]),
        );
        assert.deepEqual(tableOf(decoder.table), tableOf(encoder.table));
        assert.ok(encoder.table.size <= peerSize);
      }
    }
  });
}

Deno.test("HpackEncoder.encode() sends a repeated field as one index byte", () => {
  const encoder = new HpackEncoder();
  const fields = [{ name: "x-trace", value: "abc" }];
  const first = encoder.encode(fields);
  assert.equal(first[0] & 0xc0, 0x40, "literal with incremental indexing");
  assert.equal(toHex(encoder.encode(fields)), "be");
  // Static matches never touch the table.
  assert.equal(
    toHex(encoder.encode([{ name: ":status", value: "404" }])),
    "8d",
  );
  assert.equal(encoder.table.length, 1);
});

Deno.test("HpackEncoder.encode() reuses a dynamic entry's name for a new value", () => {
  const encoder = new HpackEncoder({ huffman: "never" });
  encoder.encode([{ name: "x-trace", value: "a" }]);
  // 0x40 | 62: literal with indexing, name from index 62.
  assert.equal(
    toHex(encoder.encode([{ name: "x-trace", value: "b" }])),
    "7e0162",
  );
});

Deno.test("HpackEncoder.encode() never indexes a neverIndex field (§6.2.3)", () => {
  const encoder = new HpackEncoder({ huffman: "never" });
  const field = { name: "authorization", value: "secret", neverIndex: true };
  // 0x10 | 15 then 23 - 15 = 8: never indexed, name from static 23.
  const block = encoder.encode([field]);
  assert.equal(toHex(block), "1f08" + "06736563726574");
  assert.equal(toHex(encoder.encode([field])), toHex(block), "no index learnt");
  assert.equal(encoder.table.length, 0);
  const decoder = new HpackDecoder();
  assert.deepEqual(fieldsOf(decoded(decoder.decode(block))), [[
    "authorization",
    "secret",
  ]]);
  assert.equal(decoder.table.length, 0);
});

Deno.test("HpackEncoder.encode() does not index a field larger than the table", () => {
  const encoder = new HpackEncoder();
  encoder.encode([{ name: "x-a", value: "1" }]);
  encoder.encode([{ name: "x-big", value: "v".repeat(5000) }]);
  assert.deepEqual(tableOf(encoder.table), ["x-a: 1"], "not emptied either");
});

Deno.test("HpackEncoder signals a smaller peer table at the next block's start (§4.2)", () => {
  const encoder = new HpackEncoder();
  encoder.encode([{ name: "x-a", value: "1" }]);
  encoder.setPeerMaxTableSize(0);
  assert.equal(encoder.table.length, 0, "evicted at once");
  const block = encoder.encode([{ name: "x-a", value: "1" }]);
  assert.equal(toHex(block.subarray(0, 1)), "20");
  assert.equal(block[1] & 0xf0, 0x00, "without indexing: nothing fits");
  assert.equal(encoder.encode([]).length, 0, "signalled once");
});

Deno.test("HpackEncoder signals the lowest then the final size when both changed (§4.2)", () => {
  const encoder = new HpackEncoder();
  encoder.setPeerMaxTableSize(0);
  encoder.setPeerMaxTableSize(4096);
  assert.equal(toHex(encoder.encode([])), "20" + "3fe11f");
  encoder.setPeerMaxTableSize(1000);
  encoder.setPeerMaxTableSize(2000);
  assert.equal(toHex(encoder.encode([])), "3fc907" + "3fb10f");
});

Deno.test("HpackEncoder signals its own smaller maxTableSize in its first block", () => {
  assert.equal(toHex(new HpackEncoder({ maxTableSize: 0 }).encode([])), "20");
  assert.equal(new HpackEncoder().encode([]).length, 0, "4096 is implied");
  const capped = new HpackEncoder({ maxTableSize: 8192 });
  assert.equal(capped.table.maxSize, 4096, "the peer's initial limit binds");
  capped.setPeerMaxTableSize(65536);
  assert.equal(capped.table.maxSize, 8192);
});

Deno.test("HpackEncoder.takeSizeUpdate() hands over what is owed, once", () => {
  const encoder = new HpackEncoder();
  assert.equal(encoder.takeSizeUpdate().length, 0);
  encoder.setPeerMaxTableSize(100);
  assert.equal(toHex(encoder.takeSizeUpdate()), "3f45");
  assert.equal(encoder.takeSizeUpdate().length, 0);
  assert.equal(encoder.encode([]).length, 0);
});

Deno.test("HpackEncoder.encode() refuses a character that is not a byte", () => {
  const encoder = new HpackEncoder();
  assert.throws(
    () => encoder.encode([{ name: "x-a", value: "\u20ac" }]),
    TypeError,
  );
  assert.throws(
    () => encodeStatelessBlock([{ name: "x-\u0100", value: "" }], "never"),
    TypeError,
  );
});

const RESPONSE: HeaderField[] = [
  { name: ":status", value: "200" },
  { name: "content-type", value: "text/html; charset=utf-8" },
  { name: "content-length", value: "1024" },
  { name: "etag", value: '"abc"' },
  { name: "x-custom", value: "1" },
  { name: "set-cookie", value: "k=v", neverIndex: true },
];

Deno.test("encodeStatelessBlock() uses only the static table and literals without indexing", () => {
  const block = encodeStatelessBlock(RESPONSE, "never");
  // 88: static 200. 0f 10: content-type (31) without indexing, and so on.
  assert.equal(
    toHex(block.subarray(0, 3)),
    "880f10",
    "indexed :status, then content-type by static name",
  );
  const decoder = new HpackDecoder();
  const result = decoded(decoder.decode(block));
  assert.deepEqual(fieldsOf(result), RESPONSE.map((f) => [f.name, f.value]));
  assert.equal(decoder.table.length, 0, "the peer's table is untouched");
});

Deno.test("encodeStatelessBlock() means the same to a decoder in any state", () => {
  const block = encodeStatelessBlock(RESPONSE);
  const want = RESPONSE.map((f) => [f.name, f.value]);
  const encoder = new HpackEncoder();
  const decoder = new HpackDecoder();
  const random = xorshift(99);
  for (let round = 0; round < 50; round++) {
    // Fill the peer's table with whatever the stateful encoder sends...
    decoded(decoder.decode(encoder.encode(randomFields(random))));
    const before = tableOf(decoder.table);
    // ...then interleave the pre-serialized block: same fields, no change.
    assert.deepEqual(fieldsOf(decoded(decoder.decode(block))), want);
    assert.deepEqual(tableOf(decoder.table), before);
  }
});

Deno.test("encodeStatelessBlock() after takeSizeUpdate() satisfies a decoder owed an update", () => {
  const encoder = new HpackEncoder();
  const decoder = new HpackDecoder();
  encoder.setPeerMaxTableSize(0);
  decoder.setMaxTableSize(0);
  const block = encodeStatelessBlock(RESPONSE);
  assert.ok(decoder.decode(block) instanceof Http2Error, "the update is owed");
  const fresh = new HpackDecoder();
  fresh.setMaxTableSize(0);
  const result = decoded(fresh.decode(concat(encoder.takeSizeUpdate(), block)));
  assert.equal(result.names.length, RESPONSE.length);
});
