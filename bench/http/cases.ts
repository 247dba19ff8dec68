/**
 * The benchmark cases and the result model. Each case is one wrk load
 * (path, connections, headers or Lua script) and the servers it compares,
 * in full mode and in `--quick` mode (fewer servers: those the targets
 * need).
 *
 * @module
 */

import { FIXTURE_SIZES, smallFilePath, smallFileSize } from "./fixtures.ts";

/** What a server must answer for a case to be measured on it. */
export interface Expectation {
  /** Path probed (defaults to the case's path). */
  probePath?: string;
  status: number;
  /** Exact body size. */
  bytes?: number;
  /** Exact body text. */
  text?: string;
}

/** One wrk load. */
export interface CaseDef {
  id: string;
  title: string;
  path: string;
  connections: number;
  /** Extra request header fields. */
  headers?: string[];
  /** Lua script, relative to the repository. */
  script?: string;
  /** 304 case: send `If-None-Match` with each server's own ETag. */
  conditional?: boolean;
  expect: Expectation;
  /** Servers compared in a full run. */
  full: string[];
  /** Servers compared with `--quick`; null skips the case. */
  quick: string[] | null;
}

const ALL = [
  "berth",
  "berth-w2",
  "deno-static",
  "deno-const",
  "deno-naive",
  "nginx-1w",
  "nginx-auto",
];
const WITH_ETAG = [
  "berth",
  "berth-w2",
  "deno-static",
  "nginx-1w",
  "nginx-auto",
];

/** With the runtime's floor, where berth's fast lane is compared to it. */
const WITH_FLOOR = [...ALL, "deno-floor"];

function fileCase(
  label: string,
  path: string,
  connections: number,
  quick: string[] | null,
  full: string[] = ALL,
): CaseDef {
  return {
    id: `${label.replace(" ", "").toLowerCase()}-c${connections}`,
    title: `${label} keep-alive, ${connections} connections`,
    path,
    connections,
    expect: { status: 200, bytes: FIXTURE_SIZES[path] },
    full,
    quick,
  };
}

/**
 * Every case, in run order. A `--quick` list holds exactly the servers the
 * targets of issue #14 compare in that case (`RATIO_TARGETS` in
 * `report.ts`; a test checks the two agree), plus what a case adds for
 * reading the numbers.
 */
export const CASES: readonly CaseDef[] = [
  // berth : nginx, and --workers 2 : one worker.
  fileCase(
    "1 KiB",
    "/index.html",
    50,
    ["berth", "berth-w2", "nginx-1w"],
    WITH_FLOOR,
  ),
  // berth : nginx, and p99 against nginx and Deno.serve in memory.
  fileCase(
    "1 KiB",
    "/index.html",
    256,
    ["berth", "nginx-1w", "deno-const"],
    WITH_FLOOR,
  ),
  fileCase("16 KiB", "/app.js", 50, ["berth", "nginx-1w"]),
  fileCase("16 KiB", "/app.js", 256, null),
  // req/s and p99 against nginx.
  fileCase("1 MiB", "/big.bin", 50, ["berth", "nginx-1w"]),
  fileCase("1 MiB", "/big.bin", 256, null),
  {
    id: "random-small-c50",
    title: "1,000 random small files (wrk Lua), keep-alive, 50 connections",
    path: "/",
    connections: 50,
    script: "bench/lua/random_small.lua",
    expect: {
      probePath: smallFilePath(0),
      status: 200,
      bytes: smallFileSize(0),
    },
    // berth with nginx's staleness bound too, for a like-for-like reading;
    // polling instead of watching; and the runtime's floor.
    full: [...ALL, "berth-r60", "berth-poll", "deno-floor"],
    quick: ["berth", "berth-poll", "nginx-1w", "deno-floor"],
  },
  {
    id: "close-c50",
    title: "1 KiB, `Connection: close`, 50 connections",
    path: "/index.html",
    connections: 50,
    headers: ["Connection: close"],
    expect: { status: 200, bytes: FIXTURE_SIZES["/index.html"] },
    full: ALL,
    quick: ["berth", "nginx-1w"],
  },
  {
    id: "revalidate-304-c50",
    title: "1 KiB, 304 revalidation (`If-None-Match`), 50 connections",
    path: "/index.html",
    connections: 50,
    conditional: true,
    expect: { status: 304 },
    full: WITH_ETAG,
    quick: null,
  },
  {
    id: "generic-c50",
    title: "generic `Request → Response` handler, 50 connections",
    path: "/hello",
    connections: 50,
    expect: { status: 200, text: "hello /hello" },
    full: ["berth-generic", "deno-generic"],
    quick: ["berth-generic", "deno-generic"],
  },
];

