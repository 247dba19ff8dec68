// deno-lint-ignore-file no-console
/**
 * berth's HTTP benchmark harness: starts every server of the comparison on
 * 127.0.0.1 (each its own process and port), loads each with wrk case by
 * case, servers interleaved within every repetition, samples server CPU and
 * RSS from `/proc`, runs the stalled-connections, idle-memory and
 * default-site memory experiments, stops everything by PID (also on error
 * and Ctrl-C), prints the targets of the performance issue and writes
 * `bench/RESULTS.md` and `bench/out/results.json`.
 *
 *     bash bench/run.sh [--quick]          # installs wrk/nginx, raises ulimit
 *     deno run -A bench/http_bench.ts [--quick] [--duration S] [--reps N]
 *
 * @module
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type BenchResults,
  type CaseDef,
  type CaseResult,
  CASES,
  type DefaultSiteResult,
  type IdleResult,
  type Sample,
  type ServerCaseResult,
  type StalledResult,
  summarize,
} from "./http/cases.ts";
import { versionOf } from "../support/host_commands.ts";
import { sleep } from "../support/net.ts";
import { cpuModel, openFileLimitSync } from "../support/procfs.ts";
import { initClockTicks, sampleTree } from "../support/process_tree.ts";
import { formatMarkdownFile } from "../support/results_md.ts";
import { runWrk, shellLine, wrkArgs, type WrkOptions } from "../support/wrk.ts";
import { ensureFixtures } from "./http/fixtures.ts";
import { httpGet } from "./http/http_probe.ts";
import { siteUrlPaths } from "./http/site_paths.ts";
import { writeResultsMd } from "./http/report.ts";
import { targetRows } from "./http/targets.ts";
import {
  type BenchPaths,
  freeBasePort,
  PidFile,
  type ServerHandle,
  serverRegistry,
  type ServerSpec,
  startServer,
  stopServer,
} from "./http/servers.ts";

/** Run settings. */
interface Config {
  quick: boolean;
  durationS: number;
  reps: number;
  warmupS: number;
  stalledReps: number;
}

const USAGE =
  `Usage: deno run -A bench/http_bench.ts [--quick] [--duration S] [--reps N]
  --quick        only the cases and servers the targets need, 2 s runs:
                 under 3 minutes
  --duration S   seconds per wrk run (default 5; 2 with --quick)
  --reps N       repetitions (default 3)`;

function parseConfig(args: string[]): Config {
  const quick = args.includes("--quick");
  const valueOf = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? Number(args[i + 1]) : undefined;
  };
  if (args.includes("--help") || args.includes("-h")) {
    console.log(USAGE);
    Deno.exit(0);
  }
  const durationS = valueOf("--duration") ?? (quick ? 2 : 5);
  const reps = valueOf("--reps") ?? 3;
  if (
    !Number.isInteger(durationS) || durationS < 1 || !Number.isInteger(reps) ||
    reps < 1
  ) {
    console.error(USAGE);
    Deno.exit(2);
  }
  return { quick, durationS, reps, warmupS: 1, stalledReps: reps };
}

const MiB = 1024 * 1024;

function readSysctl(path: string): string {
  try {
    return Deno.readTextFileSync(path).trim().replaceAll("\t", " ");
  } catch {
    return "?";
  }
}

/** Reads JSON lines from a child's stdout, each wait bounded. */
class LineReader {
  #reader: ReadableStreamDefaultReader<string>;
  #buffer = "";
  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  }
  async next(timeoutMs: number): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#buffer.includes("\n")) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("timed out waiting for the helper");
      let timer: ReturnType<typeof setTimeout> | undefined;
      const chunk = await Promise.race([
        this.#reader.read(),
        new Promise<null>((r) => timer = setTimeout(() => r(null), left)),
      ]);
      clearTimeout(timer);
      if (chunk === null) continue;
      if (chunk.done) throw new Error("the helper exited early");
      this.#buffer += chunk.value;
    }
    const i = this.#buffer.indexOf("\n");
    const line = this.#buffer.slice(0, i);
    this.#buffer = this.#buffer.slice(i + 1);
    return JSON.parse(line);
  }
}

