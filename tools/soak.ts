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
import { type BerthProcess, startBerth } from "../support/berth_process.ts";
import { aptEnsure, hasCommand, versionOf } from "../support/host_commands.ts";
import { sleep } from "../support/net.ts";
import { fdCount, mib, rssBytes } from "../support/procfs.ts";
import { formatMarkdown, writeMarkedSection } from "../support/results_md.ts";
import { parseWrk, type WrkResult } from "../support/wrk.ts";
import { xorshift } from "../support/xorshift.ts";

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
// Fixtures

interface FixtureFile {
  /** URL path. */
  path: string;
  bytes: Uint8Array;
  sha256: string;
  kind: "small" | "medium" | "large";
}

async function sha256Hex(data: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    data as Uint8Array<ArrayBuffer>,
  );
  return Array.from(
    new Uint8Array(digest),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
}

/** Write the fixture tree (always afresh) and return every file. */
async function makeFixtures(): Promise<FixtureFile[]> {
  await Deno.remove(SITE, { recursive: true }).catch(() => {});
  for (const dir of ["small", "medium", "large"]) {
    await Deno.mkdir(join(SITE, dir), { recursive: true });
  }
  const next = xorshift(0x50a4);
  const files: FixtureFile[] = [];
  const add = async (
    path: string,
    bytes: Uint8Array,
    kind: FixtureFile["kind"],
  ) => {
    await Deno.writeFile(join(SITE, path.slice(1)), bytes);
    files.push({ path, bytes, sha256: await sha256Hex(bytes), kind });
  };
  const words = "lorem ipsum dolor sit amet berth soak static file ".split(
    " ",
  );
  for (let i = 0; i < 200; i++) {
    const size = 100 + next() % (16 * 1024);
    let text = `small ${i}\n`;
    while (text.length < size) text += words[next() % words.length] + " ";
    await add(
      `/small/s${String(i).padStart(3, "0")}.txt`,
      new TextEncoder().encode(text.slice(0, size)),
      "small",
    );
  }
  const random = (size: number) => {
    const bytes = new Uint8Array(size);
    const view = new Uint32Array(bytes.buffer, 0, size >>> 2);
    for (let i = 0; i < view.length; i++) view[i] = next();
    for (let i = view.length * 4; i < size; i++) bytes[i] = next() & 0xff;
    return bytes;
  };
  for (let i = 0; i < 8; i++) {
    await add(
      `/medium/m${i}.bin`,
      random(64 * 1024 + next() % (900 * 1024)),
      "medium",
    );
  }
  await add("/large/l0.bin", random(8 * MiB + 12345), "large");
  await add("/large/l1.bin", random(24 * MiB + 777), "large");
  await add(
    "/index.html",
    new TextEncoder().encode("<!doctype html><title>soak</title>\n"),
    "small",
  );
  return files;
}

