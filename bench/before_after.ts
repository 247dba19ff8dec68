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
 * Loopback only; every run is bounded by wrk's duration.
 *
 * @module
 */

import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { aptEnsure } from "../support/host_commands.ts";
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

/** The cases: a path and a connection count. */
const CASES: {
  name: string;
  path: string;
  connections: number;
  script?: string;
}[] = [
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
];

const out = join(REPO, "bench/out/before_after");
await Deno.mkdir(out, { recursive: true });
const site = join(REPO, "bench/fixtures/site");
await ensureFixtures(site);
await aptEnsure("wrk", "wrk");
const haveNginx = await aptEnsure("nginx", "nginx");

const registry = serverRegistry({ repo: REPO, site, out });
const after = registry.find((s) => s.name === "berth")!;
// The same command line, run from the other checkout.
const before = checkoutSpec(after, REPO, BASE, after.port + 90);
const specs = [before, after];
if (haveNginx) specs.push(registry.find((s) => s.name === "nginx-1w")!);

await withServers(specs, out, async (handles) => {
  const rps = new Map<string, number[]>();
  for (let rep = 0; rep < REPS; rep++) {
    for (const c of CASES) {
      for (const handle of handles) {
        const result = await runWrk({
          url: `http://127.0.0.1:${handle.spec.port}${c.path}`,
          connections: c.connections,
          durationS: DURATION_S,
          script: c.script,
        });
        const key = `${c.name}|${handle.spec.name}`;
        rps.set(key, [...(rps.get(key) ?? []), result.rps]);
        console.error(`${key}: ${Math.round(result.rps)} req/s`);
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
      (haveNginx ? " nginx 1w | after : nginx |" : ""),
  );
  console.log("|---|---:|---:|---:|" + (haveNginx ? "---:|---:|" : ""));
  for (const c of CASES) {
    const b = m(c.name, "berth-before");
    const a = m(c.name, "berth");
    const n = haveNginx ? m(c.name, "nginx-1w") : NaN;
    console.log(
      `| ${c.name} | ${k(b)} | ${k(a)} | ${(a / b).toFixed(2)}× |` +
        (haveNginx ? ` ${k(n)} | ${(a / n).toFixed(2)}× |` : ""),
    );
  }
});
