// deno-lint-ignore-file no-console
/**
 * berth's own CPU per fast-lane hit, checkouts side by side in one process:
 * each checkout's connection task and file handler answer runs of keep-alive
 * GETs on an in-memory connection (`support/loop_conn.ts`), the checkouts'
 * runs alternated (who goes first rotates), and the process's CPU time
 * (`process.cpuUsage()`) per request is kept; medians, and each one's ratio
 * to the first checkout's. Three clients: wrk's head (`/index.html`,
 * `Host` only), ab -k's (HTTP/1.0, four fields), and wrk's head for the
 * 1,000 small files in a fixed random order (every head differs), or for
 * the first N of them with `--files N` (what the number of files costs:
 * `--files 1` repeats one head, as wrk with `random_small.lua` and one
 * file does). With `--second-every N` the wall clock (`Date.now`) moves on
 * by one second every N reads of it (two a request in this loop, so N/2
 * requests a second): what answers re-made each second for their `Date`
 * cost at that rate, which a run of milliseconds on the real clock hardly
 * sees.
 *
 *   deno run -A bench/fast_lane_cpu_pair.ts [--reps 21] [--files 1000]
 *     [--connections 1] [--second-every N] DIR...
 *
 * With `--generic`, the client is wrk's GET `/hello` and the handler the
 * generic one of `bench/servers/generic.ts` (`new Response("hello " +
 * pathname)`) on each checkout's engine: the ordinary path, no lane; what
 * is left is berth's JavaScript and the public APIs it calls (`Request`,
 * `Response`, its body's stream). Each line also gives the median of the
 * per-repetition ratios (paired).
 *
 * e.g. `bench/fast_lane_cpu_pair.ts /tmp/base .` with `/tmp/base` a `git
 * worktree` of main. With `--connections N`, each run's requests are
 * shared by N in-memory connections served at once: their tasks take
 * turns on the microtask queue, round-robin, as busy connections do under
 * load, so each request touches one connection's state after N others'
 * (what the number of connections costs berth's own work; above 128, the
 * connections also take turns, see src/http1/turn_gate.ts). CPU time, unlike wall time, leaves out what the host
 * steals; run it under the bench lock all the same.
 *
 * @module
 */

import process from "node:process";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { LoopConn } from "../support/loop_conn.ts";
import { ensureFixtures } from "./http/fixtures.ts";
import { recordAll } from "./http/pair_setup.ts";
import { hello } from "./servers/generic.ts";

const { values, positionals } = parseArgs({
  args: Deno.args,
  options: {
    reps: { type: "string", default: "21" },
    files: { type: "string", default: "1000" },
    connections: { type: "string", default: "1" },
    "second-every": { type: "string" },
    generic: { type: "boolean", default: false },
  },
  allowPositionals: true,
});
if (positionals.length === 0) {
  console.error("Usage: deno run -A bench/fast_lane_cpu_pair.ts DIR...");
  Deno.exit(2);
}
const REPS = Number(values.reps);
const REQUESTS = 20_000;
/** Small files the fixtures hold, each recorded by the lane. */
const FILES = 1000;
/** How many of them the random client asks for. */
const PICKED = Number(values.files);
if (!(PICKED >= 1 && PICKED <= FILES)) {
  console.error(`--files: 1 to ${FILES}`);
  Deno.exit(2);
}
/** In-memory connections sharing each run's requests. */
const CONNECTIONS = Number(values.connections);
if (!(Number.isInteger(CONNECTIONS) && CONNECTIONS >= 1)) {
  console.error("--connections: a positive integer");
  Deno.exit(2);
}
/** Requests a run answers: the same number on each connection. */
const ANSWERED = CONNECTIONS * Math.floor(REQUESTS / CONNECTIONS);
const secondEvery = values["second-every"];
if (secondEvery !== undefined) {
  const every = Number(secondEvery);
  if (!(every >= 1)) {
    console.error("--second-every: a number of reads, at least 1");
    Deno.exit(2);
  }
  const start = Date.now();
  let reads = 0;
  Date.now = () => start + 1000 * Math.floor(reads++ / every);
}
const site = join(new URL(".", import.meta.url).pathname, "fixtures/site");
await ensureFixtures(site);

