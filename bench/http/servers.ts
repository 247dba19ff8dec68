/**
 * The server registry and process lifecycle: each server has a name, a
 * start command, its own port and a ready check. A server is started as its
 * own process, polled until its port answers (bounded), and stopped by PID
 * (SIGTERM, then SIGKILL, then any leftover descendant). A server whose
 * process exits before it is ready is "n/a" with the reason (exit 2: the CLI
 * rejected a flag; exit 3: berth's static handler is not importable yet).
 *
 * @module
 */

import { join } from "node:path";
import { isPortFree, sleep } from "../../support/net.ts";
import { openFileLimitSync } from "../../support/procfs.ts";
import { cmdlineHas, processTree } from "../../support/process_tree.ts";
import { httpGet } from "./http_probe.ts";

/** Paths the registry needs. */
export interface BenchPaths {
  /** Repository root (absolute). */
  repo: string;
  /** Fixture site root (absolute). */
  site: string;
  /** `bench/out` (absolute). */
  out: string;
}

/** One server of the comparison. */
export interface ServerSpec {
  /** Short id used in tables and JSON. */
  name: string;
  /** What it is. */
  label: string;
  port: number;
  /** `[program, ...args]`. */
  command: string[];
  /** Write config files before starting (nginx). */
  prepare?: () => Promise<void>;
  /** Why an early exit with this code means "n/a". */
  naExitCodes?: Record<number, string>;
  /** Text its process's cmdline contains (guards kill-by-PID). */
  cmdlineMarker: string;
}

const BASE_PORT = 18101;
/** Blocks of ports tried by {@linkcode freeBasePort}: 18101, 18201, … */
const PORT_BLOCKS = 10;

/**
 * The first base port whose whole block of `count` ports is free on
 * 127.0.0.1, so that a run on a shared machine does not meet a server someone
 * else left on the default ports.
 *
 * @param count How many consecutive ports the registry needs.
 * @returns The base port, or the default one when no block is free.
 */
export function freeBasePort(count: number): number {
  for (let block = 0; block < PORT_BLOCKS; block++) {
    const base = BASE_PORT + 100 * block;
    let free = true;
    for (let port = base; port < base + count && free; port++) {
      free = isPortFree(port);
    }
    if (free) return base;
  }
  return BASE_PORT;
}

/**
 * Every server of the harness.
 *
 * @param p Paths.
 * @param basePort The first server's port; the others follow it (another
 *   base lets a run share the machine with one on the default ports).
 * @returns The registry, in display order.
 */
