/**
 * The Huffman code (RFC 7541 Appendix B, §5.2): the derived codes against a
 * sample of the appendix, encode/decode round trips, and every way a coded
 * string can be malformed.
 */

import assert from "node:assert/strict";
import {
  EOS,
  HUFFMAN_CODES,
  HUFFMAN_LENGTHS,
} from "../../../src/http2/hpack/huffman_code.ts";
import {
  decodeHuffman,
  HUFFMAN_EOS,
  HUFFMAN_PADDING_NOT_ONES,
  HUFFMAN_PADDING_TOO_LONG,
} from "../../../src/http2/hpack/huffman_decode.ts";
import {
  encodeHuffman,
  huffmanLength,
} from "../../../src/http2/hpack/huffman_encode.ts";
import { hex, latin1Bytes, toHex } from "../_bytes.ts";

/** Rows of RFC 7541 Appendix B: [symbol, code as hex, length in bits]. */
const APPENDIX_B_SAMPLE: [number, number, number][] = [
  [0, 0x1ff8, 13],
  [1, 0x7fffd8, 23],
  [9, 0xffffea, 24],
  [10, 0x3ffffffc, 30],
  [13, 0x3ffffffd, 30],
  [22, 0x3ffffffe, 30],
  [32, 0x14, 6],
  [33, 0x3f8, 10],
  [35, 0xffa, 12],
  [39, 0x7fa, 11],
  [48, 0x0, 5],
  [60, 0x7ffc, 15],
  [88, 0xfc, 8],
  [92, 0x7fff0, 19],
  [94, 0x3ffc, 14],
  [97, 0x3, 5],
  [122, 0x7b, 7],
  [127, 0xffffffc, 28],
  [128, 0xfffe6, 20],
  [129, 0x3fffd2, 22],
  [153, 0x1fffdc, 21],
  [192, 0x3ffffe0, 26],
  [199, 0x1ffffec, 25],
  [203, 0x7ffffde, 27],
  [255, 0x3ffffee, 26],
  [EOS, 0x3fffffff, 30],
];

/** Strings RFC 7541 Appendix C codes, with their codes. */
const APPENDIX_C_STRINGS: [string, string][] = [
  ["www.example.com", "f1e3 c2e5 f23a 6ba0 ab90 f4ff"],
  ["no-cache", "a8eb 1064 9cbf"],
  ["custom-key", "25a8 49e9 5ba9 7d7f"],
  ["custom-value", "25a8 49e9 5bb8 e8b4 bf"],
  ["302", "6402"],
  ["307", "640e ff"],
  ["private", "aec3 771a 4b"],
  [
    "Mon, 21 Oct 2013 20:13:21 GMT",
    "d07a be94 1054 d444 a820 0595 040b 8166 e082 a62d 1bff",
  ],
  ["https://www.example.com", "9d29 ad17 1863 c78f 0b97 c8e9 ae82 ae43 d3"],
  ["gzip", "9bd9 ab"],
  [
    "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1",
    "94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07",
  ],
];

function encode(text: string): Uint8Array {
  const out = new Uint8Array(huffmanLength(text));
  assert.equal(encodeHuffman(text, out, 0), out.length);
  return out;
}

/** Decoded text, or the negative result code. */
function decode(bytes: Uint8Array): string | number {
  const out = new Uint8Array(Math.floor(bytes.length * 8 / 5));
  const n = decodeHuffman(bytes, 0, bytes.length, out);
  return n < 0 ? n : String.fromCharCode(...out.subarray(0, n));
}

Deno.test("HUFFMAN_CODES matches RFC 7541 Appendix B's rows", () => {
  for (const [symbol, code, length] of APPENDIX_B_SAMPLE) {
    assert.equal(HUFFMAN_LENGTHS[symbol], length, `length of ${symbol}`);
    assert.equal(HUFFMAN_CODES[symbol], code, `code of ${symbol}`);
  }
});

Deno.test("HUFFMAN_LENGTHS form a complete prefix code (Kraft sum exactly 1)", () => {
  assert.equal(HUFFMAN_LENGTHS.length, 257);
  let sum = 0;
  for (const length of HUFFMAN_LENGTHS) sum += 2 ** (30 - length);
  assert.equal(sum, 2 ** 30);
});

Deno.test("encodeHuffman() writes RFC 7541 Appendix C's coded strings", () => {
  for (const [text, coded] of APPENDIX_C_STRINGS) {
    assert.equal(toHex(encode(text)), toHex(hex(coded)), text);
    assert.equal(huffmanLength(text), hex(coded).length, text);
  }
});

Deno.test("decodeHuffman() reads RFC 7541 Appendix C's coded strings", () => {
  for (const [text, coded] of APPENDIX_C_STRINGS) {
    assert.equal(decode(hex(coded)), text);
  }
});

Deno.test("decodeHuffman() round-trips every byte value, alone and together", () => {
  for (let byte = 0; byte < 256; byte++) {
    const text = String.fromCharCode(byte);
    assert.equal(decode(encode(text)), text, `byte ${byte}`);
  }
  let all = "";
  for (let byte = 255; byte >= 0; byte--) all += String.fromCharCode(byte);
  assert.equal(decode(encode(all)), all);
  assert.equal(decode(new Uint8Array(0)), "");
});

Deno.test("decodeHuffman() decodes at an offset and stops at the end given", () => {
  const coded = encode("custom-key");
  const framed = new Uint8Array(coded.length + 4).fill(0x55);
  framed.set(coded, 2);
  const out = new Uint8Array(64);
  const n = decodeHuffman(framed, 2, 2 + coded.length, out);
  assert.equal(String.fromCharCode(...out.subarray(0, n)), "custom-key");
});

Deno.test("huffmanLength() refuses a code unit over 0xFF", () => {
  // c (5 bits), a (5), f (6), é (22): 38 bits.
  assert.equal(huffmanLength("caf\u00e9"), 5);
  assert.equal(huffmanLength("\u0100"), -1);
});

const malformed: { name: string; input: Uint8Array; want: number }[] = [
  {
    // 30 ones, then 2 padding ones: EOS whole inside the string.
    name: "EOS inside the string",
    input: hex("ffff ffff"),
    want: HUFFMAN_EOS,
  },
  {
    // 'a' (00011), then EOS: the string must not hold it (§5.2).
    name: "EOS after a symbol",
    input: latin1Bytes("\x1f\xff\xff\xff\xff"),
    want: HUFFMAN_EOS,
  },
  {
    // '0' (00000) + 3 padding ones, then a whole byte of ones: 11 bits.
    name: "padding longer than 7 bits",
    input: hex("07 ff"),
    want: HUFFMAN_PADDING_TOO_LONG,
  },
  {
    // A byte of ones alone: 8 bits of padding and no symbol.
    name: "a lone byte of padding",
    input: hex("ff"),
    want: HUFFMAN_PADDING_TOO_LONG,
  },
  {
    // '0' (00000) then padding 000: not the EOS prefix.
    name: "padding of zeros",
    input: hex("00"),
    want: HUFFMAN_PADDING_NOT_ONES,
  },
  {
    // '0' (00000) then padding 101.
    name: "padding with a zero inside",
    input: hex("05"),
    want: HUFFMAN_PADDING_NOT_ONES,
  },
  {
    // The first 8 of the 10 bits of '!' (11111110|00): a cut code.
    name: "a code cut short",
    input: hex("fe"),
    want: HUFFMAN_PADDING_NOT_ONES,
  },
];

for (const { name, input, want } of malformed) {
  Deno.test(`decodeHuffman() refuses ${name}`, () => {
    assert.equal(decode(input), want);
  });
}
