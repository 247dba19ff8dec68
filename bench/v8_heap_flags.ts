// deno-lint-ignore-file no-console
/**
 * What V8's heap flags trade: the berth CLI, as the harness starts it
 * (`berth`: the fixtures site, `--quiet`), once per set of `--v8-flags`,
 * all running side by side; wrk loads each in turn (1 KiB at 50
 * connections, then 1,000 random small files at 50), repetitions
 * interleaved, and ΣVmRSS of each tree is read after every run, as the
 * harness reads its "RSS under the benchmark" row; the runtime's floor
 * (`bench/servers/floor.ts`, a bare `Deno.listen` loop) runs beside them
 * as a reference. Prints medians of req/s, each one's ratio to berth with
 * V8's defaults, and its largest RSS.
 *
 *   deno run -A bench/v8_heap_flags.ts [--reps 3] [--duration 5] [--sets N]
 *     [--harness-cases]
 *
 * `--harness-cases` loads the six cases the harness's `--quick` run gives
 * berth, in its order; `--sets N` keeps the first N flag sets.
 *
 * The flags are read by V8 when the isolate is made: only `--v8-flags`
 * (or `DENO_V8_FLAGS`) sets them; `node:v8`'s `setFlagsFromString` after
 * start changes no heap size (bench/RESULTS.md, "Memory under load").
 * Loopback only; every run is bounded by wrk's duration; every server is
 * stopped by PID, also on error.
 *
 * @module
 */

import { join, resolve } from "node:path";
import { aptEnsure } from "../support/host_commands.ts";
import { sampleTree } from "../support/process_tree.ts";
import { type PathLoad, runWrkOn } from "../support/wrk.ts";
import { median } from "./http/cases.ts";
import { ensureFixtures } from "./http/fixtures.ts";
import { parseRunArgs } from "./http/run_args.ts";
import {
  freeBasePort,
  serverRegistry,
  type ServerSpec,
  withServers,
} from "./http/servers.ts";

const { reps: REPS, durationS: DURATION_S, flags } = parseRunArgs(
  Deno.args,
  { reps: 3, durationS: 5 },
  { strings: ["sets"], booleans: ["harness-cases"] },
);
const REPO = resolve(new URL("..", import.meta.url).pathname);
const MiB = 1024 * 1024;

/** The flag sets compared; the first is V8's defaults. */
const ALL_FLAG_SETS: readonly { name: string; flags: string | null }[] = [
  { name: "default", flags: null },
  { name: "semi 4", flags: "--max-semi-space-size=4" },
  {
    name: "semi 2, growing 100%",
    flags: "--max-semi-space-size=2,--heap-growing-percent=100",
  },
  { name: "optimize for size", flags: "--optimize-for-size" },
];
/** `--sets N`: only the first N (`--sets 1`: V8's defaults and the floor). */
const FLAG_SETS = ALL_FLAG_SETS.slice(0, Number(flags.get("sets") ?? Infinity));

/** One load, named. */
interface LoadCase extends PathLoad {
  name: string;
}

const RANDOM_SMALL = join(REPO, "bench/lua/random_small.lua");
/** The two cases compared by default. */
const TWO_CASES: LoadCase[] = [
  { name: "1 KiB, 50 conns", path: "/index.html", connections: 50 },
  {
    name: "1,000 random small files, 50 conns",
    path: "/",
    connections: 50,
    script: RANDOM_SMALL,
  },
];
/** `--harness-cases`: the six the harness's `--quick` run gives berth. */
const HARNESS_CASES: LoadCase[] = [
  TWO_CASES[0],
  { name: "1 KiB, 256 conns", path: "/index.html", connections: 256 },
  { name: "16 KiB, 50 conns", path: "/app.js", connections: 50 },
  { name: "1 MiB, 50 conns", path: "/big.bin", connections: 50 },
  TWO_CASES[1],
  {
    name: "Connection: close, 50 conns",
    path: "/index.html",
    connections: 50,
    headers: ["Connection: close"],
  },
];
const CASES = flags.has("harness-cases") ? HARNESS_CASES : TWO_CASES;

const out = join(REPO, "bench/out/v8_heap_flags");
await Deno.mkdir(out, { recursive: true });
const site = join(REPO, "bench/fixtures/site");
await ensureFixtures(site);
await aptEnsure("wrk", "wrk");

const basePort = freeBasePort(FLAG_SETS.length + 1);
const registry = serverRegistry({ repo: REPO, site, out }, basePort);

/** `spec` moved to `port`, under another name and label. */
function onPort(
  spec: ServerSpec,
  port: number,
  name: string,
  label: string,
): ServerSpec {
  const command = spec.command.map((arg, j, all) =>
    all[j - 1] === "--port" ? String(port) : arg
  );
  return { ...spec, name, label, port, command };
}

const berth = registry.find((s) => s.name === "berth")!;
const specs: ServerSpec[] = FLAG_SETS.map((set, i) => {
  const spec = onPort(berth, basePort + i, `berth-${i}`, set.name);
  // After `run`, before the permission flags.
  if (set.flags !== null) {
    spec.command.splice(2, 0, `--v8-flags=${set.flags}`);
  }
  return spec;
});
// The runtime's floor as a reference: what a bare `Deno.listen` loop,
// with no HTTP logic, holds under the same load.
const floor = registry.find((s) => s.name === "deno-floor")!;
specs.push(
  onPort(floor, basePort + FLAG_SETS.length, "floor", "runtime floor"),
);

await withServers(specs, out, async (handles) => {
  const rps = new Map<string, number[]>();
  const rss = handles.map(() => 0);
  for (let rep = 0; rep < REPS; rep++) {
    for (const c of CASES) {
      for (const [i, handle] of handles.entries()) {
        const result = await runWrkOn(handle.spec.port, c, DURATION_S);
        const mib = sampleTree(handle.pid!).rssBytes / MiB;
        rss[i] = Math.max(rss[i], mib);
        const key = `${c.name}|${i}`;
        rps.set(key, [...(rps.get(key) ?? []), result.rps]);
        console.error(
          `${c.name}, ${handle.spec.label}: ${Math.round(result.rps)} req/s, ` +
            `RSS ${mib.toFixed(1)} MiB`,
        );
      }
    }
  }
  const m = (c: string, i: number) => median(rps.get(`${c}|${i}`) ?? [NaN]);
  console.log(
    `\nwrk -t1, ${REPS} × ${DURATION_S} s interleaved, medians (req/s)\n`,
  );
  console.log(
    `| --v8-flags | ${
      CASES.map((c) => `${c.name} | : default`).join(" | ")
    } | RSS max |`,
  );
  console.log(`|---|${CASES.map(() => "---:|---:|").join("")}---:|`);
  for (const i of handles.keys()) {
    const cells = CASES.map((c) =>
      `${(m(c.name, i) / 1000).toFixed(1)}k | ${
        (m(c.name, i) / m(c.name, 0)).toFixed(2)
      }×`
    );
    const flags = FLAG_SETS[i]?.flags;
    const row = i < FLAG_SETS.length
      ? (flags ? `\`${flags}\`` : "(none)")
      : "runtime floor, no flags (not berth)";
    console.log(
      `| ${row} | ${cells.join(" | ")} | ${rss[i].toFixed(1)} MiB |`,
    );
  }
});
