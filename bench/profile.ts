/**
 * A reproducible CPU profile of one benchmark case: starts the server under
 * `deno run --cpu-prof` on 127.0.0.1 (a free port), loads it with wrk, stops
 * it so that V8 writes its `.cpuprofile`, and prints a Markdown summary:
 * wrk req/s, server CPU µs per request (`/proc/PID/stat`), self time by
 * group (idle, GC, `(program)`, `op_*`, Deno's `ext:` JS, berth's `src/`)
 * and the top functions by self time.
 *
 *     deno run -A bench/profile.ts [--case NAME|all] [--seconds S]
 *       [--connections C] [--top N] [--out DIR] [--warmup S]
 *
 * Cases: `static-1k` (the CLI, `/index.html`, 50 connections),
 * `random-small` (the CLI, `bench/lua/random_small.lua`), `generic` (the
 * tiny handler on berth's `serve()`), `generic-deno` (the same on
 * `Deno.serve`), `c256` (`static-1k` with 256 connections).
 *
 * The server command lines are the harness's (`bench/http/servers.ts`) plus
 * the profiling flags. V8 writes the profile only on a normal exit: the CLI
 * exits 0 after a graceful stop on SIGINT; `bench/servers/generic.ts` has no
 * signal handling, so it gets a `--preload` module (written into the out
 * dir) that calls `Deno.exit(0)` on SIGINT/SIGTERM. The profile covers the
 * whole process: start-up, the warm-up run and the measured run. Output:
 * stdout and `DIR/<case>.md`, next to `DIR/<case>.cpuprofile` and the
 * server's logs (DIR defaults to `bench/out/profile`).
 *
 * @module
 */

import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { hasCommand } from "../support/host_commands.ts";
import { freePort } from "../support/net.ts";
import { cpuUsOf, initClockTicks } from "../support/process_tree.ts";
import { runWrk, shellLine, wrkArgs, type WrkOptions } from "../support/wrk.ts";
import { ensureFixtures } from "./http/fixtures.ts";
import {
  type BenchPaths,
  PidFile,
  type ServerHandle,
  serverRegistry,
  type ServerSpec,
  startServer,
  stopServer,
} from "./http/servers.ts";

/** One profiling case: which harness server, and how wrk loads it. */
export interface ProfileCase {
  /** The harness server (`serverRegistry` name). */
  server: "berth" | "berth-generic" | "deno-generic";
  /** The URL path wrk asks for. */
  path: string;
  /** wrk connections unless `--connections` says otherwise. */
  connections: number;
  /** A wrk Lua script, relative to the repository. */
  script?: string;
  /** What it measures. */
  title: string;
}

/** Every case, by name. */
export const PROFILE_CASES: Readonly<Record<string, ProfileCase>> = {
  "static-1k": {
    server: "berth",
    path: "/index.html",
    connections: 50,
    title: "berth CLI, 1 KiB file, keep-alive",
  },
  "random-small": {
    server: "berth",
    path: "/",
    connections: 50,
    script: "bench/lua/random_small.lua",
    title: "berth CLI, 1,000 small files at random, keep-alive",
  },
  "generic": {
    server: "berth-generic",
    path: "/hello",
    connections: 50,
    title: "tiny handler on berth serve()",
  },
  "generic-deno": {
    server: "deno-generic",
    path: "/hello",
    connections: 50,
    title: "tiny handler on Deno.serve",
  },
  "c256": {
    server: "berth",
    path: "/index.html",
    connections: 256,
    title: "berth CLI, 1 KiB file, 256 connections",
  },
};

/** A V8 call frame, as in a `.cpuprofile`. */
export interface CallFrame {
  functionName: string;
  url: string;
  /** 0-based; -1 for natives. */
  lineNumber: number;
  columnNumber?: number;
}

/** A V8 `.cpuprofile` (the fields the summary reads). */
export interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame }[];
  /** µs. */
  startTime: number;
  /** µs. */
  endTime: number;
  /** Node id of each sample. */
  samples: number[];
  /** µs since the previous sample (the first: since `startTime`). */
  timeDeltas: number[];
}

