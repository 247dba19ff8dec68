import assert from "node:assert/strict";
import {
  buildRequest,
  isUnservableMethod,
} from "../../src/http1/build_request.ts";
import type { RequestHead } from "../../src/http1/request_head.ts";

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
