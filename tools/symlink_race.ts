// deno-lint-ignore-file no-console
/**
 * The symlink swap race at length, under each way of running berth: the
 * CLI serves a root in which an attacker process
 * (`support/swap_attacker.ts`) swaps a file, or a folder, for a symlink to the
 * outside and back in a tight loop, while 8 clients ask for it. Counts the
 * answers that carried outside bytes, and the statuses. The test suite runs
 * the same attack briefly and asserts zero; this runs it at length. Zero is
 * a proof only under `--allow-all` (folders held by descriptor); the other
 * rows are narrowed, and `tools/open_race.ts` counts their rate far further.
 *
 *   deno run -A tools/symlink_race.ts [--requests 20000] [--revalidate 0]
 *     [--workers N] [--only TEXT]
 *
 * `--workers N` runs the CLI with N worker threads (one working directory
 * shared by all of them); `--only TEXT` keeps the rows whose permissions
 * label contains TEXT.
 *
 * `--revalidate MS` above 0 runs berth watching the root (its default),
 * so a fast-lane hit past the bound takes the one-`lstat` look
 * (`RecheckSweep.recheckNow`) instead of a load.
 *
 * Loopback only; bounded by the request count (and the attacker's own 60 s).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { startBerth } from "../support/berth_process.ts";
import {
  makeSwapTree,
  SECRET,
  startSwapAttacker,
  type SwapKind,
} from "../support/swap_race.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    requests: { type: "string", default: "20000" },
    revalidate: { type: "string", default: "0" },
    workers: { type: "string", default: "1" },
    only: { type: "string", default: "" },
  },
});
const REQUESTS = Number(values.requests);
const REVALIDATE = values.revalidate;
const WORKERS = values.workers === "1" ? [] : ["--workers", values.workers];

async function race(
  kind: SwapKind,
  permissions: (root: string) => string[],
): Promise<Map<string, number>> {
  const tree = await makeSwapTree();
  const { base, root } = tree;
  const berth = await startBerth(root, {
    args: ["--revalidate", REVALIDATE, ...WORKERS],
    permissions: permissions(root),
  });
  const attacker = startSwapAttacker(tree, kind);
  const path = attacker.path;
  const seen = new Map<string, number>();
  try {
    await attacker.ready();
    let sent = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (sent < REQUESTS) {
        sent++;
        const response = await fetch(berth.origin + path);
        const text = await response.text();
        const key = text.includes(SECRET)
          ? "outside bytes"
          : String(response.status);
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
    }));
  } finally {
    await attacker.stop();
    await berth.stop();
    await Deno.remove(base, { recursive: true });
  }
  return seen;
}

const RUNS: [string, (root: string) => string[]][] = [
  ["--allow-all (descriptor)", () => ["--allow-all"]],
  ["--allow-read (working directory)", () => [
    "--allow-net=127.0.0.1",
    "--allow-read",
  ]],
  ["--allow-read=ROOT (paths re-checked)", (root) => [
    "--allow-net=127.0.0.1",
    `--allow-read=${root}`,
  ]],
];

console.log(`| permissions | swap | requests | outside bytes | statuses |`);
console.log(`|---|---|---:|---:|---|`);
for (const [label, permissions] of RUNS) {
  if (!label.includes(values.only)) continue;
  for (const kind of ["file", "dir"] as const) {
    const seen = await race(kind, permissions);
    const leaks = seen.get("outside bytes") ?? 0;
    seen.delete("outside bytes");
    const statuses = [...seen].sort().map(([s, n]) => `${s}: ${n}`).join(", ");
    console.log(
      `| ${label} | ${
        kind === "file" ? "file" : "folder"
      } | ${REQUESTS} | ${leaks} | ${statuses} |`,
    );
  }
}
