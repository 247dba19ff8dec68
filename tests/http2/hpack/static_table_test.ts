/**
 * HPACK's static table (RFC 7541 Appendix A) and its lookups.
 */

import assert from "node:assert/strict";
import {
  STATIC_NAMES,
  STATIC_TABLE_LENGTH,
  STATIC_VALUES,
  staticFieldIndex,
  staticNameIndex,
} from "../../../src/http2/hpack/static_table.ts";

/** Rows of RFC 7541 Appendix A: [index, name, value]. */
const APPENDIX_A_SAMPLE: [number, string, string][] = [
  [1, ":authority", ""],
  [2, ":method", "GET"],
  [7, ":scheme", "https"],
  [8, ":status", "200"],
  [14, ":status", "500"],
  [16, "accept-encoding", "gzip, deflate"],
  [24, "cache-control", ""],
  [28, "content-length", ""],
  [33, "date", ""],
  [46, "location", ""],
  [55, "set-cookie", ""],
  [61, "www-authenticate", ""],
];

Deno.test("The static table holds RFC 7541 Appendix A's 61 entries", () => {
  assert.equal(STATIC_TABLE_LENGTH, 61);
  assert.equal(STATIC_NAMES.length, 61);
  assert.equal(STATIC_VALUES.length, 61);
  for (const [index, name, value] of APPENDIX_A_SAMPLE) {
    assert.equal(STATIC_NAMES[index - 1], name, `name ${index}`);
    assert.equal(STATIC_VALUES[index - 1], value, `value ${index}`);
  }
});

Deno.test("staticNameIndex() gives a name's lowest index, or 0", () => {
  assert.equal(staticNameIndex(":status"), 8);
  assert.equal(staticNameIndex(":path"), 4);
  assert.equal(staticNameIndex("etag"), 34);
  assert.equal(staticNameIndex("x-custom"), 0);
  assert.equal(staticNameIndex("Content-Type"), 0, "names are lowercase");
});

Deno.test("staticFieldIndex() matches name and value, or gives 0", () => {
  assert.equal(staticFieldIndex(":status", "304"), 11);
  assert.equal(staticFieldIndex(":path", "/index.html"), 5);
  assert.equal(staticFieldIndex("accept-encoding", "gzip, deflate"), 16);
  assert.equal(staticFieldIndex("content-type", ""), 31);
  assert.equal(staticFieldIndex(":status", "302"), 0);
  assert.equal(staticFieldIndex("x-custom", ""), 0);
});
