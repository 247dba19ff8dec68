/**
 * berth's own work per keep-alive request on the fast lane, without the
 * runtime's socket ops: the connection task reads 1,000 requests for the
 * harness's small files (`/small/f0000.txt` …, in a fixed random order),
 * each in a read of its own as from a client that waits for each answer,
 * and answers each from the file handler's fast lane, on the in-memory
 * connection. One iteration is 1,000 requests: its time / 1,000 is the
 * time per request. The handler's clock stands still, so no re-check runs
 * (their cost is per second, not per request: see `recheck_bench.ts`).
 *
 * Run: `deno bench --allow-read --allow-write bench/fast_lane_loop_bench.ts`
 * (the fixtures are written on first use). Compare with another checkout
 * by copying this file into its `bench/`.
 *
 * @module
 */

import { join } from "node:path";
import { ConnectionTracker } from "../src/http1/connection_tracker.ts";
import { resolveLimits } from "../src/http1/limits.ts";
import { serveConnection } from "../src/http1/serve_connection.ts";
import { createStaticHandler } from "../src/static/static_handler.ts";
import { MockConn } from "../support/mock_conn.ts";
import { ensureFixtures } from "./http/fixtures.ts";

const site = join(new URL(".", import.meta.url).pathname, "fixtures/site");
await ensureFixtures(site);

const FILES = 1000;
const REQUESTS = 1000;
const handler = createStaticHandler({
  root: site,
  watch: false,
  siteRules: false,
  now: () => 0,
});
const paths: string[] = [];
for (let i = 0; i < FILES; i++) {
  paths.push(`/small/f${String(i).padStart(4, "0")}.txt`);
}
// The ordinary path answers each file once; the fast lane records it.
for (const path of paths) {
  await (await handler(new Request(`http://localhost${path}`))).bytes();
}

// A fixed pseudo-random order (a linear congruential generator).
let seed = 20240611;
const heads: Uint8Array[] = [];
const encoder = new TextEncoder();
for (let i = 0; i < REQUESTS; i++) {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  heads.push(
    encoder.encode(
      `GET ${paths[seed % FILES]} HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n`,
    ),
  );
}

const tracker = new ConnectionTracker(1000);
const options = {
  limits: resolveLimits({}),
  tracker,
  onError: () => new Response(null, { status: 500 }),
};

Deno.bench(`${REQUESTS} keep-alive GETs of ${FILES} files, fast lane`, {
  group: "fast lane loop",
}, async () => {
  const conn = new MockConn([...heads]);
  await serveConnection(conn, handler, options);
  if (conn.writes.length !== REQUESTS) {
    throw new Error(`${conn.writes.length} answers, not ${REQUESTS}`);
  }
});
