/**
 * HpackDecoder beyond Appendix C: every malformed block is a typed
 * COMPRESSION_ERROR, the limits hold against HPACK bombs while the dynamic
 * table stays in step, and size updates follow RFC 7541 §4.2 and §6.3.
 */

import assert from "node:assert/strict";
import { ERROR_CODE } from "../../../src/http2/error_codes.ts";
import { Http2Error } from "../../../src/http2/http2_error.ts";
import {
  type DecodedFieldBlock,
  HpackDecoder,
  type HpackDecoderOptions,
} from "../../../src/http2/hpack/hpack_decoder.ts";
import { HpackEncoder } from "../../../src/http2/hpack/hpack_encoder.ts";
import { xorshift } from "../../../support/xorshift.ts";
import { concat, hex, latin1Bytes } from "../_bytes.ts";

function decoded(result: DecodedFieldBlock | Http2Error): DecodedFieldBlock {
  if (result instanceof Http2Error) assert.fail(`decode failed: ${result}`);
  return result;
}

function pairs(result: DecodedFieldBlock): string[] {
  return result.names.map((name, i) => `${name}: ${result.values[i]}`);
}

const malformed: {
  name: string;
  wire: string;
  options?: HpackDecoderOptions;
  reason: string;
}[] = [
  { name: "index 0 (§6.1)", wire: "80", reason: "Index 0" },
  {
    name: "an index past both tables",
    wire: "be",
    reason: "Index past the tables",
  },
  {
    name: "a name index past both tables",
    wire: "0f 2f 01 61",
    reason: "Name index past the tables",
  },
  {
    name: "an index over 2^31-1",
    wire: "ff 80 80 80 80 08",
    reason: "Integer too large",
  },
  { name: "an index cut short", wire: "ff 80", reason: "Truncated integer" },
  {
    name: "a literal with no name",
    wire: "40",
    reason: "Truncated string",
  },
  {
    name: "a name shorter than its length",
    wire: "40 05 61 62",
    reason: "Truncated string",
  },
  {
    name: "an indexed name and no value",
    wire: "41",
    reason: "Truncated string",
  },
  {
    name: "a string length cut short",
    wire: "40 7f",
    reason: "Truncated string length",
  },
  {
    name: "a string length over 2^31-1",
    wire: "40 7f ff ff ff ff 0f",
    reason: "String length too large",
  },
  {
    name: "a string over maxStringLength, before reading it",
    wire: "40 05",
    options: { maxStringLength: 4 },
    reason: "String longer than the limit",
  },
  {
    name: "a Huffman string holding EOS",
    wire: "40 84 ff ff ff ff 01 61",
    reason: "Huffman string holds EOS",
  },
  {
    name: "Huffman padding longer than 7 bits",
    wire: "40 81 ff 01 61",
    reason: "Huffman padding longer than 7 bits",
  },
  {
    name: "Huffman padding not all ones",
    wire: "40 81 00 01 61",
    reason: "Huffman padding not all ones",
  },
  {
    name: "a size update after a field (§4.2)",
    wire: "82 20",
    reason: "Table size update after a field",
  },
  {
    name: "a size update over SETTINGS_HEADER_TABLE_SIZE (§6.3)",
    wire: "3f e2 1f",
    reason: "Table size update over the limit",
  },
  {
    name: "a size update cut short",
    wire: "3f",
    reason: "Truncated integer",
  },
];

for (const { name, wire, options, reason } of malformed) {
  Deno.test(`HpackDecoder.decode() refuses ${name} as a COMPRESSION_ERROR`, () => {
    const result = new HpackDecoder(options).decode(hex(wire));
    assert.ok(result instanceof Http2Error, "an error, returned");
    assert.equal(result.code, ERROR_CODE.COMPRESSION_ERROR);
    assert.equal(result.scope, "connection");
    assert.equal(result.message, reason);
  });
}

Deno.test("HpackDecoder.decode() accepts a size update of exactly the limit, and several at the start", () => {
  const decoder = new HpackDecoder();
  // 4096, then 0, then 100: all before the first field.
  const result = decoded(decoder.decode(hex("3f e1 1f 20 3f 45 82")));
  assert.deepEqual(pairs(result), [":method: GET"]);
  assert.equal(decoder.table.maxSize, 100);
});

Deno.test("HpackDecoder.decode() evicts on a size update (§4.3)", () => {
  const decoder = new HpackDecoder();
  decoded(decoder.decode(hex("40 01 61 01 62 40 01 63 01 64"))); // a: b, c: d
  assert.equal(decoder.table.length, 2);
  decoded(decoder.decode(hex("3f 03"))); // 34: room for one entry
  assert.equal(decoder.table.length, 1);
  assert.equal(decoder.table.name(1), "c");
  assert.ok(decoder.decode(hex("bf")) instanceof Http2Error, "a: b is gone");
});