/** The wrk script: random small and medium files, a fixed seed. */
async function writeWrkScript(files: FixtureFile[]): Promise<string> {
  const paths = files.filter((f) => f.kind !== "large").map((f) => f.path);
  const script = join(OUT, "random.lua");
  await Deno.writeTextFile(
    script,
    `-- generated by tools/soak.ts: GET a random small or medium file
local paths = {
${paths.map((p) => `  "${p}",`).join("\n")}
}
init = function(args)
  math.randomseed(20261125)
end
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
`,
  );
  return script;
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
// Clients

/** What the Deno clients counted and what went wrong. */
interface Tally {
  aborts: number;
  ranges: number;
  multiRanges: number;
  conditional304: number;
  conditional200: number;
  heads: number;
  hashes: number;
  hashedBytes: number;
  failures: string[];
}

function newTally(): Tally {
  return {
    aborts: 0,
    ranges: 0,
    multiRanges: 0,
    conditional304: 0,
    conditional200: 0,
    heads: 0,
    hashes: 0,
    hashedBytes: 0,
    failures: [],
  };
}

function fail(tally: Tally, message: string): void {
  if (tally.failures.length < 50) tally.failures.push(message);
  else if (tally.failures.length === 50) tally.failures.push("…");
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Mixed Deno clients, each a loop that ends when `stop` aborts. */
class Clients {
  readonly tally = newTally();
  readonly #origin: string;
  readonly #port: number;
  readonly #files: FixtureFile[];
  readonly #large: FixtureFile[];
  readonly #next = xorshift(0xc11e);
  readonly #client = Deno.createHttpClient({});
  readonly #stop: AbortSignal;
  readonly #open = new Set<Deno.Conn>();
  #closed = false;

  constructor(berth: BerthProcess, files: FixtureFile[], stop: AbortSignal) {
    this.#origin = berth.origin;
    this.#port = berth.port;
    this.#files = files;
    this.#large = files.filter((f) => f.kind === "large");
    this.#stop = stop;
  }

  #pick<T>(list: T[]): T {
    return list[this.#next() % list.length];
  }

  /** Run every loop until `stop`; resolves once all have ended. */
  async run(): Promise<void> {
    const loops = [
      this.#loop(() => this.#abort()),
      this.#loop(() => this.#abort()),
      this.#loop(() => this.#range()),
      this.#loop(() => this.#range()),
      this.#loop(() => this.#conditional()),
      this.#loop(() => this.#download()),
    ];
    await Promise.all(loops);
  }

  /** Close what is still open (pooled fetch connections, raw sockets). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const conn of this.#open) {
      try {
        conn.close();
      } catch {
        // Closed already.
      }
    }
    this.#open.clear();
    this.#client.close();
  }

  async #loop(step: () => Promise<void>): Promise<void> {
    while (!this.#stop.aborted) {
      try {
        await step();
      } catch (error) {
        if (this.#stop.aborted) return;
        fail(this.tally, `client error: ${String(error).slice(0, 200)}`);
      }
    }
  }

  async #fetch(path: string, init: RequestInit = {}): Promise<Response> {
    return await fetch(this.#origin + path, {
      ...init,
      client: this.#client,
      signal: AbortSignal.any([this.#stop, AbortSignal.timeout(60_000)]),
    });
  }

  /** A raw download given up at a random point. */
  async #abort(): Promise<void> {
    const file = this.#pick(this.#large);
    const conn = await Deno.connect({
      hostname: "127.0.0.1",
      port: this.#port,
    });
    this.#open.add(conn);
    try {
      const mode = this.#next() % 4;
      const request = `GET ${file.path} HTTP/1.1\r\nHost: soak\r\n\r\n`;
      if (mode === 0) {
        // Half a head, then gone.
        await conn.write(new TextEncoder().encode(request.slice(0, 20)));
      } else {
        await conn.write(new TextEncoder().encode(request));
        if (mode > 1) {
          const want = mode === 2 ? 1 : this.#next() % (4 * MiB);
          const buffer = new Uint8Array(256 * 1024);
          let got = 0;
          while (got < want) {
            const n = await conn.read(buffer);
            if (n === null) {
              fail(this.tally, `abort client: ${file.path} closed at ${got}`);
              break;
            }
            got += n;
          }
        }
      }
      this.tally.aborts++;
    } finally {
      this.#open.delete(conn);
      conn.close(); // unread bytes pending: a reset
    }
  }

  /** A byte range (or several), checked against the file. */
  async #range(): Promise<void> {
    const file = this.#pick(this.#files);
    const size = file.bytes.length;
    if (this.#next() % 8 === 0) {
      // Multipart: status and type only.
      const response = await this.#fetch(file.path, {
        headers: { range: "bytes=0-9,20-29" },
      });
      const type = response.headers.get("content-type") ?? "";
      await response.body?.cancel();
      if (response.status !== 206 || !type.startsWith("multipart/byteranges")) {
        fail(
          this.tally,
          `multi-range ${file.path}: ${response.status} ${type}`,
        );
      }
      this.tally.multiRanges++;
      return;
    }
    let start: number;
    let end: number;
    let header: string;
    switch (this.#next() % 3) {
      case 0: {
        start = this.#next() % size;
        end = Math.min(size - 1, start + this.#next() % (2 * MiB));
        header = `bytes=${start}-${end}`;
        break;
      }
      case 1: {
        start = Math.max(0, size - 1 - this.#next() % (256 * 1024));
        end = size - 1;
        header = `bytes=${start}-`;
        break;
      }
      default: {
        const n = 1 + this.#next() % Math.min(size, 256 * 1024);
        start = size - n;
        end = size - 1;
        header = `bytes=-${n}`;
      }
    }
    const response = await this.#fetch(file.path, {
      headers: { range: header, "accept-encoding": "identity" },
    });
    const body = new Uint8Array(await response.arrayBuffer());
    const expected = file.bytes.subarray(start, end + 1);
    const contentRange = response.headers.get("content-range");
    if (
      response.status !== 206 ||
      contentRange !== `bytes ${start}-${end}/${size}` ||
      !equalBytes(body, expected)
    ) {
      fail(
        this.tally,
        `range ${file.path} ${header}: ${response.status} ${contentRange} ` +
          `${body.length} bytes (want ${expected.length})`,
      );
    }
    this.tally.ranges++;
  }

  /** A conditional GET: 304 for the current validator, 200 otherwise. */
  async #conditional(): Promise<void> {
    const file = this.#pick(this.#files);
    const head = await this.#fetch(file.path, {
      method: "HEAD",
      headers: { "accept-encoding": "identity" },
    });
    await head.body?.cancel();
    this.tally.heads++;
    const etag = head.headers.get("etag");
    const lastModified = head.headers.get("last-modified");
    if (
      head.status !== 200 || etag === null || lastModified === null ||
      head.headers.get("content-length") !== String(file.bytes.length)
    ) {
      fail(this.tally, `HEAD ${file.path}: ${head.status} ${etag}`);
      return;
    }
    const variants: [Record<string, string>, number][] = [
      [{ "if-none-match": etag }, 304],
      [{ "if-none-match": "*" }, 304],
      [{ "if-modified-since": lastModified }, 304],
      [{ "if-none-match": '"soak-no-such-etag"' }, 200],
    ];
    const [headers, want] = this.#pick(variants);
    const response = await this.#fetch(file.path, {
      headers: { ...headers, "accept-encoding": "identity" },
    });
    const body = new Uint8Array(await response.arrayBuffer());
    if (response.status !== want) {
      fail(
        this.tally,
        `conditional ${file.path} ${JSON.stringify(headers)}: ` +
          `${response.status}, want ${want}`,
      );
      return;
    }
    if (want === 304) {
      if (body.length !== 0) fail(this.tally, `304 with a body: ${file.path}`);
      this.tally.conditional304++;
    } else {
      if (!equalBytes(body, file.bytes)) {
        fail(this.tally, `conditional 200 body differs: ${file.path}`);
      }
      this.tally.conditional200++;
    }
  }

  /** A whole download, hashed (half the time a large file). */
  async #download(): Promise<void> {
    const file = this.#next() % 2 === 0
      ? this.#pick(this.#large)
      : this.#pick(this.#files);
    // Let fetch ask for gzip as browsers do: a compressed answer must
    // inflate to the very same bytes.
    const response = await this.#fetch(file.path);
    const body = new Uint8Array(await response.arrayBuffer());
    const hash = await sha256Hex(body);
    if (response.status !== 200 || hash !== file.sha256) {
      fail(
        this.tally,
        `download ${file.path}: ${response.status}, ${body.length} bytes, ` +
          `sha256 ${hash.slice(0, 12)}… want ${file.sha256.slice(0, 12)}…`,
      );
    }
    this.tally.hashes++;
    this.tally.hashedBytes += body.length;
  }
}

