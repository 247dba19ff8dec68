/**
 * One server as the CLI runs it — static handler, `serve()`, access log —
 * from a plain, structured-cloneable config, so the main thread and each
 * worker thread start it the same way.
 *
 * @module
 */

import { serve, type Server } from "../serve.ts";
import { createStaticHandler } from "../static/static_handler.ts";
import { formatAccessLine } from "./access_log.ts";
import type { ListenTarget } from "./listen_error.ts";
import type { CliOptions, LogFormat } from "./parse_args.ts";

/** Everything a server needs; only plain data, so it can be posted to a worker. */
export interface ServerConfig {
  /** The folder served. */
  root: string;
  /** Options of the static handler. */
  files: {
    /** Serve dotfiles. */
    dotfiles: boolean;
    /** Folder listings. */
    listing: boolean;
    /** The SPA fallback, or `false`. */
    spa: string | false;
    /** Clean URLs. */
    cleanUrls: boolean;
    /** Compression. */
    compress: boolean;
    /** One Cache-Control for every file, or the default policy. */
    cacheControl: string | undefined;
    /** The staleness bound of the file cache, in ms. */
    revalidateMs: number;
    /** `"Name: value"` lines added to every response. */
    headers: string[];
    /** CORS. */
    cors: boolean;
  };
  /** Where to listen. */
  listen: {
    /** The interface (TCP). */
    hostname: string;
    /** The port (TCP). */
    port: number;
    /** A unix socket path instead of TCP. */
    path: string | undefined;
    /** TLS certificate chain, PEM text. */
    cert: string | undefined;
    /** TLS private key, PEM text. */
    key: string | undefined;
    /** SO_REUSEPORT, for worker threads. */
    reusePort: boolean;
  };
  /** The engine's limits. */
  limits: {
    /** See `ServeLimits.maxConnections`. */
    maxConnections: number;
    /** See `ServeLimits.maxBodyBytes`. */
    maxBodyBytes: number;
    /** See `ServeLimits.headersTimeoutMs`. */
    headersTimeoutMs: number;
    /** See `ServeLimits.bodyTimeoutMs`. */
    bodyTimeoutMs: number;
    /** See `ServeLimits.sendTimeoutMs`. */
    sendTimeoutMs: number;
    /** See `ServeLimits.keepAliveTimeoutMs`. */
    keepAliveTimeoutMs: number;
    /** See `ServeLimits.shutdownTimeoutMs`. */
    shutdownTimeoutMs: number;
  };
  /** The TLS files' paths, for error messages. */
  tlsPaths: { certPath: string; keyPath: string } | undefined;
  /** The access log. */
  log: {
    /** Line format. */
    format: LogFormat;
    /** More detail. */
    verbose: boolean;
    /** No access log at all. */
    quiet: boolean;
  };
}

/** Where a server's output goes. Neither method may throw. */
export interface Reporter {
  /** One access log line, without its newline. */
  access(line: string): void;
  /** One error message (it may span lines with `verbose`). */
  error(message: string): void;
}

/**
 * The server config for parsed command-line options.
 *
 * @param options The command line.
 * @param tls The certificate and key, as PEM text, when serving HTTPS
 *   (their paths are `options.cert` and `options.key`).
 * @returns The config (listening on `options.port`, without SO_REUSEPORT).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseArgs } from "./parse_args.ts";
 * import { serverConfig } from "./start_server.ts";
 * const config = serverConfig(parseArgs(["site", "--no-compress"]));
 * assert.equal(config.root, "site");
 * assert.equal(config.files.compress, false);
 * ```
 */
