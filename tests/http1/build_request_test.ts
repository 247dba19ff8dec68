import assert from "node:assert/strict";
import {
  buildRequest,
  isUnservableMethod,
} from "../../src/http1/build_request.ts";
import { BufferedReader } from "../../src/http1/buffered_reader.ts";
import { RequestBody } from "../../src/http1/request_body.ts";
import type { RequestHead } from "../../src/http1/request_head.ts";
import { MockConn } from "../../support/mock_conn.ts";

Deno.test("isUnservableMethod() refuses what a Request cannot carry faithfully", () => {
  const cases: [string, boolean][] = [
    ["GET", false],
    ["POST", false],
    ["PATCH", false],
    ["PROPFIND", false],
    ["patch", false], // not normalized by Fetch: carried as is
    ["CONNECT", true],
    ["TRACE", true],
    ["TRACK", true],
    ["get", true], // Fetch would turn it into GET
    ["Delete", true],
  ];
  for (const [method, want] of cases) {
    assert.equal(isUnservableMethod(method), want, method);
  }
});

function head(fields: Partial<RequestHead>): RequestHead {
  return {
    method: "GET",
    target: "/a?b",
    minorVersion: 1,
    headerNames: ["host", "accept"],
    headerValues: ["example.com", "*/*"],
    host: "example.com",
    contentLength: 0,
    keepAlive: true,
    expectContinue: false,
    ...fields,
  };
}

Deno.test("buildRequest() forms the URL from the scheme, Host and target", () => {
  const request = buildRequest(head({}), "https://", null)!;
  assert.equal(request.url, "https://example.com/a?b");
  assert.equal(request.method, "GET");
  assert.equal(request.headers.get("accept"), "*/*");
  const noHost = buildRequest(head({ host: "" }), "http://", null)!;
  assert.equal(noHost.url, "http://localhost/a?b");
  const absolute = buildRequest(
    head({ target: "http://other.example/x" }),
    "http://",
    null,
  )!;
  assert.equal(absolute.url, "http://other.example/x");
});

Deno.test("buildRequest() returns null when no URL can be formed", () => {
  assert.equal(buildRequest(head({ host: "[::1" }), "http://", null), null);
});

Deno.test("buildRequest() carries every field, repeated ones combined, whatever the method", () => {
  const fields = {
    headerNames: ["host", "accept", "set-cookie", "accept", "set-cookie"],
    headerValues: ["example.com", "text/html", "a=1", "*/*", "b=2"],
  };
  for (const method of ["GET", "HEAD", "DELETE", "PROPFIND"]) {
    const request = buildRequest(head({ method, ...fields }), "http://", null)!;
    assert.equal(request.method, method);
    assert.equal(request.headers.get("accept"), "text/html, */*", method);
    assert.deepEqual(request.headers.getSetCookie(), ["a=1", "b=2"], method);
    assert.equal(request.headers.get("host"), "example.com", method);
    assert.equal(request.body, null, method);
  }
});

Deno.test("buildRequest() gives a POST its body and never a GET one", async () => {
  const input = "hello";
  const reader = new BufferedReader(new MockConn([input]), 64, 64);
  const body = new RequestBody(reader, input.length, {
    maxBodyBytes: 1024,
    maxTrailerBytes: 1024,
  });
  const get = buildRequest(head({ contentLength: 5 }), "http://", body)!;
  assert.equal(get.body, null);
  const post = buildRequest(
    head({ method: "POST", contentLength: 5 }),
    "http://",
    body,
  )!;
  assert.equal(await post.text(), "hello");
});

Deno.test("buildRequest() returns null for a field a Request refuses", () => {
  const refused = head({
    headerNames: ["host", "x-bad"],
    headerValues: ["example.com", "a\0b"],
  });
  assert.equal(buildRequest(refused, "http://", null), null);
  assert.equal(
    buildRequest({ ...refused, method: "POST" }, "http://", null),
    null,
  );
});