/** Where self time goes, coarsely. */
export type GroupName =
  | "(idle)"
  | "(garbage collector)"
  | "(program)"
  | "op_* natives"
  | "ext: (Deno runtime JS)"
  | "berth src/"
  | "other";

/** The groups, in display order. */
export const GROUPS: readonly GroupName[] = [
  "(idle)",
  "(garbage collector)",
  "(program)",
  "op_* natives",
  "ext: (Deno runtime JS)",
  "berth src/",
  "other",
];

/** Self time of one function (or one group). */
export interface SelfTime {
  samples: number;
  /** Sum of the sampling intervals, in ms. */
  ms: number;
}

/** One row of the function table. */
export interface FunctionRow extends SelfTime {
  name: string;
  /** Short `url:line` (1-based), or "" for natives. */
  location: string;
  group: GroupName;
}

/** What a profile says, aggregated. */
export interface ProfileSummary {
  samples: number;
  idleSamples: number;
  /** Profile duration, in ms. */
  durationMs: number;
  /** Median sampling interval, in µs. */
  intervalUs: number;
  /** By self samples, most first. */
  functions: FunctionRow[];
  groups: Record<GroupName, SelfTime>;
}

/**
 * The group of a call frame.
 *
 * @param frame The frame.
 * @param srcUrl The `file:` URL of the repository's `src/`, ending in `/`.
 * @returns Its group.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { groupOf } from "./profile.ts";
 * const src = "file:///repo/src/";
 * const frame = (functionName: string, url = "") => ({
 *   functionName,
 *   url,
 *   lineNumber: 0,
 * });
 * assert.equal(groupOf(frame("op_read"), src), "op_* natives");
 * assert.equal(groupOf(frame("f", "file:///repo/src/a.ts"), src), "berth src/");
 * assert.equal(groupOf(frame("f", "ext:core/01_core.js"), src), "ext: (Deno runtime JS)");
 * ```
 */
export function groupOf(frame: CallFrame, srcUrl: string): GroupName {
  const { functionName: name, url } = frame;
  if (
    url === "" &&
    (name === "(idle)" || name === "(garbage collector)" ||
      name === "(program)")
  ) return name;
  if (name.startsWith("op_")) return "op_* natives";
  if (url.startsWith("ext:")) return "ext: (Deno runtime JS)";
  if (url.startsWith(srcUrl)) return "berth src/";
  return "other";
}

/**
 * A frame's location for humans: repository-relative path, 1-based line.
 * Deno's `ext:` modules are minified to a line or two, so theirs also
 * carries the 1-based column: the line alone would merge unrelated functions.
 *
 * @param frame The frame.
 * @param repoUrl The repository's `file:` URL, ending in `/`.
 * @returns `src/http1/conn.ts:12`, `ext:deno_web/00_url.js:2:1623`, or "".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { locationOf } from "./profile.ts";
 * const frame = (url: string, lineNumber: number, columnNumber: number) => ({
 *   functionName: "f",
 *   url,
 *   lineNumber,
 *   columnNumber,
 * });
 * assert.equal(locationOf(frame("file:///r/src/a.ts", 9, 2), "file:///r/"), "src/a.ts:10");
 * assert.equal(locationOf(frame("ext:web/a.js", 0, 41), "file:///r/"), "ext:web/a.js:1:42");
 * ```
 */
export function locationOf(frame: CallFrame, repoUrl: string): string {
  const { url, lineNumber, columnNumber = -1 } = frame;
  if (url === "") return "";
  const short = url.startsWith(repoUrl)
    ? url.slice(repoUrl.length)
    : url.startsWith("file://")
    ? fileURLToPath(url)
    : url;
  if (lineNumber < 0) return short;
  const column = url.startsWith("ext:") && columnNumber >= 0
    ? `:${columnNumber + 1}`
    : "";
  return `${short}:${lineNumber + 1}${column}`;
}

