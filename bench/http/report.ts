/**
 * The report writer: the "Targets" table (each ratio from the performance
 * issue, berth vs its peer, ✅/❌), a table per case, the stalled and idle
 * experiments, machine and version details and the exact commands, written
 * between `<!-- http-bench:begin -->` and `<!-- http-bench:end -->` in
 * `bench/RESULTS.md` (text outside the markers is kept).
 *
 * @module
 */

import { writeMarkedSection } from "../../support/results_md.ts";
import {
  type CaseResult,
  type IdleResult,
  median,
  type StalledResult,
} from "./cases.ts";

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
}

/** One row of the Targets table. */
export interface TargetRow {
  target: string;
  measured: string;
  goal: string;
  ok: boolean | null;
}

const BEGIN = "<!-- http-bench:begin -->";
const END = "<!-- http-bench:end -->";

const fmt = (n: number | null | undefined, digits = 0) =>
  n === null || n === undefined || !Number.isFinite(n)
    ? "–"
    : n.toLocaleString("en-US", {
      maximumFractionDigits: digits,
      minimumFractionDigits: digits,
    });

const mark = (ok: boolean | null) => ok === null ? "n/a" : ok ? "✅" : "❌";

function findCase(r: BenchResults, id: string): CaseResult | undefined {
  return r.cases.find((c) => c.id === id);
}

/** Throughput ratio subject/peer: of medians, plus the per-rep range. */
function rpsRatio(
  c: CaseResult | undefined,
  peer: string,
): { ratio: number; lo: number; hi: number; subject: string } | null {
  if (!c || c.subject === null) return null;
  const a = c.servers.find((s) => s.server === c.subject);
  const b = c.servers.find((s) => s.server === peer);
  if (!a?.summary || !b?.summary) return null;
  const perRep: number[] = [];
  for (const sa of a.samples) {
    const sb = b.samples.find((s) => s.rep === sa.rep);
    if (sb && sb.rps > 0) perRep.push(sa.rps / sb.rps);
  }
  return {
    ratio: a.summary.rpsMedian / b.summary.rpsMedian,
    lo: Math.min(...perRep),
    hi: Math.max(...perRep),
    subject: c.subject,
  };
}

function ratioRow(
  r: BenchResults,
  target: string,
  caseId: string,
  peer: string,
  goal: number,
): TargetRow {
  const q = rpsRatio(findCase(r, caseId), peer);
  if (q === null) {
    return { target, measured: "not measured", goal: `≥ ${goal}×`, ok: null };
  }
  const via = q.subject === "berth" ? "" : ` (${q.subject})`;
  return {
    target,
    measured: `${fmt(q.ratio, 2)}× (per rep ${fmt(q.lo, 2)}–${
      fmt(q.hi, 2)
    })${via}`,
    goal: `≥ ${goal}×`,
    ok: q.ratio >= goal,
  };
}

