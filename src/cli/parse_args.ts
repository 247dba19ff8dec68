/**
 * The command line, as a pure function: argv (and environment) in, options
 * or a usage error out. `main.ts` and `run.ts` do the I/O.
 *
 * @module
 */

import { parseArgs as parseNodeArgs } from "node:util";
import { DEFAULT_LIMITS } from "../http1/limits.ts";

/** The access log's line formats. */
export type LogFormat = "text" | "clf" | "combined";

/** What the command line asks for, every default filled in. */
export interface CliOptions {
  /** The folder to serve. */
  root: string;
  /** The TCP port; `0` picks a free one (and is the value with `unix`). */
  port: number;
  /** The interface to bind. */
  host: string;
  /** A unix socket path to listen on instead of TCP. */
  unix: string | undefined;
  /** TLS: the PEM certificate chain file (always with `key`). */
  cert: string | undefined;
  /** TLS: the PEM private key file (always with `cert`). */
  key: string | undefined;
  /** Extra response headers, as validated `"Name: value"` lines. */
  headers: string[];
  /** CORS headers and preflight answers. */
  cors: boolean;
  /** Listings for folders without an index. */
  dirListing: boolean;
  /** Serve dotfiles. */
  dotfiles: boolean;
  /** The SPA fallback file under the root, or `false`. */
  spa: string | false;
  /** Serve `/about` from `about.html`. */
  cleanUrls: boolean;
  /** Gzip and precompressed siblings. */
  compress: boolean;
  /** One `Cache-Control` value for every file; the built-in policy when absent. */
  cacheControl: string | undefined;
  /** How long a file's metadata and bytes are trusted, in ms (0: every request). */
  revalidateMs: number;
  /** Most connections open at once; see `ServeLimits.maxConnections`. */
  maxConnections: number;
  /** Largest request body, in bytes. */
  maxBodyBytes: number;
  /** Time for a request head to arrive, in ms. */
  headersTimeoutMs: number;
  /** Time allowed between two reads of a request body, in ms. */
  bodyTimeoutMs: number;
  /** Time one write may wait for the client to read, in ms. */
  sendTimeoutMs: number;
  /** How long an idle keep-alive connection is kept, in ms. */
  keepAliveTimeoutMs: number;
  /** How long a graceful shutdown waits for in-flight responses, in ms. */
  shutdownTimeoutMs: number;
  /** Threads serving the port; `"auto"` is one per core. */
  workers: number | "auto";
  /** The access log's format. */
  logFormat: LogFormat;
  /** No access log. */
  quiet: boolean;
  /** More detail in the access log and at start. */
  verbose: boolean;
  /** Print usage and exit. */
  help: boolean;
  /** Print the version and exit. */
  version: boolean;
}

