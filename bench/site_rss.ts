// deno-lint-ignore-file no-console
/**
 * The harness's "Default site memory" row, on its own and before/after: the
 * CLI of this checkout (and of each `--base DIR`, e.g. a `git worktree` of
 * the previous commit) serves the repository's `static/` exactly as
 * `bench/http_bench.ts` starts `berth-site` (`deno run --allow-net
 * --allow-read main.ts static/ --port P --host 127.0.0.1`), answers the
 * harness's ready probe and then `/` and every file once, and ΣVmRSS of
 * its process tree is read. Checkouts are interleaved within each run;
 * prints every reading and the medians.
 *
 *   deno run -A bench/site_rss.ts [--base DIR ...] [--runs 5]
 *
 * Loopback only; every server is stopped by PID, also on error.
 *
 * @module
 */

import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { sampleTree } from "../support/process_tree.ts";
import { median } from "./http/cases.ts";
import { httpGet } from "./http/http_probe.ts";
import { freeBasePort, type ServerSpec, withServers } from "./http/servers.ts";
import { siteUrlPaths } from "./http/site_paths.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    base: { type: "string", multiple: true, default: [] },
    runs: { type: "string", default: "5" },
  },
});
const RUNS = Number(values.runs);
const REPO = resolve(new URL("..", import.meta.url).pathname);
const SITE = join(REPO, "static");
const OUT = join(REPO, "bench/out");
const MiB = 1024 * 1024;
const checkouts = [REPO, ...values.base.map((dir) => resolve(dir))];

/** The harness's `berth-site` command, with `checkout`'s main.ts. */
function siteSpec(checkout: string, index: number, port: number): ServerSpec {
  return {
    name: `site-${index}`,
    label: checkout,
    port,
    command: [
      Deno.execPath(),
      "run",
      "--allow-net",
      "--allow-read",
      join(checkout, "main.ts"),
      SITE,
      "--port",
      String(port),
      "--host",
      "127.0.0.1",
    ],
    cmdlineMarker: "main.ts",
  };
}

/** RSS in MiB of `checkout`'s CLI after it answered every path once. */
async function measure(
  checkout: string,
  index: number,
  paths: string[],
): Promise<number> {
  const spec = siteSpec(checkout, index, freeBasePort(1));
  return await withServers([spec], OUT, async ([handle]) => {
    for (const path of paths) {
      const r = await httpGet(spec.port, path);
      if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
    }
    return sampleTree(handle.pid!).rssBytes / MiB;
  });
}

await Deno.mkdir(OUT, { recursive: true });
const paths = await siteUrlPaths(SITE);
// One unrecorded run each, so that no reading pays for a cold module cache.
const unrecorded = [];
for (const [i, checkout] of checkouts.entries()) {
  unrecorded.push(await measure(checkout, i, paths));
}
const readings = checkouts.map(() => [] as number[]);
for (let run = 0; run < RUNS; run++) {
  for (const [i, checkout] of checkouts.entries()) {
    readings[i].push(await measure(checkout, i, paths));
  }
}
for (const [i, checkout] of checkouts.entries()) {
  const list = readings[i].map((r) => r.toFixed(1)).join(", ");
  console.log(
    `${checkout}: median ${median(readings[i]).toFixed(1)} MiB (${list}; ` +
      `unrecorded first run ${unrecorded[i].toFixed(1)})`,
  );
}
