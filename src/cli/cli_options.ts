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
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { CliFileOptions } from "./cli_options.ts";
 * import { createStaticHandler } from "../static/static_handler.ts";
 *
 * const files: CliFileOptions = { root: ".", spa: "index.html", headers: ["X-A: 1"] };
 * assert.equal(typeof createStaticHandler(files), "function");
 * ```
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
    | "headers"
    | "cors"
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
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LIMIT_FLAGS } from "./cli_options.ts";
 *
 * assert.equal(LIMIT_FLAGS["max-body-bytes"], "maxBodyBytes");
 * ```
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
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { CliLimits } from "./cli_options.ts";
 *
 * const limits: CliLimits = { maxBodyBytes: 10 };
 * assert.equal(limits.maxBodyBytes, 10);
 * ```
 */
export type CliLimits = Pick<ServeLimits, (typeof LIMIT_FLAGS)[LimitFlag]>;

/**
 * Where to listen, in `serve()`'s names: TCP `hostname` and `port`, or a
 * unix socket `path` (then `port` is `0`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { CliListenOptions } from "./cli_options.ts";
 *
 * const listen: CliListenOptions = { hostname: "127.0.0.1", port: 8000 };
 * assert.equal(listen.path, undefined);
 * ```
 */
export interface CliListenOptions
  extends Pick<ServeOptions, "hostname" | "port" | "path"> {
  /** The interface to bind (`--host`). */
  hostname: string;
  /** The TCP port (`--port`, or `$PORT`). */
  port: number;
}

/**
 * The files named by `--cert` and `--key`, kept for messages once their
 * PEM text is read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { TlsPaths } from "./cli_options.ts";
 *
 * const tls: TlsPaths = { certPath: "cert.pem", keyPath: "key.pem" };
 * assert.equal(tls.keyPath, "key.pem");
 * ```
 */
export interface TlsPaths {
  /** The PEM certificate chain file. */
  certPath: string;
  /** The PEM private key file. */
  keyPath: string;
}

/**
 * The access log: its format, as the formatter names it, or none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { CliLogOptions } from "./cli_options.ts";
 *
 * const log: CliLogOptions = { format: "clf", verbose: false, quiet: false };
 * assert.equal(log.format, "clf");
 * ```
 */
export interface CliLogOptions
  extends Pick<AccessLogFormat, "format" | "verbose"> {
  /** No access log (`--quiet`). */
  quiet: boolean;
}

/**
 * What the command line asks for.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CLI_DEFAULTS, type CliOptions } from "./cli_options.ts";
 *
 * const options: CliOptions = { ...CLI_DEFAULTS, workers: "auto" };
 * assert.equal(options.files.root, "static");
 * ```
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
  /** Print usage and exit. */
  help: boolean;
  /** Print the version and exit. */
  version: boolean;
}

/**
 * What the command line asks for without flags: its own defaults (ROOT
 * `static`, `127.0.0.1:8000`, one thread, the `text` log). Every other
 * default is the library's.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CLI_DEFAULTS } from "./cli_options.ts";
 * import { parseArgs } from "./parse_args.ts";
 *
 * assert.deepEqual(parseArgs([]), CLI_DEFAULTS);
 * ```
 */
export const CLI_DEFAULTS: Readonly<CliOptions> = Object.freeze({
  files: Object.freeze({ root: "static" }),
  listen: Object.freeze({ hostname: "127.0.0.1", port: 8000 }),
  tlsPaths: undefined,
  limits: Object.freeze({}),
  workers: 1,
  log: Object.freeze({ format: "text", verbose: false, quiet: false }),
  help: false,
  version: false,
});
