/**
 * The berth CLI as a child process, for tests and tools that need a real
 * server process: started on a free port of 127.0.0.1 (optionally under
 * `ulimit -n`), its banner awaited, its stderr watched, stopped by PID.
 *
 * @module
 */

import { fileURLToPath } from "node:url";

/** main.ts, absolute. */
export const MAIN: string = fileURLToPath(
  new URL("../main.ts", import.meta.url),
);

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
