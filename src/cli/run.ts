/**
 * Run the server the command line asks for: check the folder, permissions
 * and TLS files, start one server (or a supervisor of worker threads),
 * print the banner, log, and stop gracefully on SIGINT/SIGTERM.
 *
 * @module
 */

// deno-lint-ignore-file no-console -- this is the CLI's own output: banner, notices and errors
import { fileURLToPath } from "node:url";
import { resolveLimits } from "../http1/limits.ts";
import type { Server } from "../serve.ts";
import { resolveStaticOptions } from "../static/options.ts";
import { containmentMode } from "../static/pinned_directory.ts";
import {
  bannerLines,
  displayPath,
  networkInterfaces,
  useColor,
} from "./banner.ts";
import { reportExposure } from "./exposure_report.ts";
import { leastPrivilegeHint } from "./least_privilege.ts";
import { describeListenError } from "./listen_error.ts";
import { LogWriter } from "./log_writer.ts";
import type { CliOptions, TlsPaths } from "./cli_options.ts";
import { missingPermission, type PermissionPlan } from "./permissions.ts";
import { onStopSignals, signalExitCode, type StopSignal } from "./signals.ts";
import {
  listenTarget,
  type Reporter,
  type ServerConfig,
  serverConfig,
  startServer,
} from "./start_server.ts";
import {
  reusePortAllowed,
  reusePortBalances,
  Supervisor,
  WORKER_MODULE,
} from "./workers.ts";

function error(message: string): void {
  console.error(`berth: ${message}`);
}

function reason(e: unknown): string {
  if (e instanceof Deno.errors.NotFound) return "no such file";
  if (e instanceof Deno.errors.IsADirectory) return "it is a folder";
  if (e instanceof Deno.errors.PermissionDenied) {
    return "the system denied access";
  }
  return e instanceof Error ? e.message : String(e);
}

/** The folder to serve, checked: `null` when fine, else the message. */
async function checkRoot(root: string): Promise<string | null> {
  try {
    if ((await Deno.stat(root)).isDirectory) return null;
    return `not a folder: ${displayPath(root)}`;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      return `folder not found: ${displayPath(root)}`;
    }
    return `cannot read ${displayPath(root)}: ${reason(e)}`;
  }
}

/** A unix socket path must be free or hold a socket, never a file. */
async function checkSocketPath(
  path: string | undefined,
): Promise<string | null> {
  if (path === undefined) return null;
  try {
    const info = await Deno.lstat(path);
    if (info.isSocket) return null;
    return `${path} exists and is not a socket; choose another --unix path`;
  } catch {
    return null; // Absent (or unreadable): listening will tell.
  }
}

async function readTls(
  paths: TlsPaths | undefined,
): Promise<{ cert: string; key: string } | string | undefined> {
  if (paths === undefined) return;
  const files = [
    [paths.certPath, "certificate"],
    [paths.keyPath, "key"],
  ] as const;
  const texts: string[] = [];
  for (const [path, what] of files) {
    try {
      texts.push(await Deno.readTextFile(path));
    } catch (e) {
      return `cannot read the TLS ${what} ${displayPath(path)}: ${reason(e)}`;
    }
  }
  return { cert: texts[0], key: texts[1] };
}

function workerCount(options: CliOptions): number | string {
  let count = options.workers === "auto"
    ? navigator.hardwareConcurrency
    : options.workers;
  if (count > 1 && !reusePortBalances(Deno.build.os)) {
    error(
      `--workers needs SO_REUSEPORT to share a port, which Deno supports on Linux only; serving from one thread on ${Deno.build.os}`,
    );
    count = 1;
  }
  if (count > 1 && !reusePortAllowed()) {
    return `--workers needs SO_REUSEPORT, which Deno 2.9 keeps behind a flag: add --unstable-net (or "unstable": ["net"] to deno.json)`;
  }
  return count;
}

function settingsLine(config: ServerConfig, workers: number): string {
  // What the handler and serve() will use: the flags, then their defaults.
  const files = resolveStaticOptions(config.files);
  const limits = resolveLimits(config.limits);
  const on = (flag: boolean) => flag ? "on" : "off";
  return `settings: root ${displayPath(files.root)}, workers ${workers}, ` +
    `compress ${on(files.compress !== false)}, cors ${on(files.cors)}, ` +
    `dir listing ${on(files.listing)}, dotfiles ${on(files.dotfiles)}, ` +
    `spa ${files.spa === null ? "off" : files.spa.join("/")}, ` +
    `clean urls ${on(files.cleanUrls)}, ` +
    `live reload ${on(files.liveReload)}, ` +
    `cache-control ${
      typeof files.cacheControl === "string" ? files.cacheControl : "default"
    }, ` +
    `headers ${files.headers.length}, ` +
    `max connections ${limits.maxConnections}, ` +
    `max body ${limits.maxBodyBytes} B, ` +
    `headers timeout ${limits.headersTimeoutMs} ms, ` +
    `body timeout ${limits.bodyTimeoutMs} ms, ` +
    `send timeout ${limits.sendTimeoutMs} ms, ` +
    `keep-alive timeout ${limits.keepAliveTimeoutMs} ms, ` +
    `shutdown timeout ${limits.shutdownTimeoutMs} ms, ` +
    `log ${config.log.quiet ? "off" : config.log.format}`;
}

/** How long in-flight responses may run once asked to stop. */
function shutdownTimeoutMs(config: ServerConfig): number {
  return resolveLimits(config.limits).shutdownTimeoutMs;
}

