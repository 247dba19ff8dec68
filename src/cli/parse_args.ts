/**
 * The command line, as a pure function: argv (and environment) in, options
 * or a usage error out. `main.ts` and `run.ts` do the I/O.
 *
 * @module
 */

import { parseArgs as parseNodeArgs } from "node:util";
import { isHeaderName, isHeaderValue } from "../static/parse_header_option.ts";
import { LOG_FORMATS, type LogFormat } from "./access_log.ts";
import {
  CLI_DEFAULTS,
  type CliFileOptions,
  type CliLimits,
  type CliOptions,
  LIMIT_FLAGS,
  type LimitFlag,
} from "./cli_options.ts";

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

/** Longest `--revalidate`: a day. */
const MAX_REVALIDATE_MS = 86_400_000;

/** The limit flags' entries for the parser: each takes a value. */
const LIMIT_OPTIONS = Object.fromEntries(
  Object.keys(LIMIT_FLAGS).map((flag) => [flag, { type: "string" }]),
) as { [Flag in LimitFlag]: { type: "string" } };

const OPTIONS = {
  port: { type: "string", short: "p" },
  host: { type: "string" },
  unix: { type: "string" },
  // -c and -k as std's file_server spells them.
  cert: { type: "string", short: "c" },
  key: { type: "string", short: "k" },
  header: { type: "string", short: "H", multiple: true },
  cors: { type: "boolean" },
  "dir-listing": { type: "boolean" },
  dotfiles: { type: "boolean" },
  // std's file_server turns these on by default and off with --no-…;
  // berth's defaults are off, so alone they change nothing.
  "no-cors": { type: "boolean" },
  "no-dir-listing": { type: "boolean" },
  "no-dotfiles": { type: "boolean" },
  spa: { type: "boolean" },
  "clean-urls": { type: "boolean" },
  revalidate: { type: "string" },
  "no-compress": { type: "boolean" },
  "no-site-rules": { type: "boolean" },
  "no-watch": { type: "boolean" },
  "no-http2": { type: "boolean" },
  "no-h2c": { type: "boolean" },
  "cache-control": { type: "string" },
  explain: { type: "boolean" },
  "live-reload": { type: "boolean" },
  ...LIMIT_OPTIONS,
  workers: { type: "string" },
  "log-format": { type: "string" },
  quiet: { type: "boolean", short: "q" },
  verbose: { type: "boolean", short: "v" },
  "strict-exposure": { type: "boolean" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "V" },
} as const;

/**
 * Every long flag the parser knows, as typed (`--spa` also takes `=FILE`).
 * The usage page must mention each; a test holds it to that.
 */
export const CLI_FLAGS: readonly string[] = Object.keys(OPTIONS).map((name) =>
  `--${name}`
);

/** Short flags taking a value, which std's file_server also reads as `-p=N`. */
const SHORT_WITH_VALUE = /^-([pHck])=(.*)$/s;

// Control characters other than horizontal tab: never in a --spa file.
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;

/**
 * Parse berth's command line.
 *
 * `--spa` is a switch (the fallback is `index.html`); `--spa=FILE` names
 * another file. `--spa FILE` does not: the next word stays a positional, so
 * `berth --spa dist` serves `dist`.
 *
 * @param args The arguments after the script name.
 * @param env Environment variables (`PORT` is honored).
 * @returns The options: what the flags set, and the command line's own
 *   defaults ({@linkcode CLI_DEFAULTS}); the library fills in the rest.
 * @throws {UsageError} On an unknown flag, a bad value or a bad combination.
 */