/** The harness state that cleanup needs. */
class Harness {
  readonly paths: BenchPaths;
  readonly config: Config;
  readonly pidFile: PidFile;
  readonly logDir: string;
  /** The first server's port (past any block of ports in use). */
  readonly basePort: number;
  readonly registry: Map<string, ServerSpec>;
  readonly handles = new Map<string, ServerHandle>();
  holder: Deno.ChildProcess | undefined;

  constructor(paths: BenchPaths, config: Config) {
    this.paths = paths;
    this.config = config;
    this.logDir = join(paths.out, "logs");
    Deno.mkdirSync(this.logDir, { recursive: true });
    this.pidFile = new PidFile(join(paths.out, "pids"));
    this.basePort = freeBasePort(serverRegistry(paths).length);
    this.registry = new Map(
      serverRegistry(paths, this.basePort).map((s) => [s.name, s]),
    );
  }

  async start(names: string[]): Promise<void> {
    await Promise.all(names.map(async (name) => {
      const spec = this.registry.get(name)!;
      const handle = await startServer(spec, this.logDir, this.pidFile);
      this.handles.set(name, handle);
      console.log(
        handle.state === "ok"
          ? `  started ${name} (pid ${handle.pid}, port ${spec.port})`
          : `  ${name}: n/a — ${handle.reason}`,
      );
    }));
  }

  async stop(name: string): Promise<void> {
    const handle = this.handles.get(name);
    if (handle) await stopServer(handle, this.pidFile);
  }

  async stopHolder(): Promise<void> {
    const holder = this.holder;
    if (!holder) return;
    this.holder = undefined;
    try {
      holder.kill("SIGKILL");
    } catch {
      // already gone
    }
    await Promise.race([holder.status, sleep(2000)]);
    this.pidFile.remove(holder.pid);
  }

  async cleanup(): Promise<void> {
    await this.stopHolder();
    await Promise.all([...this.handles.keys()].map((n) => this.stop(n)));
  }
}

/** The measured 'berth' of a case: the CLI when it can, else berth-lib. */
const BERTH_STANDINS = ["berth", "berth-lib"];

async function probe(
  handle: ServerHandle | undefined,
  def: CaseDef,
): Promise<{ headers: string[] } | { reason: string }> {
  if (!handle) return { reason: "not started" };
  if (handle.state !== "ok") return { reason: handle.reason ?? "n/a" };
  const port = handle.spec.port;
  const path = def.expect.probePath ?? def.path;
  const headers = [...(def.headers ?? [])];
  try {
    if (def.conditional) {
      const first = await httpGet(port, path);
      const etag = first.headers.get("etag");
      if (!etag) return { reason: "no ETag" };
      headers.push(`If-None-Match: ${etag}`);
    }
    const probeHeaders = Object.fromEntries(
      headers.filter((h) => !/^connection:/i.test(h)).map((h) => {
        const i = h.indexOf(":");
        return [h.slice(0, i), h.slice(i + 1).trim()];
      }),
    );
    const r = await httpGet(port, path, { headers: probeHeaders });
    const e = def.expect;
    if (r.status !== e.status) {
      return { reason: `GET ${path} answered ${r.status}, not ${e.status}` };
    }
    if (e.bytes !== undefined && r.bodyBytes !== e.bytes) {
      return { reason: `GET ${path}: ${r.bodyBytes} bytes, not ${e.bytes}` };
    }
    if (e.text !== undefined && r.bodyText !== e.text) {
      return { reason: `GET ${path}: unexpected body` };
    }
    return { headers };
  } catch (error) {
    return { reason: `probe failed: ${String(error).split("\n")[0]}` };
  }
}

function wrkOptions(
  h: Harness,
  handle: ServerHandle,
  def: CaseDef,
  headers: string[],
  durationS: number,
): WrkOptions {
  return {
    url: `http://127.0.0.1:${handle.spec.port}${def.path}`,
    connections: def.connections,
    durationS,
    headers,
    script: def.script ? join(h.paths.repo, def.script) : undefined,
  };
}

