import assert from "node:assert/strict";
import {
  type ContentCoding,
  negotiateEncoding,
} from "../../src/static/accept_encoding.ts";

const ALL: ContentCoding[] = ["br", "zstd", "gzip"];

const cases: [string | null, ContentCoding[], ContentCoding | null][] = [
  [null, ALL, null],
  ["", ALL, null],
  ["identity", ALL, null],
  ["gzip", ALL, "gzip"],
  ["gzip, deflate, br, zstd", ALL, "br"],
  ["gzip, deflate, br, zstd", ["gzip", "zstd"], "zstd"],
  ["br;q=0.5, gzip;q=0.8", ALL, "gzip"],
  ["br;q=0, gzip", ALL, "gzip"],
  ["br;q=0", ["br"], null],
  ["*", ALL, "br"],
  ["*;q=0.1, gzip;q=0", ["gzip"], null],
  ["*;q=0.1, gzip;q=0", ALL, "br"],
  ["x-gzip", ["gzip"], "gzip"],
  ["GZIP", ["gzip"], "gzip"],
  ["gzip;q=0.5, identity;q=1", ["gzip"], null],
  ["gzip;q=1, identity;q=0.5", ["gzip"], "gzip"],
  ["gzip;q=bogus", ["gzip"], null],
  ["gzip;q=1.5", ["gzip"], null],
  ["gzip ; q=0.001", ["gzip"], "gzip"],
  ["deflate", ALL, null],
  ["br", [], null],
];

for (const [header, available, expected] of cases) {
  Deno.test(`negotiateEncoding() picks ${expected} for ${JSON.stringify(header)} from [${available}]`, () => {
    assert.equal(negotiateEncoding(header, available), expected);
  });
}