export function serverRegistry(
  p: BenchPaths,
  basePort: number = BASE_PORT,
): ServerSpec[] {
  const limit = openFileLimitSync();
  const nofile = Number.isFinite(limit) ? limit : 65536;
  const deno = Deno.execPath();
  const allowRead = `--allow-read=${p.repo}`;
  const script = (name: string, ...args: string[]) => [
    deno,
    "run",
    "--allow-net=127.0.0.1",
    allowRead,
    join(p.repo, "bench/servers", name),
    ...args,
  ];
  const cliOn = (root: string, port: number, ...extra: string[]) => [
    deno,
    "run",
    "--allow-net",
    "--allow-read",
    join(p.repo, "main.ts"),
    root,
    "--port",
    String(port),
    "--host",
    "127.0.0.1",
    ...extra,
  ];
  // No access log, as nginx runs with `access_log off`.
  const cli = (port: number, ...extra: string[]) =>
    cliOn(p.site, port, "--quiet", ...extra);
  const idleLimits = [
    "--max-connections",
    "20000",
    "--keep-alive-ms",
    "300000",
    "--headers-timeout-ms",
    "300000",
  ];
  const noHandler = { 3: "berth's static handler is not importable yet" };
  const nginx = (name: string, port: number, workers: string): ServerSpec => {
    const dir = join(p.out, name);
    const conf = join(dir, "nginx.conf");
    return {
      name,
      label: `nginx, worker_processes ${workers}, open_file_cache, sendfile`,
      port,
      command: [
        "nginx",
        "-p",
        dir + "/",
        "-c",
        conf,
        "-e",
        join(dir, "error.log"),
      ],
      cmdlineMarker: "nginx",
      async prepare() {
        await Deno.mkdir(dir, { recursive: true });
        const template = await Deno.readTextFile(
          join(p.repo, "bench/nginx/nginx.conf.template"),
        );
        await Deno.writeTextFile(
          conf,
          template.replaceAll("{{WORKERS}}", workers)
            .replaceAll("{{DIR}}", dir)
            .replaceAll("{{PORT}}", String(port))
            .replaceAll("{{NOFILE}}", String(nofile))
            .replaceAll("{{ROOT}}", p.site),
        );
      },
    };
  };
  let port = basePort;
  return [
    {
      name: "berth",
      label: "berth CLI (main.ts)",
      port: port++,
      command: cli(basePort),
      cmdlineMarker: "main.ts",
    },
    {
      name: "berth-r60",
      label: "berth CLI --revalidate 60000 (nginx's open_file_cache_valid)",
      port: port,
      command: cli(port++, "--revalidate", "60000"),
      naExitCodes: { 2: "the CLI rejects --revalidate (exit 2)" },
      cmdlineMarker: "main.ts",
    },
    {
      name: "berth-poll",
      label: "berth CLI --no-watch (polls instead of watching)",
      port: port,
      command: cli(port++, "--no-watch"),
      naExitCodes: { 2: "the CLI rejects --no-watch (exit 2)" },
      cmdlineMarker: "main.ts",
    },
    {
      name: "berth-w2",
      label: "berth CLI --workers 2",
      port: port,
      command: cli(port++, "--workers", "2"),
      naExitCodes: { 2: "the CLI rejects --workers (exit 2)" },
      cmdlineMarker: "main.ts",
    },
    {
      name: "berth-lib",
      label: "berth serve() + createStaticHandler (stands in for the CLI)",
      port: port,
      command: script(
        "static.ts",
        "--engine",
        "berth",
        "--port",
        String(port++),
        "--root",
        p.site,
      ),
      naExitCodes: noHandler,
      cmdlineMarker: "static.ts",
    },
    {
      name: "deno-static",
      label: "Deno.serve + berth's createStaticHandler",
      port: port,
      command: script(
        "static.ts",
        "--engine",
        "deno",
        "--port",
        String(port++),
        "--root",
        p.site,
      ),
      naExitCodes: noHandler,
      cmdlineMarker: "static.ts",
    },
    {
      name: "deno-const",
      label: "Deno.serve, files preloaded in memory (ceiling)",
      port: port,
      command: script(
        "constant.ts",
        "--port",
        String(port++),
        "--root",
        p.site,
      ),
      cmdlineMarker: "constant.ts",
    },
    {
      name: "deno-floor",
      label: "bare Deno.listen loop, no HTTP semantics (the runtime's floor)",
      port: port,
      command: script("floor.ts", "--port", String(port++), "--root", p.site),
      cmdlineMarker: "floor.ts",
    },
    {
      name: "deno-naive",
      label: "Deno.serve, stat + open per request",
      port: port,
      command: script("naive.ts", "--port", String(port++), "--root", p.site),
      cmdlineMarker: "naive.ts",
    },
    nginx("nginx-1w", port++, "1"),
    nginx("nginx-auto", port++, "auto"),
    {
      name: "berth-generic",
      label: "tiny handler on berth serve()",
      port: port,
      command: script(
        "generic.ts",
        "--engine",
        "berth",
        "--port",
        String(port++),
      ),
      cmdlineMarker: "generic.ts",
    },
    {
      name: "deno-generic",
      label: "tiny handler on Deno.serve",
      port: port,
      command: script(
        "generic.ts",
        "--engine",
        "deno",
        "--port",
        String(port++),
      ),
      cmdlineMarker: "generic.ts",
    },
    {
      name: "berth-idle",
      label:
        "berth serve() + createStaticHandler, limits raised for 10k idle connections",
      port: port,
      command: script(
        "static.ts",
        "--engine",
        "berth",
        "--port",
        String(port++),
        "--root",
        p.site,
        ...idleLimits,
      ),
      naExitCodes: noHandler,
      cmdlineMarker: "static.ts",
    },
    {
      name: "berth-idle-generic",
      label:
        "tiny handler on berth serve(), limits raised (when the static handler is n/a)",
      port: port,
      command: script(
        "generic.ts",
        "--engine",
        "berth",
        "--port",
        String(port++),
        ...idleLimits,
      ),
      cmdlineMarker: "generic.ts",
    },
    {
      name: "berth-site",
      label: "berth CLI on the default site (`static/`), access log on",
      port: port,
      command: cliOn(join(p.repo, "static"), port++),
      cmdlineMarker: "main.ts",
    },
    {
      name: "deno-fair-floor",
      label: "the floor taking turns as berth's connections do (its TurnGate)",
      port: port,
      command: script(
        "floor.ts",
        "--port",
        String(port++),
        "--root",
        p.site,
        "--fair",
      ),
      cmdlineMarker: "floor.ts",
    },
  ];
}

