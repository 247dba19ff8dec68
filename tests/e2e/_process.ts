/**
 * Spawn a long-running process (the CLI, `deno serve`), wait for a line it
 * prints, and stop it: with bounded waits, and both output streams read to
 * their end so the sanitizers find nothing open.
 *
 * @module
 */

/** How long a process may take to print what is awaited. */
export const SPAWN_TIMEOUT_MS = 60_000;

/** A process that printed what was awaited. */
export interface Spawned {
  /** The match of the awaited pattern in its output. */
  match: RegExpMatchArray;
  /** Everything printed so far, stdout and stderr interleaved. */
  output(): string;
  /**
   * Send `signal`, wait for the exit and the end of the output.
   *
   * @returns The exit code, the signal that ended it (or `null`), and
   * the whole output.
   */
  stop(signal?: Deno.Signal): Promise<Stopped>;
  /**
   * Wait for the process to exit by itself (killed after
   * `SPAWN_TIMEOUT_MS`), and for the end of the output.
   */
  exited(): Promise<Stopped>;
}

/** How a process ended, and what it printed. */
export interface Stopped {
  /** The exit code (128 + the signal's number when a signal ended it). */
  code: number;
  /** The signal that ended it, or `null`. */
  signal: Deno.Signal | null;
  /** Everything it printed, stdout and stderr interleaved. */
  output: string;
}

/**
 * Spawn `command` and wait until its output (stdout and stderr together)
 * matches `pattern`.
 *
 * @param command The executable.
 * @param args Its arguments.
 * @param pattern What to wait for.
 * @param options `cwd` and extra `env`.
 * @returns The running process.
 * @throws {Error} With the output so far, when the process exits or
 * `SPAWN_TIMEOUT_MS` passes first; the process is stopped then.
 */
export async function spawnUntil(
  command: string,
  args: string[],
  pattern: RegExp,
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<Spawned> {
  const child = new Deno.Command(command, {
    args,
    cwd: options.cwd,
    // No update check: nothing but 127.0.0.1 is ever contacted.
    env: { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "";
  let wake: (() => void) | undefined;
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      text += chunk;
      wake?.();
    }
  };
  const drained = Promise.all([drain(child.stdout), drain(child.stderr)]);
  const ended = drained.then(() => "ended" as const);

  const stop = async (signal: Deno.Signal = "SIGTERM"): Promise<Stopped> => {
    try {
      child.kill(signal);
    } catch {
      // Already exited.
    }
    const status = await child.status;
    await drained;
    return { code: status.code, signal: status.signal, output: text };
  };

  const exited = async (): Promise<Stopped> => {
    const deadline = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch {
        // Already exited.
      }
    }, SPAWN_TIMEOUT_MS);
    try {
      const status = await child.status;
      await drained;
      return { code: status.code, signal: status.signal, output: text };
    } finally {
      clearTimeout(deadline);
    }
  };

  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), SPAWN_TIMEOUT_MS);
  });
  try {
    // Each turn waits for more output, the end of it, or the deadline.
    while (true) {
      const match = text.match(pattern);
      if (match) return { match, output: () => text, stop, exited };
      const more = new Promise<"more">((resolve) => {
        wake = () => resolve("more");
      });
      const why = await Promise.race([more, ended, timedOut]);
      if (why !== "more") {
        const { code, output } = await stop("SIGKILL");
        throw new Error(
          `${command} ${args.join(" ")}: ${
            why === "timeout"
              ? `no ${pattern} after ${SPAWN_TIMEOUT_MS} ms`
              : `exited (${code}) without printing ${pattern}`
          }; output:\n${output}`,
        );
      }
    }
  } finally {
    wake = undefined;
    clearTimeout(timer);
  }
}
