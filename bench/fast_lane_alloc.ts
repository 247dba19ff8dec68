// deno-lint-ignore-file no-console
/**
 * Bytes the heap allocates per request on a fast-lane hit, deterministic
 * enough to compare two checkouts: the connection task answers keep-alive
 * GETs of the fixtures' `/index.html` (1 KiB) from the file handler's fast
 * lane, over an in-memory connection whose reads and writes cost the same
 * in every checkout (one resolved promise each, kept and reused). V8's
 * `total_allocated_bytes` is read around runs of N and 2N requests; the
 * difference over N is the bytes per request, free of set-up and of the
 * counter's buffer-sized steps. Two heads: wrk's (`GET` with `Host` only,
 * HTTP/1.1) and ab's with `-k` (HTTP/1.0, `Host`, `User-Agent`, `Accept`,
 * `Connection: Keep-Alive`).
 *
 * `--profile` also prints where the bytes go: V8's sampling heap profiler
 * (through `node:inspector`, every 64 bytes on average), by function and
 * line, over one run of 2N requests per head.
 *
 *   deno run -A bench/fast_lane_alloc.ts [--requests 20000] [--reps 5]
 *     [--profile]
 *
 * Compare with another checkout by copying this file into its `bench/`.
 * Run it under the bench lock; the numbers are medians of `--reps`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { join } from "node:path";
import { Session } from "node:inspector";
import v8 from "node:v8";
import { ConnectionTracker } from "../src/http1/connection_tracker.ts";
import { resolveLimits } from "../src/http1/limits.ts";
import { serveConnection } from "../src/http1/serve_connection.ts";
import { createStaticHandler } from "../src/static/static_handler.ts";
import { ensureFixtures } from "./http/fixtures.ts";
import { LoopConn } from "../support/loop_conn.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    requests: { type: "string", default: "20000" },
    reps: { type: "string", default: "5" },
    profile: { type: "boolean", default: false },
  },
});
const N = Number(values.requests);
const REPS = Number(values.reps);

const encoder = new TextEncoder();
const HEADS: Record<string, Uint8Array> = {
  "wrk (HTTP/1.1, Host)": encoder.encode(
    "GET /index.html HTTP/1.1\r\nHost: 127.0.0.1:18000\r\n\r\n",
  ),
  "ab -k (HTTP/1.0 keep-alive)": encoder.encode(
    "GET /index.html HTTP/1.0\r\nConnection: Keep-Alive\r\n" +
      "Host: 127.0.0.1:18000\r\nUser-Agent: ApacheBench/2.3\r\n" +
      "Accept: */*\r\n\r\n",
  ),
};

const site = join(new URL(".", import.meta.url).pathname, "fixtures/site");
await ensureFixtures(site);
const handler = createStaticHandler({
  root: site,
  watch: false,
  siteRules: false,
});
// The ordinary path answers once; the fast lane records the answer.
await (await handler(new Request("http://localhost/index.html"))).bytes();
const tracker = new ConnectionTracker(1000);
const options = {
  limits: resolveLimits({}),
  tracker,
  onError: () => new Response(null, { status: 500 }),
};

/** Bytes V8 has allocated so far (Deno reports it; its types do not). */
function allocatedBytes(): number {
  const stats = v8.getHeapStatistics() as { total_allocated_bytes?: number };
  if (stats.total_allocated_bytes === undefined) {
    throw new Error("this runtime does not report total_allocated_bytes");
  }
  return stats.total_allocated_bytes;
}

/** Serve `count` requests on one connection; the heap bytes allocated. */
async function run(head: Uint8Array, count: number): Promise<number> {
  const conn = new LoopConn([head], count);
  const before = allocatedBytes();
  await serveConnection(conn, handler, options);
  const after = allocatedBytes();
  if (conn.answered !== count) {
    throw new Error(`${conn.answered} answers, not ${count}`);
  }
  return after - before;
}

const median = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

for (const [name, head] of Object.entries(HEADS)) {
  await run(head, 2 * N); // warm-up: optimized code from here on
  const perRequest: number[] = [];
  const microseconds: number[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    const single = await run(head, N);
    const started = performance.now();
    const double = await run(head, 2 * N);
    microseconds.push((performance.now() - started) * 1000 / (2 * N));
    perRequest.push((double - single) / N);
  }
  console.log(
    `${name}: ${median(perRequest).toFixed(0)} B/request ` +
      `(${perRequest.map((x) => x.toFixed(0)).join(", ")}); ` +
      `${median(microseconds).toFixed(2)} µs/request in-process`,
  );
}

if (values.profile) {
  const session = new Session();
  session.connect();
  const post = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(
        method,
        params,
        (error: unknown, result: unknown) =>
          error ? reject(error) : resolve(result),
      )
    );
  interface ProfileNode {
    callFrame: { functionName: string; url: string; lineNumber: number };
    selfSize: number;
    children: ProfileNode[];
  }
  await post("HeapProfiler.enable");
  for (const [name, head] of Object.entries(HEADS)) {
    await post("HeapProfiler.startSampling", {
      samplingInterval: 64,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    await run(head, 2 * N);
    const { profile } = await post("HeapProfiler.stopSampling") as {
      profile: { head: ProfileNode };
    };
    const bySite = new Map<string, number>();
    const walk = (node: ProfileNode) => {
      const { functionName, url, lineNumber } = node.callFrame;
      const where = `${functionName || "(anonymous)"} ${
        url.split("/").slice(-2).join("/")
      }:${lineNumber + 1}`;
      bySite.set(where, (bySite.get(where) ?? 0) + node.selfSize);
      for (const child of node.children) walk(child);
    };
    walk(profile.head);
    console.log(`\n${name}: sampled bytes per request, by allocating site`);
    const sites = [...bySite].filter(([, bytes]) => bytes > 0).sort((a, b) =>
      b[1] - a[1]
    );
    for (const [where, bytes] of sites.slice(0, 25)) {
      console.log(`${(bytes / (2 * N)).toFixed(1).padStart(8)}  ${where}`);
    }
  }
  session.disconnect();
}
