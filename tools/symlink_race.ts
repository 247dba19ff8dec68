// deno-lint-ignore-file no-console
/**
 * The symlink swap race at length, under each way of running berth: the
 * CLI serves a root in which an attacker process
 * (`support/swap_attacker.ts`) swaps a file, or a folder, for a symlink to the
 * outside and back in a tight loop, while 8 clients ask for it. Counts the
 * answers that carried outside bytes, and the statuses. The test suite runs
 * the same attack briefly and asserts zero; this measures the mode where
 * zero is not promised (`--allow-read=ROOT`: paths re-checked).
 *
 *   deno run -A tools/symlink_race.ts [--requests 20000] [--revalidate 0]
 *
 * `--revalidate MS` above 0 runs berth watching the root (its default),
 * so a fast-lane hit past the bound takes the one-`lstat` look
 * (`RecheckSweep.recheckNow`) instead of a load.
 *
 * Loopback only; bounded by the request count (and the attacker's own 60 s).
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startBerth } from "../support/berth_process.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    requests: { type: "string", default: "20000" },
    revalidate: { type: "string", default: "0" },
  },
});
const REQUESTS = Number(values.requests);
const REVALIDATE = values.revalidate;
const ATTACKER = fileURLToPath(
  new URL("../support/swap_attacker.ts", import.meta.url),
);

async function race(
  kind: "file" | "dir",
  permissions: (root: string) => string[],
): Promise<Map<string, number>> {
  const base = await Deno.realPath(await Deno.makeTempDir());
  const root = `${base}/root`;
  const out = `${base}/out`;
  await Deno.mkdir(`${root}/d`, { recursive: true });
  await Deno.mkdir(`${out}/d`, { recursive: true });
  await Deno.writeTextFile(`${out}/secret.txt`, "TOPSECRET\n");
  await Deno.writeTextFile(`${out}/d/file.txt`, "TOPSECRET\n");
  await Deno.writeTextFile(`${root}/swap.txt`, "public\n");
  await Deno.writeTextFile(`${root}/d/file.txt`, "public\n");
  const [target, outside, path] = kind === "file"
    ? [`${root}/swap.txt`, `${out}/secret.txt`, "/swap.txt"]
    : [`${root}/d`, `${out}/d`, "/d/file.txt"];
  const berth = await startBerth(root, {
    args: ["--revalidate", REVALIDATE],
    permissions: permissions(root),
  });
  const attacker = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      ATTACKER,
      kind,
      target,
      outside,
    ],
    stdin: "piped",
    stdout: "null",
  }).spawn();
  const seen = new Map<string, number>();
  try {
    let sent = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (sent < REQUESTS) {
        sent++;
        const response = await fetch(berth.origin + path);
        const text = await response.text();
        const key = text.includes("TOPSECRET")
          ? "outside bytes"
          : String(response.status);
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
    }));
  } finally {
    await attacker.stdin.close();
    await attacker.status;
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
