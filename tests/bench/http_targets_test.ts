/**
 * The HTTP harness measures the targets of issue #14 ("Performance, round
 * 2"): `--quick` runs every server each target compares, and `targetRows()`
 * turns one run's results into the issue's rows (req/s and p99 ratios, the
 * memory bounds), each ✅/❌ or n/a when a server was not measured.
 */

import assert from "node:assert/strict";
import {
  type BenchResults,
  type CaseResult,
  CASES,
  summarize,
} from "../../bench/http/cases.ts";
import {
  RATIO_TARGETS,
  SUBJECT,
  type TargetRow,
  targetRows,
} from "../../bench/http/targets.ts";
import { DEFAULT_FILE_CACHE_OPTIONS } from "../../src/static/file_cache.ts";

/** What each target of the issue compares, case by case. */
const ISSUE_14_SERVERS: Record<string, string[]> = {
  "1kib-c50": ["berth", "nginx-1w", "berth-w2"],
  "1kib-c256": ["berth", "nginx-1w", "deno-const"],
  "16kib-c50": ["berth", "nginx-1w"],
  "1mib-c50": ["berth", "nginx-1w"],
  "random-small-c50": ["berth", "nginx-1w"],
  "close-c50": ["berth", "nginx-1w"],
  "generic-c50": ["berth-generic", "deno-generic"],
};

Deno.test("CASES: --quick runs every server each issue #14 target compares", () => {
  for (const [id, servers] of Object.entries(ISSUE_14_SERVERS)) {
    const quick = CASES.find((c) => c.id === id)?.quick ?? [];
    for (const server of servers) {
      assert.ok(quick.includes(server), `${id} --quick runs ${server}`);
    }
  }
});

Deno.test("CASES: --quick runs both sides of every RATIO_TARGETS row", () => {
  for (const t of RATIO_TARGETS) {
    const def = CASES.find((c) => c.id === t.caseId);
    assert.ok(def, `${t.label}: case ${t.caseId} exists`);
    const server = t.server === SUBJECT
      ? (def.quick?.includes("berth") ? "berth" : "berth-generic")
      : t.server;
    for (const name of [server, t.peer]) {
      assert.ok(def.quick?.includes(name), `${t.label}: --quick runs ${name}`);
    }
  }
});

/** One server's results: `[req/s, p99 ms, RSS MiB]` per rep. */
type Reps = [number, number, number][];

function caseOf(
  id: string,
  subject: string | null,
  servers: Record<string, Reps>,
): CaseResult {
  return {
    id,
    title: id,
    path: "/",
    connections: 50,
    subject,
    servers: Object.entries(servers).map(([server, reps]) => {
      const samples = reps.map(([rps, p99Ms, rssMiB], i) => ({
        rep: i + 1,
        rps,
        requests: rps * 2,
        p50Ms: p99Ms / 2,
        p99Ms,
        cpuUsPerReq: 10,
        rssMiB,
        socketErrors: 0,
        non2xx3xx: 0,
      }));
      return {
        server,
        state: "ok" as const,
        headers: [],
        samples,
        summary: summarize(samples),
      };
    }),
  };
}

function resultsOf(
  cases: CaseResult[],
  defaultSite: BenchResults["defaultSite"],
): BenchResults {
  return {
    meta: {
      date: "2026-12-03T00:00:00.000Z",
      mode: "quick",
      durationS: 2,
      reps: 2,
      elapsedS: 100,
      cpuModel: "test",
      cores: 2,
      kernel: "test",
      memoryGiB: 1,
      versions: {},
      openFileLimit: 65536,
      sysctl: {},
      clockTicks: 100,
      loadBefore: "0 0 0",
      loadAfter: "0 0 0",
    },
    servers: [],
    cases,
    stalled: { subject: "berth", count: 1000, reps: [], skipped: "not run" },
    idle: {
      subject: null,
      skipped: "not run",
      requested: 0,
      opened: 0,
      rssBeforeMiB: NaN,
      rssWithMiB: NaN,
      limitMiB: NaN,
    },
    defaultSite,
  };
}

function rowOf(rows: TargetRow[], start: string): TargetRow {
  const found = rows.filter((r) => r.target.startsWith(start));
  assert.equal(found.length, 1, `one row starts with "${start}"`);
  return found[0];
}

const SITE_OK = {
  subject: "berth-site",
  requested: 6,
  failures: [],
  rssMiB: 45,
};

