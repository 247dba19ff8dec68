// deno-lint-ignore-file no-console
/**
 * berth's own work per fast-lane answer that carries a `Connection` field,
 * this checkout against another (`--base DIR`, a `git worktree` of the code
 * before a change), in one process: both engines and file handlers are
 * loaded side by side and measured in alternating batches, so a noisy host
 * (steal time) weighs on both alike. No sockets: in-memory connections.
 *
 * - `keep-alive`: one connection, 1,000 HTTP/1.0 keep-alive GETs of a 2 KiB
 *   file (what `ab -k` sends, `bench/ab_keepalive.ts`), each in a read of
 *   its own.
 * - `close`: 1,000 connections of one GET of the 1 KiB page with
 *   `Connection: close` (`wrk -H 'Connection: close'`).
 *
 *   deno run -A bench/connection_copies_ab.ts --base /tmp/berth-before [--batches 15]
 *
 * Prints the median µs per answer of each, and after : before.
 *
 * @module
 */

import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { MockConn } from "../support/mock_conn.ts";
import { median } from "./http/cases.ts";
import { ensureFixtures } from "./http/fixtures.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    base: { type: "string" },
    batches: { type: "string", default: "15" },
  },
});
if (values.base === undefined) {
  console.error("Usage: deno run -A bench/connection_copies_ab.ts --base DIR");
  Deno.exit(2);
}
const BATCHES = Number(values.batches);
const ANSWERS = 1000;
const REPO = resolve(new URL("..", import.meta.url).pathname);
const site = join(REPO, "bench/fixtures/site");
await ensureFixtures(site);
// `bench/ab_keepalive.ts`'s file, written as it writes it.
await Deno.writeFile(join(site, "two.txt"), new Uint8Array(2048).fill(0x61));

const encoder = new TextEncoder();
const keepAlive = encoder.encode(
  "GET /two.txt HTTP/1.0\r\nHost: 127.0.0.1:8080\r\nConnection: Keep-Alive\r\n" +
    "User-Agent: ApacheBench/2.3\r\nAccept: */*\r\n\r\n",
);
const close = encoder.encode(
  "GET /index.html HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nConnection: close\r\n\r\n",
);

type Serve = (conn: MockConn) => Promise<void>;

/** A checkout's engine and file handler, fast lane recorded. */
async function load(dir: string): Promise<Serve> {
  const http1 = await import(join(dir, "src/http1/serve_connection.ts"));
  const { ConnectionTracker } = await import(
    join(dir, "src/http1/connection_tracker.ts")
  );
  const { resolveLimits } = await import(join(dir, "src/http1/limits.ts"));
  const { createStaticHandler } = await import(
    join(dir, "src/static/static_handler.ts")
  );
  const handler = createStaticHandler({
    root: site,
    watch: false,
    siteRules: false,
    now: () => 0,
  });
  for (const path of ["/two.txt", "/index.html"]) {
    const response = await handler(new Request(`http://localhost${path}`));
    await response.bytes();
    if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
  }
  const options = {
    limits: resolveLimits({}),
    tracker: new ConnectionTracker(1000),
    onError: () => new Response(null, { status: 500 }),
  };
  return (conn) => http1.serveConnection(conn, handler, options);
}

const cases: Record<string, (serve: Serve) => Promise<number>> = {
  "keep-alive": async (serve) => {
    const conn = new MockConn(Array.from({ length: ANSWERS }, () => keepAlive));
    await serve(conn);
    return conn.writes.length;
  },
  close: async (serve) => {
    let written = 0;
    for (let i = 0; i < ANSWERS; i++) {
      const conn = new MockConn([close]);
      await serve(conn);
      written += conn.writes.length;
    }
    return written;
  },
};

const checkouts = {
  before: await load(resolve(values.base)),
  after: await load(REPO),
};
for (const [name, run] of Object.entries(cases)) {
  const us: Record<string, number[]> = { before: [], after: [] };
  for (let batch = -2; batch < BATCHES; batch++) {
    // Each first in every other batch: neither always runs on a warmer heap.
    const order = Object.entries(checkouts);
    if (batch % 2 !== 0) order.reverse();
    for (const [which, serve] of order) {
      const start = performance.now();
      const answers = await run(serve);
      const perAnswer = (performance.now() - start) * 1000 / ANSWERS;
      if (answers !== ANSWERS) throw new Error(`${which}: ${answers} answers`);
      if (batch >= 0) us[which].push(perAnswer); // two batches of warm-up
    }
  }
  // The median, and the fastest batch (least disturbed by the host).
  const fastest = (v: number[]) => Math.min(...v);
  for (const [stat, of] of [["median", median], ["min", fastest]] as const) {
    const before = of(us.before);
    const after = of(us.after);
    console.log(
      `${name} (${stat}): before ${before.toFixed(2)} µs/answer, after ${
        after.toFixed(2)
      } µs/answer, after : before ${(after / before).toFixed(2)}×`,
    );
  }
}
