// deno-lint-ignore-file no-console
/**
 * The memory budget under attack: berth's CLI on a generated site, driven
 * over 127.0.0.1 with the two requests patterns of issue #10 that made its
 * memory grow far past `cacheBudgetBytes`, with the server's RSS read from
 * `/proc/PID/status` before and after.
 *
 *     deno run -A bench/memory_budget.ts [--files N] [--pages N]
 *       [--spellings N] [--connections C] [--overhead-mib M] [--keep-site]
 *
 * - Churn: `--files` (default 800) distinct 512 KiB files, each requested
 *   twice in a row (the ordinary path caches the file, the fast lane then
 *   answers it): 400 MiB of files against the default 64 MiB budget.
 * - Spellings: `--pages` (default 500) HTML pages of 60 KiB, each requested
 *   twice under each of `--spellings` (default 8) `Accept-Encoding` values
 *   that all mean "no compression" (`identity`, `x`, `y`, …).
 * - Pass: the peak RSS (`VmHWM`) stays within the RSS before the load plus
 *   the budget plus `--overhead-mib` (default 128; see `OVERHEAD_MIB`), and
 *   every answer was a 200 of the right length. Exit status 0 on pass, 1 on
 *   failure.
 *
 * The CLI has no flag for the budget, so it runs with the default 64 MiB.
 * The site is generated in a temporary folder and removed at the end (kept
 * with `--keep-site`); berth is stopped by PID in `finally`, and every
 * request carries a deadline.
 *
 * @module
 */

import { join } from "node:path";
import { parseArgs } from "node:util";
import { startBerth } from "../support/berth_process.ts";
import { mib, readProc } from "../support/procfs.ts";

const KiB = 1024;
const MiB = 1024 * KiB;
/** `cacheBudgetBytes`' default, which the CLI uses. */
const BUDGET_BYTES = 64 * MiB;
/**
 * What the process may hold at its peak beyond the RSS before the load and
 * the budget, in MiB. It does not grow with the number of files or
 * spellings; measured (bench/RESULTS.md, "Memory: one budget"):
 * - up to ~70 MiB of dead `ArrayBuffer`s: V8 frees their memory only at a
 *   GC, which it starts once roughly another 64 MiB of such memory has been
 *   allocated since the last one (with a 64 MiB budget, `Deno.memoryUsage()`
 *   showed at most 128–137 MiB of external memory). Evicted bodies die, and
 *   so does a copy of every body the ordinary path answers from memory
 *   (`new Response(bytes)` copies them);
 * - up to ~35 MiB of JS heap growth under that garbage (`heapTotal` 20–39
 *   MiB, of which 6–8 MiB live after a GC);
 * - the rest: pages the allocator keeps after a free, connection buffers.
 */
const OVERHEAD_MIB = 128;
const FILE_BYTES = 512 * KiB;
const PAGE_BYTES = 60 * KiB;
/** Longest any one request may take before the run fails. */
const REQUEST_TIMEOUT_MS = 30_000;

interface Config {
  files: number;
  pages: number;
  spellings: number;
  connections: number;
  overheadMiB: number;
  keepSite: boolean;
}

function parseConfig(args: string[]): Config {
  const { values } = parseArgs({
    args,
    options: {
      files: { type: "string", default: "800" },
      pages: { type: "string", default: "500" },
      spellings: { type: "string", default: "8" },
      connections: { type: "string", default: "8" },
      "overhead-mib": { type: "string", default: String(OVERHEAD_MIB) },
      "keep-site": { type: "boolean", default: false },
    },
  });
  const count = (name: string, text: string) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0) {
      throw new RangeError(`Invalid --${name}: "${text}"`);
    }
    return n;
  };
  return {
    files: count("files", values.files),
    pages: count("pages", values.pages),
    spellings: count("spellings", values.spellings),
    connections: Math.max(1, count("connections", values.connections)),
    overheadMiB: count("overhead-mib", values["overhead-mib"]),
    keepSite: values["keep-site"],
  };
}

/** `VmRSS` and `VmHWM` (the peak) of a process, in bytes. */
async function memoryOf(pid: number): Promise<{ rss: number; hwm: number }> {
  const status = await readProc(pid, "status");
  const field = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, "m").exec(status);
    if (match === null) throw new Error(`No ${name} for ${pid}`);
    return Number(match[1]) * KiB;
  };
  return { rss: field("VmRSS"), hwm: field("VmHWM") };
}

/** Deterministic bytes, different for every seed; incompressible enough. */
function fill(bytes: Uint8Array, seed: number): Uint8Array {
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < bytes.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x;
  }
  return bytes;
}

