/**
 * One server as the CLI runs it — static handler, `serve()`, access log —
 * from a plain, structured-cloneable config, so the main thread and each
 * worker thread start it the same way.
 *
 * @module
 */

import { serve, type ServeOptions, type Server } from "../serve.ts";
import {
  createStaticHandler,
  STATIC_INTERNALS,
  type StaticInternals,
} from "../static/static_handler.ts";
import { formatAccessLine } from "./access_log.ts";
import type { CliListenOptions, CliOptions } from "./cli_options.ts";
import type { ListenTarget } from "./listen_error.ts";

/**
 * Where one server listens: the command line's choice, the TLS files' PEM
 * text, and SO_REUSEPORT for worker threads; `serve()`'s names.
 */
export type ServerListenOptions =
  & CliListenOptions
  & Pick<ServeOptions, "cert" | "key" | "reusePort">;

/**
 * Everything a server needs, as the command line gave it (with the TLS
 * files read); only plain data, so it can be posted to a worker.
 */
export interface ServerConfig
  extends Pick<CliOptions, "files" | "limits" | "tlsPaths" | "log"> {
  /** Where to listen. */
  listen: ServerListenOptions;
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
 *   (their paths are `options.tlsPaths`).
 * @returns The config (listening on `options.listen`, without SO_REUSEPORT).
 */
export function serverConfig(
  options: CliOptions,
  tls?: { cert: string; key: string },
): ServerConfig {
  return {
    files: options.files,
    listen: tls === undefined ? options.listen : { ...options.listen, ...tls },
    limits: options.limits,
    tlsPaths: tls === undefined ? undefined : options.tlsPaths,
    log: options.log,
  };
}

/**
 * Where a config listens, as `describeListenError` wants it.
 *
 * @param config The server config.
 * @returns The listen target.
 */
export function listenTarget(config: ServerConfig): ListenTarget {
  return {
    hostname: config.listen.hostname,
    port: config.listen.port,
    path: config.listen.path,
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
 */
export function startServer(
  config: ServerConfig,
  reporter: Reporter,
  workerId?: number,
): Server<Deno.Addr> {
  const { log } = config;
  // One thread says what the site's rules skipped: every worker reads them.
  const speaks = workerId === undefined || workerId === 1;
  const handler = createStaticHandler({
    ...config.files,
    onWarning: speaks ? (message) => reporter.error(message) : undefined,
    onError(error, request) {
      reporter.error(
        `error serving ${request.method} ${new URL(request.url).pathname}: ${
          describe(error, log.verbose)
        }`,
      );
    },
  });
  // The site's rules are read at start, so a bad line is reported then.
  (handler as unknown as { [STATIC_INTERNALS]: StaticInternals })[
    STATIC_INTERNALS
  ].warmUp().catch(() => {});
  const format = { format: log.format, verbose: log.verbose, workerId };
  return serve<Deno.Addr>(handler, {
    ...config.listen,
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