const encoder = new TextEncoder();
const wrkHead = (path: string) =>
  encoder.encode(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:18000\r\n\r\n`);
const smallPaths: string[] = [];
for (let i = 0; i < FILES; i++) {
  smallPaths.push(`/small/f${String(i).padStart(4, "0")}.txt`);
}
let seed = 20240611;
const randomHeads: Uint8Array[] = [];
for (let i = 0; i < FILES; i++) {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  randomHeads.push(wrkHead(smallPaths[seed % PICKED]));
}
const FILE_CLIENTS: Record<string, Uint8Array[]> = {
  "wrk, /index.html": [wrkHead("/index.html")],
  "ab -k, /index.html": [
    encoder.encode(
      "GET /index.html HTTP/1.0\r\nConnection: Keep-Alive\r\n" +
        "Host: 127.0.0.1:18000\r\nUser-Agent: ApacheBench/2.3\r\n" +
        "Accept: */*\r\n\r\n",
    ),
  ],
  [
    `${PICKED.toLocaleString("en")} file${
      PICKED === 1 ? "" : "s"
    }, random order`
  ]: randomHeads,
};
const CLIENTS: Record<string, Uint8Array[]> = values.generic
  ? { "generic handler, wrk, /hello": [wrkHead("/hello")] }
  : FILE_CLIENTS;

/** One checkout's engine and handler, ready to answer hits. */
async function load(dir: string) {
  const root = resolve(dir);
  const { ConnectionTracker } = await import(
    join(root, "src/http1/connection_tracker.ts")
  );
  const { resolveLimits } = await import(join(root, "src/http1/limits.ts"));
  const { serveConnection } = await import(
    join(root, "src/http1/serve_connection.ts")
  );
  const handler = values.generic ? hello : await fileHandler(root);
  const options = {
    limits: resolveLimits({}),
    tracker: new ConnectionTracker(1000),
    onError: () => new Response(null, { status: 500 }),
  };
  return async (heads: Uint8Array[]) => {
    const conns: LoopConn[] = [];
    for (let i = 0; i < CONNECTIONS; i++) {
      conns.push(new LoopConn(heads, ANSWERED / CONNECTIONS));
    }
    await Promise.all(
      conns.map((conn) => serveConnection(conn, handler, options)),
    );
    const answered = conns.reduce((sum, conn) => sum + conn.answered, 0);
    if (answered !== ANSWERED) throw new Error("not all answered");
  };
}

/** One checkout's file handler, its fast lane holding every file. */
async function fileHandler(root: string) {
  const { createStaticHandler } = await import(
    join(root, "src/static/static_handler.ts")
  );
  const handler = createStaticHandler({
    root: site,
    watch: false,
    siteRules: false,
  });
  // The ordinary path answers each file once; the fast lane records it.
  await recordAll(handler, ["/index.html", ...smallPaths]);
  return handler;
}

const runs = [];
for (const dir of positionals) runs.push(await load(dir));
const median = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

for (const [client, heads] of Object.entries(CLIENTS)) {
  for (const run of runs) await run(heads); // warm-up
  const perRequest: number[][] = runs.map(() => []);
  const ratios: number[][] = runs.map(() => []);
  for (let rep = 0; rep < REPS; rep++) {
    for (let i = 0; i < runs.length; i++) {
      const k = (rep + i) % runs.length;
      const before = process.cpuUsage();
      await runs[k](heads);
      const used = process.cpuUsage(before);
      perRequest[k].push((used.user + used.system) / ANSWERED);
    }
    for (let k = 0; k < runs.length; k++) {
      ratios[k].push(perRequest[k][rep] / perRequest[0][rep]);
    }
  }
  const medians = perRequest.map(median);
  console.log(
    `${client}: ` +
      medians.map((m, i) =>
        `${positionals[i]} ${m.toFixed(2)} µs (${
          (m / medians[0]).toFixed(2)
        }×, paired ${median(ratios[i]).toFixed(3)}×)`
      ).join(", "),
  );
}
