// deno-lint-ignore-file no-console
/**
 * HTTP/1.0 keep-alive, as ApacheBench sends it (`ab -k`: HTTP/1.0 with
 * `Connection: Keep-Alive`): berth's CLI, nginx (1 worker,
 * `open_file_cache`) and the runtime's floor (`bench/servers/floor.ts`)
 * serve a 2 KiB file of the harness fixtures, and `ab -k -c 10 -n 50000`
 * loads each in turn, repetitions interleaved. Prints requests/s medians
 * and the ratios.
 *
 *   deno run -A bench/ab_keepalive.ts [--reps 3] [--requests 50000]
 *     [--base DIR]
 *
 * `--base DIR` adds the CLI of another checkout (a `git worktree` of the
 * code before a change) as `berth-before`, measured in the same rounds.
 *
 * Installs ab (apache2-utils) and nginx when missing. Loopback only.
 *
 * @module
 */

import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { aptEnsure } from "../support/host_commands.ts";
import { initClockTicks, sampleTree } from "../support/process_tree.ts";
import { median } from "./http/cases.ts";
import { ensureFixtures } from "./http/fixtures.ts";
import {
  checkoutSpec,
  pickServers,
  serverRegistry,
  withServers,
} from "./http/servers.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    reps: { type: "string", default: "3" },
    requests: { type: "string", default: "50000" },
    base: { type: "string" },
  },
});
const REPS = Number(values.reps);
const REQUESTS = Number(values.requests);
const REPO = resolve(new URL("..", import.meta.url).pathname);
const out = join(REPO, "bench/out/ab_keepalive");
await Deno.mkdir(out, { recursive: true });
const site = join(REPO, "bench/fixtures/site");
await ensureFixtures(site);
// A 2 KiB file, as the issue measured.
await Deno.writeFile(join(site, "two.txt"), new Uint8Array(2048).fill(0x61));
if (!await aptEnsure("apache2-utils", "ab")) throw new Error("ab is missing");
await aptEnsure("nginx", "nginx");

/** One `ab -k` run: requests/s, and whether every request succeeded. */
async function ab(port: number): Promise<number> {
  const output = await new Deno.Command("ab", {
    args: [
      "-k",
      "-q",
      "-c",
      "10",
      "-n",
      String(REQUESTS),
      `http://127.0.0.1:${port}/two.txt`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout);
  const failed = Number(/Failed requests:\s+(\d+)/.exec(text)?.[1] ?? NaN);
  const keptAlive = Number(/Keep-Alive requests:\s+(\d+)/.exec(text)?.[1] ?? 0);
  if (!output.success || failed !== 0 || keptAlive < REQUESTS * 0.99) {
    throw new Error(`ab: failed ${failed}, kept alive ${keptAlive}\n${text}`);
  }
  return Number(/Requests per second:\s+([\d.]+)/.exec(text)![1]);
}

const registry = serverRegistry({ repo: REPO, site, out });
const servers = pickServers(registry, ["berth", "nginx-1w", "deno-floor"]);
if (values.base !== undefined) {
  const berth = servers[0];
  servers.unshift(
    checkoutSpec(berth, REPO, resolve(values.base), berth.port + 90),
  );
}
await initClockTicks();
await withServers(servers, out, async (handles) => {
  const rps = new Map<string, number[]>();
  /** Server CPU (its process tree, /proc) per request served, µs. */
  const cpu = new Map<string, number[]>();
  for (let rep = 0; rep < REPS; rep++) {
    for (const handle of handles) {
      const pid = handle.pid;
      const cpuBefore = pid === undefined ? NaN : sampleTree(pid).cpuUs;
      const r = await ab(handle.spec.port);
      const us = pid === undefined
        ? NaN
        : (sampleTree(pid).cpuUs - cpuBefore) / REQUESTS;
      rps.set(handle.spec.name, [...(rps.get(handle.spec.name) ?? []), r]);
      cpu.set(handle.spec.name, [...(cpu.get(handle.spec.name) ?? []), us]);
      console.error(
        `${handle.spec.name}: ${Math.round(r)} req/s, ${
          us.toFixed(1)
        } µs CPU/req`,
      );
    }
  }
  const berth = median(rps.get("berth")!);
  const nginx = median(rps.get("nginx-1w")!);
  const floor = median(rps.get("deno-floor")!);
  console.log(
    `\nab -k -c 10 -n ${REQUESTS}, 2 KiB file, ${REPS} runs interleaved, medians\n`,
  );
  console.log(
    "| berth | nginx 1w | Deno floor | berth : nginx | floor : nginx | berth : floor |\n|---:|---:|---:|---:|---:|---:|",
  );
  console.log(
    `| ${berth.toFixed(0)} | ${nginx.toFixed(0)} | ${floor.toFixed(0)} | ${
      (berth / nginx).toFixed(2)
    }× | ${(floor / nginx).toFixed(2)}× | ${(berth / floor).toFixed(2)}× |`,
  );
  const before = rps.get("berth-before");
  if (before !== undefined) {
    const b = median(before);
    const usOf = (name: string) => median(cpu.get(name)!).toFixed(1);
    console.log(
      `\nberth-before (${values.base}): ${b.toFixed(0)} req/s, ${
        (b / nginx).toFixed(2)
      }× nginx; after : before ${(berth / b).toFixed(2)}×; server CPU/req ${
        usOf("berth-before")
      } → ${usOf("berth")} µs (nginx ${usOf("nginx-1w")})`,
    );
  }
});