async function measure(
  handle: ServerHandle,
  options: WrkOptions,
  rep: number,
): Promise<Sample> {
  const pid = handle.pid!;
  const before = sampleTree(pid);
  const res = await runWrk(options);
  const after = sampleTree(pid);
  const cpu = after.cpuUs - before.cpuUs;
  return {
    rep,
    rps: res.rps,
    requests: res.requests,
    p50Ms: res.p50Ms,
    p99Ms: res.p99Ms,
    cpuUsPerReq: res.requests > 0 ? cpu / res.requests : null,
    rssMiB: after.pids.length > 0 ? after.rssBytes / MiB : null,
    socketErrors: res.errors.connect + res.errors.read + res.errors.write +
      res.errors.timeout,
    non2xx3xx: res.non2xx3xx,
  };
}

function alive(handle: ServerHandle): boolean {
  try {
    return Deno.readTextFileSync(`/proc/${handle.pid}/stat`).length > 0 &&
      handle.child !== undefined;
  } catch {
    return false;
  }
}

function fmtSample(s: Sample): string {
  return `${Math.round(s.rps).toLocaleString("en-US")} req/s, p99 ${
    s.p99Ms.toFixed(2)
  } ms, ${s.cpuUsPerReq?.toFixed(1) ?? "–"} µs/req` +
    (s.non2xx3xx ? `, ${s.non2xx3xx} non-2xx/3xx` : "") +
    (s.socketErrors ? `, ${s.socketErrors} socket errors` : "");
}

/** Cases × servers, interleaved per rep. */
async function runMatrix(h: Harness, cases: CaseDef[]): Promise<CaseResult[]> {
  const { config } = h;
  const results: CaseResult[] = [];
  // Probe every (case, server); let berth-lib stand in for the CLI.
  for (const def of cases) {
    const names = [...(config.quick ? def.quick! : def.full)];
    const servers: ServerCaseResult[] = [];
    for (const name of names) {
      const p = await probe(h.handles.get(name), def);
      servers.push({
        server: name,
        state: "reason" in p ? "n/a" : "ok",
        reason: "reason" in p ? p.reason : undefined,
        headers: "headers" in p ? p.headers : [],
        samples: [],
      });
    }
    let subject: string | null = null;
    if (names.includes("berth")) {
      for (const name of BERTH_STANDINS) {
        let row = servers.find((s) => s.server === name);
        if (!row) {
          const p = await probe(h.handles.get(name), def);
          if ("reason" in p) continue;
          row = { server: name, state: "ok", headers: p.headers, samples: [] };
          servers.splice(1, 0, row);
        }
        if (row.state === "ok") {
          subject = name;
          break;
        }
      }
    } else if (names.includes("berth-generic")) {
      subject = "berth-generic";
    }
    for (const s of servers) {
      const handle = h.handles.get(s.server);
      if (s.state === "ok" && handle) {
        s.wrkCommand = shellLine(
          "wrk",
          wrkArgs(wrkOptions(h, handle, def, s.headers, config.durationS)),
        );
      }
    }
    results.push({
      id: def.id,
      title: def.title,
      path: def.path,
      connections: def.connections,
      subject,
      servers,
    });
  }
  // Warm up: every (case, server) once; with --quick, each server once.
  const warmed = new Set<string>();
  console.log(`\nWarm-up (${config.warmupS} s runs)`);
  for (const [i, def] of cases.entries()) {
    for (const s of results[i].servers) {
      if (s.state !== "ok" || (config.quick && warmed.has(s.server))) continue;
      warmed.add(s.server);
      const handle = h.handles.get(s.server)!;
      await runWrk(wrkOptions(h, handle, def, s.headers, config.warmupS))
        .catch(() => {});
    }
  }
  for (let rep = 1; rep <= config.reps; rep++) {
    console.log(`\nRep ${rep}/${config.reps}`);
    for (const [i, def] of cases.entries()) {
      for (const s of results[i].servers) {
        if (s.state !== "ok") continue;
        const handle = h.handles.get(s.server)!;
        if (!alive(handle)) {
          s.state = "n/a";
          s.reason = "the server process died";
          continue;
        }
        try {
          const sample = await measure(
            handle,
            wrkOptions(h, handle, def, s.headers, config.durationS),
            rep,
          );
          s.samples.push(sample);
          console.log(
            `  ${def.id.padEnd(20)} ${s.server.padEnd(14)} ${
              fmtSample(sample)
            }`,
          );
        } catch (error) {
          console.log(`  ${def.id} ${s.server}: ${String(error)}`);
        }
      }
    }
  }
  for (const c of results) {
    for (const s of c.servers) {
      if (s.state === "ok" && s.samples.length === 0) {
        s.state = "n/a";
        s.reason = "every wrk run failed";
      }
      if (s.samples.length > 0) s.summary = summarize(s.samples);
    }
  }
  return results;
}

