/**
 * The wrk runner and its output parser: requests/s, latency percentiles
 * (units us/ms/s converted to milliseconds), errors and non-2xx/3xx counts.
 *
 * @module
 */

/** One wrk invocation. */
export interface WrkOptions {
  url: string;
  connections: number;
  durationS: number;
  threads?: number;
  /** Extra request header fields, as `Name: value`. */
  headers?: string[];
  /** A Lua script path. */
  script?: string;
  /** Arguments for the script's `init` (after wrk's `--`). */
  scriptArgs?: string[];
  /** wrk's per-request timeout in seconds (default 10). */
  timeoutS?: number;
}

/** What one wrk run measured. */
export interface WrkResult {
  rps: number;
  requests: number;
  /** Latency percentiles in ms (50, 75, 90, 99). */
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  /** Socket errors: connect, read, write, timeout. */
  errors: { connect: number; read: number; write: number; timeout: number };
  /** "Non-2xx or 3xx responses". */
  non2xx3xx: number;
}

/** The argv of a wrk run (without the `wrk` program name). */
export function wrkArgs(o: WrkOptions): string[] {
  const args = [
    `-t${o.threads ?? 1}`,
    `-c${o.connections}`,
    `-d${o.durationS}s`,
    `--timeout`,
    `${o.timeoutS ?? 10}s`,
    "--latency",
  ];
  for (const h of o.headers ?? []) args.push("-H", h);
  if (o.script) args.push("-s", o.script);
  args.push(o.url);
  if (o.scriptArgs !== undefined) args.push("--", ...o.scriptArgs);
  return args;
}

/** A copy-pasteable shell command line for `args`. */
export function shellLine(program: string, args: string[]): string {
  const quote = (a: string) =>
    /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`;
  return [program, ...args].map(quote).join(" ");
}

/** A latency like `1.23ms`, `850.00us`, `1.02s`, `2.00m` in ms. */
export function parseDurationMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (!m) return NaN;
  const value = Number(m[1]);
  switch (m[2]) {
    case "us":
      return value / 1000;
    case "ms":
      return value;
    case "s":
      return value * 1000;
    default:
      return value * 60_000;
  }
}

/** Parse wrk's stdout. */
export function parseWrk(out: string): WrkResult {
  const pct = (p: string) => {
    const m = new RegExp(`^\\s*${p}%\\s+(\\S+)`, "m").exec(out);
    return m ? parseDurationMs(m[1]) : NaN;
  };
  const rps = Number(/^Requests\/sec:\s+([\d.]+)/m.exec(out)?.[1] ?? NaN);
  const requests = Number(/^\s*(\d+) requests in/m.exec(out)?.[1] ?? NaN);
  const sock =
    /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/
      .exec(out);
  const non = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  return {
    rps,
    requests,
    p50Ms: pct("50"),
    p90Ms: pct("90"),
    p99Ms: pct("99"),
    errors: {
      connect: Number(sock?.[1] ?? 0),
      read: Number(sock?.[2] ?? 0),
      write: Number(sock?.[3] ?? 0),
      timeout: Number(sock?.[4] ?? 0),
    },
    non2xx3xx: Number(non?.[1] ?? 0),
  };
}

/**
 * Run wrk (killed if it overruns its duration by 30 s).
 *
 * @throws When wrk fails or prints nothing parseable.
 */
export async function runWrk(o: WrkOptions): Promise<WrkResult> {
  const out = await new Deno.Command("wrk", {
    args: wrkArgs(o),
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout((o.durationS + 30) * 1000),
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  const result = parseWrk(text);
  if (!out.success || !Number.isFinite(result.rps)) {
    throw new Error(
      `wrk failed (${out.code}): ${
        new TextDecoder().decode(out.stderr).trim() || text.trim()
      }`,
    );
  }
  return result;
}

/** A load on one URL path: connections, header fields, Lua script. */
export interface PathLoad {
  path: string;
  connections: number;
  /** Extra request header fields, as `Name: value`. */
  headers?: string[];
  /** A Lua script path. */
  script?: string;
}

/**
 * Run wrk with `load` against a server on 127.0.0.1.
 *
 * @param port The server's port.
 * @param load What to ask for, and how.
 * @param durationS Seconds of load.
 * @returns What wrk measured.
 * @throws When wrk fails or prints nothing parseable.
 */
export function runWrkOn(
  port: number,
  load: PathLoad,
  durationS: number,
): Promise<WrkResult> {
  return runWrk({
    url: `http://127.0.0.1:${port}${load.path}`,
    connections: load.connections,
    durationS,
    headers: load.headers,
    script: load.script,
  });
}
