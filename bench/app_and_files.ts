// deno-lint-ignore-file no-console
/**
 * Files behind an app, at full speed: `examples/app_and_files.ts` (the file
 * handler with the app as its `fallback`) against berth's CLI (the plain
 * file handler) on the harness fixtures, cached 1 KiB and 16 KiB files, wrk
 * `-t1 -c50`, repetitions interleaved; and the app's own route for scale.
 *
 *   deno run -A bench/app_and_files.ts [--reps 3] [--duration 5]
 *
 * Loopback only; every run is bounded by wrk's duration.
 *
 * @module
 */

import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { aptEnsure } from "../support/host_commands.ts";
import { median } from "./http/cases.ts";
import { ensureFixtures } from "./http/fixtures.ts";
import {
  serverRegistry,
  type ServerSpec,
  withServers,
} from "./http/servers.ts";
import { runWrk } from "../support/wrk.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    reps: { type: "string", default: "3" },
    duration: { type: "string", default: "5" },
  },
});
const REPS = Number(values.reps);
const DURATION_S = Number(values.duration);
const REPO = resolve(new URL("..", import.meta.url).pathname);
const out = join(REPO, "bench/out/app_and_files");
await Deno.mkdir(out, { recursive: true });
const site = join(REPO, "bench/fixtures/site");
await ensureFixtures(site);
await aptEnsure("wrk", "wrk");

const plain = serverRegistry({ repo: REPO, site, out }).find((s) =>
  s.name === "berth"
)!;
const composedPort = plain.port + 80;
const composed: ServerSpec = {
  name: "app+files",
  label: "examples/app_and_files.ts",
  port: composedPort,
  command: [
    Deno.execPath(),
    "run",
    "--allow-net",
    "--allow-read",
    join(REPO, "examples/app_and_files.ts"),
    site,
    "--port",
    String(composedPort),
  ],
  cmdlineMarker: "app_and_files.ts",
};
const CASES = [
  { name: "1 KiB file", path: "/index.html" },
  { name: "16 KiB file", path: "/app.js" },
];

await withServers([plain, composed], out, async (handles) => {
  const rps = new Map<string, number[]>();
  const run = async (key: string, port: number, path: string) => {
    const r = await runWrk({
      url: `http://127.0.0.1:${port}${path}`,
      connections: 50,
      durationS: DURATION_S,
    });
    rps.set(key, [...(rps.get(key) ?? []), r.rps]);
    console.error(`${key}: ${Math.round(r.rps)} req/s`);
  };
  for (let rep = 0; rep < REPS; rep++) {
    for (const c of CASES) {
      for (const h of handles) {
        await run(`${c.name}|${h.spec.name}`, h.spec.port, c.path);
      }
    }
    await run("app route|app+files", composedPort, "/api/hello");
  }
  const m = (key: string) => median(rps.get(key)!);
  const k = (n: number) => (n / 1000).toFixed(1) + "k";
  console.log(
    `\nwrk -t1 -c50, ${REPS} × ${DURATION_S} s interleaved, medians (req/s)\n`,
  );
  console.log("| case | plain file handler (CLI) | app + files | ratio |");
  console.log("|---|---:|---:|---:|");
  for (const c of CASES) {
    const a = m(`${c.name}|berth`);
    const b = m(`${c.name}|app+files`);
    console.log(`| ${c.name} | ${k(a)} | ${k(b)} | ${(b / a).toFixed(2)}× |`);
  }
  console.log(
    `| the app's /api/hello | — | ${k(m("app route|app+files"))} | — |`,
  );
});