function spawnHolder(
  h: Harness,
  mode: "stall" | "idle",
  port: number,
  count: number,
  path: string,
): { child: Deno.ChildProcess; lines: LineReader } {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net=127.0.0.1",
      join(h.paths.repo, "bench/http/conn_holder.ts"),
      "--mode",
      mode,
      "--port",
      String(port),
      "--count",
      String(count),
      "--path",
      path,
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  h.holder = child;
  h.pidFile.add(child.pid, "conn_holder.ts");
  return { child, lines: new LineReader(child.stdout) };
}

async function release(child: Deno.ChildProcess): Promise<void> {
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode("release\n"));
  await writer.close().catch(() => {});
}

/** 1,000 stalled connections while wrk loads berth; then release them. */
async function runStalled(
  h: Harness,
  k1: CaseResult | undefined,
): Promise<StalledResult> {
  const count = Math.min(1000, openFileLimitSync() - 200);
  const result: StalledResult = { subject: null, count, reps: [] };
  const subject = k1?.subject ?? null;
  if (subject === null) {
    return { ...result, skipped: "no berth server serves /index.html" };
  }
  if (count < 100) return { ...result, skipped: "ulimit -n too low" };
  result.subject = subject;
  const handle = h.handles.get(subject)!;
  const def = CASES.find((c) => c.id === "1kib-c50")!;
  const options = wrkOptions(h, handle, def, [], h.config.durationS);
  result.wrkCommand = shellLine("wrk", wrkArgs(options));
  console.log(`\nStalled connections (${count}) on ${subject}`);
  for (let rep = 1; rep <= h.config.stalledReps; rep++) {
    const base = await measure(handle, options, rep);
    const { child, lines } = spawnHolder(
      h,
      "stall",
      handle.spec.port,
      count,
      def.path,
    );
    try {
      const ready = await lines.next(30_000);
      const stalled = await measure(handle, options, rep);
      await release(child);
      const done = await lines.next(30_000);
      result.reps.push({
        baseP99Ms: base.p99Ms,
        stalledP99Ms: stalled.p99Ms,
        baseRps: base.rps,
        stalledRps: stalled.rps,
        opened: Number(ready.open),
        completed: Number(done.completed),
        openMs: Number(ready.ms),
        releaseMs: Number(done.ms),
      });
      console.log(
        `  rep ${rep}: p99 ${base.p99Ms.toFixed(2)} → ${
          stalled.p99Ms.toFixed(2)
        } ms with ${ready.open} stalled; ${done.completed}/${count} completed on release`,
      );
    } finally {
      await h.stopHolder();
    }
  }
  return result;
}

/** RSS of berth with ~10,000 idle keep-alive connections. */
async function runIdle(h: Harness): Promise<IdleResult> {
  const requested = Math.min(10_000, openFileLimitSync() - 1000);
  const result: IdleResult = {
    subject: null,
    requested,
    opened: 0,
    rssBeforeMiB: NaN,
    rssWithMiB: NaN,
    limitMiB: NaN,
  };
  if (requested < 1000) {
    return {
      ...result,
      skipped:
        `ulimit -n is ${openFileLimitSync()}; run bench/run.sh (raises it)`,
    };
  }
  console.log(`\nIdle connections (${requested})`);
  for (
    const [name, path] of [["berth-idle", "/index.html"], [
      "berth-idle-generic",
      "/hello",
    ]]
  ) {
    await h.start([name]);
    const handle = h.handles.get(name)!;
    if (handle.state !== "ok") continue;
    try {
      await httpGet(handle.spec.port, path);
      await sleep(500);
      const before = sampleTree(handle.pid!).rssBytes / MiB;
      const { child, lines } = spawnHolder(
        h,
        "idle",
        handle.spec.port,
        requested,
        path,
      );
      try {
        const ready = await lines.next(180_000);
        await sleep(1000);
        const withConns = sampleTree(handle.pid!).rssBytes / MiB;
        await release(child);
        await lines.next(30_000).catch(() => ({}));
        const opened = Number(ready.open);
        console.log(
          `  ${name}: RSS ${before.toFixed(1)} MiB → ${
            withConns.toFixed(1)
          } MiB with ${opened} idle connections (opened in ${ready.ms} ms)`,
        );
        return {
          subject: name,
          requested,
          opened,
          rssBeforeMiB: before,
          rssWithMiB: withConns,
          limitMiB: 100 + (16 * opened) / 1024,
        };
      } finally {
        await h.stopHolder();
      }
    } finally {
      await h.stop(name);
    }
  }
  return { ...result, skipped: "no berth server could start" };
}