/** A command line that cannot be run: a one-line reason, exit status 2. */
export class UsageError extends Error {
  /**
   * Make a usage error.
   *
   * @param message The reason, in one line.
   */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Most workers accepted; more threads than this helps nothing. */
export const MAX_WORKERS = 256;

/** `--revalidate` when not given: the file handler's own default. */
export const DEFAULT_REVALIDATE_MS = 1000;
/** Longest `--revalidate`: a day. */
const MAX_REVALIDATE_MS = 86_400_000;

const OPTIONS = {
  port: { type: "string", short: "p" },
  host: { type: "string" },
  unix: { type: "string" },
  cert: { type: "string" },
  key: { type: "string" },
  header: { type: "string", short: "H", multiple: true },
  cors: { type: "boolean" },
  "dir-listing": { type: "boolean" },
  dotfiles: { type: "boolean" },
  spa: { type: "boolean" },
  "clean-urls": { type: "boolean" },
  revalidate: { type: "string" },
  "no-compress": { type: "boolean" },
  "cache-control": { type: "string" },
  "max-connections": { type: "string" },
  "max-body-bytes": { type: "string" },
  "headers-timeout": { type: "string" },
  "body-timeout": { type: "string" },
  "send-timeout": { type: "string" },
  "keep-alive-timeout": { type: "string" },
  "shutdown-timeout": { type: "string" },
  workers: { type: "string" },
  "log-format": { type: "string" },
  quiet: { type: "boolean", short: "q" },
  verbose: { type: "boolean", short: "v" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "V" },
} as const;

/**
 * Every long flag the parser knows, as typed (`--spa` also takes `=FILE`).
 * The usage page must mention each; a test holds it to that.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CLI_FLAGS } from "./parse_args.ts";
 * assert.ok(CLI_FLAGS.includes("--port"));
 * ```
 */
export const CLI_FLAGS: readonly string[] = Object.keys(OPTIONS).map((name) =>
  `--${name}`
);

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Control characters other than horizontal tab, as in a field value.
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;
const LOG_FORMATS: readonly LogFormat[] = ["text", "clf", "combined"];

/**
 * Parse berth's command line.
 *
 * `--spa` is a switch (the fallback is `index.html`); `--spa=FILE` names
 * another file. `--spa FILE` does not: the next word stays a positional, so
 * `berth --spa dist` serves `dist`.
 *
 * @param args The arguments after the script name.
 * @param env Environment variables (`PORT` is honored).
 * @returns The options, defaults filled in.
 * @throws {UsageError} On an unknown flag, a bad value or a bad combination.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseArgs } from "./parse_args.ts";
 * const options = parseArgs(["site", "--port", "0", "--spa=app.html"]);
 * assert.equal(options.root, "site");
 * assert.equal(options.port, 0);
 * assert.equal(options.spa, "app.html");
 * ```
 */
export function parseArgs(
  args: string[],
  env: Record<string, string | undefined> = {},
): CliOptions {
  // node's parseArgs has no optional values: take `--spa=FILE` out first.
  let spaFile: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      rest.push(...args.slice(i));
      break;
    }
    if (arg.startsWith("--spa=")) {
      spaFile = parseSpaFile(arg.slice("--spa=".length));
    } else {
      rest.push(arg);
    }
  }

  let parsed;
  try {
    parsed = parseNodeArgs({
      args: rest,
      allowPositionals: true,
      strict: true,
      options: OPTIONS,
    });
  } catch (error) {
    throw new UsageError(firstLine(error));
  }
  const { values, positionals } = parsed;
  const spa = spaFile ?? (values.spa ? "index.html" : false);

  if (positionals.length > 1) {
    const hint = values.spa && spaFile === undefined
      ? " (to name the SPA fallback, write --spa=FILE)"
      : "";
    throw new UsageError(
      `Expected one folder to serve, got ${positionals.length}: ${
        positionals.map((p) => `"${p}"`).join(", ")
      }${hint}`,
    );
  }
  if (positionals[0] === "") throw new UsageError("ROOT is an empty path");

  const unix = values.unix;
  if (unix !== undefined) {
    if (unix === "") throw new UsageError("--unix needs a socket path");
    if (values.port !== undefined || values.host !== undefined) {
      throw new UsageError("--unix cannot be combined with --port or --host");
    }
    if (values.cert !== undefined || values.key !== undefined) {
      throw new UsageError("--cert and --key need TCP; not with --unix");
    }
  }
  if ((values.cert === undefined) !== (values.key === undefined)) {
    throw new UsageError(
      values.cert === undefined
        ? "--key needs --cert (the certificate chain file)"
        : "--cert needs --key (the private key file)",
    );
  }
  if (values.cert === "" || values.key === "") {
    throw new UsageError("--cert and --key need file paths");
  }

  const workers = parseWorkers(values.workers ?? "1");
  if (unix !== undefined && workers !== 1) {
    throw new UsageError("--workers shares a TCP port; not with --unix");
  }
  if (values.quiet && values.verbose) {
    throw new UsageError("--quiet and --verbose cannot be used together");
  }

  return {
    root: positionals[0] ?? "static",
    port: unix === undefined
      ? parsePort(values.port ?? env.PORT ?? "8000", values.port === undefined)
      : 0,
    host: parseHost(values.host ?? "127.0.0.1"),
    unix,
    cert: values.cert,
    key: values.key,
    headers: (values.header ?? []).map(parseHeader),
    cors: values.cors ?? false,
    dirListing: values["dir-listing"] ?? false,
    dotfiles: values.dotfiles ?? false,
    spa,
    cleanUrls: values["clean-urls"] ?? false,
    compress: !(values["no-compress"] ?? false),
    cacheControl: parseCacheControl(values["cache-control"]),
    revalidateMs: parseRevalidate(values.revalidate),
    maxConnections: parseCount(
      "--max-connections",
      values["max-connections"],
      DEFAULT_LIMITS.maxConnections,
    ),
    maxBodyBytes: parseCount(
      "--max-body-bytes",
      values["max-body-bytes"],
      DEFAULT_LIMITS.maxBodyBytes,
    ),
    headersTimeoutMs: parseCount(
      "--headers-timeout",
      values["headers-timeout"],
      DEFAULT_LIMITS.headersTimeoutMs,
    ),
    bodyTimeoutMs: parseCount(
      "--body-timeout",
      values["body-timeout"],
      DEFAULT_LIMITS.bodyTimeoutMs,
    ),
    sendTimeoutMs: parseCount(
      "--send-timeout",
      values["send-timeout"],
      DEFAULT_LIMITS.sendTimeoutMs,
    ),
    keepAliveTimeoutMs: parseCount(
      "--keep-alive-timeout",
      values["keep-alive-timeout"],
      DEFAULT_LIMITS.keepAliveTimeoutMs,
    ),
    shutdownTimeoutMs: parseCount(
      "--shutdown-timeout",
      values["shutdown-timeout"],
      DEFAULT_LIMITS.shutdownTimeoutMs,
    ),
    workers,
    logFormat: parseLogFormat(values["log-format"] ?? "text"),
    quiet: values.quiet ?? false,
    verbose: values.verbose ?? false,
    help: values.help ?? false,
    version: values.version ?? false,
  };
}

