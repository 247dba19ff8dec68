/**
 * What the command line asks for, in the library's own option names and
 * types: the static handler's options, `serve()`'s listen options and
 * limits, the access log's format. What no flag sets is left out, so the
 * library's defaults apply; only the command line's own defaults are here.
 *
 * Everything is plain data: a worker thread gets a copy (see
 * `worker_protocol.ts`).
 *
 * @module
 */

import type { ServeLimits } from "../http1/limits.ts";
import type { ServeOptions } from "../serve.ts";
import type { StaticHandlerOptions } from "../static/options.ts";
import type { AccessLogFormat } from "./access_log.ts";

/**
 * The static handler options the flags set, narrowed to what a flag gives
 * (strings, not functions or records).
 */
export interface CliFileOptions extends
  Pick<
    StaticHandlerOptions,
    | "root"
    | "dotfiles"
    | "listing"
    | "spa"
    | "cleanUrls"
    | "compress"
    | "cacheControl"
    | "revalidateMs"
    | "watch"
    | "headers"
    | "cors"
    | "siteRules"
    | "explain"
    | "liveReload"
  > {
  /** The folder to serve (ROOT). */
  root: string;
  /** The SPA fallback under ROOT: `"index.html"` for `--spa`. */
  spa?: string;
  /** `false` with `--no-compress`. */
  compress?: boolean;
  /** One `Cache-Control` value for every file. */
  cacheControl?: string;
  /** Validated `"Name: value"` lines, one per `--header`. */
  headers?: string[];
}

/**
 * The limit flags, each naming the `serve()` limit it sets: the one place
 * a limit is made a flag.
 */
export const LIMIT_FLAGS = Object.freeze(
  {
    "max-connections": "maxConnections",
    "max-body-bytes": "maxBodyBytes",
    "headers-timeout": "headersTimeoutMs",
    "body-timeout": "bodyTimeoutMs",
    "send-timeout": "sendTimeoutMs",
    "keep-alive-timeout": "keepAliveTimeoutMs",
    "shutdown-timeout": "shutdownTimeoutMs",
  } as const satisfies Record<string, keyof ServeLimits>,
);

/** A limit flag's name, without its dashes. */
export type LimitFlag = keyof typeof LIMIT_FLAGS;

/**
 * The `serve()` limits the flags set.
 */
export type CliLimits = Pick<ServeLimits, (typeof LIMIT_FLAGS)[LimitFlag]>;

/**
 * Where to listen, in `serve()`'s names: TCP `hostname` and `port`, or a
 * unix socket `path` (then `port` is `0`); and the protocols spoken there
 * (`http2: false` with `--no-http2`, `h2c: false` with `--no-h2c`).
 */
export interface CliListenOptions
  extends Pick<ServeOptions, "hostname" | "port" | "path" | "http2" | "h2c"> {
  /** The interface to bind (`--host`). */
  hostname: string;
  /** The TCP port (`--port`, or `$PORT`). */
  port: number;
}

/**
 * The files named by `--cert` and `--key`, kept for messages once their
 * PEM text is read.
 */
export interface TlsPaths {
  /** The PEM certificate chain file. */
  certPath: string;
  /** The PEM private key file. */
  keyPath: string;
}

/**
 * The access log: its format, as the formatter names it, or none.
 */
export interface CliLogOptions
  extends Pick<AccessLogFormat, "format" | "verbose"> {
  /** No access log (`--quiet`). */
  quiet: boolean;
}

/**
 * What the command line asks for.
 */
export interface CliOptions {
  /** The static handler's options: ROOT and the response flags. */
  files: CliFileOptions;
  /** Where to listen. */
  listen: CliListenOptions;
  /** `--cert` and `--key`, or `undefined` for plain HTTP. */
  tlsPaths: TlsPaths | undefined;
  /** The limit flags given. */
  limits: CliLimits;
  /** Threads serving the port; `"auto"` is one per core. */
  workers: number | "auto";
  /** The access log. */
  log: CliLogOptions;
  /**
   * Refuse to start while the exposure audit finds something served that
   * should never be public (`--strict-exposure`).
   */
  strictExposure: boolean;
  /** Print usage and exit. */
  help: boolean;
  /** Print the version and exit. */
  version: boolean;
}

/**
 * What the command line asks for without flags: its own defaults (ROOT
 * `static`, `127.0.0.1:8000`, one thread, the `text` log). Every other
 * default is the library's.
 */
export const CLI_DEFAULTS: Readonly<CliOptions> = Object.freeze({
  files: Object.freeze({ root: "static" }),
  listen: Object.freeze({ hostname: "127.0.0.1", port: 8000 }),
  tlsPaths: undefined,
  limits: Object.freeze({}),
  workers: 1,
  log: Object.freeze({ format: "text", verbose: false, quiet: false }),
  strictExposure: false,
  help: false,
  version: false,
});