/**
 * Aggregate a profile's self time per function (name + location) and per
 * group. A sample lasts until the next one (as in Chrome DevTools).
 *
 * @param profile The parsed `.cpuprofile`.
 * @param repoUrl The repository's `file:` URL, ending in `/`.
 * @returns The summary.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { summarizeProfile } from "./profile.ts";
 * const frame = (functionName: string) => ({ functionName, url: "", lineNumber: -1 });
 * const summary = summarizeProfile({
 *   nodes: [{ id: 1, callFrame: frame("(idle)") }, { id: 2, callFrame: frame("op_read") }],
 *   startTime: 0,
 *   endTime: 4000,
 *   samples: [1, 2, 2, 2],
 *   timeDeltas: [1000, 1000, 1000, 1000],
 * }, "file:///repo/");
 * assert.equal(summary.idleSamples, 1);
 * assert.equal(summary.functions[0].name, "op_read");
 * assert.equal(summary.groups["op_* natives"].samples, 3);
 * ```
 */
export function summarizeProfile(
  profile: CpuProfile,
  repoUrl: string,
): ProfileSummary {
  const srcUrl = repoUrl + "src/";
  // One row per function; nodes (call paths) of a function share it.
  const rows = new Map<string, FunctionRow>();
  const rowOf = new Map<number, FunctionRow>();
  for (const { id, callFrame } of profile.nodes) {
    const name = callFrame.functionName || "(anonymous)";
    const location = locationOf(callFrame, repoUrl);
    const key = `${name} ${location}`;
    let row = rows.get(key);
    if (row === undefined) {
      const group = groupOf(callFrame, srcUrl);
      row = { name, location, group, samples: 0, ms: 0 };
      rows.set(key, row);
    }
    rowOf.set(id, row);
  }
  const groups = Object.fromEntries(
    GROUPS.map((g) => [g, { samples: 0, ms: 0 }]),
  ) as Record<GroupName, SelfTime>;
  const { samples, timeDeltas } = profile;
  let at = profile.startTime;
  let idleSamples = 0;
  for (let i = 0; i < samples.length; i++) {
    at += timeDeltas[i] ?? 0;
    const next = i + 1 < samples.length
      ? timeDeltas[i + 1] ?? 0
      : profile.endTime - at;
    // Deltas can be slightly negative when samples arrive out of order.
    const ms = Math.max(0, next) / 1000;
    let row = rowOf.get(samples[i]);
    if (row === undefined) {
      row = {
        name: "(unknown)",
        location: "",
        group: "other",
        samples: 0,
        ms: 0,
      };
      rows.set("(unknown) ", row);
      rowOf.set(samples[i], row);
    }
    row.samples++;
    row.ms += ms;
    groups[row.group].samples++;
    groups[row.group].ms += ms;
    if (row.group === "(idle)") idleSamples++;
  }
  const deltas = timeDeltas.slice(1).filter((d) => d > 0)
    .sort((a, b) => a - b);
  return {
    samples: samples.length,
    idleSamples,
    durationMs: (profile.endTime - profile.startTime) / 1000,
    intervalUs: deltas[Math.floor(deltas.length / 2)] ?? 0,
    functions: [...rows.values()].sort((a, b) =>
      b.samples - a.samples || b.ms - a.ms
    ),
    groups,
  };
}

/** What one profiled run measured, besides the profile. */
export interface RunFacts {
  caseName: string;
  title: string;
  serverCommand: string;
  wrkCommand: string;
  warmupS: number;
  rps: number;
  requests: number;
  p99Ms: number;
  socketErrors: number;
  non2xx3xx: number;
  /** Server utime + stime during the measured run, per request. */
  cpuUsPerReq: number | null;
  /** Server utime + stime during the measured run, per second of it. */
  cpuShare: number | null;
  clockTicks: number;
  profilePath: string;
}

const pct = (part: number, whole: number) =>
  whole > 0 ? (100 * part / whole).toFixed(1) : "–";
const int = (n: number) => Math.round(n).toLocaleString("en-US");
const cell = (text: string) =>
  text === "" ? "" : "`" + text.replaceAll("|", "\\|").replaceAll("`", "'") +
    "`";

/**
 * The Markdown report of one run.
 *
 * @param facts What wrk and `/proc` measured.
 * @param summary The aggregated profile.
 * @param top How many functions to list.
 * @returns Markdown, ending in a newline.
 */