function parsePort(text: string, fromEnv: boolean): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) {
    throw new UsageError(
      `Invalid ${fromEnv ? "PORT" : "port"}: "${text}" (expected 0 to 65535)`,
    );
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

function parseSpaFile(text: string): string {
  const segments = text.split("/");
  if (
    text === "" || text.startsWith("/") || CONTROL.test(text) ||
    segments.some((s) => s === "" || s === "." || s === "..")
  ) {
    throw new UsageError(
      `Invalid --spa file: "${text}" (expected a path inside ROOT, e.g. --spa=index.html)`,
    );
  }
  return text;
}

function parseHeader(line: string): string {
  const colon = line.indexOf(":");
  if (colon === -1) {
    throw new UsageError(
      `Invalid --header: "${line}" (expected "Name: value")`,
    );
  }
  const name = line.slice(0, colon).trim();
  const value = line.slice(colon + 1).trim();
  if (!TOKEN.test(name)) {
    throw new UsageError(`Invalid --header name: ${JSON.stringify(name)}`);
  }
  if (CONTROL.test(value)) {
    throw new UsageError(
      `Invalid --header value for ${name}: control characters are not allowed`,
    );
  }
  return `${name}: ${value}`;
}

function parseCacheControl(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const value = text.trim();
  if (value === "" || CONTROL.test(value)) {
    throw new UsageError(
      `Invalid --cache-control: ${
        JSON.stringify(text)
      } (expected a header value, e.g. "public, max-age=3600")`,
    );
  }
  return value;
}

function parseCount(
  flag: string,
  text: string | undefined,
  fallback: number,
): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || !Number.isSafeInteger(n)) {
    throw new UsageError(
      `Invalid ${flag}: "${text}" (expected a whole number, 1 or more)`,
    );
  }
  return n;
}

/** `--revalidate MS`: 0 (a stat on every request) up to a day. */
function parseRevalidate(text: string | undefined): number {
  if (text === undefined) return DEFAULT_REVALIDATE_MS;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > MAX_REVALIDATE_MS) {
    throw new UsageError(
      `Invalid --revalidate: "${text}" (expected 0 to ${MAX_REVALIDATE_MS} ms)`,
    );
  }
  return n;
}

function parseWorkers(text: string): number | "auto" {
  if (text === "auto") return "auto";
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > MAX_WORKERS) {
    throw new UsageError(
      `Invalid --workers: "${text}" (expected 1 to ${MAX_WORKERS}, or auto)`,
    );
  }
  return n;
}

function parseLogFormat(text: string): LogFormat {
  if (!(LOG_FORMATS as readonly string[]).includes(text)) {
    throw new UsageError(
      `Invalid --log-format: "${text}" (expected ${LOG_FORMATS.join(", ")})`,
    );
  }
  return text as LogFormat;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0];
}
