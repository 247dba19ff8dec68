// deno-lint-ignore-file no-console
/**
 * A connection's head parse (`PreviousHead.parse`), checkouts side by side
 * in one process: each parses the same sequence of heads on one connection,
 * runs alternated (who goes first rotates), and the process's CPU time per
 * head is kept; medians, and each one's ratio to the first checkout's.
 * Sequences: wrk's head for the 1,000 small files in a fixed random order
 * (only the target changes), a browser's twelve-field head for the same
 * targets, and one wrk and one `ab -k` head repeated.
 *
 *   deno run -A bench/previous_head_pair.ts [--reps 21] DIR...
 *
 * e.g. `bench/previous_head_pair.ts /tmp/base .` with `/tmp/base` a `git
 * worktree` of main. Run it under the bench lock.
 *
 * @module
 */

import process from "node:process";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { PreviousHead } from "../src/http1/previous_head.ts";
import type { RequestHeadLimits } from "../src/http1/request_head.ts";

const { values, positionals } = parseArgs({
  args: Deno.args,
  options: { reps: { type: "string", default: "21" } },
  allowPositionals: true,
});
if (positionals.length === 0) {
  console.error("Usage: deno run -A bench/previous_head_pair.ts DIR...");
  Deno.exit(2);
}
const REPS = Number(values.reps);
const HEADS = 200_000;
const LIMITS: RequestHeadLimits = {
  maxRequestTargetBytes: 8192,
  maxHeaderCount: 100,
};

const encoder = new TextEncoder();
let seed = 20240611;
const targets: string[] = [];
for (let i = 0; i < 1000; i++) {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  targets.push(`/small/f${String(seed % 1000).padStart(4, "0")}.txt`);
}
const BROWSER_FIELDS = [
  "Host: localhost:8000",
  "Connection: keep-alive",
  'sec-ch-ua: "Chromium";v="124", "Not-A.Brand";v="99"',
  "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 " +
  "(KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
  "Accept: */*",
  "Sec-Fetch-Site: same-origin",
  "Sec-Fetch-Mode: no-cors",
  "Sec-Fetch-Dest: script",
  "Referer: http://localhost:8000/",
  "Accept-Encoding: gzip, deflate, br, zstd",
  "Accept-Language: en-US,en;q=0.9",
].join("\r\n");
const wrkHead = (target: string) =>
  encoder.encode(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:18000\r\n\r\n`);
const SEQUENCES: Record<string, Uint8Array[]> = {
  "wrk, 1,000 files at random": targets.map(wrkHead),
  "browser, 1,000 files at random": targets.map((target) =>
    encoder.encode(`GET ${target} HTTP/1.1\r\n${BROWSER_FIELDS}\r\n\r\n`)
  ),
  "wrk, one head": [wrkHead("/index.html")],
  "ab -k, one head": [
    encoder.encode(
      "GET /index.html HTTP/1.0\r\nConnection: Keep-Alive\r\n" +
        "Host: 127.0.0.1:18000\r\nUser-Agent: ApacheBench/2.3\r\n" +
        "Accept: */*\r\n\r\n",
    ),
  ],
};

type Checkout = { PreviousHead: new () => PreviousHead };
const checkouts: Checkout[] = [];
for (const dir of positionals) {
  checkouts.push(
    await import(join(resolve(dir), "src/http1/previous_head.ts")),
  );
}

/** Parse `HEADS` heads of `heads` in turn, each where a reader holds it. */
function run(checkout: Checkout, heads: Uint8Array[]): number {
  const previous = new checkout.PreviousHead();
  const buffer = new Uint8Array(4096);
  let targetBytes = 0;
  for (let k = 0; k < HEADS; k++) {
    const head = heads[k % heads.length];
    buffer.set(head, 10);
    const parsed = previous.parse(buffer, 10, 10 + head.length, LIMITS);
    if ("status" in parsed) throw parsed;
    targetBytes += parsed.target.length;
  }
  return targetBytes;
}

const median = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

for (const [name, heads] of Object.entries(SEQUENCES)) {
  for (const checkout of checkouts) run(checkout, heads); // warm-up
  const perHead: number[][] = checkouts.map(() => []);
  for (let rep = 0; rep < REPS; rep++) {
    for (let i = 0; i < checkouts.length; i++) {
      const k = (rep + i) % checkouts.length;
      const before = process.cpuUsage();
      run(checkouts[k], heads);
      const used = process.cpuUsage(before);
      perHead[k].push((used.user + used.system) * 1000 / HEADS);
    }
  }
  const medians = perHead.map(median);
  console.log(
    `${name}: ` +
      medians.map((m, i) =>
        `${positionals[i]} ${m.toFixed(0)} ns (${(m / medians[0]).toFixed(2)}×)`
      ).join(", "),
  );
}
