import assert from "node:assert/strict";
import {
  ENGINE_FIELDS,
  HOP_BY_HOP_FIELDS,
} from "../../src/http/engine_fields.ts";

Deno.test("HOP_BY_HOP_FIELDS holds the connection's own fields, lowercase", () => {
  for (const name of ["connection", "keep-alive", "transfer-encoding"]) {
    assert.equal(HOP_BY_HOP_FIELDS.has(name), true, name);
  }
  assert.equal(HOP_BY_HOP_FIELDS.has("content-type"), false);
  assert.equal(HOP_BY_HOP_FIELDS.has("Connection"), false);
});

Deno.test("ENGINE_FIELDS adds the framing and Date the engine writes itself", () => {
  for (const name of [...HOP_BY_HOP_FIELDS, "content-length", "date"]) {
    assert.equal(ENGINE_FIELDS.has(name), true, name);
  }
  assert.equal(ENGINE_FIELDS.has("etag"), false);
});