/** Seconds a run takes beyond its wrk runs: start-up, idle, default site. */
const FIXED_SECONDS = 15;

/** RSS of the CLI on the default site after it answered every file once. */
async function runDefaultSite(h: Harness): Promise<DefaultSiteResult> {
  const name = "berth-site";
  const paths = await siteUrlPaths(join(h.paths.repo, "static"));
  const result: DefaultSiteResult = {
    subject: null,
    requested: paths.length,
    failures: [],
    rssMiB: NaN,
  };
  console.log(`\nDefault site (${paths.length} paths)`);
  await h.start([name]);
  const handle = h.handles.get(name)!;
  if (handle.state !== "ok") {
    return { ...result, skipped: handle.reason ?? "the CLI did not start" };
  }
  try {
    for (const path of paths) {
      try {
        const r = await httpGet(handle.spec.port, path);
        if (r.status !== 200) result.failures.push(`${path}: ${r.status}`);
      } catch (error) {
        result.failures.push(`${path}: ${String(error).split("\n")[0]}`);
      }
    }
    const rssMiB = sampleTree(handle.pid!).rssBytes / MiB;
    console.log(
      `  ${name}: RSS ${rssMiB.toFixed(1)} MiB after ${paths.length} requests${
        result.failures.length
          ? ` (not 200: ${result.failures.join(", ")})`
          : ""
      }`,
    );
    return { ...result, subject: name, rssMiB };
  } finally {
    await h.stop(name);
  }
}

function estimateSeconds(config: Config, cases: readonly CaseDef[]): number {
  // Every listed server, as if all are available.
  const lists = cases.map((c) => config.quick ? c.quick! : c.full);
  const runs = lists.reduce((n, list) => n + list.length, 0);
  const perRun = config.durationS + 0.15;
  // --quick warms each server once; a full run, each (case, server).
  const warmRuns = config.quick ? new Set(lists.flat()).size : runs;
  const warm = warmRuns * (config.warmupS + 0.15);
  const stalled = config.stalledReps * (2 * perRun + 2);
  return Math.round(
    runs * perRun * config.reps + warm + stalled + FIXED_SECONDS,
  );
}

