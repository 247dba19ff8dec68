// deno-lint-ignore-file no-console
/**
 * A change measured against the code before it, in one run: this
 * checkout's CLI and another checkout's (`--base DIR`, e.g. a `git
 * worktree` of the previous commit) serve the harness fixtures, nginx (1
 * worker, `open_file_cache`) as the yardstick, and wrk loads each case on
 * each server in turn, repetitions interleaved. Prints a Markdown table of
 * medians and ratios, for `bench/RESULTS.md`.
 *
 *   git worktree add /tmp/berth-before HEAD~3
 *   deno run -A bench/before_after.ts --base /tmp/berth-before [--reps 3] [--duration 5]
 *
 * `--cases 1,3` runs only those of the file cases (counting from 1), to
 * keep each locked run short. Case 6, a request per connection with
 * `Connection: close`, runs only when picked (`--cases 6`).
 *
 * `--floors` adds the runtime's floor (`bench/servers/floor.ts`) and the
 * same floor taking turns as berth's connections do (`--fair`) to the file
 * cases: at 256 connections, what fairness costs any server on
 * `Deno.listen`, apart from berth's own work.
 *
 * With `--generic`, the case is the generic handler instead
 * (`bench/servers/generic.ts`, `/hello`, 50 connections): berth's engine
 * before and after, with `Deno.serve` on the same handler as the yardstick
 * and the runtime's floor (`bench/servers/floor.ts`) for what no JavaScript
 * server goes below.
 *
 * Loopback only; every run is bounded by wrk's duration.
 *
 * @module
 */

import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { aptEnsure } from "../support/host_commands.ts";
import { initClockTicks, sampleTree } from "../support/process_tree.ts";
import { runWrk } from "../support/wrk.ts";
import { median } from "./http/cases.ts";
import { ensureFixtures } from "./http/fixtures.ts";
import { checkoutSpec, serverRegistry, withServers } from "./http/servers.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    base: { type: "string" },
    reps: { type: "string", default: "3" },
    duration: { type: "string", default: "5" },
    generic: { type: "boolean", default: false },
    cases: { type: "string" },
    floors: { type: "boolean", default: false },
  },
});
if (values.base === undefined) {
  console.error("Usage: deno run -A bench/before_after.ts --base DIR");
  Deno.exit(2);
}
const REPS = Number(values.reps);
const DURATION_S = Number(values.duration);
const REPO = resolve(new URL("..", import.meta.url).pathname);
const BASE = resolve(values.base);

/** A case: a path and a connection count. */
interface Case {
  name: string;
  path: string;
  connections: number;
  script?: string;
  headers?: string[];
}

/** The file cases, measured unless `--generic` is given. */
const FILE_CASES: Case[] = [
  { name: "1 KiB, 50 conns", path: "/index.html", connections: 50 },
  { name: "1 KiB, 256 conns", path: "/index.html", connections: 256 },
  { name: "16 KiB, 50 conns", path: "/app.js", connections: 50 },
  { name: "1 MiB, 50 conns", path: "/big.bin", connections: 50 },
  {
    name: "1,000 random small files, 50 conns",
    path: "/",
    connections: 50,
    script: join(REPO, "bench/lua/random_small.lua"),
  },
  {
    name: "1 KiB, `Connection: close`, 50 conns",
    path: "/index.html",
    connections: 50,
    headers: ["Connection: close"],
  },
];
const CASES: Case[] = values.generic
  ? [{ name: "generic handler, 50 conns", path: "/hello", connections: 50 }]
  : values.cases === undefined
  ? FILE_CASES.filter((c) => c.headers === undefined)
  : values.cases.split(",").map((n) => FILE_CASES[Number(n) - 1]);

const out = join(REPO, "bench/out/before_after");
await Deno.mkdir(out, { recursive: true });
const site = join(REPO, "bench/fixtures/site");
await ensureFixtures(site);
await aptEnsure("wrk", "wrk");
await initClockTicks();
const haveNginx = await aptEnsure("nginx", "nginx");

