/**
 * checkRequestFields() and checkTrailerFields(): the request rules HPACK
 * does not check (RFC 9113 §8.2, §8.3). A malformed request is status 0 (a
 * PROTOCOL_ERROR stream error, §8.1.1); others get the status the HTTP/1.1
 * engine answers for the same fault.
 */

import assert from "node:assert/strict";
import {
  checkRequestFields,
  checkTrailerFields,
  type Http2RequestHead,
} from "../../src/http2/request_fields.ts";

const LIMITS = { maxRequestTargetBytes: 64 };

/** Fields as `name: value` lines (the first colon of a pseudo-header kept). */
function check(lines: string[]) {
  const names: string[] = [];
  const values: string[] = [];
  for (const line of lines) {
    const at = line.startsWith(": ") ? 0 : line.indexOf(": ", 1);
    names.push(line.slice(0, at));
    values.push(line.slice(at + 2));
  }
  return checkRequestFields(names, values, LIMITS);
}

const GET = [":method: GET", ":scheme: https", ":path: /a?b=1"];

Deno.test("checkRequestFields() builds a request from valid fields", () => {
  assert.deepEqual(
    check([...GET, ":authority: example.com:8443", "accept: */*"]),
    {
      kind: "request",
      method: "GET",
      path: "/a?b=1",
      authority: "example.com:8443",
      scheme: "https",
      headerNames: ["accept"],
      headerValues: ["*/*"],
      contentLength: -1,
      expectContinue: false,
    } satisfies Http2RequestHead,
  );
});

Deno.test("checkRequestFields() joins cookie crumbs into one field (§8.2.3)", () => {
  const head = check([
    ...GET,
    "cookie: a=1",
    "x: y",
    "cookie: b=2",
  ]) as Http2RequestHead;
  assert.deepEqual(
    [head.headerNames, head.headerValues],
    [["x", "cookie"], ["y", "a=1; b=2"]],
  );
});

Deno.test("checkRequestFields() falls back to host, then to no authority", () => {
  const withHost = check([...GET, "host: example.org"]) as Http2RequestHead;
  assert.equal(withHost.authority, "example.org");
  assert.deepEqual(withHost.headerNames, ["host"]);
  assert.equal((check(GET) as Http2RequestHead).authority, "");
});

Deno.test("checkRequestFields() reads content-length", () => {
  const post = [":method: POST", ":scheme: http", ":path: /"];
  const head = check([...post, "content-length: 12", "content-length: 12"]);
  assert.equal((head as Http2RequestHead).contentLength, 12);
});

Deno.test("checkRequestFields() notes expect: 100-continue, any case, in a list (RFC 9110 §10.1.1)", () => {
  const post = [":method: POST", ":scheme: http", ":path: /"];
  for (const value of ["100-continue", "100-Continue", ", 100-continue ,"]) {
    const head = check([...post, `expect: ${value}`]) as Http2RequestHead;
    assert.equal(head.expectContinue, true, value);
    assert.deepEqual(head.headerNames, ["expect"]);
  }
  assert.equal((check(post) as Http2RequestHead).expectContinue, false);
});

Deno.test("checkRequestFields() takes CONNECT with only :authority (§8.5)", () => {
  const head = check([":method: CONNECT", ":authority: example.com:443"]);
  assert.equal(head.kind, "request");
  assert.equal((head as Http2RequestHead).path, "");
});

Deno.test("checkRequestFields() takes OPTIONS *", () => {
  const head = check([":method: OPTIONS", ":scheme: http", ":path: *"]);
  assert.equal((head as Http2RequestHead).path, "*");
});