export function profileMarkdown(
  facts: RunFacts,
  summary: ProfileSummary,
  top: number,
): string {
  const busy = summary.samples - summary.idleSamples;
  const lines = [
    `# CPU profile: ${facts.caseName} — ${facts.title}`,
    "",
    `- Server: \`${facts.serverCommand}\``,
    `- Load: \`${facts.wrkCommand}\`` +
    (facts.warmupS > 0
      ? ` (after a ${facts.warmupS} s warm-up run, also in the profile)`
      : ""),
    `- wrk: **${int(facts.rps)} req/s**, ${int(facts.requests)} requests, ` +
    `p99 ${facts.p99Ms.toFixed(2)} ms` +
    (facts.socketErrors ? `, ${facts.socketErrors} socket errors` : "") +
    (facts.non2xx3xx ? `, ${facts.non2xx3xx} non-2xx/3xx` : ""),
    `- Server CPU: **${
      facts.cpuUsPerReq === null ? "–" : facts.cpuUsPerReq.toFixed(1)
    } µs/request**, ${
      facts.cpuShare === null ? "–" : (100 * facts.cpuShare).toFixed(0)
    }% of one core (utime + stime from /proc/PID/stat over the measured ` +
    `run, CLK_TCK ${facts.clockTicks})`,
    `- Profile: \`${facts.profilePath}\`, ${int(summary.samples)} samples ` +
    `(${int(busy)} non-idle) over ${
      (summary.durationMs / 1000).toFixed(1)
    } s, interval ≈ ${int(summary.intervalUs)} µs`,
    `- Deno ${Deno.version.deno}, V8 ${Deno.version.v8}, ${navigator.hardwareConcurrency} CPUs, ${
      new Date().toISOString()
    }`,
    "",
    "## Self time by group",
    "",
    "| group | % all | % non-idle | samples | self ms |",
    "| --- | ---: | ---: | ---: | ---: |",
  ];
  for (const name of GROUPS) {
    const g = summary.groups[name];
    lines.push(
      `| ${name} | ${pct(g.samples, summary.samples)} | ${
        name === "(idle)" ? "–" : pct(g.samples, busy)
      } | ${int(g.samples)} | ${int(g.ms)} |`,
    );
  }
  lines.push(
    "",
    "`(idle)`: the main thread outside V8, which includes Rust work no JS " +
      "op called (e.g. `Deno.serve`'s HTTP handling), so compare it with " +
      "the server CPU above.",
    "",
    `## Top ${top} functions by self time`,
    "",
    "| # | % all | % non-idle | self ms | function | location |",
    "| ---: | ---: | ---: | ---: | --- | --- |",
  );
  for (const [i, f] of summary.functions.slice(0, top).entries()) {
    lines.push(
      `| ${i + 1} | ${pct(f.samples, summary.samples)} | ${
        f.group === "(idle)" ? "–" : pct(f.samples, busy)
      } | ${int(f.ms)} | ${cell(f.name)} | ${cell(f.location)} |`,
    );
  }
  return lines.join("\n") + "\n";
}

/** The command line. */
interface Config {
  cases: string[];
  seconds: number;
  connections: number | undefined;
  top: number;
  out: string;
  warmupS: number;
}

const USAGE = `Usage: deno run -A bench/profile.ts [options]
  --case NAME        ${Object.keys(PROFILE_CASES).join(", ")} or all \
(default static-1k)
  --seconds S        measured wrk run (default 5)
  --connections C    wrk connections (default: the case's, 50 or 256)
  --top N            functions listed (default 25)
  --out DIR          profiles, logs and reports (default bench/out/profile)
  --warmup S         wrk warm-up run before the measured one (default 1; 0: none)`;

function usageError(message: string): never {
  // deno-lint-ignore no-console
  console.error(`profile: ${message}\n${USAGE}`);
  Deno.exit(2);
}