const registry = serverRegistry({ repo: REPO, site, out });
const after = registry.find((s) =>
  s.name === (values.generic ? "berth-generic" : "berth")
)!;
// The same command line, run from the other checkout.
const before = checkoutSpec(after, REPO, BASE, after.port + 90);
const specs = [before, after];
// The yardstick: nginx for files, Deno.serve for the generic handler.
const peer = values.generic ? "deno-generic" : haveNginx ? "nginx-1w" : null;
if (peer !== null) specs.push(registry.find((s) => s.name === peer)!);
// The runtime's floor (a bare read → write loop; `/hello` is its prebuilt
// 404): what a server that parses HTTP in JavaScript cannot go below.
if (values.generic) specs.push(registry.find((s) => s.name === "deno-floor")!);
else if (values.floors) {
  for (const name of ["deno-floor", "deno-fair-floor"]) {
    specs.push(registry.find((s) => s.name === name)!);
  }
}

await withServers(specs, out, async (handles) => {
  const rps = new Map<string, number[]>();
  const p99 = new Map<string, number[]>();
  /** Server CPU (its process tree, /proc) per request served. */
  const cpu = new Map<string, number[]>();
  for (let rep = 0; rep < REPS; rep++) {
    for (const c of CASES) {
      for (const handle of handles) {
        const cpuBefore = cpuUs(handle.pid);
        const result = await runWrk({
          url: `http://127.0.0.1:${handle.spec.port}${c.path}`,
          connections: c.connections,
          durationS: DURATION_S,
          script: c.script,
          headers: c.headers,
        });
        const key = `${c.name}|${handle.spec.name}`;
        rps.set(key, [...(rps.get(key) ?? []), result.rps]);
        p99.set(key, [...(p99.get(key) ?? []), result.p99Ms]);
        const perRequest = (cpuUs(handle.pid) - cpuBefore) / result.requests;
        cpu.set(key, [...(cpu.get(key) ?? []), perRequest]);
        console.error(
          `${key}: ${Math.round(result.rps)} req/s, ` +
            `p99 ${result.p99Ms.toFixed(2)} ms, ` +
            `${perRequest.toFixed(1)} µs CPU/req`,
        );
      }
    }
  }
  const m = (c: string, s: string) => median(rps.get(`${c}|${s}`) ?? [NaN]);
  const k = (n: number) => (n / 1000).toFixed(1) + "k";
  console.log(
    `\nwrk -t1, ${REPS} × ${DURATION_S} s interleaved, medians (req/s)\n`,
  );
  console.log(
    "| case | before | after | after : before |" +
      (peer !== null ? ` ${peer} | before : ${peer} | after : ${peer} |` : ""),
  );
  console.log(
    "|---|---:|---:|---:|" + (peer !== null ? "---:|---:|---:|" : ""),
  );
  for (const c of CASES) {
    const b = m(c.name, before.name);
    const a = m(c.name, after.name);
    const n = peer !== null ? m(c.name, peer) : NaN;
    console.log(
      `| ${c.name} | ${k(b)} | ${k(a)} | ${(a / b).toFixed(2)}× |` +
        (peer !== null
          ? ` ${k(n)} | ${(b / n).toFixed(2)}× | ${(a / n).toFixed(2)}× |`
          : ""),
    );
  }
  if (values.generic) {
    const floor = m(CASES[0].name, "deno-floor");
    const deno = m(CASES[0].name, "deno-generic");
    console.log(
      `\nThe floor: ${k(floor)} req/s, ${(floor / deno).toFixed(2)}× ` +
        "deno-generic",
    );
  }
  const names = specs.map((s) => s.name);
  const table = (title: string, of: Map<string, number[]>, digits: number) => {
    console.log(`\n${title}\n`);
    console.log(`| case | ${names.join(" | ")} |`);
    console.log(`|---|${names.map(() => "---:").join("|")}|`);
    for (const c of CASES) {
      const cells = names.map((n) =>
        median(of.get(`${c.name}|${n}`) ?? [NaN]).toFixed(digits)
      );
      console.log(`| ${c.name} | ${cells.join(" | ")} |`);
    }
  };
  table("Server CPU per request (µs, medians)", cpu, 1);
  table("p99 latency (ms, medians)", p99, 2);
});

/** CPU time of a server's process tree so far (µs); NaN without a PID. */
function cpuUs(pid: number | undefined): number {
  return pid === undefined ? NaN : sampleTree(pid).cpuUs;
}