const refusals: [string, string[], number, string][] = [
  ["no :method", [":scheme: http", ":path: /"], 0, "Missing :method"],
  [
    "a :method that is no token",
    [":method: G T", ":scheme: http", ":path: /"],
    0,
    "Invalid :method",
  ],
  [
    "no :path",
    [":method: GET", ":scheme: http"],
    0,
    "Missing :path or :scheme",
  ],
  [
    "no :scheme",
    [":method: GET", ":path: /"],
    0,
    "Missing :path or :scheme",
  ],
  [
    "an empty :path (§8.3.1)",
    [":method: GET", ":scheme: http", ":path: "],
    0,
    "Invalid :path",
  ],
  [
    "a :path not in origin form",
    [":method: GET", ":scheme: http", ":path: a/b"],
    0,
    "Invalid :path",
  ],
  [
    "a :path with a fragment",
    [":method: GET", ":scheme: http", ":path: /a#b"],
    0,
    "Invalid :path",
  ],
  [
    "* for another method than OPTIONS",
    [":method: GET", ":scheme: http", ":path: *"],
    0,
    "Invalid :path",
  ],
  [
    "a pseudo-header field after a regular one (§8.3)",
    [":method: GET", "accept: */*", ":scheme: http", ":path: /"],
    0,
    "Pseudo-header field after a regular field",
  ],
  [
    "an unknown pseudo-header field",
    [...GET, ":protocol: websocket"],
    0,
    "Unknown pseudo-header field",
  ],
  [
    "a response pseudo-header field",
    [...GET, ":status: 200"],
    0,
    "Unknown pseudo-header field",
  ],
  [
    "a repeated pseudo-header field",
    [...GET, ":path: /b"],
    0,
    "Repeated pseudo-header field",
  ],
  [
    "an uppercase field name (§8.2.1)",
    [...GET, "Accept: */*"],
    0,
    "Uppercase field name",
  ],
  ["an empty field name", [...GET, ": x"], 0, "Invalid field name"],
  ["a field name with a space", [...GET, "a b: x"], 0, "Invalid field name"],
  [
    "a value with a leading space (§8.2.1)",
    [...GET, "accept:  */*"],
    0,
    "Invalid field value",
  ],
  [
    "a value with a trailing tab",
    [...GET, "accept: */*\t"],
    0,
    "Invalid field value",
  ],
  ["a value with a LF", [...GET, "x: a\nb"], 0, "Invalid field value"],
  ["a value with a NUL", [...GET, "x: a\0b"], 0, "Invalid field value"],
  [
    "a pseudo-header value with a CR",
    [":method: GET", ":scheme: http", ":path: /\r"],
    0,
    "Invalid field value",
  ],
  [
    "connection (§8.2.2)",
    [...GET, "connection: keep-alive"],
    0,
    "Connection-specific field",
  ],
  [
    "transfer-encoding",
    [...GET, "transfer-encoding: chunked"],
    0,
    "Connection-specific field",
  ],
  ["upgrade", [...GET, "upgrade: h2c"], 0, "Connection-specific field"],
  ["keep-alive", [...GET, "keep-alive: 5"], 0, "Connection-specific field"],
  [
    "proxy-connection",
    [...GET, "proxy-connection: close"],
    0,
    "Connection-specific field",
  ],
  ["te other than trailers", [...GET, "te: gzip"], 0, "te other than trailers"],
  ["a repeated host", [...GET, "host: a", "host: b"], 0, "Repeated host"],
  [
    "a host that differs from :authority (§8.3.1)",
    [...GET, ":authority: a.example", "host: b.example"],
    0,
    "host differs from :authority",
  ],
  [
    "an :authority with userinfo (§8.3.1)",
    [...GET, ":authority: user@example.com"],
    0,
    "Invalid :authority",
  ],
  [
    "an :authority with a long port",
    [...GET, ":authority: example.com:123456"],
    0,
    "Invalid :authority",
  ],
  [
    "a content-length that is no number",
    [...GET, "content-length: 1e3"],
    0,
    "Invalid content-length",
  ],
  [
    "two content-lengths that differ",
    [...GET, "content-length: 1", "content-length: 2"],
    0,
    "Invalid content-length",
  ],
  [
    "CONNECT with a :path",
    [":method: CONNECT", ":authority: a:443", ":path: /"],
    0,
    "Invalid CONNECT pseudo-header fields",
  ],
  [
    "CONNECT without :authority",
    [":method: CONNECT"],
    0,
    "Invalid CONNECT pseudo-header fields",
  ],
  [
    "a :path over maxRequestTargetBytes: 414",
    [":method: GET", ":scheme: http", `:path: /${"a".repeat(64)}`],
    414,
    "Request-target too long",
  ],
  ...["something", "100-continue, foo", "100-continuex", "100-continue\u00a0"]
    .map((value): [string, string[], number, string] => [
      `expect ${JSON.stringify(value)}: 417, as HTTP/1.1 answers it`,
      [...GET, `expect: ${value}`],
      417,
      "Unsupported expectation",
    ]),
  [
    "a :scheme other than http or https: 400",
    [":method: GET", ":scheme: ftp", ":path: /"],
    400,
    "Unsupported :scheme",
  ],
];

for (const [name, lines, status, reason] of refusals) {
  Deno.test(`checkRequestFields() refuses ${name}`, () => {
    assert.deepEqual(check(lines), { kind: "refused", status, reason });
  });
}

Deno.test("checkRequestFields() takes te: trailers and a :path at the limit", () => {
  const path = `/${"a".repeat(63)}`;
  const head = check([
    ":method: GET",
    ":scheme: http",
    `:path: ${path}`,
    "te: trailers",
  ]);
  assert.equal((head as Http2RequestHead).path, path);
});

Deno.test("checkTrailerFields() takes regular fields, refuses the rest", () => {
  assert.equal(checkTrailerFields(["x-checksum"], ["abc"]), null);
  assert.equal(
    checkTrailerFields([":path"], ["/"]),
    "Pseudo-header field in trailers",
  );
  assert.equal(checkTrailerFields(["X"], ["1"]), "Uppercase field name");
  assert.equal(
    checkTrailerFields(["connection"], ["close"]),
    "Connection-specific field",
  );
});

Deno.test("checkRequestFields() checks each :authority, the one it found valid last included", () => {
  const valid = [...GET, ":authority: example.com"];
  assert.equal(check(valid).kind, "request");
  assert.equal(check(valid).kind, "request");
  const refused = check([...GET, ":authority: exa mple.com"]);
  assert.deepEqual(refused, {
    kind: "refused",
    status: 0,
    reason: "Invalid :authority",
  });
  assert.equal(check([...GET, ":authority: a@example.com"]).kind, "refused");
  assert.equal(check(valid).kind, "request");
  assert.equal(check([...GET, "host: exa mple.com"]).kind, "refused");
});
