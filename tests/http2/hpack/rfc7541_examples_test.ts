/**
 * RFC 7541 Appendix C.2–C.6 as test vectors: each block decoded to its
 * header list with the dynamic table the appendix shows after it, and each
 * header list encoded to the appendix's exact bytes.
 */

import assert from "node:assert/strict";
import { HpackDecoder } from "../../../src/http2/hpack/hpack_decoder.ts";
import { HpackEncoder } from "../../../src/http2/hpack/hpack_encoder.ts";
import { encodeStatelessBlock } from "../../../src/http2/hpack/encode_stateless_block.ts";
import type { DynamicTable } from "../../../src/http2/hpack/dynamic_table.ts";
import { hex, toHex } from "../_bytes.ts";

interface Step {
  wire: string;
  fields: [string, string][];
  /** The dynamic table after the step, newest first, and its size. */
  table: [string, string][];
  size: number;
}

const DATE_21 = "Mon, 21 Oct 2013 20:13:21 GMT";
const DATE_22 = "Mon, 21 Oct 2013 20:13:22 GMT";
const LOCATION = "https://www.example.com";
const COOKIE = "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1";

const REQUESTS: [string, string][][] = [
  [[":method", "GET"], [":scheme", "http"], [":path", "/"], [
    ":authority",
    "www.example.com",
  ]],
  [[":method", "GET"], [":scheme", "http"], [":path", "/"], [
    ":authority",
    "www.example.com",
  ], ["cache-control", "no-cache"]],
  [[":method", "GET"], [":scheme", "https"], [":path", "/index.html"], [
    ":authority",
    "www.example.com",
  ], ["custom-key", "custom-value"]],
];
const REQUEST_TABLES: [string, string][][] = [
  [[":authority", "www.example.com"]],
  [["cache-control", "no-cache"], [":authority", "www.example.com"]],
  [["custom-key", "custom-value"], ["cache-control", "no-cache"], [
    ":authority",
    "www.example.com",
  ]],
];
const REQUEST_SIZES = [57, 110, 164];

const RESPONSES: [string, string][][] = [
  [[":status", "302"], ["cache-control", "private"], ["date", DATE_21], [
    "location",
    LOCATION,
  ]],
  [[":status", "307"], ["cache-control", "private"], ["date", DATE_21], [
    "location",
    LOCATION,
  ]],
  [
    [":status", "200"],
    ["cache-control", "private"],
    ["date", DATE_22],
    [
      "location",
      LOCATION,
    ],
    ["content-encoding", "gzip"],
    ["set-cookie", COOKIE],
  ],
];
const RESPONSE_TABLES: [string, string][][] = [
  [["location", LOCATION], ["date", DATE_21], ["cache-control", "private"], [
    ":status",
    "302",
  ]],
  [[":status", "307"], ["location", LOCATION], ["date", DATE_21], [
    "cache-control",
    "private",
  ]],
  [["set-cookie", COOKIE], ["content-encoding", "gzip"], ["date", DATE_22]],
];
const RESPONSE_SIZES = [222, 222, 215];

function steps(
  lists: [string, string][][],
  tables: [string, string][][],
  sizes: number[],
  wires: string[],
): Step[] {
  return wires.map((wire, i) => ({
    wire,
    fields: lists[i],
    table: tables[i],
    size: sizes[i],
  }));
}

const SEQUENCES: {
  name: string;
  tableSize: number;
  huffman: "never" | "auto";
  steps: Step[];
}[] = [
  {
    name: "C.3 (requests without Huffman coding)",
    tableSize: 4096,
    huffman: "never",
    steps: steps(REQUESTS, REQUEST_TABLES, REQUEST_SIZES, [
      "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
      "8286 84be 5808 6e6f 2d63 6163 6865",
      "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65",
    ]),
  },
  {
    name: "C.4 (requests with Huffman coding)",
    tableSize: 4096,
    huffman: "auto",
    steps: steps(REQUESTS, REQUEST_TABLES, REQUEST_SIZES, [
      "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff",
      "8286 84be 5886 a8eb 1064 9cbf",
      "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf",
    ]),
  },
  {
    name: "C.5 (responses without Huffman coding, evictions)",
    tableSize: 256,
    huffman: "never",
    steps: steps(RESPONSES, RESPONSE_TABLES, RESPONSE_SIZES, [
      "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 " +
      "3230 3133 2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 " +
      "7777 2e65 7861 6d70 6c65 2e63 6f6d",
      "4803 3330 37c1 c0bf",
      "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 " +
      "3220 474d 54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a " +
      "584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 " +
      "3630 303b 2076 6572 7369 6f6e 3d31",
    ]),
  },
  {
    name: "C.6 (responses with Huffman coding, evictions)",
    tableSize: 256,
    huffman: "auto",
    steps: steps(RESPONSES, RESPONSE_TABLES, RESPONSE_SIZES, [
      "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 " +
      "66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3",
      "4883 640e ffc1 c0bf",
      "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a " +
      "839b d9ab 77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 " +
      "72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07",
    ]),
  },
];

