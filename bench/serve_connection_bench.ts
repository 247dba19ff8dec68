/**
 * The connection task on the in-memory connection: head parsing, request
 * building, handler call and response writing, end to end.
 *
 * Run: `deno bench bench/serve_connection_bench.ts`
 */

import { ConnectionTracker } from "../src/http1/connection_tracker.ts";
import { resolveLimits } from "../src/http1/limits.ts";
import { serveConnection } from "../src/http1/serve_connection.ts";
import { MockConn } from "../support/mock_conn.ts";

const encoder = new TextEncoder();
const limits = resolveLimits({});
const tracker = new ConnectionTracker(1000);
const options = {
  limits,
  tracker,
  onError: () => new Response(null, { status: 500 }),
};

const GET = encoder.encode(
  "GET /index.html?q=1 HTTP/1.1\r\nHost: bench.test\r\nUser-Agent: bench/1.0\r\n" +
    "Accept: text/html,*/*;q=0.8\r\nAccept-Encoding: gzip, br\r\n" +
    "Accept-Language: en-US,en;q=0.9\r\nCookie: session=abc123\r\n\r\n",
);
const PIPELINED_16 = new Uint8Array(GET.length * 16);
for (let i = 0; i < 16; i++) PIPELINED_16.set(GET, i * GET.length);
const POST_CHUNKED = encoder.encode(
  "POST /upload HTTP/1.1\r\nHost: bench.test\r\nTransfer-Encoding: chunked\r\n\r\n" +
    ("400\r\n" + "p".repeat(1024) + "\r\n").repeat(16) + "0\r\n\r\n",
);

const hello = () => new Response("hello");
const echoLength = async (request: Request) =>
  new Response(String((await request.arrayBuffer()).byteLength));

Deno.bench(
  "serveConnection() one GET",
  { group: "connection", baseline: true },
  async () => {
    await serveConnection(new MockConn([GET]), hello, options);
  },
);

Deno.bench(
  "serveConnection() 16 pipelined GETs",
  { group: "connection" },
  async () => {
    await serveConnection(new MockConn([PIPELINED_16]), hello, options);
  },
);

Deno.bench(
  "serveConnection() one GET byte by byte",
  { group: "connection" },
  async () => {
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < GET.length; i++) chunks.push(GET.subarray(i, i + 1));
    await serveConnection(new MockConn(chunks), hello, options);
  },
);

Deno.bench("serveConnection() POST 16 KiB chunked body", {
  group: "connection",
}, async () => {
  await serveConnection(new MockConn([POST_CHUNKED]), echoLength, options);
});