/** The Targets table rows, computed from one run's results. */
export function targetRows(r: BenchResults): TargetRow[] {
  const rows: TargetRow[] = [];
  for (const conns of [50, 256]) {
    const id = `1kib-c${conns}`;
    const peers: [string, string, number][] = [
      ["nginx-1w", "nginx 1 worker", 1.3],
      ["deno-const", "Deno.serve in-memory", 2],
    ];
    for (const [peer, label, goal] of peers) {
      const has = findCase(r, id)?.servers.some((s) => s.server === peer);
      if (conns === 50 || has) {
        rows.push(
          ratioRow(
            r,
            `1 KiB keep-alive (${conns} conns) vs ${label}`,
            id,
            peer,
            goal,
          ),
        );
      }
    }
  }
  rows.push(
    ratioRow(
      r,
      "1,000 random small files vs nginx 1 worker",
      "random-small-c50",
      "nginx-1w",
      1.1,
    ),
    ratioRow(
      r,
      "1 MiB (50 conns) vs Deno.serve in-memory",
      "1mib-c50",
      "deno-const",
      1.0,
    ),
  );
  if (findCase(r, "1mib-c256")) {
    rows.push(
      ratioRow(
        r,
        "1 MiB (256 conns) vs Deno.serve in-memory",
        "1mib-c256",
        "deno-const",
        1.0,
      ),
    );
  }
  rows.push(
    ratioRow(
      r,
      "`Connection: close` vs nginx 1 worker",
      "close-c50",
      "nginx-1w",
      0.9,
    ),
  );
  rows.push(
    ratioRow(
      r,
      "generic handler: berth serve() vs Deno.serve",
      "generic-c50",
      "deno-generic",
      1.0,
    ),
  );
  // Tail latency at 256 connections, against the same handler on Deno.serve
  // when measured, else against Deno.serve in-memory.
  const c256 = findCase(r, "1kib-c256");
  const subj = c256?.servers.find((s) => s.server === c256.subject)?.summary;
  for (const peer of ["deno-static", "deno-const"]) {
    const p = c256?.servers.find((s) => s.server === peer)?.summary;
    if (!subj || !p) continue;
    const ratio = subj.p99MedianMs / p.p99MedianMs;
    rows.push({
      target: `p99 at 256 keep-alive conns vs ${peer}`,
      measured: `${fmt(ratio, 2)}× (${fmt(subj.p99MedianMs, 2)} ms vs ${
        fmt(p.p99MedianMs, 2)
      } ms)`,
      goal: "≤ 1.5×",
      ok: ratio <= 1.5,
    });
  }
  if (!rows.some((row) => row.target.startsWith("p99 at 256"))) {
    rows.push({
      target: "p99 at 256 keep-alive conns vs Deno.serve",
      measured: "not measured",
      goal: "≤ 1.5×",
      ok: null,
    });
  }
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

function caseTable(c: CaseResult): string {
  const lines = [
    `#### ${c.title} — \`${c.path}\``,
    "",
    "| Server | req/s (median) | min–max | p99 ms | CPU µs/req | RSS MiB | notes |",
    "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
  ];
  const best = Math.max(
    ...c.servers.map((s) => s.summary?.rpsMedian ?? 0),
  );
  for (const s of c.servers) {
    if (s.state === "n/a" || !s.summary) {
      lines.push(`| ${s.server} | n/a | | | | | ${s.reason ?? ""} |`);
      continue;
    }
    const m = s.summary;
    const notes = [];
    if (s.server === c.subject && s.server === "berth-lib") {
      notes.push("stands in for berth");
    }
    if (m.socketErrors) notes.push(`${m.socketErrors} socket errors`);
    if (m.non2xx3xx) notes.push(`⚠ ${m.non2xx3xx} non-2xx/3xx`);
    const name = m.rpsMedian === best ? `**${s.server}**` : s.server;
    lines.push(
      `| ${name} | ${fmt(m.rpsMedian)} | ${fmt(m.rpsMin)}–${fmt(m.rpsMax)} | ${
        fmt(m.p99MedianMs, 2)
      } | ${fmt(m.cpuUsPerReqMedian, 1)} | ${fmt(m.rssMiBMax, 1)} | ${
        notes.join("; ")
      } |`,
    );
  }
  return lines.join("\n");
}

/** The markdown section (markers included). */
export function renderSection(r: BenchResults): string {
  const m = r.meta;
  const out: string[] = [BEGIN];
  out.push(
    `## HTTP benchmark — ${m.date} (${
      m.mode === "quick" ? "`--quick`" : "full run"
    })`,
    "",
    "_Generated by `bench/run.sh`; do not edit between the markers._",
    "Ratios within this one run are the headline; absolute numbers on this",
    "small, noisy machine are not.",
    "",
    `- **Machine:** ${m.cpuModel}, ${m.cores} cores, ${
      fmt(m.memoryGiB, 1)
    } GiB RAM, Linux ${m.kernel}`,
    `- **Versions:** ${
      Object.entries(m.versions).map(([k, v]) => `${k} ${v}`).join(", ")
    }`,
    `- **Method:** ${m.reps} repetitions, servers interleaved within each rep (A B C … A B C …), ${m.durationS} s per wrk run, \`wrk -t1\` (one core for wrk, one for the server); medians reported, min–max across reps. CPU µs/req = Δ(utime+stime) of the server's process tree (\`/proc/PID/stat\`, CLK_TCK ${m.clockTicks}) ÷ requests. RSS = ΣVmRSS of the tree after load (max over reps).`,
    `- **Limits:** \`ulimit -n\` ${m.openFileLimit}; ${
      Object.entries(m.sysctl).map(([k, v]) => `${k} = ${v}`).join("; ")
    }`,
    `- **nginx config** (\`bench/nginx/nginx.conf.template\`): worker_processes 1 or auto, sendfile on, tcp_nopush on, tcp_nodelay on, keepalive_requests 100000, keepalive_timeout 65s, access_log off, open_file_cache max=10000 inactive=60s, open_file_cache_valid 60s, etag on, listen backlog=4096.`,
    `- **Run time:** ${
      fmt(m.elapsedS)
    } s. Load average before the run: ${m.loadBefore}${
      Number(m.loadBefore.split(" ")[0]) > 0.5
        ? " — ⚠ other work was running; expect extra noise"
        : ""
    }.`,
    "",
    "### Targets (berth vs peer, same run)",
    "",
    "| Target | Measured | Goal | |",
    "| --- | --- | --- | --- |",
    ...targetRows(r).map((t) =>
      `| ${t.target} | ${t.measured} | ${t.goal} | ${mark(t.ok)} |`
    ),
    "",
    "“berth” is the CLI; where the CLI cannot serve a case yet, `berth-lib`",
    "(berth's `serve()` + `createStaticHandler`) stands in and is named.",
    "",
    "### Results",
    "",
  );
  for (const c of r.cases) out.push(caseTable(c), "");
  const s = r.stalled;
  out.push("### Stalled connections", "");
  if (s.skipped) out.push(`Skipped: ${s.skipped}`, "");
  else {
    out.push(
      `${s.count} connections each send a partial request head and stall while wrk loads \`${s.subject}\` (1 KiB, 50 connections); then they are released and must each get a whole 200 response.`,
      "",
      "| Rep | p99 unloaded ms | p99 stalled ms | req/s unloaded | req/s stalled | held open | completed | open ms | release ms |",
      "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
      ...s.reps.map((x, i) =>
        `| ${i + 1} | ${fmt(x.baseP99Ms, 2)} | ${fmt(x.stalledP99Ms, 2)} | ${
          fmt(x.baseRps)
        } | ${
          fmt(x.stalledRps)
        } | ${x.opened} | ${x.completed} | ${x.openMs} | ${x.releaseMs} |`
      ),
      "",
    );
  }
  const i = r.idle;
  out.push("### Idle connections memory", "");
  if (i.skipped) out.push(`Skipped: ${i.skipped}`, "");
  else {
    out.push(
      `\`${i.subject}\`: RSS ${fmt(i.rssBeforeMiB, 1)} MiB before, ${
        fmt(i.rssWithMiB, 1)
      } MiB with ${i.opened}/${i.requested} idle keep-alive connections (one request each); limit 100 MiB + 16 KiB × ${i.opened} = ${
        fmt(i.limitMiB, 1)
      } MiB.`,
      "",
    );
  }
  out.push(
    "### Servers",
    "",
    "| Server | What | State | Command |",
    "| --- | --- | --- | --- |",
    ...r.servers.map((sv) =>
      `| ${sv.name} | ${sv.label} | ${
        sv.state === "ok"
          ? "ok"
          : `${sv.state}${sv.reason ? `: ${sv.reason}` : ""}`
      } | \`${sv.command}\` |`
    ),
    "",
    "<details><summary>Exact wrk command lines</summary>",
    "",
    "```sh",
  );
  for (const c of r.cases) {
    for (const sv of c.servers) {
      if (sv.wrkCommand) out.push(`# ${c.id} / ${sv.server}`, sv.wrkCommand);
    }
  }
  if (s.wrkCommand) out.push(`# stalled / ${s.subject}`, s.wrkCommand);
  out.push("```", "", "</details>", END);
  return out.join("\n");
}

/** Replace the section between the markers in `path` (or create the file). */
export async function writeResultsMd(
  path: string,
  r: BenchResults,
): Promise<void> {
  await writeMarkedSection(
    path,
    { begin: BEGIN, end: END },
    renderSection(r),
    "# berth benchmarks",
  );
}
