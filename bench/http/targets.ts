/**
 * The targets of the performance issue (#14, "Performance, round 2"), each
 * computed from one run's results: ratios between two servers of one case
 * (req/s or p99), the memory bounds, the stalled-connections and the
 * idle-memory experiments. `targetRows` gives the rows of the "Targets"
 * table, each ✅/❌ or n/a when not measured.
 *
 * @module
 */

import { DEFAULT_FILE_CACHE_OPTIONS } from "../../src/static/file_cache.ts";
import {
  type BenchResults,
  type CaseResult,
  median,
  type Sample,
} from "./cases.ts";

/** One row of the Targets table. */
export interface TargetRow {
  target: string;
  measured: string;
  goal: string;
  ok: boolean | null;
}

/** A number for a table: `–` when missing, else grouped with `digits`. */
export function fmt(n: number | null | undefined, digits = 0): string {
  return n === null || n === undefined || !Number.isFinite(n)
    ? "–"
    : n.toLocaleString("en-US", {
      maximumFractionDigits: digits,
      minimumFractionDigits: digits,
    });
}

const MiB = 1024 * 1024;

function findCase(r: BenchResults, id: string): CaseResult | undefined {
  return r.cases.find((c) => c.id === id);
}

/** A ratio between two servers of one case, with its goal. */
export interface RatioTarget {
  /** The row's label in the Targets table. */
  label: string;
  /** The case (`CaseDef.id`). */
  caseId: string;
  /** The numerator; `SUBJECT` is the case's berth (the CLI or its stand-in). */
  server: string;
  /** The denominator. */
  peer: string;
  /** req/s (higher is better) or p99 latency (lower is better). */
  metric: "rps" | "p99";
  /** rps: the ratio must be ≥ goal; p99: ≤ goal. */
  goal: number;
}

/** Stands for the case's berth server in {@linkcode RatioTarget.server}. */
export const SUBJECT = "(subject)";

/** Extra RSS allowed over the file cache's budget under the benchmark. */
export const RSS_OVER_BUDGET_MIB = 40;
/** Most RSS of the CLI after serving the default site once. */
export const DEFAULT_SITE_RSS_MIB = 60;

const NGINX = "nginx-1w";

/**
 * The ratio targets of issue #14 ("Performance, round 2"), each within one
 * run: "nginx" is nginx with 1 worker and `open_file_cache`; "Deno.serve" is
 * `deno-const` (files in memory) for files and `deno-generic` for the
 * generic handler.
 */
export const RATIO_TARGETS: readonly RatioTarget[] = [
  {
    label: "1 KiB keep-alive (50 conns) vs nginx 1 worker",
    caseId: "1kib-c50",
    server: SUBJECT,
    peer: NGINX,
    metric: "rps",
    goal: 1.2,
  },
  {
    label: "16 KiB keep-alive (50 conns) vs nginx 1 worker",
    caseId: "16kib-c50",
    server: SUBJECT,
    peer: NGINX,
    metric: "rps",
    goal: 1.1,
  },
  {
    label: "1 MiB keep-alive (50 conns) vs nginx 1 worker",
    caseId: "1mib-c50",
    server: SUBJECT,
    peer: NGINX,
    metric: "rps",
    goal: 1.0,
  },
  {
    label: "1 MiB (50 conns): p99 vs nginx 1 worker's",
    caseId: "1mib-c50",
    server: SUBJECT,
    peer: NGINX,
    metric: "p99",
    goal: 2,
  },
  {
    label: "1 KiB keep-alive (256 conns) vs nginx 1 worker",
    caseId: "1kib-c256",
    server: SUBJECT,
    peer: NGINX,
    metric: "rps",
    goal: 1.0,
  },
  {
    label: "1 KiB (256 conns): p99 vs nginx 1 worker's",
    caseId: "1kib-c256",
    server: SUBJECT,
    peer: NGINX,
    metric: "p99",
    goal: 2,
  },
  {
    label: "1 KiB (256 conns): p99 vs Deno.serve in-memory's",
    caseId: "1kib-c256",
    server: SUBJECT,
    peer: "deno-const",
    metric: "p99",
    goal: 1.5,
  },
  {
    label:
      "1,000 random small files vs nginx 1 worker (berth at its default staleness bound)",
    caseId: "random-small-c50",
    server: SUBJECT,
    peer: NGINX,
    metric: "rps",
    goal: 1.1,
  },
  {
    label: "`Connection: close` (50 conns) vs nginx 1 worker",
    caseId: "close-c50",
    server: SUBJECT,
    peer: NGINX,
    metric: "rps",
    goal: 1.0,
  },
  {
    label: "generic handler: berth serve() vs Deno.serve",
    caseId: "generic-c50",
    server: SUBJECT,
    peer: "deno-generic",
    metric: "rps",
    goal: 0.7,
  },
  {
    label: "`--workers 2` vs one worker (1 KiB, 50 conns)",
    caseId: "1kib-c50",
    server: "berth-w2",
    peer: "berth",
    metric: "rps",
    goal: 1.0,
  },
];

/** A ratio of medians, plus its range over the reps both servers ran. */
function ratioOf(
  c: CaseResult,
  server: string,
  peer: string,
  metric: "rps" | "p99",
): { ratio: number; lo: number; hi: number; a: number; b: number } | null {
  const a = c.servers.find((s) => s.server === server);
  const b = c.servers.find((s) => s.server === peer);
  if (!a?.summary || !b?.summary) return null;
  const of = (s: Sample) => metric === "rps" ? s.rps : s.p99Ms;
  const perRep: number[] = [];
  for (const sa of a.samples) {
    const sb = b.samples.find((s) => s.rep === sa.rep);
    if (sb && of(sb) > 0) perRep.push(of(sa) / of(sb));
  }
  const [ma, mb] = metric === "rps"
    ? [a.summary.rpsMedian, b.summary.rpsMedian]
    : [a.summary.p99MedianMs, b.summary.p99MedianMs];
  return {
    ratio: ma / mb,
    lo: Math.min(...perRep),
    hi: Math.max(...perRep),
    a: ma,
    b: mb,
  };
}