function parseConfig(args: string[], repo: string): Config {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      options: {
        case: { type: "string", default: "static-1k" },
        seconds: { type: "string", default: "5" },
        connections: { type: "string" },
        top: { type: "string", default: "25" },
        out: { type: "string" },
        warmup: { type: "string", default: "1" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    usageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    // deno-lint-ignore no-console
    console.log(USAGE);
    Deno.exit(0);
  }
  const intFlag = (flag: string, text: string, min: number, max: number) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max) {
      usageError(`--${flag} must be an integer in ${min}…${max}: "${text}"`);
    }
    return n;
  };
  const name = values.case;
  if (name !== "all" && !(name in PROFILE_CASES)) {
    usageError(`Unknown case: "${name}"`);
  }
  const out = values.out ?? join(repo, "bench/out/profile");
  return {
    cases: name === "all" ? Object.keys(PROFILE_CASES) : [name],
    seconds: intFlag("seconds", values.seconds, 1, 300),
    connections: values.connections === undefined
      ? undefined
      : intFlag("connections", values.connections, 1, 10_000),
    top: intFlag("top", values.top, 1, 1000),
    out: isAbsolute(out) ? out : resolve(out),
    warmupS: intFlag("warmup", values.warmup, 0, 60),
  };
}

/** `--preload` module: lets a server without signal handling exit normally. */
const EXIT_ON_SIGNAL =
  `// Written by bench/profile.ts: V8 writes --cpu-prof output only on a
// normal exit, and SIGINT/SIGTERM would kill the process without one.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => {
    console.error(\`\${signal}: exiting 0 so that V8 writes the profile\`);
    Deno.exit(0);
  });
}
`;

/**
 * The harness's command line for `server`, on `port`, with the profiling
 * flags after `run`.
 */
function profiledSpec(
  paths: BenchPaths,
  server: ProfileCase["server"],
  caseName: string,
  port: number,
  profileFlags: string[],
): ServerSpec {
  const spec = serverRegistry(paths).find((s) => s.name === server);
  if (spec === undefined) throw new Error(`No harness server "${server}"`);
  const command = [...spec.command];
  const portAt = command.indexOf("--port");
  const runAt = command.indexOf("run");
  if (portAt < 0 || runAt !== 1) {
    throw new Error(`Unexpected command line for "${server}"`);
  }
  // Not the harness's fixed port: someone may be benchmarking on it.
  command[portAt + 1] = String(port);
  command.splice(runAt + 1, 0, ...profileFlags);
  return { ...spec, name: caseName, port, command };
}

