/**
 * Requests that must not reach a handler in a changed form: a method in the
 * wrong case (Request would upper-case it) and a raw backslash in the target
 * (the URL parser would turn it into "/").
 */

import assert from "node:assert/strict";
import { ConnectionTracker } from "../../src/http1/connection_tracker.ts";
import { resolveLimits } from "../../src/http1/limits.ts";
import { parseRequestHead } from "../../src/http1/parse_request_head.ts";
import { RequestParseError } from "../../src/http1/request_head.ts";
import { serveConnection } from "../../src/http1/serve_connection.ts";
import { MockConn } from "../../support/mock_conn.ts";

async function run(input: string) {
  const seen: string[] = [];
  const conn = new MockConn([input]);
  await serveConnection(conn, (request) => {
    seen.push(`${request.method} ${new URL(request.url).pathname}`);
    return new Response("ok");
  }, {
    limits: resolveLimits(),
    tracker: new ConnectionTracker(1000),
    onError: () => new Response("error", { status: 500 }),
  });
  return { output: conn.output, seen, closed: conn.closed };
}

Deno.test("serveConnection() answers 501 to a method in the wrong case, never as GET", async () => {
  for (const method of ["get", "Get", "head", "post", "Delete", "oPTIONS"]) {
    const { output, seen } = await run(
      `${method} /a HTTP/1.1\r\nHost: a\r\n\r\nGET /next HTTP/1.1\r\nHost: a\r\n\r\n`,
    );
    assert.match(output, /^HTTP\/1\.1 501 Not Implemented\r\n/, method);
    assert.match(output, /\r\nconnection: close\r\n/, method);
    assert.deepEqual(seen, [], `${method} reached the handler`);
  }
});

Deno.test("serveConnection() passes unknown methods and exact-case methods through", async () => {
  const { seen } = await run(
    "PURGE /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n" +
      "patch /c HTTP/1.1\r\nHost: a\r\n\r\n",
  );
  // `patch` is not one of the methods Request upper-cases: it stays as sent.
  assert.deepEqual(seen, ["PURGE /a", "GET /b", "patch /c"]);
});

Deno.test("parseRequestHead() refuses a raw backslash in the target with 400", () => {
  for (const target of ["/dir\\file.txt", "/\\host/dir", "/a?b=\\"]) {
    const bytes = new TextEncoder().encode(
      `GET ${target} HTTP/1.1\r\nHost: a\r\n\r\n`,
    );
    const result = parseRequestHead(bytes, 0, bytes.length, resolveLimits());
    assert.ok(result instanceof RequestParseError, target);
    assert.equal(result.status, 400);
  }
});

Deno.test("serveConnection() never lets /dir\\file reach the handler as /dir/file", async () => {
  const { output, seen } = await run(
    "GET /dir\\file.txt HTTP/1.1\r\nHost: a\r\n\r\n",
  );
  assert.match(output, /^HTTP\/1\.1 400 Bad Request\r\n/);
  assert.deepEqual(seen, []);
});