function ratioRow(r: BenchResults, t: RatioTarget): TargetRow {
  const goal = `${t.metric === "rps" ? "≥" : "≤"} ${t.goal}×`;
  const c = findCase(r, t.caseId);
  const server = t.server === SUBJECT ? c?.subject ?? null : t.server;
  const q = c && server !== null ? ratioOf(c, server, t.peer, t.metric) : null;
  if (q === null) {
    return { target: t.label, measured: "not measured", goal, ok: null };
  }
  const range = `per rep ${fmt(q.lo, 2)}–${fmt(q.hi, 2)}`;
  const detail = t.metric === "rps"
    ? range
    : `${fmt(q.a, 2)} vs ${fmt(q.b, 2)} ms; ${range}`;
  // Name the stand-in when berth's library served a case the CLI could not.
  const via = server === "berth-lib" ? ` (${server})` : "";
  return {
    target: t.label,
    measured: `${fmt(q.ratio, 2)}× (${detail})${via}`,
    goal,
    ok: t.metric === "rps" ? q.ratio >= t.goal : q.ratio <= t.goal,
  };
}

/** The CLI's largest RSS over every case it ran, and in which case. */
function maxCliRss(r: BenchResults): { mib: number; caseId: string } | null {
  let max: { mib: number; caseId: string } | null = null;
  for (const c of r.cases) {
    const rss = c.servers.find((s) => s.server === "berth")?.summary
      ?.rssMiBMax;
    if (typeof rss === "number" && (max === null || rss > max.mib)) {
      max = { mib: rss, caseId: c.id };
    }
  }
  return max;
}

function memoryRows(r: BenchResults): TargetRow[] {
  const site = r.defaultSite;
  const siteGoal = `≤ ${DEFAULT_SITE_RSS_MIB} MiB`;
  const siteRow: TargetRow = site.skipped
    ? {
      target: "RSS after serving the default site",
      measured: site.skipped,
      goal: siteGoal,
      ok: null,
    }
    : {
      target: "RSS after serving the default site",
      measured: `${fmt(site.rssMiB, 1)} MiB after ${site.requested} requests${
        site.failures.length
          ? `; not 200: ${site.failures.join(", ")}`
          : ", all 200"
      }`,
      goal: siteGoal,
      ok: site.failures.length === 0 && site.rssMiB <= DEFAULT_SITE_RSS_MIB,
    };
  const budgetMiB = DEFAULT_FILE_CACHE_OPTIONS.budgetBytes / MiB;
  const limit = budgetMiB + RSS_OVER_BUDGET_MIB;
  const max = maxCliRss(r);
  const benchRow: TargetRow = {
    target: "RSS of the berth CLI under the benchmark (max over its cases)",
    measured: max === null
      ? "not measured"
      : `${fmt(max.mib, 1)} MiB (in ${max.caseId})`,
    goal: `≤ ${fmt(limit)} MiB (cache budget ${
      fmt(budgetMiB)
    } + ${RSS_OVER_BUDGET_MIB})`,
    ok: max === null ? null : max.mib <= limit,
  };
  return [siteRow, benchRow];
}

/** The Targets table rows, computed from one run's results. */
export function targetRows(r: BenchResults): TargetRow[] {
  const rows = RATIO_TARGETS.map((t) => ratioRow(r, t));
  rows.push(...memoryRows(r));
  const s = r.stalled;
  if (s.skipped || s.reps.length === 0) {
    rows.push({
      target: `p99 with ${s.count} stalled conns vs unloaded`,
      measured: s.skipped ?? "not measured",
      goal: "< 2×, all complete",
      ok: null,
    });
  } else {
    const base = median(s.reps.map((x) => x.baseP99Ms));
    const stalled = median(s.reps.map((x) => x.stalledP99Ms));
    const completed = Math.min(...s.reps.map((x) => x.completed));
    const ratio = stalled / base;
    rows.push({
      target: `p99 with ${s.count} stalled conns vs unloaded; all complete`,
      measured: `${fmt(ratio, 2)}× (${fmt(stalled, 2)} vs ${
        fmt(base, 2)
      } ms); completed ${completed}/${s.count}${
        s.subject === "berth" ? "" : ` (${s.subject})`
      }`,
      goal: `< 2×, ${s.count}/${s.count}`,
      ok: ratio < 2 && completed === s.count,
    });
  }
  const i = r.idle;
  rows.push(
    i.skipped
      ? {
        target: "RSS with 10,000 idle conns",
        measured: i.skipped,
        goal: "≤ 100 MiB + 16 KiB/conn",
        ok: null,
      }
      : {
        target: `RSS with ${fmt(i.opened)} idle conns`,
        measured: `${fmt(i.rssWithMiB, 1)} MiB (limit ${
          fmt(i.limitMiB, 1)
        } MiB; ${
          fmt(((i.rssWithMiB - i.rssBeforeMiB) * 1024) / i.opened, 1)
        } KiB/conn over ${fmt(i.rssBeforeMiB, 1)} MiB idle) (${i.subject})`,
        goal: "≤ 100 MiB + 16 KiB/conn",
        ok: i.opened > 0 && i.rssWithMiB <= i.limitMiB,
      },
  );
  return rows;
}