Deno.test("targetRows() compares req/s of medians against each target's goal", () => {
  const rows = targetRows(resultsOf([
    caseOf("1kib-c50", "berth", {
      berth: [[120, 2, 50], [130, 2, 50]],
      "berth-w2": [[110, 2, 90], [120, 2, 90]],
      "nginx-1w": [[100, 1, 10], [100, 1, 10]],
    }),
    caseOf("16kib-c50", "berth", {
      berth: [[108, 2, 60], [110, 2, 60]],
      "nginx-1w": [[100, 1, 10], [100, 1, 10]],
    }),
    caseOf("random-small-c50", "berth-lib", {
      "berth-lib": [[115, 2, 60], [115, 2, 60]],
      "nginx-1w": [[100, 1, 10], [100, 1, 10]],
    }),
    caseOf("generic-c50", "berth-generic", {
      "berth-generic": [[70, 2, 60], [70, 2, 60]],
      "deno-generic": [[100, 1, 10], [100, 1, 10]],
    }),
  ], SITE_OK));
  const c50 = rowOf(rows, "1 KiB keep-alive (50 conns) vs nginx");
  assert.deepEqual(c50, {
    target: "1 KiB keep-alive (50 conns) vs nginx 1 worker",
    measured: "1.25× (per rep 1.20–1.30)",
    goal: "≥ 1.2×",
    ok: true,
  });
  const w2 = rowOf(rows, "`--workers 2` vs one worker");
  assert.equal(w2.measured, "0.92× (per rep 0.92–0.92)");
  assert.equal(w2.ok, false);
  const kib16 = rowOf(rows, "16 KiB keep-alive (50 conns) vs nginx");
  assert.equal(kib16.goal, "≥ 1.1×");
  assert.equal(kib16.ok, false);
  const random = rowOf(rows, "1,000 random small files vs nginx");
  assert.match(random.measured, /^1\.15× .*\(berth-lib\)$/);
  assert.equal(random.ok, true);
  const generic = rowOf(rows, "generic handler");
  assert.equal(generic.goal, "≥ 0.7×");
  assert.equal(generic.ok, true);
  // Cases this run did not measure are n/a, not failures.
  for (
    const start of [
      "1 MiB keep-alive",
      "1 KiB keep-alive (256",
      "`Connection: close`",
    ]
  ) {
    assert.deepEqual(
      [rowOf(rows, start).measured, rowOf(rows, start).ok],
      ["not measured", null],
      start,
    );
  }
});

Deno.test("targetRows() bounds p99 against nginx's and Deno.serve's", () => {
  const rows = targetRows(resultsOf([
    caseOf("1kib-c256", "berth", {
      berth: [[100, 6, 50], [100, 6, 50]],
      "nginx-1w": [[100, 4, 10], [100, 2, 10]],
      "deno-const": [[80, 3.9, 60], [80, 3.9, 60]],
    }),
    caseOf("1mib-c50", "berth", {
      berth: [[4, 50, 100], [4, 50, 100]],
      "nginx-1w": [[4, 20, 10], [4, 20, 10]],
    }),
  ], SITE_OK));
  assert.deepEqual(rowOf(rows, "1 KiB (256 conns): p99 vs nginx"), {
    target: "1 KiB (256 conns): p99 vs nginx 1 worker's",
    measured: "2.00× (6.00 vs 3.00 ms; per rep 1.50–3.00)",
    goal: "≤ 2×",
    ok: true,
  });
  const deno = rowOf(rows, "1 KiB (256 conns): p99 vs Deno.serve");
  assert.equal(deno.goal, "≤ 1.5×");
  assert.equal(deno.ok, false);
  const mib = rowOf(rows, "1 MiB (50 conns): p99 vs nginx");
  assert.equal(mib.measured, "2.50× (50.00 vs 20.00 ms; per rep 2.50–2.50)");
  assert.equal(mib.ok, false);
  assert.equal(rowOf(rows, "1 MiB keep-alive (50 conns) vs nginx").ok, true);
});

Deno.test("targetRows() bounds the CLI's RSS by the cache budget + 40 MiB and the default site's by 60 MiB", () => {
  const limitMiB = DEFAULT_FILE_CACHE_OPTIONS.budgetBytes / 2 ** 20 + 40;
  const cases = (rss: number) => [
    caseOf("1kib-c50", "berth", {
      berth: [[100, 1, 30], [100, 1, 40]],
      "berth-w2": [[100, 1, limitMiB + 50], [100, 1, limitMiB + 50]],
    }),
    caseOf("1mib-c50", "berth", { berth: [[4, 1, rss], [4, 1, 20]] }),
  ];
  const under = targetRows(resultsOf(cases(limitMiB), SITE_OK));
  const budget = rowOf(under, "RSS of the berth CLI under the benchmark");
  assert.equal(budget.measured, `${limitMiB.toFixed(1)} MiB (in 1mib-c50)`);
  assert.match(budget.goal, new RegExp(`^≤ ${limitMiB} MiB`));
  assert.equal(budget.ok, true);
  const site = rowOf(under, "RSS after serving the default site");
  assert.deepEqual([site.measured, site.goal, site.ok], [
    "45.0 MiB after 6 requests, all 200",
    "≤ 60 MiB",
    true,
  ]);

  const over = targetRows(resultsOf(cases(limitMiB + 0.5), {
    ...SITE_OK,
    rssMiB: 61,
  }));
  assert.equal(rowOf(over, "RSS of the berth CLI under").ok, false);
  assert.equal(rowOf(over, "RSS after serving the default site").ok, false);

  const failed = targetRows(resultsOf(cases(1), {
    ...SITE_OK,
    failures: ["/favicon.ico: 404"],
  }));
  const failedSite = rowOf(failed, "RSS after serving the default site");
  assert.match(failedSite.measured, /not 200: \/favicon\.ico: 404/);
  assert.equal(failedSite.ok, false);
});