/** One wrk run of one server. */
export interface Sample {
  rep: number;
  rps: number;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  /** Server CPU (utime + stime of its process tree) per request. */
  cpuUsPerReq: number | null;
  /** Server RSS (process tree) after the run. */
  rssMiB: number | null;
  socketErrors: number;
  non2xx3xx: number;
}

/** Median and spread of a server's samples. */
export interface Summary {
  rpsMedian: number;
  rpsMin: number;
  rpsMax: number;
  p99MedianMs: number;
  cpuUsPerReqMedian: number | null;
  rssMiBMax: number | null;
  socketErrors: number;
  non2xx3xx: number;
}

/** One server in one case. */
export interface ServerCaseResult {
  server: string;
  state: "ok" | "n/a";
  reason?: string;
  /** Extra headers sent (the 304 case's `If-None-Match`). */
  headers: string[];
  wrkCommand?: string;
  samples: Sample[];
  summary?: Summary;
}

/** One case's results. */
export interface CaseResult {
  id: string;
  title: string;
  path: string;
  connections: number;
  /** The berth server standing for "berth" in this case (CLI or berth-lib). */
  subject: string | null;
  servers: ServerCaseResult[];
}

/** The stalled-connections experiment. */
export interface StalledResult {
  subject: string | null;
  skipped?: string;
  count: number;
  reps: {
    baseP99Ms: number;
    stalledP99Ms: number;
    baseRps: number;
    stalledRps: number;
    opened: number;
    completed: number;
    openMs: number;
    releaseMs: number;
  }[];
  wrkCommand?: string;
}

/** The idle-connections memory experiment. */
export interface IdleResult {
  subject: string | null;
  skipped?: string;
  requested: number;
  opened: number;
  rssBeforeMiB: number;
  rssWithMiB: number;
  /** 100 MiB + 16 KiB × opened. */
  limitMiB: number;
}

/** The memory of the CLI serving the default site (`static/`). */
export interface DefaultSiteResult {
  subject: string | null;
  skipped?: string;
  /** URL paths requested once each: `/` and every file. */
  requested: number;
  /** Requests not answered 200, as `path: why`. */
  failures: string[];
  /** ΣVmRSS of the CLI's process tree after the last response. */
  rssMiB: number;
}

/** Everything one run measured. */
export interface BenchResults {
  meta: {
    date: string;
    mode: "quick" | "full";
    durationS: number;
    reps: number;
    elapsedS: number;
    cpuModel: string;
    cores: number;
    kernel: string;
    memoryGiB: number;
    versions: Record<string, string>;
    openFileLimit: number;
    sysctl: Record<string, string>;
    clockTicks: number;
    /** /proc/loadavg (1, 5, 15 min) when the run started. */
    loadBefore: string;
    /** /proc/loadavg when the measurements ended. */
    loadAfter: string;
  };
  servers: {
    name: string;
    label: string;
    port: number;
    command: string;
    state: "ok" | "n/a" | "not started";
    reason?: string;
  }[];
  cases: CaseResult[];
  stalled: StalledResult;
  idle: IdleResult;
  defaultSite: DefaultSiteResult;
}

/** Medians and ranges. */
export function median(values: number[]): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** Summarize samples. */
export function summarize(samples: Sample[]): Summary {
  const rps = samples.map((s) => s.rps);
  const cpu = samples.map((s) => s.cpuUsPerReq).filter((c) => c !== null);
  const rss = samples.map((s) => s.rssMiB).filter((r) => r !== null);
  return {
    rpsMedian: median(rps),
    rpsMin: Math.min(...rps),
    rpsMax: Math.max(...rps),
    p99MedianMs: median(samples.map((s) => s.p99Ms)),
    cpuUsPerReqMedian: cpu.length ? median(cpu) : null,
    rssMiBMax: rss.length ? Math.max(...rss) : null,
    socketErrors: samples.reduce((a, s) => a + s.socketErrors, 0),
    non2xx3xx: samples.reduce((a, s) => a + s.non2xx3xx, 0),
  };
}