function tableOf(table: DynamicTable): [string, string][] {
  const list: [string, string][] = [];
  for (let i = 1; i <= table.length; i++) {
    list.push([table.name(i), table.value(i)]);
  }
  return list;
}

for (const sequence of SEQUENCES) {
  Deno.test(`HpackDecoder decodes RFC 7541 ${sequence.name}`, () => {
    const decoder = new HpackDecoder({ maxTableSize: sequence.tableSize });
    for (const [i, step] of sequence.steps.entries()) {
      const result = decoder.decode(hex(step.wire));
      assert.ok(!(result instanceof Error), `step ${i + 1}: ${result}`);
      assert.deepEqual(
        result.names.map((name, k) => [name, result.values[k]]),
        step.fields,
        `step ${i + 1}`,
      );
      assert.equal(result.overLimit, null);
      assert.deepEqual(tableOf(decoder.table), step.table, `step ${i + 1}`);
      assert.equal(decoder.table.size, step.size, `step ${i + 1}`);
    }
  });

  Deno.test(`HpackEncoder encodes RFC 7541 ${sequence.name} byte for byte`, () => {
    const encoder = new HpackEncoder({ huffman: sequence.huffman });
    // The appendix's peer advertised this SETTINGS_HEADER_TABLE_SIZE...
    encoder.setPeerMaxTableSize(sequence.tableSize);
    // ...and its first block carries no size update: take it out of band.
    encoder.takeSizeUpdate();
    for (const [i, step] of sequence.steps.entries()) {
      const fields = step.fields.map(([name, value]) => ({ name, value }));
      assert.equal(
        toHex(encoder.encode(fields)),
        toHex(hex(step.wire)),
        `step ${i + 1}`,
      );
      assert.deepEqual(tableOf(encoder.table), step.table, `step ${i + 1}`);
      assert.equal(encoder.table.size, step.size, `step ${i + 1}`);
    }
  });
}

const REPRESENTATIONS: {
  name: string;
  wire: string;
  field: [string, string];
  table: [string, string][];
}[] = [
  {
    name: "C.2.1 (literal with indexing)",
    wire: "400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572",
    field: ["custom-key", "custom-header"],
    table: [["custom-key", "custom-header"]],
  },
  {
    name: "C.2.2 (literal without indexing)",
    wire: "040c 2f73 616d 706c 652f 7061 7468",
    field: [":path", "/sample/path"],
    table: [],
  },
  {
    name: "C.2.3 (literal never indexed)",
    wire: "1008 7061 7373 776f 7264 0673 6563 7265 74",
    field: ["password", "secret"],
    table: [],
  },
  {
    name: "C.2.4 (indexed)",
    wire: "82",
    field: [":method", "GET"],
    table: [],
  },
];

for (const { name, wire, field, table } of REPRESENTATIONS) {
  Deno.test(`HpackDecoder decodes RFC 7541 ${name}`, () => {
    const decoder = new HpackDecoder();
    const result = decoder.decode(hex(wire));
    assert.ok(!(result instanceof Error), String(result));
    assert.deepEqual([result.names, result.values], [[field[0]], [field[1]]]);
    assert.deepEqual(tableOf(decoder.table), table);
  });
}

Deno.test("HpackEncoder encodes RFC 7541 C.2.1 and C.2.3; encodeStatelessBlock C.2.2", () => {
  const encoder = new HpackEncoder({ huffman: "never" });
  assert.equal(
    toHex(encoder.encode([{ name: "custom-key", value: "custom-header" }])),
    toHex(hex(REPRESENTATIONS[0].wire)),
  );
  assert.equal(
    toHex(
      encoder.encode([{ name: "password", value: "secret", neverIndex: true }]),
    ),
    toHex(hex(REPRESENTATIONS[2].wire)),
  );
  assert.equal(
    toHex(
      encodeStatelessBlock([{ name: ":path", value: "/sample/path" }], "never"),
    ),
    toHex(hex(REPRESENTATIONS[1].wire)),
  );
});