export function parseArgs(
  args: string[],
  env: Record<string, string | undefined> = {},
): CliOptions {
  // node's parseArgs has no optional values: take `--spa=FILE` out first.
  // It reads `-p=N` as the value "=N", where std's file_server (and its
  // users' scripts) mean N.
  let spaFile: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      rest.push(...args.slice(i));
      break;
    }
    const short = SHORT_WITH_VALUE.exec(arg);
    if (arg.startsWith("--spa=")) {
      spaFile = parseSpaFile(arg.slice("--spa=".length));
    } else if (short !== null) {
      rest.push(`-${short[1]}`, short[2]);
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
      tokens: true,
    });
  } catch (error) {
    throw new UsageError(firstLine(error));
  }
  const { values, positionals, tokens } = parsed;
  const spa = spaFile ?? (values.spa ? "index.html" : undefined);

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

  const workers = values.workers === undefined
    ? CLI_DEFAULTS.workers
    : parseWorkers(values.workers);
  if (unix !== undefined && workers !== 1) {
    throw new UsageError("--workers shares a TCP port; not with --unix");
  }
  // Each thread has its own cache: one that hears of a change cannot make
  // the others forget theirs before a page reloads.
  if (values["live-reload"] && workers !== 1) {
    throw new UsageError(
      "--live-reload is for development; not with --workers",
    );
  }
  if (values.quiet && values.verbose) {
    throw new UsageError("--quiet and --verbose cannot be used together");
  }

  // Values are checked in a fixed order: of several bad flags, the same
  // one is always reported.
  const defaultPort = String(CLI_DEFAULTS.listen.port);
  const listen = definedOnly({
    port: unix === undefined
      ? parsePort(
        values.port ?? env.PORT ?? defaultPort,
        values.port === undefined,
      )
      : 0,
    hostname: parseHost(values.host ?? CLI_DEFAULTS.listen.hostname),
    path: unix,
    http2: values["no-http2"] ? false : undefined,
    h2c: values["no-h2c"] ? false : undefined,
  });
  const files: CliFileOptions = definedOnly({
    root: positionals[0] ?? CLI_DEFAULTS.files.root,
    headers: values.header?.map(parseHeader),
    cors: lastSwitch(tokens, "cors"),
    listing: lastSwitch(tokens, "dir-listing"),
    dotfiles: lastSwitch(tokens, "dotfiles"),
    spa,
    cleanUrls: values["clean-urls"],
    compress: values["no-compress"] ? false : undefined,
    siteRules: values["no-site-rules"] ? false : undefined,
    cacheControl: parseCacheControl(values["cache-control"]),
    revalidateMs: parseRevalidate(values.revalidate),
    watch: values["no-watch"] ? false : undefined,
    explain: values.explain,
    liveReload: values["live-reload"],
  });
  const limits: CliLimits = {};
  for (const flag of Object.keys(LIMIT_FLAGS) as LimitFlag[]) {
    const text = values[flag];
    if (text !== undefined) limits[LIMIT_FLAGS[flag]] = parseCount(flag, text);
  }
  return {
    files,
    listen,
    tlsPaths: values.cert === undefined || values.key === undefined
      ? undefined
      : { certPath: values.cert, keyPath: values.key },
    limits,
    workers,
    log: {
      format: values["log-format"] === undefined
        ? CLI_DEFAULTS.log.format
        : parseLogFormat(values["log-format"]),
      verbose: values.verbose ?? CLI_DEFAULTS.log.verbose,
      quiet: values.quiet ?? CLI_DEFAULTS.log.quiet,
    },
    strictExposure: values["strict-exposure"] ?? CLI_DEFAULTS.strictExposure,
    help: values.help ?? CLI_DEFAULTS.help,
    version: values.version ?? CLI_DEFAULTS.version,
  };
}

/**
 * A switch that std's file_server also takes as `--no-NAME`: the last of
 * the two given wins, as there; `undefined` when neither is.
 */
function lastSwitch(
  tokens: readonly { kind: string; name?: string }[],
  name: string,
): boolean | undefined {
  let value: boolean | undefined;
  for (const token of tokens) {
    if (token.kind !== "option") continue;
    if (token.name === name) value = true;
    if (token.name === `no-${name}`) value = false;
  }
  return value;
}

/** The object without its `undefined` fields: what no flag set stays out. */
function definedOnly<T extends object>(object: T): T {
  return Object.fromEntries(
    Object.entries(object).filter(([, value]) => value !== undefined),
  ) as T;
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
  if (!isHeaderName(name)) {
    throw new UsageError(`Invalid --header name: ${JSON.stringify(name)}`);
  }
  if (!isHeaderValue(value)) {
    throw new UsageError(
      `Invalid --header value for ${name}: control characters are not allowed`,
    );
  }
  return `${name}: ${value}`;
}

function parseCacheControl(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const value = text.trim();
  if (value === "" || !isHeaderValue(value)) {
    throw new UsageError(
      `Invalid --cache-control: ${
        JSON.stringify(text)
      } (expected a header value, e.g. "public, max-age=3600")`,
    );
  }
  return value;
}

/** A limit flag's value: a whole number, 1 or more. */
function parseCount(flag: LimitFlag, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || !Number.isSafeInteger(n)) {
    throw new UsageError(
      `Invalid --${flag}: "${text}" (expected a whole number, 1 or more)`,
    );
  }
  return n;
}

/** `--revalidate MS`: 0 (a stat on every request) up to a day. */
function parseRevalidate(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
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