async function main(): Promise<number> {
  const t0 = performance.now();
  const config = parseConfig(Deno.args);
  const loadBefore = readSysctl("/proc/loadavg").split(" ").slice(0, 3)
    .join(" ");
  const repo = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
  const paths: BenchPaths = {
    repo,
    site: join(repo, "bench/fixtures/site"),
    out: join(repo, "bench/out"),
  };
  await Deno.mkdir(paths.out, { recursive: true });
  const clockTicks = await initClockTicks();
  const versions = {
    Deno: `${Deno.version.deno} (V8 ${Deno.version.v8})`,
    nginx: (await versionOf("nginx", ["-v"]))
      .replace(/^nginx version: (nginx\/)?/, ""),
    wrk: (await versionOf("wrk", ["-v"])).split(" [")[0].replace(/^wrk /, ""),
  };
  if (versions.wrk === "missing") {
    console.error("wrk is missing: run bench/run.sh, which installs it");
    return 1;
  }
  const cases = CASES.filter((c) => !config.quick || c.quick !== null);
  console.log(
    `berth HTTP bench — ${
      config.quick ? "quick" : "full"
    }: ${cases.length} cases, ${config.reps} reps × ${config.durationS} s; estimated ~${
      estimateSeconds(config, cases)
    } s (a full run: ~${
      estimateSeconds({
        ...config,
        quick: false,
        durationS: 5,
        stalledReps: config.reps,
      }, CASES)
    } s)`,
  );
  console.log(
    Number(loadBefore.split(" ")[0]) > 0.5
      ? `⚠ load average ${loadBefore}: other work is running`
      : `load average ${loadBefore}`,
  );
  if (await ensureFixtures(paths.site)) console.log("Fixtures written");

  const h = new Harness(paths, config);
  let interrupted = false;
  const onSignal = async () => {
    if (interrupted) return;
    interrupted = true;
    console.error("\nInterrupted: stopping servers…");
    await h.cleanup();
    Deno.exit(130);
  };
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  try {
    const names = new Set<string>(["berth-lib"]);
    for (const c of cases) {
      for (const n of config.quick ? c.quick! : c.full) names.add(n);
    }
    if (versions.nginx === "missing") {
      for (const n of names) {
        if (n.startsWith("nginx")) {
          names.delete(n);
          console.log(`  ${n}: n/a — nginx is not installed`);
        }
      }
    }
    console.log(`Starting servers (ports from ${h.basePort})`);
    await h.start([...names]);
    const caseResults = await runMatrix(h, cases);
    const stalled = await runStalled(
      h,
      caseResults.find((c) => c.id === "1kib-c50"),
    );
    // Free CPU and memory for the idle experiment.
    await h.cleanup();
    const defaultSite = await runDefaultSite(h);
    const idle = await runIdle(h);
    const loadAfter = readSysctl("/proc/loadavg").split(" ").slice(0, 3)
      .join(" ");

    const results: BenchResults = {
      meta: {
        date: new Date().toISOString(),
        mode: config.quick ? "quick" : "full",
        durationS: config.durationS,
        reps: config.reps,
        elapsedS: (performance.now() - t0) / 1000,
        cpuModel: cpuModel(),
        cores: navigator.hardwareConcurrency,
        kernel: Deno.osRelease(),
        memoryGiB: Deno.systemMemoryInfo().total / 1024 ** 3,
        versions,
        openFileLimit: openFileLimitSync(),
        sysctl: {
          "net.ipv4.tcp_tw_reuse": readSysctl(
            "/proc/sys/net/ipv4/tcp_tw_reuse",
          ),
          "net.ipv4.ip_local_port_range": readSysctl(
            "/proc/sys/net/ipv4/ip_local_port_range",
          ),
          "net.core.somaxconn": readSysctl("/proc/sys/net/core/somaxconn"),
        },
        clockTicks,
        loadBefore,
        loadAfter,
      },
      servers: [...h.registry.values()]
        .filter((s) => h.handles.has(s.name))
        .map((s) => {
          const handle = h.handles.get(s.name)!;
          return {
            name: s.name,
            label: s.label,
            port: s.port,
            command: shellLine(s.command[0], s.command.slice(1)),
            state: handle.state,
            reason: handle.reason,
          };
        }),
      cases: caseResults,
      stalled,
      idle,
      defaultSite,
    };
    await Deno.writeTextFile(
      join(paths.out, "results.json"),
      JSON.stringify(results, null, 2) + "\n",
    );
    await writeResultsMd(join(repo, "bench/RESULTS.md"), results);
    await formatMarkdownFile(join(repo, "bench/RESULTS.md"));
    console.log("\nTargets");
    for (const t of targetRows(results)) {
      const mark = t.ok === null ? "n/a" : t.ok ? "✅" : "❌";
      console.log(
        `  ${mark.padEnd(3)} ${t.target}: ${t.measured} (goal ${t.goal})`,
      );
    }
    console.log(
      `\nWrote bench/RESULTS.md and bench/out/results.json in ${
        results.meta.elapsedS.toFixed(0)
      } s (load average before ${loadBefore}, after ${loadAfter})`,
    );
    return 0;
  } finally {
    await h.cleanup();
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
  }
}

if (import.meta.main) Deno.exit(await main());