export function serverConfig(
  options: CliOptions,
  tls?: { cert: string; key: string },
): ServerConfig {
  return {
    root: options.root,
    files: {
      dotfiles: options.dotfiles,
      listing: options.dirListing,
      spa: options.spa,
      cleanUrls: options.cleanUrls,
      compress: options.compress,
      cacheControl: options.cacheControl,
      revalidateMs: options.revalidateMs,
      headers: options.headers,
      cors: options.cors,
    },
    listen: {
      hostname: options.host,
      port: options.port,
      path: options.unix,
      cert: tls?.cert,
      key: tls?.key,
      reusePort: false,
    },
    limits: {
      maxConnections: options.maxConnections,
      maxBodyBytes: options.maxBodyBytes,
      headersTimeoutMs: options.headersTimeoutMs,
      bodyTimeoutMs: options.bodyTimeoutMs,
      sendTimeoutMs: options.sendTimeoutMs,
      keepAliveTimeoutMs: options.keepAliveTimeoutMs,
      shutdownTimeoutMs: options.shutdownTimeoutMs,
    },
    tlsPaths: tls === undefined || options.cert === undefined ||
        options.key === undefined
      ? undefined
      : { certPath: options.cert, keyPath: options.key },
    log: {
      format: options.logFormat,
      verbose: options.verbose,
      quiet: options.quiet,
    },
  };
}

/**
 * Where a config listens, as `describeListenError` wants it.
 *
 * @param config The server config.
 * @returns The listen target.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseArgs } from "./parse_args.ts";
 * import { listenTarget, serverConfig } from "./start_server.ts";
 * const target = listenTarget(serverConfig(parseArgs(["--unix", "/tmp/s"])));
 * assert.equal(target.unix, "/tmp/s");
 * ```
 */
export function listenTarget(config: ServerConfig): ListenTarget {
  return {
    hostname: config.listen.hostname,
    port: config.listen.port,
    unix: config.listen.path,
    tls: config.tlsPaths,
  };
}

function describe(error: unknown, verbose: boolean): string {
  if (verbose && error instanceof Error && error.stack) return error.stack;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Start serving `config`.
 *
 * @param config What to serve, where, how.
 * @param reporter Where access log lines and errors go.
 * @param workerId The worker thread's number, for verbose log lines.
 * @returns The running server.
 * @throws What `serve()` throws when it cannot listen (`AddrInUse`, …).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseArgs } from "./parse_args.ts";
 * import { serverConfig, startServer } from "./start_server.ts";
 * const lines: string[] = [];
 * const config = serverConfig(parseArgs([".", "--port", "0"]));
 * const server = startServer(config, { access: (l) => lines.push(l), error() {} });
 * const { port } = server.addr as Deno.NetAddr;
 * const response = await fetch(`http://127.0.0.1:${port}/no-such-file`);
 * await response.body?.cancel();
 * assert.equal(response.status, 404);
 * await server.shutdown();
 * assert.match(lines[0], /^GET \/no-such-file 404 /);
 * ```
 */
export function startServer(
  config: ServerConfig,
  reporter: Reporter,
  workerId?: number,
): Server<Deno.Addr> {
  const { files, listen, log } = config;
  const handler = createStaticHandler({
    root: config.root,
    dotfiles: files.dotfiles,
    listing: files.listing,
    spa: files.spa,
    cleanUrls: files.cleanUrls,
    compress: files.compress,
    cacheControl: files.cacheControl,
    revalidateMs: files.revalidateMs,
    headers: files.headers,
    cors: files.cors,
    onError(error, request) {
      reporter.error(
        `error serving ${request.method} ${new URL(request.url).pathname}: ${
          describe(error, log.verbose)
        }`,
      );
    },
  });
  const format = { format: log.format, verbose: log.verbose, workerId };
  return serve<Deno.Addr>(handler, {
    hostname: listen.hostname,
    port: listen.port,
    path: listen.path,
    cert: listen.cert,
    key: listen.key,
    reusePort: listen.reusePort || undefined,
    ...config.limits,
    onListen() {},
    onError(error) {
      reporter.error(
        `error answering a request: ${describe(error, log.verbose)}`,
      );
      return new Response("Internal Server Error\n", {
        status: 500,
        headers: { "content-type": "text/plain; charset=utf-8" },
      });
    },
    onResponse: log.quiet
      ? undefined
      : (entry) => reporter.access(formatAccessLine(entry, format)),
  });
}
