// deno-lint-ignore-file no-console
/**
 * The "1,000 random small files" case alone, for the question of issue #14:
 * how berth watching its root (the default) compares with berth polling
 * (`--no-watch`), nginx (1 worker, `open_file_cache`) and the runtime's
 * floor (a bare `Deno.listen` loop), in one run. wrk loads each server in
 * turn with `bench/lua/random_small.lua`, repetitions interleaved, each
 * starting with the next server (against order effects); the
 * table gives median requests/s, each server's CPU per request (from
 * `/proc`, steadier than requests/s on a shared machine) and ratios to
 * nginx. Writes nothing but `bench/out/random_small/` (logs, pids).
 *
 *   deno run -A bench/random_small.ts [--reps 3] [--duration 5]
 *     [--base-port P]   (default: the first free block, 18101, 18201, …)
 *     [--servers a,b,…] (default: berth,berth-poll,berth-r60,nginx-1w,deno-floor)
 *     [--base DIR]      (adds `berth-before`: the CLI of another checkout,
 *                        e.g. a `git worktree` of the code before a change)
 *     [--path /index.html] (one file for every request instead of the
 *                        1,000 at random: the 1 KiB case)
 *     [--files N]       (the script picks among the first N files: the
 *                        same client work per request as with 1,000, so
 *                        `--files 1` prices what the number of files costs)
 *
 * Loopback only; every run is bounded by wrk's duration.
 *
 * @module
 */

import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { aptEnsure } from "../support/host_commands.ts";
import { initClockTicks, sampleTree } from "../support/process_tree.ts";
import { runWrk, shellLine, wrkArgs, type WrkOptions } from "../support/wrk.ts";
import { median } from "./http/cases.ts";
import { ensureFixtures } from "./http/fixtures.ts";
import {
  checkoutSpec,
  freeBasePort,
  pickServers,
  type ServerHandle,
  serverRegistry,
  withServers,
} from "./http/servers.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    reps: { type: "string", default: "3" },
    duration: { type: "string", default: "5" },
    "base-port": { type: "string" },
    servers: {
      type: "string",
      default: "berth,berth-poll,berth-r60,nginx-1w,deno-floor",
    },
    base: { type: "string" },
    path: { type: "string" },
    files: { type: "string" },
  },
});
const REPS = Number(values.reps);
const DURATION_S = Number(values.duration);
const REPO = resolve(new URL("..", import.meta.url).pathname);
const SERVERS = values.servers.split(",");
const BASE = values.base === undefined ? null : resolve(values.base);
/** One path for every request, or `null` for the 1,000 files at random. */
const PATH = values.path ?? null;
/** How many of the files the script picks among (`null`: all 1,000). */
const FILES = values.files ?? null;

const out = join(REPO, "bench/out/random_small");
await Deno.mkdir(out, { recursive: true });
const site = join(REPO, "bench/fixtures/site");
await ensureFixtures(site);
await aptEnsure("wrk", "wrk");
await aptEnsure("nginx", "nginx");
await initClockTicks();

const paths = { repo: REPO, site, out };
// The first free block of ports, unless told.
const registry = serverRegistry(
  paths,
  values["base-port"] === undefined
    ? freeBasePort(serverRegistry(paths).length + 1) // + berth-before
    : Number(values["base-port"]),
);
const wrk = (handle: ServerHandle, durationS: number): WrkOptions => ({
  url: `http://127.0.0.1:${handle.spec.port}${PATH ?? "/"}`,
  connections: 50,
  durationS,
  script: PATH === null ? join(REPO, "bench/lua/random_small.lua") : undefined,
  scriptArgs: PATH === null && FILES !== null ? [FILES] : undefined,
});
const specs = pickServers(registry, SERVERS);
if (BASE !== null) {
  // Right after the registry's ports: free too, as freeBasePort checked.
  const berth = pickServers(registry, ["berth"])[0];
  specs.unshift(checkoutSpec(berth, REPO, BASE, registry.at(-1)!.port + 1));
}
await withServers(specs, out, async (handles) => {
  for (const handle of handles) {
    console.error(
      shellLine(handle.spec.command[0], handle.spec.command.slice(1)),
    );
  }
  for (const handle of handles) await runWrk(wrk(handle, 1)); // warm-up
  const rps = new Map<string, number[]>();
  const cpu = new Map<string, number[]>();
  for (let rep = 0; rep < REPS; rep++) {
    // Each repetition starts with another server: no one always goes first.
    const order = [...handles.slice(rep % handles.length), ...handles]
      .slice(0, handles.length);
    for (const handle of order) {
      const name = handle.spec.name;
      const before = sampleTree(handle.pid!).cpuUs;
      const result = await runWrk(wrk(handle, DURATION_S));
      const usPerRequest = (sampleTree(handle.pid!).cpuUs - before) /
        result.requests;
      rps.set(name, [...(rps.get(name) ?? []), result.rps]);
      cpu.set(name, [...(cpu.get(name) ?? []), usPerRequest]);
      console.error(
        `rep ${rep + 1} ${name}: ${Math.round(result.rps)} req/s, ` +
          `${usPerRequest.toFixed(2)} µs CPU/req`,
      );
    }
  }
  const nginxRps = median(rps.get("nginx-1w")!);
  console.log(
    `\n${
      PATH ?? `${FILES ?? "1,000"} random small files`
    }, 50 connections: wrk -t1, ${REPS} × ` +
      `${DURATION_S} s interleaved, medians\n`,
  );
  console.log("| server | req/s | : nginx | CPU µs/req |");
  console.log("|---|---:|---:|---:|");
  for (const handle of handles) {
    const name = handle.spec.name;
    const r = median(rps.get(name)!);
    console.log(
      `| ${handle.spec.label} | ${(r / 1000).toFixed(1)}k | ` +
        `${(r / nginxRps).toFixed(2)}× | ${
          median(cpu.get(name)!).toFixed(2)
        } |`,
    );
  }
  console.log(`\n${shellLine("wrk", wrkArgs(wrk(handles[0], DURATION_S)))}`);
});