/** How the server ended: a stop signal, or a failure message. */
type Outcome = { signal: StopSignal } | { failure: string };

/** A started server, whatever runs it. */
interface Running {
  addr: Deno.Addr;
  ended: Promise<Outcome>;
  stop(): Promise<void>;
}

function startOnMainThread(
  config: ServerConfig,
  reporter: Reporter,
  signal: Promise<StopSignal>,
): Running | string {
  let server: Server<Deno.Addr>;
  try {
    server = startServer(config, reporter);
  } catch (e) {
    return describeListenError(e, listenTarget(config));
  }
  return {
    addr: server.addr,
    ended: signal.then((signal) => ({ signal })),
    stop: () => server.shutdown(),
  };
}

async function startWorkers(
  config: ServerConfig,
  count: number,
  log: LogWriter,
  signal: Promise<StopSignal>,
): Promise<Running | string> {
  const supervisor = new Supervisor({
    count,
    config,
    onLog: (text) => log.write(text),
    onError: error,
  });
  let addr: Deno.NetAddr;
  try {
    addr = await supervisor.start();
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  return {
    addr,
    ended: Promise.race([
      signal.then((signal) => ({ signal })),
      supervisor.gaveUp.then((failure) => ({ failure })),
    ]),
    // The workers enforce the deadline; the margin is for their goodbyes.
    stop: () => supervisor.shutdown(shutdownTimeoutMs(config) + 2000),
  };
}

/**
 * Serve as `options` say until SIGINT/SIGTERM (or a failure).
 *
 * @param options The parsed command line (not `--help`/`--version`).
 * @returns The exit status: 0 after a graceful stop, 1 when berth could not
 *   serve. A second signal exits the process at once (130 or 143).
 */
export async function run(options: CliOptions): Promise<number> {
  const workers = workerCount(options);
  if (typeof workers === "string") {
    error(workers);
    return 1;
  }

  /** Said at start when berth cannot hold a directory while it opens a file. */
  const PATH_MODE_NOTE =
    "Note: with these permissions berth cannot hold a directory while it opens a file in it, so a symlink swapped in by someone writing inside the root is refused on a best-effort basis only; read access to the working directory narrows it far more, and --allow-all on Linux closes it (README, Security defaults)";

  const { files, listen, tlsPaths } = options;
  const plan: PermissionPlan = {
    root: files.root,
    listen: listen.path === undefined
      ? { transport: "tcp", hostname: listen.hostname, port: listen.port }
      : { transport: "unix", path: listen.path },
    tlsFiles: tlsPaths === undefined ? [] : [
      { path: tlsPaths.certPath, what: "certificate" },
      { path: tlsPaths.keyPath, what: "key" },
    ],
    modulesDir: workers > 1 && WORKER_MODULE.protocol === "file:"
      ? fileURLToPath(new URL("../", WORKER_MODULE)).replace(/[\\/]$/, "")
      : undefined,
  };
  const missing = await missingPermission(plan);
  if (missing !== null) {
    error(missing);
    return 1;
  }
  const badRoot = await checkRoot(files.root);
  if (badRoot !== null) {
    error(badRoot);
    return 1;
  }
  const badSocket = await checkSocketPath(listen.path);
  if (badSocket !== null) {
    error(badSocket);
    return 1;
  }
  const tls = await readTls(tlsPaths);
  if (typeof tls === "string") {
    error(tls);
    return 1;
  }
  // Once, here in the main thread, whatever the number of workers.
  const exposed = await reportExposure(
    files.root,
    resolveStaticOptions(files),
    error,
  );
  if (options.strictExposure && exposed !== 0) {
    error(
      "--strict-exposure: not starting while the exposure audit is not clean",
    );
    return 1;
  }

  const config = serverConfig(options, tls);
  const log = new LogWriter(Deno.stdout);
  const reporter: Reporter = {
    access: (line) => log.write(line + "\n"),
    error,
  };
  const stopSignal = Promise.withResolvers<StopSignal>();
  const disposeSignals = onStopSignals(
    (signal) => stopSignal.resolve(signal),
    (signal) => Deno.exit(signalExitCode(signal)),
  );
  try {
    const running = workers > 1
      ? await startWorkers(config, workers, log, stopSignal.promise)
      : startOnMainThread(config, reporter, stopSignal.promise);
    if (typeof running === "string") {
      error(running);
      return 1;
    }

    console.log(
      bannerLines({
        addr: running.addr,
        secure: tls !== undefined,
        http2: config.listen.http2 !== false,
        root: files.root,
        workers,
        interfaces: running.addr.transport === "tcp" &&
            (running.addr.hostname === "0.0.0.0" ||
              running.addr.hostname === "::")
          ? networkInterfaces()
          : null,
        color: useColor(),
        explain: files.explain,
        liveReload: files.liveReload,
      }).join("\n"),
    );
    const hint = leastPrivilegeHint(plan, { workers, color: useColor() });
    if (hint.length > 0) console.log(hint.join("\n"));
    if (options.log.verbose) error(settingsLine(config, workers));
    if (containmentMode() === "path") error(PATH_MODE_NOTE);

    const outcome = await running.ended;
    // Stop accepting first, then say so.
    const stopped = running.stop();
    if ("failure" in outcome) {
      error(outcome.failure);
    } else {
      error(
        `${outcome.signal}: stopping; in-flight responses get up to ${
          shutdownTimeoutMs(config)
        } ms (${outcome.signal} again exits now)`,
      );
    }
    await stopped;
    await log.flush();
    return "failure" in outcome ? 1 : 0;
  } finally {
    disposeSignals();
  }
}
