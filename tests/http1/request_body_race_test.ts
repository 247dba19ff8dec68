/**
 * A handler that starts reading the body and returns without waiting
 * (`request.text()` not awaited) races the engine's drain for the same
 * bytes. Found by the fuzzer as a hang that depended on split points.
 */

import assert from "node:assert/strict";
import { ConnectionTracker } from "../../src/http1/connection_tracker.ts";
import { resolveLimits } from "../../src/http1/limits.ts";
import { serveConnection } from "../../src/http1/serve_connection.ts";
import { MockConn } from "../../support/mock_conn.ts";

const HEAD =
  "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
const NEXT = "GET /next HTTP/1.1\r\nHost: a\r\n\r\n";

Deno.test("serveConnection() drains a body the handler is still reading, at every split", async () => {
  for (
    const body of [
      "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
      "5\r\nhello\r\n6\r\nabcdefXY\r\n0\r\n\r\n", // a broken chunk
    ]
  ) {
    const input = HEAD + body + NEXT;
    for (let a = HEAD.length - 2; a < HEAD.length + body.length; a++) {
      for (let b = a + 1; b < input.length; b += 3) {
        const seen: string[] = [];
        const conn = new MockConn([
          input.slice(0, a),
          input.slice(a, b),
          input.slice(b),
        ]);
        await serveConnection(conn, (request) => {
          seen.push(new URL(request.url).pathname);
          request.text().catch(() => {}); // not awaited, on purpose
          return new Response("x");
        }, {
          limits: resolveLimits(),
          tracker: new ConnectionTracker(1000),
          onError: () => new Response("e", { status: 500 }),
        });
        const broken = body.includes("XY");
        // The next request is answered after a good body, never after a
        // broken one (its framing is lost: the connection closes).
        assert.deepEqual(
          seen,
          broken ? ["/c"] : ["/c", "/next"],
          `${JSON.stringify(body)} split at ${a}, ${b}`,
        );
      }
    }
  }
});