async function writeSite(root: string, config: Config): Promise<void> {
  await Deno.mkdir(join(root, "files"));
  await Deno.mkdir(join(root, "pages"));
  const bytes = new Uint8Array(FILE_BYTES);
  for (let i = 0; i < config.files; i++) {
    await Deno.writeFile(join(root, "files", `${i}.bin`), fill(bytes, i));
  }
  const line = "<p>the same paragraph, again and again.</p>\n";
  for (let i = 0; i < config.pages; i++) {
    const head = `<!doctype html><title>page ${i}</title>\n`;
    const body = line.repeat(Math.ceil(PAGE_BYTES / line.length));
    await Deno.writeTextFile(
      join(root, "pages", `${i}.html`),
      (head + body).slice(0, PAGE_BYTES),
    );
  }
  await Deno.writeTextFile(join(root, "index.html"), "<p>home</p>\n");
}

/** One request to fetch: a path, its headers, the body length expected. */
interface Job {
  path: string;
  headers: Record<string, string>;
  length: number;
}

/**
 * Run each of `jobs` twice in a row — the ordinary path answers first and
 * the fast lane may answer the second — on `connections` concurrent
 * workers (fetch keeps their connections alive); the number of wrong
 * answers.
 */
async function drive(
  origin: string,
  jobs: Job[],
  connections: number,
): Promise<number> {
  let next = 0;
  let wrong = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      for (let time = 0; time < 2; time++) {
        const response = await fetch(origin + job.path, {
          headers: job.headers,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        let length = 0;
        for await (const chunk of response.body!) length += chunk.length;
        if (response.status !== 200 || length !== job.length) wrong++;
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  return wrong;
}

/** The attacks' requests, in the order they are sent. */
function churnJobs(config: Config): Job[] {
  return Array.from({ length: config.files }, (_, i) => ({
    path: `/files/${i}.bin`,
    headers: {},
    length: FILE_BYTES,
  }));
}

function spellingJobs(config: Config): Job[] {
  const names = ["identity", "x", "y", "z", "identity;q=1", "gzip;q=0"];
  const spellings = Array.from(
    { length: config.spellings },
    (_, i) => names[i] ?? `x${i}`,
  );
  return Array.from(
    { length: config.pages },
    (_, i) =>
      spellings.map((spelling) => ({
        path: `/pages/${i}.html`,
        headers: { "accept-encoding": spelling },
        length: PAGE_BYTES,
      })),
  ).flat();
}

async function main(): Promise<number> {
  const config = parseConfig(Deno.args);
  const root = await Deno.makeTempDir({ prefix: "berth-memory-" });
  let berth: Awaited<ReturnType<typeof startBerth>> | undefined;
  try {
    console.log(
      `Writing ${config.files} × 512 KiB files and ${config.pages} × 60 KiB pages to ${root}…`,
    );
    await writeSite(root, config);
    berth = await startBerth(root);
    const warm = [{ path: "/index.html", headers: {}, length: 12 }];
    let wrong = await drive(berth.origin, warm, 1);
    const before = await memoryOf(berth.pid);
    const started = performance.now();
    wrong += await drive(berth.origin, churnJobs(config), config.connections);
    const afterChurn = await memoryOf(berth.pid);
    wrong += await drive(
      berth.origin,
      spellingJobs(config),
      config.connections,
    );
    const after = await memoryOf(berth.pid);
    const seconds = (performance.now() - started) / 1000;
    const limit = before.rss + BUDGET_BYTES + config.overheadMiB * MiB;
    const pass = wrong === 0 && after.hwm <= limit;
    const row = (when: string, m: { rss: number; hwm: number }) =>
      `| ${when} | ${mib(m.rss)} | ${mib(m.hwm)} |`;
    console.log([
      "",
      "| when | VmRSS | VmHWM (peak so far) |",
      "| --- | ---: | ---: |",
      row("before the load", before),
      row(`after ${config.files} files × 512 KiB, twice`, afterChurn),
      row(
        `after ${config.pages} pages × 60 KiB × ${config.spellings} spellings, twice`,
        after,
      ),
      "",
      `Peak beyond the RSS before and the budget: ${
        mib(after.hwm - before.rss - BUDGET_BYTES)
      } (allowed: ${config.overheadMiB} MiB).`,
      `Wrong answers: ${wrong}. Load took ${seconds.toFixed(1)} s.`,
      pass ? "PASS" : "FAIL",
    ].join("\n"));
    return pass ? 0 : 1;
  } finally {
    await berth?.stop();
    if (!config.keepSite) await Deno.remove(root, { recursive: true });
  }
}

if (import.meta.main) Deno.exit(await main());
