/**
 * Helpers to run the CLI as users do: spawned with `Deno.execPath()`, its
 * output read as it comes, stopped with a signal.
 *
 * @module
 */

import { fileURLToPath } from "node:url";

/** main.ts, absolute. */
export const MAIN: string = fileURLToPath(
  new URL("../../main.ts", import.meta.url),
);
/** The repository, where the CLI runs (so ROOT defaults to its static/). */
export const REPO: string = fileURLToPath(new URL("../../", import.meta.url));

/** The permissions the issue promises are enough. */
export const DEFAULT_PERMISSIONS: readonly string[] = [
  "--allow-net=127.0.0.1",
  "--allow-read",
];

/** How to spawn the CLI. */
export interface SpawnOptions {
  /** Deno flags before main.ts (permissions, --unstable-net…). */
  deno?: readonly string[];
  /** Extra environment variables (NO_COLOR is always set). */
  env?: Record<string, string>;
}

/** A stream read to its end in the background, with a way to wait for text. */
export class Output {
  /** Everything read so far. */
  text = "";
  /** Resolves with the whole text once the stream has ended. */
  readonly done: Promise<string>;
  #ended = false;
  #waiters: { pattern: RegExp; resolve: () => void }[] = [];

  /** @param stream The child's stdout or stderr. */
  constructor(stream: ReadableStream<Uint8Array>) {
    this.done = (async () => {
      for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
        this.text += chunk;
        this.#wake();
      }
      this.#ended = true;
      this.#wake();
      return this.text;
    })();
  }

  #wake(): void {
    this.#waiters = this.#waiters.filter(({ pattern, resolve }) => {
      if (this.#ended || pattern.test(this.text)) {
        resolve();
        return false;
      }
      return true;
    });
  }

  /**
   * Wait until the text matches `pattern`.
   *
   * @returns The match.
   * @throws {Error} When the stream ends first.
   */
  async waitFor(pattern: RegExp): Promise<RegExpMatchArray> {
    if (!pattern.test(this.text) && !this.#ended) {
      await new Promise<void>((resolve) =>
        this.#waiters.push({ pattern, resolve })
      );
    }
    const match = this.text.match(pattern);
    if (match === null) {
      throw new Error(
        `Ended without ${pattern}: ${JSON.stringify(this.text)}`,
      );
    }
    return match;
  }
}

/** What a finished CLI left. */
export interface Finished {
  /** Its exit status. */
  code: number;
  /** Everything it printed to stdout. */
  stdout: string;
  /** Everything it printed to stderr. */
  stderr: string;
}

/** A running CLI. */
export class Cli {
  /** The process. */
  readonly child: Deno.ChildProcess;
  /** Its stdout, as it comes. */
  readonly stdout: Output;
  /** Its stderr, as it comes. */
  readonly stderr: Output;
  /** The URL from the banner's first line (`http://…`, `https://…`, `unix:…`). */
  url = "";

  /** @param child A CLI process with piped stdout and stderr. */
  constructor(child: Deno.ChildProcess) {
    this.child = child;
    this.stdout = new Output(child.stdout);
    this.stderr = new Output(child.stderr);
  }

  /** Send `signal` (if it still runs). */
  kill(signal: Deno.Signal = "SIGTERM"): void {
    try {
      this.child.kill(signal);
    } catch {
      // It has exited already.
    }
  }

  /** Wait for the end; everything read. */
  async finished(): Promise<Finished> {
    const [stdout, stderr, status] = await Promise.all([
      this.stdout.done,
      this.stderr.done,
      this.child.status,
    ]);
    return { code: status.code, stdout, stderr };
  }

  /** Send `signal`, then wait for the end. */
  stop(signal: Deno.Signal = "SIGTERM"): Promise<Finished> {
    this.kill(signal);
    return this.finished();
  }
}

/**
 * Spawn the CLI without waiting for anything.
 *
 * @param args Its arguments.
 * @param options Deno flags and environment.
 * @returns The running process.
 */
export function spawnCli(args: string[], options: SpawnOptions = {}): Cli {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...(options.deno ?? DEFAULT_PERMISSIONS),
      MAIN,
      ...args,
    ],
    cwd: REPO,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", ...options.env },
  }).spawn();
  return new Cli(child);
}

/**
 * Spawn the CLI and wait for its banner.
 *
 * @param args Its arguments (add `--port 0`).
 * @param options Deno flags and environment.
 * @returns The running CLI, `url` read from the banner.
 * @throws {Error} With its output, when it ends without a banner.
 */
export async function startCli(
  args: string[],
  options: SpawnOptions = {},
): Promise<Cli> {
  const cli = spawnCli(args, options);
  try {
    const match = await cli.stdout.waitFor(/^Listening on (\S+) — serving /);
    cli.url = match[1];
    return cli;
  } catch {
    const { code, stdout, stderr } = await cli.stop("SIGKILL");
    throw new Error(
      `No banner (exit ${code}): ${JSON.stringify(stdout)} ${
        JSON.stringify(stderr)
      }`,
    );
  }
}

/**
 * Run the CLI to its end.
 *
 * @param args Its arguments.
 * @param options Deno flags and environment.
 * @returns Its exit status and output.
 */
export function runCli(
  args: string[],
  options: SpawnOptions = {},
): Promise<Finished> {
  return spawnCli(args, options).finished();
}

/**
 * Start the CLI, run `fn`, then stop it with SIGTERM and expect a clean
 * exit.
 *
 * @param args The CLI's arguments (add `--port 0`).
 * @param fn The test body.
 * @param options Deno flags and environment.
 * @returns What the CLI printed in all.
 */
export async function withCli(
  args: string[],
  fn: (cli: Cli) => Promise<void>,
  options: SpawnOptions = {},
): Promise<Finished> {
  const cli = await startCli(args, options);
  let finished: Finished;
  try {
    await fn(cli);
  } finally {
    finished = await cli.stop();
  }
  if (finished.code !== 0) {
    throw new Error(
      `Exit ${finished.code} after SIGTERM: ${JSON.stringify(finished.stderr)}`,
    );
  }
  return finished;
}

/**
 * A temporary folder with `files` (name → content), removed after `fn`.
 *
 * @param files Paths relative to the folder; parents are made.
 * @param fn The test body, given the folder.
 */
export async function withRoot(
  files: Record<string, string | Uint8Array>,
  fn: (root: string) => Promise<void>,
): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "berth-cli-" });
  try {
    for (const [name, content] of Object.entries(files)) {
      const path = `${root}/${name}`;
      await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), {
        recursive: true,
      });
      if (typeof content === "string") await Deno.writeTextFile(path, content);
      else await Deno.writeFile(path, content);
    }
    await fn(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

/**
 * Fetch and read the body, so nothing is left open.
 *
 * @returns The status, headers and body text.
 */
export async function get(
  url: string | URL,
  init?: RequestInit & { client?: Deno.HttpClient },
): Promise<{ status: number; headers: Headers; body: string }> {
  const response = await fetch(url, init);
  return {
    status: response.status,
    headers: response.headers,
    body: await response.text(),
  };
}

/** The host and port of an `http(s)://host:port/` URL, for raw sockets. */
export function hostPort(url: string): { hostname: string; port: number } {
  const { hostname, port } = new URL(url);
  return { hostname, port: Number(port) };
}