// ---------------------------------------------------------------------------
// Load generator fallback (when wrk is unavailable)

/** Keep-alive GETs of random small files on raw sockets, as wrk would. */
async function denoLoad(
  port: number,
  paths: string[],
  connections: number,
  stop: AbortSignal,
): Promise<WrkResult> {
  let requests = 0;
  let non2xx3xx = 0;
  let errors = 0;
  const next = xorshift(0x10ad);
  const one = async () => {
    while (!stop.aborted) {
      let conn: Deno.Conn | undefined;
      try {
        conn = await Deno.connect({ hostname: "127.0.0.1", port });
        const buffer = new Uint8Array(1024 * 1024);
        for (let i = 0; i < 1000 && !stop.aborted; i++) {
          const path = paths[next() % paths.length];
          await conn.write(
            new TextEncoder().encode(
              `GET ${path} HTTP/1.1\r\nHost: soak\r\n\r\n`,
            ),
          );
          let text = "";
          let need = -1;
          while (need < 0 || text.length < need) {
            const n = await conn.read(buffer);
            if (n === null) throw new Error("closed");
            text += new TextDecoder("latin1").decode(buffer.subarray(0, n));
            const end = text.indexOf("\r\n\r\n");
            if (need < 0 && end >= 0) {
              const length = /content-length: (\d+)/i.exec(text.slice(0, end));
              need = end + 4 + Number(length?.[1] ?? 0);
              const status = Number(text.slice(9, 12));
              if (status < 200 || status >= 400) non2xx3xx++;
            }
          }
          requests++;
        }
      } catch {
        if (!stop.aborted) errors++;
      } finally {
        conn?.close();
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, one));
  return {
    rps: NaN,
    requests,
    p50Ms: NaN,
    p90Ms: NaN,
    p99Ms: NaN,
    errors: { connect: 0, read: errors, write: 0, timeout: 0 },
    non2xx3xx,
  };
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
  const files = await makeFixtures();
  const script = await writeWrkScript(files);
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
