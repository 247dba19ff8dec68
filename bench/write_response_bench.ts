/**
 * The response writer on the in-memory connection, and one full pipelined
 * GET round through the connection task.
 *
 * Run: `deno bench bench/write_response_bench.ts`
 */

import { ConnectionTracker } from "../src/http1/connection_tracker.ts";
import { resolveLimits } from "../src/http1/limits.ts";
import { serveConnection } from "../src/http1/serve_connection.ts";
import {
  type ResponseContext,
  writeResponse,
} from "../src/http1/write_response.ts";
import { MockConn } from "../support/mock_conn.ts";

const GET11: ResponseContext = {
  isHead: false,
  minorVersion: 1,
  keepAlive: true,
};
const BODY_16K = new Uint8Array(16 * 1024).fill(120);

Deno.bench('writeResponse() small new Response("hello")', {
  group: "writeResponse",
  baseline: true,
}, async () => {
  await writeResponse(new MockConn([]), new Response("hello"), GET11);
});

Deno.bench(
  "writeResponse() 16 KiB body",
  { group: "writeResponse" },
  async () => {
    await writeResponse(new MockConn([]), new Response(BODY_16K), GET11);
  },
);

Deno.bench(
  "writeResponse() JSON with headers",
  { group: "writeResponse" },
  async () => {
    await writeResponse(
      new MockConn([]),
      Response.json({ ok: true, items: [1, 2, 3] }, {
        headers: { "cache-control": "no-store", "x-request-id": "abc123" },
      }),
      GET11,
    );
  },
);

const PIPELINED = new TextEncoder().encode(
  "GET /a HTTP/1.1\r\nHost: bench\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n"
    .repeat(8),
);
const limits = resolveLimits({});
const tracker = new ConnectionTracker(1000);
const options = {
  limits,
  tracker,
  onError: () => new Response(null, { status: 500 }),
};
const hello = () => new Response("hello");

Deno.bench("serveConnection() pipelined round of 8 GETs", {
  group: "round",
}, async () => {
  await serveConnection(new MockConn([PIPELINED]), hello, options);
});