/** A started (or failed) server. */
export interface ServerHandle {
  spec: ServerSpec;
  /** "ok" when it answered; otherwise why not. */
  state: "ok" | "n/a";
  reason?: string;
  pid?: number;
  child?: Deno.ChildProcess;
}

/** Records live PIDs in `bench/out/pids` so `run.sh` can clean up after a crash. */
export class PidFile {
  #path: string;
  #pids = new Map<number, string>();
  /** @param path The file. */
  constructor(path: string) {
    this.#path = path;
  }
  /** Add a PID with its cmdline marker. */
  add(pid: number, marker: string): void {
    this.#pids.set(pid, marker);
    this.#write();
  }
  /** Forget a PID. */
  remove(pid: number): void {
    this.#pids.delete(pid);
    this.#write();
  }
  #write() {
    const text = [...this.#pids].map(([pid, m]) => `${pid} ${m}\n`).join("");
    Deno.writeTextFileSync(this.#path, text);
  }
}

/**
 * Start a server and wait (bounded: 150 × 100 ms) until its port answers.
 *
 * @returns Its handle; `state: "n/a"` when it could not start.
 */
export async function startServer(
  spec: ServerSpec,
  logDir: string,
  pidFile: PidFile,
): Promise<ServerHandle> {
  if (!isPortFree(spec.port)) {
    return { spec, state: "n/a", reason: `port ${spec.port} is busy` };
  }
  await spec.prepare?.();
  const [program, ...args] = spec.command;
  const child = new Deno.Command(program, {
    args,
    cwd: logDir,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const handle: ServerHandle = { spec, state: "ok", pid: child.pid, child };
  pidFile.add(child.pid, spec.cmdlineMarker);
  const logPath = join(logDir, `${spec.name}.log`);
  const log = await Deno.open(logPath, {
    write: true,
    create: true,
    truncate: true,
  });
  const err = await Deno.open(join(logDir, `${spec.name}.stderr.log`), {
    write: true,
    create: true,
    truncate: true,
  });
  child.stdout.pipeTo(log.writable).catch(() => {});
  child.stderr.pipeTo(err.writable).catch(() => {});
  let exit: Deno.CommandStatus | undefined;
  child.status.then((s) => exit = s);
  for (let attempt = 0; attempt < 150; attempt++) {
    if (exit !== undefined) break;
    try {
      await httpGet(spec.port, "/", { timeoutMs: 1000, maxBytes: 1 });
      return handle;
    } catch {
      await sleep(100);
    }
  }
  await sleep(50);
  let why = exit === undefined
    ? "did not answer within 15 s"
    : spec.naExitCodes?.[exit.code] ?? `exited with code ${exit.code}`;
  try {
    const text = await Deno.readTextFile(
      join(logDir, `${spec.name}.stderr.log`),
    );
    const line = text.trim().split("\n").filter((l) => l.trim()).at(-1);
    if (line) why += ` — "${line.trim().slice(0, 160)}"`;
  } catch {
    // no log
  }
  await stopServer(handle, pidFile);
  return { spec, state: "n/a", reason: why };
}

/** Stop a server by PID: SIGTERM, up to 3 s, SIGKILL; then leftovers. */
export async function stopServer(
  handle: ServerHandle,
  pidFile: PidFile,
): Promise<void> {
  const { child, pid } = handle;
  if (child === undefined || pid === undefined) return;
  const tree = processTree(pid).filter((p) =>
    cmdlineHas(p, handle.spec.cmdlineMarker)
  );
  const done = child.status.then(() => true);
  try {
    child.kill("SIGTERM");
  } catch {
    // already gone
  }
  const exited = await Promise.race([done, sleep(3000).then(() => false)]);
  if (!exited) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
    await Promise.race([done, sleep(2000)]);
  }
  for (const p of tree) {
    if (p !== pid && cmdlineHas(p, handle.spec.cmdlineMarker)) {
      try {
        Deno.kill(p, "SIGKILL");
      } catch {
        // gone
      }
    }
  }
  pidFile.remove(pid);
  handle.child = undefined;
}

/**
 * Start `specs` in turn, run `fn` with their handles, and stop every server
 * started, whatever happens: for the one-off benchmarks beside the harness.
 * A server that does not come up is an error (the others are stopped).
 *
 * @param specs The servers, in the order `fn` gets their handles.
 * @param out The folder for their logs and PID file.
 * @param fn What to do while they run.
 * @returns What `fn` returns.
 */
export async function withServers<T>(
  specs: readonly ServerSpec[],
  out: string,
  fn: (handles: ServerHandle[]) => Promise<T>,
): Promise<T> {
  const pidFile = new PidFile(join(out, "pids"));
  const handles: ServerHandle[] = [];
  try {
    for (const spec of specs) {
      const handle = await startServer(spec, out, pidFile);
      if (handle.state !== "ok") {
        throw new Error(`${spec.name}: ${handle.reason}`);
      }
      handles.push(handle);
    }
    return await fn(handles);
  } finally {
    for (const handle of handles) await stopServer(handle, pidFile);
  }
}

/**
 * The registry's servers of these names, in this order.
 *
 * @param registry The registry (`serverRegistry()`).
 * @param names The servers' names.
 * @returns Their specs; throws on an unknown name.
 */
export function pickServers(
  registry: readonly ServerSpec[],
  names: readonly string[],
): ServerSpec[] {
  return names.map((name) => {
    const spec = registry.find((s) => s.name === name);
    if (spec === undefined) throw new Error(`unknown server: ${name}`);
    return spec;
  });
}

/**
 * The same server run from another checkout (a `git worktree` of the code
 * before a change): its command line with the repository's entry script
 * (`main.ts`, or a `bench/servers/` script) swapped for the other
 * checkout's, on another port.
 *
 * @param spec A server run by this checkout's `main.ts`.
 * @param repo This checkout (absolute).
 * @param base The other checkout (absolute).
 * @param port The port it listens on.
 * @returns The spec, named `<spec.name>-before`.
 */
export function checkoutSpec(
  spec: ServerSpec,
  repo: string,
  base: string,
  port: number,
): ServerSpec {
  // Only scripts: data under the checkout (the fixtures) stays shared.
  const isScript = (arg: string) =>
    arg.startsWith(repo + "/") && arg.endsWith(".ts");
  return {
    ...spec,
    name: `${spec.name}-before`,
    label: `${spec.label} of ${base}`,
    port,
    command: spec.command.map((arg, i, all) =>
      isScript(arg)
        ? join(base, arg.slice(repo.length + 1))
        : all[i - 1] === "--port"
        ? String(port)
        : arg
    ),
  };
}
