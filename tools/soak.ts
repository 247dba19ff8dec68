// deno-lint-ignore-file no-console
/**
 * The soak: berth's CLI under a bounded mixed load for a while, checking
 * that it leaks nothing and loses nothing.
 *
 *     deno run -A tools/soak.ts [--seconds N] [--connections C] [--write-results]
 *     bash tools/soak.sh [--seconds N]        # installs wrk, raises ulimit
 *
 * - Fixtures: a generated tree under `tools/out/soak/site` (200 small text
 *   files, 8 medium binaries served from memory, 2 large ones streamed from
 *   disk), deterministic, with every file's sha256 known.
 * - Load, for `--seconds` (default 600): wrk with keep-alive asking random
 *   small and medium files, plus Deno clients that abort downloads at random
 *   points (after the request, in the head, mid-body), ask byte ranges
 *   (checked against the file's slice), conditional requests (304 checked),
 *   HEAD, and whole downloads hashed with sha256.
 * - Sampling: the server's RSS and open descriptors every second.
 * - Pass: RSS after warm-up stays within `baseline × 1.5 + 32 MiB` (baseline:
 *   the RSS at the end of warm-up); once the load stops the descriptors
 *   come back to the idle count + 4; every hash, range and 304 is right;
 *   wrk saw no non-2xx/3xx, no connect error, no timeout; berth exits 0 on
 *   SIGTERM. Exit status 0 on pass, 1 on failure.
 * - Report: printed; with `--write-results` (the default for runs of 600 s
 *   or more) also the `<!-- soak:begin -->…<!-- soak:end -->` section of
 *   `bench/RESULTS.md`, the rest of the file untouched.
 *
 * Everything started here (berth, wrk) is stopped by PID in `finally`, on
 * SIGINT/SIGTERM, and by a hard deadline of the duration + 3 minutes.
 *
 * @module
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startBerth } from "../support/berth_process.ts";
import { aptEnsure, hasCommand, versionOf } from "../support/host_commands.ts";
import { sleep } from "../support/net.ts";
import { fdCount, mib, rssBytes } from "../support/procfs.ts";
import { formatMarkdown, writeMarkedSection } from "../support/results_md.ts";
import { parseWrk, type WrkResult } from "../support/wrk.ts";
import { Clients, fail, type Tally } from "./soak/clients.ts";
import { denoLoad } from "./soak/deno_load.ts";
import { makeFixtures, sha256Hex, writeWrkScript } from "./soak/fixtures.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const OUT = join(REPO, "tools/out/soak");
const SITE = join(OUT, "site");
const RESULTS = join(REPO, "bench/RESULTS.md");
const BEGIN = "<!-- soak:begin -->";
const END = "<!-- soak:end -->";
const MiB = 1024 * 1024;

// ---------------------------------------------------------------------------
// Arguments

interface Config {
  seconds: number;
  connections: number;
  writeResults: boolean;
  warmupSeconds: number;
}

function parseConfig(args: string[]): Config {
  let seconds = 600;
  let connections = 32;
  let writeResults: boolean | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = () => {
      const v = Number(args[++i]);
      if (!Number.isFinite(v) || v <= 0) {
        throw new Error(`${arg} needs a positive number`);
      }
      return v;
    };
    if (arg === "--seconds") seconds = value();
    else if (arg === "--connections") connections = Math.floor(value());
    else if (arg === "--write-results") writeResults = true;
    else if (arg === "--no-write-results") writeResults = false;
    else throw new Error(`Unknown argument ${arg}`);
  }
  if (seconds < 10) throw new Error("--seconds must be at least 10");
  return {
    seconds,
    connections,
    writeResults: writeResults ?? seconds >= 600,
    warmupSeconds: Math.min(60, Math.max(5, Math.round(seconds * 0.1))),
  };
}

// ---------------------------------------------------------------------------
// Tools

/** wrk, installed with apt-get when missing (as root); `false` if it cannot be. */
async function ensureWrk(): Promise<boolean> {
  if (await hasCommand("wrk")) return true;
  console.error("soak: installing wrk…");
  return await aptEnsure("wrk", "wrk");
}

