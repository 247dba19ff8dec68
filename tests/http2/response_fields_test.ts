/**
 * responseFields(): a handler's Response as an HTTP/2 field list — :status
 * first (RFC 9113 §8.3.2), no connection-specific fields (§8.2.2), a date
 * when the handler set none, content-length kept aside for the connection
 * to decide, set-cookie never indexed (RFC 7541 §7.1.3).
 */

import assert from "node:assert/strict";
import { responseFields } from "../../src/http2/response_fields.ts";

Deno.test("responseFields() puts :status first and adds a date", () => {
  const { fields, declaredLength } = responseFields(
    new Response(null, { status: 404, headers: { "x-a": "1" } }),
  );
  assert.deepEqual(fields.slice(0, 2), [
    { name: ":status", value: "404" },
    { name: "x-a", value: "1" },
  ]);
  assert.equal(fields[2].name, "date");
  assert.match(fields[2].value, /^\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT$/);
  assert.equal(fields.length, 3);
  assert.equal(declaredLength, -1);
});

Deno.test("responseFields() keeps the handler's date", () => {
  const date = "Sun, 06 Nov 1994 08:49:37 GMT";
  const { fields } = responseFields(new Response(null, { headers: { date } }));
  assert.deepEqual(fields, [
    { name: ":status", value: "200" },
    { name: "date", value: date },
  ]);
});

Deno.test("responseFields() drops connection-specific fields (§8.2.2)", () => {
  const { fields } = responseFields(
    new Response(null, {
      headers: {
        connection: "close",
        "keep-alive": "timeout=5",
        "transfer-encoding": "chunked",
        upgrade: "h2c",
        "proxy-connection": "close",
        "x-kept": "yes",
        date: "Sun, 06 Nov 1994 08:49:37 GMT",
      },
    }),
  );
  assert.deepEqual(fields.map((f) => f.name), [":status", "date", "x-kept"]);
});

Deno.test("responseFields() takes content-length aside when valid", () => {
  const date = "Sun, 06 Nov 1994 08:49:37 GMT";
  const valid = responseFields(
    new Response("abc", { headers: { "content-length": "3", date } }),
  );
  assert.equal(valid.declaredLength, 3);
  assert.ok(!valid.fields.some((f) => f.name === "content-length"));
  const invalid = responseFields(
    new Response("abc", { headers: { "content-length": "3, 3", date } }),
  );
  assert.equal(invalid.declaredLength, -1);
  assert.ok(!invalid.fields.some((f) => f.name === "content-length"));
});

Deno.test("responseFields() never indexes set-cookie, one field each", () => {
  const headers = new Headers({ date: "Sun, 06 Nov 1994 08:49:37 GMT" });
  headers.append("set-cookie", "a=1");
  headers.append("set-cookie", "b=2");
  const { fields } = responseFields(new Response(null, { headers }));
  assert.deepEqual(fields.filter((f) => f.name === "set-cookie"), [
    { name: "set-cookie", value: "a=1", neverIndex: true },
    { name: "set-cookie", value: "b=2", neverIndex: true },
  ]);
});
