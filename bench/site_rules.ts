// deno-lint-ignore-file no-console
/**
 * What the site's rules cost the fast lane: berth's CLI on the harness
 * fixtures, against the same CLI on a copy of them with a `_headers` block
 * that matches every path (three fields) and a `_redirects` file whose rules
 * match none of the paths asked for. wrk `-t1 -c50` on the 1 KiB and 16 KiB
 * files, repetitions interleaved.
 *
 *   deno run -A bench/site_rules.ts [--reps 3] [--duration 5]
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
import {
  PidFile,
  type ServerHandle,
  serverRegistry,
  type ServerSpec,
  startServer,
  stopServer,
} from "./http/servers.ts";

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
const out = join(REPO, "bench/out/site_rules");
const site = join(REPO, "bench/fixtures/site");
const ruled = join(out, "site");
await ensureFixtures(site);
await Deno.mkdir(ruled, { recursive: true });
for (const name of ["index.html", "app.js"]) {
  await Deno.copyFile(join(site, name), join(ruled, name));
}
await Deno.writeTextFile(
  join(ruled, "_headers"),
  "/*\n  X-Frame-Options: DENY\n  Referrer-Policy: no-referrer\n" +
    "  Permissions-Policy: camera=()\n",
);
await Deno.writeTextFile(
  join(ruled, "_redirects"),
  "/old/* /new/:splat 301\n/blog/:slug /posts/:slug 302\n",
);
await aptEnsure("wrk", "wrk");

const registry = serverRegistry({ repo: REPO, site, out });
const plain = registry.find((s) => s.name === "berth")!;
const withRules: ServerSpec = {
  ...plain,
  name: "berth-rules",
  port: plain.port + 70,
  command: plain.command.map((arg, i, all) =>
    arg === site
      ? ruled
      : all[i - 1] === "--port"
      ? String(plain.port + 70)
      : arg
  ),
};

const pidFile = new PidFile(join(out, "pids"));
const handles: ServerHandle[] = [];
try {
  for (const spec of [plain, withRules]) {
    const handle = await startServer(spec, out, pidFile);
    if (handle.state !== "ok") {
      throw new Error(`${spec.name}: ${handle.reason}`);
    }
    handles.push(handle);
  }
  const check = await fetch(`http://127.0.0.1:${withRules.port}/index.html`);
  await check.body?.cancel();
  if (check.headers.get("x-frame-options") !== "DENY") {
    throw new Error("the _headers rules did not apply");
  }
  const rps = new Map<string, number[]>();
  for (let rep = 0; rep < REPS; rep++) {
    for (const path of ["/index.html", "/app.js"]) {
      for (const h of handles) {
        const r = await runWrk({
          url: `http://127.0.0.1:${h.spec.port}${path}`,
          connections: 50,
          durationS: DURATION_S,
        });
        const key = `${path}|${h.spec.name}`;
        rps.set(key, [...(rps.get(key) ?? []), r.rps]);
        console.error(`${key}: ${Math.round(r.rps)} req/s`);
      }
    }
  }
  const k = (n: number) => (n / 1000).toFixed(1) + "k";
  console.log(
    `\nwrk -t1 -c50, ${REPS} × ${DURATION_S} s interleaved, medians (req/s)\n`,
  );
  console.log("| file | no rules | _headers on every path | ratio |");
  console.log("|---|---:|---:|---:|");
  for (const path of ["/index.html", "/app.js"]) {
    const a = median(rps.get(`${path}|berth`)!);
    const b = median(rps.get(`${path}|berth-rules`)!);
    console.log(`| ${path} | ${k(a)} | ${k(b)} | ${(b / a).toFixed(2)}× |`);
  }
} finally {
  for (const handle of handles) await stopServer(handle, pidFile);
}