Deno.test("HpackDecoder.setMaxTableSize() lower requires a size update first (§4.2)", () => {
  const decoder = new HpackDecoder();
  decoder.setMaxTableSize(100);
  const missing = decoder.decode(hex("82"));
  assert.ok(missing instanceof Http2Error);
  assert.equal(missing.message, "Missing table size update");
  const empty = decoder.decode(new Uint8Array(0));
  assert.ok(empty instanceof Http2Error, "an empty block owes it too");
  const over = decoder.decode(hex("3f 46 82")); // 101
  assert.ok(over instanceof Http2Error);
  decoded(decoder.decode(hex("3f 45 82"))); // 100
  decoded(decoder.decode(hex("82"))); // owed no more
});

Deno.test("HpackDecoder.setMaxTableSize() higher requires nothing, and allows larger updates", () => {
  const decoder = new HpackDecoder({ maxTableSize: 256 });
  assert.ok(decoder.decode(hex("3f e1 03")) instanceof Http2Error); // 512
  decoder.setMaxTableSize(1024);
  decoded(decoder.decode(hex("82")));
  decoded(decoder.decode(hex("3f e1 03 82")));
  assert.equal(decoder.table.maxSize, 512);
});

Deno.test("HpackDecoder.decode() reads only [start, end) of the buffer", () => {
  const bytes = hex("ff ff 82 86 ff");
  const result = decoded(new HpackDecoder().decode(bytes, 2, 4));
  assert.deepEqual(pairs(result), [":method: GET", ":scheme: http"]);
});

Deno.test("HpackDecoder.decode() counts the list size as RFC 9113 §6.5.2 does", () => {
  const result = decoded(new HpackDecoder().decode(hex("82 86")));
  assert.equal(result.listSize, (7 + 3 + 32) + (7 + 4 + 32));
});

Deno.test("HpackDecoder.decode() stops keeping fields past maxFieldCount, yet decodes the rest", () => {
  const decoder = new HpackDecoder({ maxFieldCount: 2 });
  // GET, http, then x: y indexed into the table after the limit.
  const result = decoded(decoder.decode(hex("82 86 40 01 78 01 79")));
  assert.equal(result.overLimit, "count");
  assert.deepEqual(pairs(result), [":method: GET", ":scheme: http"]);
  // The table kept x: y, so the next block's index 62 means it.
  const next = decoded(decoder.decode(hex("be")));
  assert.deepEqual(pairs(next), ["x: y"]);
  assert.equal(next.overLimit, null);
});

Deno.test("HpackDecoder.decode() stops keeping fields past maxHeaderListSize", () => {
  const decoder = new HpackDecoder({ maxHeaderListSize: 100 });
  const result = decoded(decoder.decode(hex("82 86 84")));
  assert.equal(result.overLimit, "size");
  assert.deepEqual(pairs(result), [":method: GET", ":scheme: http"]);
  assert.equal(result.listSize, 42 + 43 + 38);
});

Deno.test("HpackDecoder.decode() withstands an HPACK bomb: one big entry referenced 16 000 times", () => {
  const decoder = new HpackDecoder();
  const name = "x".repeat(2000);
  const value = "y".repeat(2000);
  const encoder = new HpackEncoder({ huffman: "never" });
  const insert = encoder.encode([{ name, value }]);
  const references = new Uint8Array(16_000).fill(0xbe);
  const result = decoded(decoder.decode(concat(insert, references)));
  assert.equal(result.overLimit, "size");
  // 4032 bytes per field: the default 64 KiB holds 16 of them.
  assert.equal(result.names.length, 16);
  assert.equal(result.listSize, 16_001 * 4032);
});

Deno.test("HpackDecoder.decode() keeps latin1 bytes as code units, not UTF-8", () => {
  const result = decoded(
    new HpackDecoder().decode(
      concat(hex("00 01"), latin1Bytes("x\x04caf\xe9")),
    ),
  );
  assert.deepEqual(pairs(result), ["x: caf\u00e9"]);
});

Deno.test("HpackDecoder.decode() never throws on random bytes: a result or a COMPRESSION_ERROR", () => {
  const random = xorshift(0x48504b);
  for (let round = 0; round < 2000; round++) {
    const bytes = new Uint8Array(random() % 64);
    for (let i = 0; i < bytes.length; i++) bytes[i] = random() & 0xff;
    const decoder = new HpackDecoder({ maxTableSize: 256 });
    for (let repeat = 0; repeat < 2; repeat++) {
      const result = decoder.decode(bytes);
      if (result instanceof Http2Error) {
        assert.equal(result.code, ERROR_CODE.COMPRESSION_ERROR);
        break;
      }
      assert.equal(result.names.length, result.values.length);
    }
  }
});
