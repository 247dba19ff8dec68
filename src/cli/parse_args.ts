/**
 * The command line, as a pure function: argv (and environment) in, options
 * or a usage error out. `main.ts` does the I/O.
 *
 * @module
 */

import { parseArgs as parseNodeArgs } from "node:util";

/** What the command line asks for. */
export interface CliOptions {
  /** The folder to serve. */
  root: string;
  /** The TCP port; `0` picks a free one. */
  port: number;
  /** The interface to bind. */
  host: string;
  /** Print usage and exit. */
  help: boolean;
  /** Print the version and exit. */
  version: boolean;
}

/** A command line that cannot be run: a one-line reason, exit status 2. */
export class UsageError extends Error {
  /** @param message The reason, in one line. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * Parse berth's command line.
 *
 * @param args The arguments after the script name.
 * @param env Environment variables (`PORT` is honored).
 * @returns The options, defaults filled in.
 * @throws {UsageError} On an unknown flag or a bad value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseArgs } from "./parse_args.ts";
 * const options = parseArgs(["site", "--port", "0"]);
 * assert.equal(options.root, "site");
 * assert.equal(options.port, 0);
 * ```
 */
export function parseArgs(
  args: string[],
  env: Record<string, string | undefined> = {},
): CliOptions {
  let parsed;
  try {
    parsed = parseNodeArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        port: { type: "string", short: "p" },
        host: { type: "string" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "V" },
      },
    });
  } catch (error) {
    throw new UsageError(firstLine(error));
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) {
    throw new UsageError(
      `Expected one folder to serve, got ${positionals.length}: ${
        positionals.map((p) => `"${p}"`).join(", ")
      }`,
    );
  }
  return {
    root: positionals[0] ?? "static",
    port: parsePort(values.port ?? env.PORT ?? "8000"),
    host: parseHost(values.host ?? "127.0.0.1"),
    help: values.help ?? false,
    version: values.version ?? false,
  };
}

function parsePort(text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) {
    throw new UsageError(`Invalid port: "${text}" (expected 0 to 65535)`);
  }
  return Number(text);
}

function parseHost(text: string): string {
  if (text === "" || /[\s/]/.test(text)) {
    throw new UsageError(`Invalid host: "${text}"`);
  }
  // Accept [::1] as well as ::1.
  return text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0];
}