// ---------------------------------------------------------------------------
// The run

interface Sample {
  t: number;
  phase: "warmup" | "load" | "cooldown";
  rss: number;
  fds: number;
}

interface Summary {
  config: Config;
  date: string;
  elapsedS: number;
  loadTool: string;
  wrk: WrkResult | null;
  tally: Tally;
  idleFds: number;
  finalFds: number;
  maxFds: number;
  baselineRss: number;
  maxRss: number;
  rssBound: number;
  startRss: number;
  finalRss: number;
  samples: number;
  exitCode: number | null;
  checks: { name: string; ok: boolean; detail: string }[];
  versions: Record<string, string>;
}

async function soak(config: Config): Promise<Summary> {
  const began = performance.now();
  await Deno.mkdir(OUT, { recursive: true });
  console.error("soak: writing fixtures…");
  const files = await makeFixtures(SITE);
  const script = await writeWrkScript(files, OUT);
  const haveWrk = await ensureWrk();
  if (!haveWrk) {
    console.error("soak: wrk unavailable: Deno keep-alive clients instead");
  }

  const berth = await startBerth(SITE, {
    permissions: ["--allow-net=127.0.0.1", `--allow-read=${SITE}`],
  });
  const stopLoad = new AbortController();
  let wrk: Deno.ChildProcess | undefined;
  let clients: Clients | undefined;
  const samples: Sample[] = [];
  let sampler: ReturnType<typeof setInterval> | undefined;
  let exitCode: number | null = null;
  const cleanup = async () => {
    stopLoad.abort();
    clearInterval(sampler);
    if (wrk !== undefined) {
      try {
        wrk.kill("SIGKILL");
      } catch {
        // Exited.
      }
    }
    clients?.close();
    const status = await berth.stop(15_000);
    exitCode = status.code;
  };
  const onSignal = () => {
    console.error("soak: interrupted, stopping everything");
    cleanup().finally(() => Deno.exit(130));
  };
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  // The hard deadline: whatever hangs, everything is stopped.
  const deadline = setTimeout(() => {
    console.error("soak: hard deadline passed, stopping everything");
    cleanup().finally(() => Deno.exit(1));
  }, (config.seconds + 180) * 1000);

  try {
    // Idle baseline: a few requests, every connection closed again.
    for (const file of files.slice(0, 5)) {
      const response = await fetch(berth.origin + file.path, {
        headers: { connection: "close" },
      });
      await response.arrayBuffer();
    }
    const idleFds = await fdCount(berth.pid);
    const startRss = await rssBytes(berth.pid);
    console.error(
      `soak: berth pid ${berth.pid} on ${berth.origin}, ${idleFds} fds, ` +
        `RSS ${mib(startRss)}; load for ${config.seconds} s ` +
        `(warm-up ${config.warmupSeconds} s)`,
    );

    const t0 = performance.now();
    let phase: Sample["phase"] = "warmup";
    sampler = setInterval(async () => {
      try {
        samples.push({
          t: (performance.now() - t0) / 1000,
          phase,
          rss: await rssBytes(berth.pid),
          fds: await fdCount(berth.pid),
        });
      } catch {
        // The process is gone: the checks below will say so.
      }
    }, 1000);

    const paths = files.filter((f) => f.kind !== "large").map((f) => f.path);
    let wrkResult: Promise<WrkResult>;
    if (haveWrk) {
      const wrkArgs = [
        "-t1",
        `-c${config.connections}`,
        `-d${config.seconds}s`,
        "--timeout",
        "10s",
        "-s",
        script,
        berth.origin + "/",
      ];
      wrk = new Deno.Command("wrk", {
        args: wrkArgs,
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const child = wrk;
      wrkResult = child.output().then((out) => {
        const text = new TextDecoder().decode(out.stdout);
        const result = parseWrk(text);
        if (!Number.isFinite(result.requests)) {
          throw new Error(
            `wrk failed: ${new TextDecoder().decode(out.stderr)}${text}`,
          );
        }
        return result;
      });
    } else {
      wrkResult = denoLoad(
        berth.port,
        paths,
        config.connections,
        stopLoad.signal,
      );
    }
    clients = new Clients(berth, files, stopLoad.signal);
    const clientsDone = clients.run();

    await sleep(config.warmupSeconds * 1000);
    const baselineRss = await rssBytes(berth.pid);
    phase = "load";
    await sleep((config.seconds - config.warmupSeconds) * 1000);
    phase = "cooldown";
    stopLoad.abort();
    const [wrkOut] = await Promise.all([wrkResult, clientsDone]);
    wrk = undefined;
    clients.close();

    // Every client connection is closed: the server's count comes back.
    let finalFds = await fdCount(berth.pid);
    for (let i = 0; i < 100 && finalFds > idleFds + 4; i++) {
      await sleep(100);
      finalFds = await fdCount(berth.pid);
    }
    const finalRss = await rssBytes(berth.pid);
    clearInterval(sampler);
    sampler = undefined;

    // One last whole download after the load: still right.
    const last = files.find((f) => f.path === "/large/l1.bin")!;
    const response = await fetch(berth.origin + last.path, {
      headers: { connection: "close" },
    });
    const lastHash = await sha256Hex(
      new Uint8Array(await response.arrayBuffer()),
    );
    if (lastHash !== last.sha256) {
      fail(clients.tally, `final download ${last.path}: wrong sha256`);
    }
    clients.tally.hashes++;

    await cleanup();
    const after = samples.filter((s) => s.phase !== "warmup");
    const maxRss = Math.max(finalRss, ...after.map((s) => s.rss));
    const maxFds = Math.max(...samples.map((s) => s.fds));
    const rssBound = baselineRss * 1.5 + 32 * MiB;
    const tally = clients.tally;
    const checks = [
      {
        name: "RSS within band",
        ok: maxRss <= rssBound,
        detail: `max ${mib(maxRss)} ≤ ${mib(rssBound)} ` +
          `(baseline ${mib(baselineRss)} × 1.5 + 32 MiB)`,
      },
      {
        name: "descriptors back to idle",
        ok: finalFds <= idleFds + 4,
        detail: `${finalFds} after the load, idle ${idleFds} (+4 allowed)`,
      },
      {
        name: "downloads hash right",
        ok: tally.hashes > 0 && tally.failures.length === 0,
        detail: `${tally.hashes} sha256 checked (${mib(tally.hashedBytes)})`,
      },
      {
        name: "ranges and 304s right",
        ok: tally.ranges > 0 && tally.conditional304 > 0 &&
          tally.failures.length === 0,
        detail: `${tally.ranges} ranges, ${tally.multiRanges} multi-range, ` +
          `${tally.conditional304} × 304, ${tally.conditional200} × 200`,
      },
      {
        name: "load generator clean",
        ok: wrkOut.requests > 0 && wrkOut.non2xx3xx === 0 &&
          wrkOut.errors.connect === 0 && wrkOut.errors.timeout === 0,
        detail:
          `${wrkOut.requests} requests, ${wrkOut.non2xx3xx} non-2xx/3xx, ` +
          `errors ${JSON.stringify(wrkOut.errors)}`,
      },
      {
        name: "berth exits 0 on SIGTERM",
        ok: exitCode === 0,
        detail: `exit ${exitCode}`,
      },
      {
        name: "samples taken",
        ok: samples.length >= config.seconds / 2,
        detail: `${samples.length}`,
      },
    ];
    return {
      config,
      date: new Date().toISOString(),
      elapsedS: (performance.now() - began) / 1000,
      loadTool: haveWrk
        ? `wrk -t1 -c${config.connections} (keep-alive, random small/medium files)`
        : `${config.connections} Deno keep-alive clients (wrk unavailable)`,
      wrk: wrkOut,
      tally,
      idleFds,
      finalFds,
      maxFds,
      baselineRss,
      maxRss,
      rssBound,
      startRss,
      finalRss,
      samples: samples.length,
      exitCode,
      checks,
      versions: {
        deno: Deno.version.deno,
        wrk: haveWrk
          ? (await versionOf("wrk", ["-v"], "n/a")).replace(
            /^wrk\s+(?:debian\/)?([\d.]+)\S*.*$/,
            "wrk $1",
          )
          : "n/a",
        kernel: Deno.osRelease(),
      },
    };
  } finally {
    clearTimeout(deadline);
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
    await cleanup();
  }
}

// ---------------------------------------------------------------------------
// Report

function report(s: Summary): string {
  const ok = s.checks.every((c) => c.ok);
  const t = s.tally;
  const lines = [
    `### Soak (\`tools/soak.ts --seconds ${s.config.seconds}\`), ${
      s.date.slice(0, 10)
    }: ${ok ? "✅ pass" : "❌ FAIL"}`,
    "",
    `berth CLI (\`main.ts --quiet\`) over a generated tree (200 small text ` +
    `files, 8 medium binaries, 8 and 24 MiB files streamed from disk). ` +
    `Load: ${s.loadTool}, plus Deno clients: 2 aborting downloads of the ` +
    `large files at random points, 2 asking byte ranges, 1 making ` +
    `conditional requests, 1 hashing whole downloads. ` +
    `Warm-up ${s.config.warmupSeconds} s; ` +
    `${s.samples} samples of RSS and descriptors (one a second). ` +
    `Deno ${s.versions.deno}, ${s.versions.wrk}, Linux ${s.versions.kernel}; ` +
    `${s.elapsedS.toFixed(0)} s in all.`,
    "",
    "| check | result | measured |",
    "| --- | --- | --- |",
    ...s.checks.map((c) =>
      `| ${c.name} | ${c.ok ? "✅" : "❌"} | ${
        c.detail.replaceAll("|", "\\|")
      } |`
    ),
    "",
    "| figure | value |",
    "| --- | --- |",
    `| RSS: idle, end of warm-up, max after, at the end | ${mib(s.startRss)}, ${
      mib(s.baselineRss)
    }, ${mib(s.maxRss)}, ${mib(s.finalRss)} |`,
    `| descriptors: idle, max under load, after | ${s.idleFds}, ${s.maxFds}, ${s.finalFds} |`,
    `| wrk requests (req/s) | ${s.wrk?.requests ?? "–"} (${
      Number.isFinite(s.wrk?.rps) ? s.wrk!.rps.toFixed(0) : "–"
    }) |`,
    `| aborted downloads | ${t.aborts} |`,
    `| ranges checked (single, multipart) | ${t.ranges}, ${t.multiRanges} |`,
    `| conditional (304, 200), HEAD | ${t.conditional304}, ${t.conditional200}, ${t.heads} |`,
    `| sha256 downloads checked | ${t.hashes} (${mib(t.hashedBytes)}) |`,
  ];
  if (t.failures.length > 0) {
    lines.push("", "Failures:", "", ...t.failures.map((f) => `- ${f}`));
  }
  return lines.join("\n") + "\n";
}

async function writeResults(section: string): Promise<void> {
  const block = `${BEGIN}\n\n## Soak\n\n${section.trim()}\n\n${END}`;
  await writeMarkedSection(RESULTS, { begin: BEGIN, end: END }, block);
}

if (import.meta.main) {
  let config: Config;
  try {
    config = parseConfig(Deno.args);
  } catch (error) {
    console.error(`soak: ${(error as Error).message}`);
    Deno.exit(2);
  }
  const summary = await soak(config);
  const section = await formatMarkdown(report(summary));
  console.log(section);
  await Deno.writeTextFile(
    join(OUT, "summary.json"),
    JSON.stringify(summary, null, 2) + "\n",
  );
  if (config.writeResults) {
    await writeResults(section);
    console.error("soak: wrote the soak section of bench/RESULTS.md");
  }
  const ok = summary.checks.every((c) => c.ok);
  console.error(`soak: ${ok ? "PASS" : "FAIL"}`);
  Deno.exit(ok ? 0 : 1);
}
