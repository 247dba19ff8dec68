/**
 * HPACK integers (RFC 7541 §5.1): Appendix C.1's examples, round trips at
 * every prefix boundary, and the bound against huge or endless integers.
 */

import assert from "node:assert/strict";
import { ByteWriter } from "../../../src/http2/hpack/byte_writer.ts";
import {
  INTEGER_TOO_LARGE,
  INTEGER_TRUNCATED,
  MAX_INTEGER,
  readInteger,
  writeInteger,
} from "../../../src/http2/hpack/integer.ts";
import { hex, toHex } from "../_bytes.ts";

function write(value: number, prefixBits: number, highBits = 0): Uint8Array {
  const out = new ByteWriter(1);
  writeInteger(out, value, prefixBits, highBits);
  return out.take();
}

function read(bytes: Uint8Array, prefixBits: number) {
  const cursor = { bytes, position: 0, end: bytes.length };
  const value = readInteger(cursor, prefixBits);
  return { value, position: cursor.position };
}

const examples: {
  name: string;
  value: number;
  prefix: number;
  wire: string;
}[] = [
  { name: "C.1.1: 10 with a 5-bit prefix", value: 10, prefix: 5, wire: "0a" },
  {
    name: "C.1.2: 1337 with a 5-bit prefix",
    value: 1337,
    prefix: 5,
    wire: "1f 9a 0a",
  },
  { name: "C.1.3: 42 at an octet boundary", value: 42, prefix: 8, wire: "2a" },
];

for (const { name, value, prefix, wire } of examples) {
  Deno.test(`writeInteger() and readInteger() agree with RFC 7541 ${name}`, () => {
    assert.equal(toHex(write(value, prefix)), toHex(hex(wire)));
    assert.deepEqual(read(hex(wire), prefix), {
      value,
      position: hex(wire).length,
    });
  });
}

Deno.test("writeInteger() keeps the bits above the prefix", () => {
  assert.equal(toHex(write(10, 5, 0xe0)), "ea");
  assert.equal(toHex(write(31, 5, 0x20)), "3f00");
  // readInteger() ignores them.
  assert.equal(read(hex("ea"), 5).value, 10);
});

Deno.test("readInteger() round-trips values around every prefix's boundary", () => {
  for (let prefix = 1; prefix <= 8; prefix++) {
    const max = 2 ** prefix - 1;
    const values = [0, 1, max - 1, max, max + 1, max + 127, max + 128];
    values.push(16383, 2 ** 21, 2 ** 28 - 1, MAX_INTEGER);
    for (const value of values) {
      const bytes = write(value, prefix);
      assert.deepEqual(read(bytes, prefix), {
        value,
        position: bytes.length,
      }, `${value} with a ${prefix}-bit prefix`);
    }
  }
});

Deno.test("readInteger() reads at the cursor and leaves what follows", () => {
  const bytes = hex("ff 1f 9a 0a 2a");
  const cursor = { bytes, position: 1, end: bytes.length };
  assert.equal(readInteger(cursor, 5), 1337);
  assert.equal(cursor.position, 4);
});

const refused: { name: string; wire: string; prefix: number; want: number }[] =
  [
    { name: "an empty input", wire: "", prefix: 5, want: INTEGER_TRUNCATED },
    {
      name: "a full prefix and no more",
      wire: "1f",
      prefix: 5,
      want: INTEGER_TRUNCATED,
    },
    {
      name: "a continuation bit on the last byte",
      wire: "1f 9a",
      prefix: 5,
      want: INTEGER_TRUNCATED,
    },
    {
      name: "2^31 (one over the bound)",
      wire: "7f 81 ff ff ff 07",
      prefix: 7,
      want: INTEGER_TOO_LARGE,
    },
    {
      name: "2^35-ish from five full bytes",
      wire: "1f ff ff ff ff 7f",
      prefix: 5,
      want: INTEGER_TOO_LARGE,
    },
    {
      name: "a sixth continuation byte, even of zeros",
      wire: "1f 80 80 80 80 80 00",
      prefix: 5,
      want: INTEGER_TOO_LARGE,
    },
    {
      name: "an endless run of continuation bytes",
      wire: "1f" + " 80".repeat(1000),
      prefix: 5,
      want: INTEGER_TOO_LARGE,
    },
  ];

for (const { name, wire, prefix, want } of refused) {
  Deno.test(`readInteger() refuses ${name}`, () => {
    const bytes = hex(wire);
    const cursor = { bytes, position: 0, end: bytes.length };
    assert.equal(readInteger(cursor, prefix), want);
    assert.equal(cursor.position, 0, "the cursor does not move");
  });
}

Deno.test("readInteger() accepts MAX_INTEGER, redundant zero bytes included", () => {
  assert.equal(read(write(MAX_INTEGER, 7), 7).value, MAX_INTEGER);
  // 31 + 0: four continuation bytes of zero then a final zero.
  assert.equal(read(hex("1f 80 80 80 80 00"), 5).value, 31);
});
