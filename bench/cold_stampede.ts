// deno-lint-ignore-file no-console
/**
 * Memory of a cold start under load: `--connections` keep-alive connections
 * ask for one large cached-size file (default `/big.bin`, 1 MiB) before it
 * is cached, so they all arrive while its one load is in flight. Each run
 * is a fresh process, "cold" (wrk first) and "warm" (one request first)
 * interleaved:
 *
 * - in-process: `serve(createStaticHandler({ root }))` in a child that
 *   samples `Deno.memoryUsage().external` every 5 ms during the wrk run and
 *   prints its peak, and the JS heap and RSS after the run;
 * - cli: the berth CLI (`main.ts ROOT --quiet`), its `VmRSS` and `VmHWM`
 *   read from `/proc` after the run.
 *
 *     deno run -A bench/cold_stampede.ts [--runs N] [--seconds S]
 *       [--connections C] [--path /big.bin]
 *
 * The site is the harness's (`bench/fixtures/site`, made when missing).
 *
 * @module
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { serve } from "../src/serve.ts";
import { createStaticHandler } from "../src/static/static_handler.ts";
import { startBerth } from "../support/berth_process.ts";
import { mib, readProc } from "../support/procfs.ts";
import { runWrk, type WrkResult } from "../support/wrk.ts";
import { ensureFixtures } from "./http/fixtures.ts";

const MiB = 1024 * 1024;
const SITE = fileURLToPath(new URL("./fixtures/site", import.meta.url));
const SELF = fileURLToPath(import.meta.url);

const args = parseArgs({
  args: Deno.args,
  options: {
    runs: { type: "string", default: "3" },
    seconds: { type: "string", default: "3" },
    connections: { type: "string", default: "50" },
    path: { type: "string", default: "/big.bin" },
    child: { type: "string" },
  },
});
const seconds = Number(args.values.seconds);
const connections = Number(args.values.connections);
const path = args.values.path;

/** What one run measured. */
interface Sample {
  externalPeakMiB: number | null;
  /** The JS heap after the run (in-process only). */
  heapTotalMiB: number | null;
  rssAfterMiB: number;
  rssPeakMiB: number | null;
  rps: number;
  non2xx: number;
}

function statusMiB(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, "m").exec(status);
  return match === null ? NaN : Number(match[1]) * 1024 / MiB;
}

async function warmUp(origin: string): Promise<void> {
  const response = await fetch(origin + path, {
    signal: AbortSignal.timeout(10_000),
  });
  await response.arrayBuffer();
}

function load(origin: string): Promise<WrkResult> {
  return runWrk({ url: origin + path, connections, durationS: seconds });
}

/** The child of an in-process run: serve, load itself, print a Sample. */
async function inProcess(warm: boolean): Promise<void> {
  const server = serve(createStaticHandler({ root: SITE }), {
    port: 0,
    hostname: "127.0.0.1",
    onListen: () => {},
  });
  const origin = `http://127.0.0.1:${server.addr.port}`;
  try {
    if (warm) await warmUp(origin);
    let peak = Deno.memoryUsage().external;
    const timer = setInterval(() => {
      peak = Math.max(peak, Deno.memoryUsage().external);
    }, 5);
    let result: WrkResult;
    try {
      result = await load(origin);
    } finally {
      clearInterval(timer);
    }
    const status = await readProc("self", "status");
    const sample: Sample = {
      externalPeakMiB: peak / MiB,
      heapTotalMiB: Deno.memoryUsage().heapTotal / MiB,
      rssAfterMiB: statusMiB(status, "VmRSS"),
      rssPeakMiB: statusMiB(status, "VmHWM"),
      rps: result.rps,
      non2xx: result.non2xx3xx,
    };
    console.log(JSON.stringify(sample));
  } finally {
    await server.shutdown();
  }
}

async function childRun(warm: boolean): Promise<Sample> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      // All: reading its own /proc/self/status needs more than --allow-read.
      "--allow-all",
      SELF,
      "--child",
      warm ? "warm" : "cold",
      "--seconds",
      String(seconds),
      "--connections",
      String(connections),
      "--path",
      path,
    ],
    stdout: "piped",
    stderr: "inherit",
    signal: AbortSignal.timeout((seconds + 60) * 1000),
  }).output();
  if (!out.success) throw new Error(`child failed (${out.code})`);
  return JSON.parse(new TextDecoder().decode(out.stdout).trim());
}

async function cliRun(warm: boolean): Promise<Sample> {
  const berth = await startBerth(SITE);
  try {
    if (warm) await warmUp(berth.origin);
    const result = await load(berth.origin);
    const status = await readProc(berth.pid, "status");
    return {
      externalPeakMiB: null,
      heapTotalMiB: null,
      rssAfterMiB: statusMiB(status, "VmRSS"),
      rssPeakMiB: statusMiB(status, "VmHWM"),
      rps: result.rps,
      non2xx: result.non2xx3xx,
    };
  } finally {
    await berth.stop();
  }
}

function line(kind: string, warm: boolean, s: Sample): string {
  const external = s.externalPeakMiB === null
    ? ""
    : `external peak ${mib(s.externalPeakMiB * MiB)}, heap ${
      mib(s.heapTotalMiB! * MiB)
    }, `;
  return `${kind.padEnd(10)} ${warm ? "warm" : "cold"}: ${external}` +
    `RSS after ${mib(s.rssAfterMiB * MiB)}, VmHWM ${
      mib((s.rssPeakMiB ?? NaN) * MiB)
    }, ${Math.round(s.rps)} req/s${s.non2xx ? `, ${s.non2xx} non-2xx` : ""}`;
}

if (args.values.child !== undefined) {
  await inProcess(args.values.child === "warm");
} else {
  await ensureFixtures(SITE);
  console.log(
    `cold start: wrk -t1 -c${connections} -d${seconds}s ${path} (${
      (await Deno.stat(join(SITE, path))).size
    } bytes), ${args.values.runs} runs`,
  );
  for (let run = 1; run <= Number(args.values.runs); run++) {
    for (const warm of [false, true]) {
      console.log(line("in-process", warm, await childRun(warm)));
      console.log(line("cli", warm, await cliRun(warm)));
    }
  }
}
