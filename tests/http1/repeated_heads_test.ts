/**
 * A connection's heads lend their strings (or themselves) to the next head
 * that repeats them (see parse_request_head_test.ts): each request on the
 * connection is still answered by its own head.
 */

import assert from "node:assert/strict";
import { ConnectionTracker } from "../../src/http1/connection_tracker.ts";
import { resolveLimits } from "../../src/http1/limits.ts";
import { serveConnection } from "../../src/http1/serve_connection.ts";
import { MockConn } from "../../support/mock_conn.ts";
import { parseResponses } from "../../support/raw_http.ts";

Deno.test("serveConnection() answers each of a connection's requests by its own head", async () => {
  const sent: string[] = [];
  for (const host of ["h1", "h1", "h2", "h2"]) {
    sent.push(`GET /echo HTTP/1.1\r\nHost: ${host}\r\nX-N: 1\r\n\r\n`);
  }
  sent.push("GET /echo HTTP/1.1\r\nHost: h2\r\nX-N: 2\r\n\r\n");
  sent.push(
    "GET /echo HTTP/1.1\r\nHost: h2\r\nX-N: 2\r\nConnection: close\r\n\r\n",
  );
  const conn = new MockConn(sent);
  const tracker = new ConnectionTracker(1000);
  await serveConnection(
    conn,
    (request) =>
      new Response(
        `${new URL(request.url).host} ${request.headers.get("x-n")}`,
      ),
    {
      limits: resolveLimits({}),
      tracker,
      onError: () => new Response(null, { status: 500 }),
    },
  );
  assert.deepEqual(
    parseResponses(conn.output).map((response) => response.body),
    ["h1 1", "h1 1", "h2 1", "h2 1", "h2 2", "h2 2"],
  );
  assert.ok(conn.closed);
});

Deno.test("serveConnection() takes target, method and version from each request line before repeated fields", async () => {
  const fields = "Host: h1\r\nX-N: 1\r\n\r\n";
  const conn = new MockConn([
    "GET /echo HTTP/1.1\r\n" + fields,
    "GET http://h9:8080/echo HTTP/1.1\r\n" + fields, // not Host's authority
    "HEAD /echo?x HTTP/1.1\r\n" + fields,
    "GET /echo?y HTTP/1.0\r\n" + fields, // no keep-alive: the last answered
    "GET /never HTTP/1.1\r\n" + fields,
  ]);
  const seen: string[] = [];
  await serveConnection(
    conn,
    (request) => {
      const url = new URL(request.url);
      seen.push(`${request.method} ${url.host}${url.pathname}${url.search}`);
      return new Response("ok");
    },
    {
      limits: resolveLimits({}),
      tracker: new ConnectionTracker(1000),
      onError: () => new Response(null, { status: 500 }),
    },
  );
  assert.deepEqual(seen, [
    "GET h1/echo",
    "GET h9:8080/echo",
    "HEAD h1/echo?x",
    "GET h1/echo?y",
  ]);
  assert.ok(conn.closed);
});
