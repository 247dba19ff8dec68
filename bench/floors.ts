// deno-lint-ignore-file no-console
/**
 * berth against the runtime's floor, case by case: for each file case of
 * issue #14, berth's CLI, nginx (1 worker, `open_file_cache`) and the floor
 * of any JavaScript server on Deno (`bench/servers/floor.ts`: a bare
 * `Deno.listen` loop writing pre-built answers, no HTTP semantics) under the
 * same wrk load, repetitions interleaved. Where the floor itself is below a
 * target's ratio to nginx, no server on `Deno.listen` can meet it on this
 * machine; `berth : floor` is what berth's own work costs.
 *
 *   deno run -A bench/floors.ts [--reps 3] [--duration 3]
 *
 * Uses the harness's servers and fixtures (bench/http/); loopback only.
 *
 * @module
 */

import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { type PathLoad, runWrkOn } from "../support/wrk.ts";
import { median } from "./http/cases.ts";
import { ensureFixtures } from "./http/fixtures.ts";
import {
  freeBasePort,
  pickServers,
  serverRegistry,
  withServers,
} from "./http/servers.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    reps: { type: "string", default: "3" },
    duration: { type: "string", default: "3" },
  },
});
const REPS = Number(values.reps);
const DURATION_S = Number(values.duration);
const REPO = resolve(new URL("..", import.meta.url).pathname);
const out = join(REPO, "bench/out/floors");
await Deno.mkdir(out, { recursive: true });
const site = join(REPO, "bench/fixtures/site");
await ensureFixtures(site);

interface FloorCase extends PathLoad {
  label: string;
}

const CASES: FloorCase[] = [
  { label: "1 KiB, 50 conns", path: "/index.html", connections: 50 },
  { label: "1 KiB, 256 conns", path: "/index.html", connections: 256 },
  { label: "16 KiB, 50 conns", path: "/app.js", connections: 50 },
  { label: "1 MiB, 50 conns", path: "/big.bin", connections: 50 },
  {
    label: "1,000 random small files, 50 conns",
    path: "/",
    connections: 50,
    script: join(REPO, "bench/lua/random_small.lua"),
  },
  {
    label: "1 KiB, `Connection: close`, 50 conns",
    path: "/index.html",
    connections: 50,
    headers: ["Connection: close"],
  },
];
const SERVERS = ["berth", "nginx-1w", "deno-floor"];

const paths = { repo: REPO, site, out };
const registry = serverRegistry(
  paths,
  freeBasePort(serverRegistry(paths).length),
);
await withServers(pickServers(registry, SERVERS), out, async (handles) => {
  const rows: string[] = [];
  for (const c of CASES) {
    const rps = new Map<string, number[]>();
    for (let rep = 0; rep < REPS; rep++) {
      for (const handle of handles) {
        const result = await runWrkOn(handle.spec.port, c, DURATION_S);
        const name = handle.spec.name;
        rps.set(name, [...(rps.get(name) ?? []), result.rps]);
      }
    }
    const [berth, nginx, floor] = SERVERS.map((s) => median(rps.get(s)!));
    const row = `| ${c.label} | ${k(berth)} | ${k(nginx)} | ${k(floor)} | ${
      x(berth / nginx)
    } | ${x(floor / nginx)} | ${x(berth / floor)} |`;
    console.error(row);
    rows.push(row);
  }
  console.log(
    `\nwrk -t1, ${DURATION_S} s a run, ${REPS} reps interleaved, medians; load average at the end: ${
      Deno.loadavg().map((l) => l.toFixed(2)).join(" ")
    }\n`,
  );
  console.log(
    "| case | berth | nginx 1w | Deno floor | berth : nginx | floor : nginx | berth : floor |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  for (const row of rows) console.log(row);
});

function k(rps: number): string {
  return (rps / 1000).toFixed(1) + "k";
}

function x(ratio: number): string {
  return ratio.toFixed(2) + "×";
}
