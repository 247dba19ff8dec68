/**
 * Linux `/proc` helpers for the fault tests and the soak: open file
 * descriptors, resident memory and I/O counters of a process, and the berth
 * CLI run as a child process (optionally under `ulimit -n`), stopped by PID.
 *
 * @module
 */

import { fileURLToPath } from "node:url";

/** main.ts, absolute. */
export const MAIN: string = fileURLToPath(
  new URL("../main.ts", import.meta.url),
);

/** A process id, or `"self"` for this process. */
export type Pid = number | "self";

const decoder = new TextDecoder();

/**
 * Deno asks for `--allow-all` to read any `/proc/PID/…` file, even this
 * process's own; the test task grants `--allow-read --allow-run` only. So
 * read directly when allowed, else through `cat`/`ls` (the child reads the
 * parent's files by PID, never its own `self`). With `partialOk`, a failing
 * exit still yields what the child printed.
 */
async function viaChild(
  program: string,
  args: string[],
  partialOk = false,
): Promise<string> {
  const out = await new Deno.Command(program, {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success && !partialOk) {
    throw new Error(
      `${program} ${args.join(" ")}: ${decoder.decode(out.stderr).trim()}`,
    );
  }
  return decoder.decode(out.stdout);
}

function procPath(pid: Pid, file: string): string {
  return `/proc/${pid === "self" ? Deno.pid : pid}/${file}`;
}

/**
 * Read a `/proc` file of `pid`.
 *
 * @param pid The process; this one for `"self"`.
 * @param file Below `/proc/PID/`, e.g. `status`.
 * @returns Its text.
 */
export async function readProc(pid: Pid, file: string): Promise<string> {
  const path = procPath(pid, file);
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotCapable)) throw error;
    return await viaChild("cat", [path]);
  }
}

/**
 * How many file descriptors `pid` has open (`/proc/PID/fd` entries).
 * Counted the same way each time (directly, or while a `ls` child holds its
 * output pipe), so counts of one process compare.
 *
 * @param pid The process; this one by default.
 * @returns The number of open descriptors.
 */
export async function fdCount(pid: Pid = "self"): Promise<number> {
  const path = procPath(pid, "fd");
  try {
    let n = 0;
    for await (const _ of Deno.readDir(path)) n++;
    return n;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotCapable)) throw error;
    const text = await viaChild("ls", ["-1", path]);
    return text.split("\n").filter((line) => line !== "").length;
  }
}

/**
 * How many sockets and files `pid` has open: its descriptors without pipes
 * and anonymous inodes. What a server leaks is sockets and files; pipes and
 * pidfds come and go with child processes (the `ls` that reads this
 * process's own list among them), so leaving them out keeps two counts of a
 * process comparable.
 *
 * @param pid The process; this one by default.
 * @returns The number of open sockets and files.
 */
export async function socketAndFileCount(pid: Pid = "self"): Promise<number> {
  const path = procPath(pid, "fd");
  let targets: string[];
  try {
    targets = [];
    for await (const entry of Deno.readDir(path)) {
      try {
        targets.push(await Deno.readLink(`${path}/${entry.name}`));
      } catch {
        // Closed between the listing and the read: not open any more.
      }
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotCapable)) throw error;
    // A descriptor that closes while `ls` lists them makes it fail for that
    // one entry only: what it printed is still the open rest.
    const text = await viaChild("ls", ["-l", path], true);
    targets = text.split("\n").filter((line) => line.includes(" -> "))
      .map((line) => line.slice(line.indexOf(" -> ") + 4));
  }
  return targets.filter((target) =>
    !target.startsWith("pipe:") && !target.startsWith("anon_inode:")
  ).length;
}

/**
 * The targets of `pid`'s open descriptors (`socket:[…]`, a path, …), for
 * failure messages.
 *
 * @param pid The process; this one by default.
 * @returns `ls -l`-style lines.
 */
export async function fdTargets(pid: Pid = "self"): Promise<string> {
  return await viaChild("ls", ["-l", procPath(pid, "fd")]).catch(String);
}

/**
 * Resident memory of `pid` (`VmRSS` of `/proc/PID/status`).
 *
 * @param pid The process; this one by default.
 * @returns Bytes.
 */
export async function rssBytes(pid: Pid = "self"): Promise<number> {
  const status = await readProc(pid, "status");
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (match === null) throw new Error(`No VmRSS for ${pid}`);
  return Number(match[1]) * 1024;
}

/**
 * Bytes `pid` has passed to `read()`/`write()`-like calls, files and sockets
 * alike (`rchar`, `wchar` of `/proc/PID/io`).
 *
 * @param pid The process (ours, or any when root).
 * @returns The two counters.
 */
export async function ioChars(
  pid: Pid = "self",
): Promise<{ rchar: number; wchar: number }> {
  const text = await readProc(pid, "io");
  const field = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(text)?.[1] ?? NaN);
  return { rchar: field("rchar"), wchar: field("wchar") };
}

/**
 * The soft limit on open files of `pid` (`/proc/PID/limits`).
 *
 * @param pid The process; this one by default.
 * @returns The limit (`Infinity` when unlimited).
 */