/** Stop with SIGINT and wait (bounded) for the exit that writes the profile. */
async function stopForProfile(
  handle: ServerHandle,
  waitMs: number,
): Promise<Deno.CommandStatus | null> {
  const child = handle.child;
  if (child === undefined) return null;
  try {
    child.kill("SIGINT");
  } catch {
    // Already gone: its status says how.
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<null>((r) => timer = setTimeout(r, waitMs, null));
  try {
    return await Promise.race([child.status, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Profile one case; throws with a clear message on any failure. */
async function profileCase(
  name: string,
  config: Config,
  paths: BenchPaths,
  pidFile: PidFile,
  clockTicks: number,
  running: Set<ServerHandle>,
): Promise<string> {
  const def = PROFILE_CASES[name];
  const profileName = `${name}.cpuprofile`;
  const profilePath = join(config.out, profileName);
  await Deno.remove(profilePath).catch(() => {});
  const flags = [
    "--cpu-prof",
    `--cpu-prof-dir=${config.out}`,
    `--cpu-prof-name=${profileName}`,
  ];
  if (def.server !== "berth") {
    const preload = join(config.out, "_exit_on_signal.ts");
    await Deno.writeTextFile(preload, EXIT_ON_SIGNAL);
    flags.push(`--preload=${preload}`);
  }
  const spec = profiledSpec(paths, def.server, name, freePort(), flags);
  const [program, ...args] = spec.command;
  const serverCommand = shellLine(program, args);
  // deno-lint-ignore no-console
  console.error(`profile: ${name}: starting ${serverCommand}`);
  const handle = await startServer(spec, config.out, pidFile);
  if (handle.state !== "ok") {
    throw new Error(
      `The server failed to start: ${handle.reason} (logs: ${
        join(config.out, name)
      }.*log)`,
    );
  }
  running.add(handle);
  let early: Deno.CommandStatus | undefined;
  handle.child!.status.then((s) => early = s);
  try {
    const wrk: WrkOptions = {
      url: `http://127.0.0.1:${spec.port}${def.path}`,
      connections: config.connections ?? def.connections,
      durationS: config.seconds,
      threads: 1,
      script: def.script ? join(paths.repo, def.script) : undefined,
    };
    if (config.warmupS > 0) {
      await runWrk({ ...wrk, durationS: config.warmupS });
    }
    const pid = handle.pid!;
    const before = cpuUsOf(pid);
    const result = await runWrk(wrk);
    const after = cpuUsOf(pid);
    if (early !== undefined) {
      // Not our SIGINT: a crash, or another process signalled it.
      throw new Error(
        `The server exited during the load (code ${early.code}${
          early.signal ? `, signal ${early.signal}` : ""
        }); see ${join(config.out, name)}.*log`,
      );
    }
    const cpuUs = before === null || after === null ? null : after - before;
    const cpuUsPerReq = cpuUs === null || result.requests <= 0
      ? null
      : cpuUs / result.requests;
    // deno-lint-ignore no-console
    console.error(
      `profile: ${name}: ${int(result.rps)} req/s; stopping for the profile`,
    );
    const status = await stopForProfile(handle, 20_000);
    if (status === null) {
      throw new Error("The server did not exit within 20 s of SIGINT");
    }
    let text: string;
    try {
      text = await Deno.readTextFile(profilePath);
    } catch {
      throw new Error(
        `No profile at ${profilePath} (the server exited with code ${status.code}${
          status.signal ? `, signal ${status.signal}` : ""
        })`,
      );
    }
    const summary = summarizeProfile(
      JSON.parse(text) as CpuProfile,
      pathToFileURL(paths.repo).href + "/",
    );
    const markdown = profileMarkdown(
      {
        caseName: name,
        title: def.title,
        serverCommand,
        wrkCommand: shellLine("wrk", wrkArgs(wrk)),
        warmupS: config.warmupS,
        rps: result.rps,
        requests: result.requests,
        p99Ms: result.p99Ms,
        socketErrors: result.errors.connect + result.errors.read +
          result.errors.write + result.errors.timeout,
        non2xx3xx: result.non2xx3xx,
        cpuUsPerReq,
        cpuShare: cpuUs === null ? null : cpuUs / (config.seconds * 1e6),
        clockTicks,
        profilePath,
      },
      summary,
      config.top,
    );
    await Deno.writeTextFile(join(config.out, `${name}.md`), markdown);
    return markdown;
  } finally {
    // SIGTERM, then SIGKILL: a no-op when it already exited.
    await stopServer(handle, pidFile);
    running.delete(handle);
  }
}

async function main(): Promise<number> {
  const repo = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
  const config = parseConfig(Deno.args, repo);
  if (!(await hasCommand("wrk"))) {
    // deno-lint-ignore no-console
    console.error(
      "profile: wrk is missing: install it (apt-get install wrk, or run bench/run.sh)",
    );
    return 1;
  }
  const paths: BenchPaths = {
    repo,
    site: join(repo, "bench/fixtures/site"),
    out: config.out,
  };
  await Deno.mkdir(config.out, { recursive: true });
  if (await ensureFixtures(paths.site)) {
    // deno-lint-ignore no-console
    console.error(`profile: fixtures written to ${paths.site}`);
  }
  const clockTicks = await initClockTicks();
  // Our own PID file: bench/out/pids belongs to a harness run.
  const pidFile = new PidFile(join(config.out, "pids"));
  const running = new Set<ServerHandle>();
  let interrupted = false;
  const onSignal = async () => {
    if (interrupted) return;
    interrupted = true;
    // deno-lint-ignore no-console
    console.error("\nprofile: interrupted, stopping the server");
    await Promise.all([...running].map((h) => stopServer(h, pidFile)));
    Deno.exit(130);
  };
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  try {
    for (const name of config.cases) {
      const markdown = await profileCase(
        name,
        config,
        paths,
        pidFile,
        clockTicks,
        running,
      );
      // deno-lint-ignore no-console
      console.log(markdown.trimEnd());
    }
    return 0;
  } catch (error) {
    // deno-lint-ignore no-console
    console.error(
      `profile: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 1;
  } finally {
    await Promise.all([...running].map((h) => stopServer(h, pidFile)));
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
  }
}

if (import.meta.main) {
  Deno.exit(await main());
}