export async function openFileLimit(pid: Pid = "self"): Promise<number> {
  const text = await readProc(pid, "limits");
  const match = /^Max open files\s+(\d+|unlimited)/m.exec(text);
  if (match === null) throw new Error(`No open-files limit for ${pid}`);
  return match[1] === "unlimited" ? Infinity : Number(match[1]);
}

/** Formats a byte count in MiB with one decimal. */
export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** How to start the berth CLI. */
export interface BerthOptions {
  /** CLI flags after ROOT (`--port 0 --host 127.0.0.1 --quiet` are added). */
  args?: string[];
  /** Run under `ulimit -n` with this soft limit (through bash). */
  nofile?: number;
  /** Deno permission flags (default: net on 127.0.0.1, read anywhere). */
  permissions?: string[];
}

/** A berth CLI child process. */
export interface BerthProcess {
  /** Its PID (bash `exec`s Deno, so the same PID under `ulimit`). */
  readonly pid: number;
  /** The port it listens on, from its banner. */
  readonly port: number;
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  readonly origin: string;
  /** Everything it printed to stderr so far. */
  stderr(): string;
  /**
   * Resolves once its stderr matches `pattern`.
   *
   * @throws {Error} When stderr ends first.
   */
  waitForStderr(pattern: RegExp): Promise<void>;
  /** Send a signal (if it still runs). */
  kill(signal?: Deno.Signal): void;
  /**
   * SIGTERM, and SIGKILL if it has not exited after `graceMs`; resolves once
   * it has exited and its output is read.
   */
  stop(graceMs?: number): Promise<Deno.CommandStatus>;
}

/**
 * Start the berth CLI on a free port of 127.0.0.1 serving `root`, and wait
 * for its banner (`Listening on http://127.0.0.1:PORT/ — serving ROOT`).
 *
 * @param root The folder to serve.
 * @param options Flags, `ulimit -n`, permissions.
 * @returns The running process.
 * @throws {Error} When it exits before printing its banner.
 */
export async function startBerth(
  root: string,
  options: BerthOptions = {},
): Promise<BerthProcess> {
  const deno = Deno.execPath();
  const denoArgs = [
    "run",
    ...(options.permissions ?? ["--allow-net=127.0.0.1", "--allow-read"]),
    MAIN,
    root,
    "--port",
    "0",
    "--host",
    "127.0.0.1",
    "--quiet",
    ...(options.args ?? []),
  ];
  const [program, args] = options.nofile === undefined ? [deno, denoArgs] : [
    "bash",
    [
      "-c",
      `ulimit -n ${options.nofile} && exec "$0" "$@"`,
      deno,
      ...denoArgs,
    ],
  ];
  const child = new Deno.Command(program, {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  let stderrText = "";
  let stderrEnded = false;
  let stderrWaiters: { pattern: RegExp; wake: () => void }[] = [];
  const wakeStderr = () => {
    stderrWaiters = stderrWaiters.filter(({ pattern, wake }) => {
      if (!stderrEnded && !pattern.test(stderrText)) return true;
      wake();
      return false;
    });
  };
  const stderrDone = (async () => {
    for await (
      const chunk of child.stderr.pipeThrough(new TextDecoderStream())
    ) {
      stderrText += chunk;
      wakeStderr();
    }
    stderrEnded = true;
    wakeStderr();
  })();
  // Read stdout up to the banner, then keep draining it in the background.
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let stdoutText = "";
  let port = 0;
  while (port === 0) {
    const { done, value } = await lines.read();
    if (done) break;
    stdoutText += value;
    const match = /^Listening on http:\/\/127\.0\.0\.1:(\d+)\//m.exec(
      stdoutText,
    );
    if (match !== null) port = Number(match[1]);
  }
  const stdoutDone = (async () => {
    while (!(await lines.read()).done) {
      // Discard.
    }
  })();
  let exited: Deno.CommandStatus | undefined;
  const status = child.status.then((s) => exited = s);
  const stop = async (graceMs = 15_000) => {
    if (exited === undefined) {
      try {
        child.kill("SIGTERM");
      } catch {
        // Already gone.
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        status,
        new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            try {
              child.kill("SIGKILL");
            } catch {
              // Gone meanwhile.
            }
            resolve();
          }, graceMs);
        }),
      ]);
      clearTimeout(timer);
    }
    await Promise.all([status, stdoutDone, stderrDone]);
    return exited!;
  };
  if (port === 0) {
    await stop();
    throw new Error(
      `berth exited before its banner: ${stdoutText}\n${stderrText}`,
    );
  }
  return {
    pid: child.pid,
    port,
    origin: `http://127.0.0.1:${port}`,
    stderr: () => stderrText,
    async waitForStderr(pattern) {
      if (!pattern.test(stderrText) && !stderrEnded) {
        await new Promise<void>((wake) =>
          stderrWaiters.push({ pattern, wake })
        );
      }
      if (!pattern.test(stderrText)) {
        throw new Error(`stderr ended without ${pattern}: ${stderrText}`);
      }
    },
    kill(signal = "SIGTERM") {
      try {
        child.kill(signal);
      } catch {
        // Already gone.
      }
    },
    stop,
  };
}
