/**
 * The least-privilege command for this run: what berth needs (read the
 * root, the TLS files, its own modules for `--workers`, and the working
 * directory when it holds directories through it; listen where asked),
 * compared with what Deno granted. When more was granted, the banner shows
 * the permission flags that are enough.
 *
 * What counts as more: everything of a kind (`--allow-read`,
 * `--allow-net`, `--allow-all`…), a folder above a path berth needs, write
 * access berth does not need, every port of a host when one port is enough.
 * A grant for an unrelated path or host cannot be seen from inside the
 * process (Deno answers queries, it does not list grants).
 *
 * @module
 */

import { dirname, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { containmentMode } from "../static/pinned_directory.ts";
import { isInsideRoot } from "../static/resolve_path.ts";
import { displayPath } from "./banner.ts";
import { netFlagHost, type PermissionPlan } from "./permissions.ts";

/** What this run needs, beyond the checks of {@linkcode PermissionPlan}. */
export interface PrivilegeNeeds extends PermissionPlan {
  /**
   * The working directory, when berth holds directories through it (read
   * access to it keeps that mode: `src/static/pinned_directory.ts`), else
   * `null`.
   */
  workingDirectory: string | null;
  /** Whether `$PORT` chose the port (then `--allow-env=PORT`). */
  portFromEnv: boolean;
  /** Whether the banner lists this machine's interfaces (`--allow-sys`). */
  listsInterfaces: boolean;
}

/** Whether Deno grants a permission now, without prompting. */
export type GrantQuery = (descriptor: Deno.PermissionDescriptor) => boolean;

/** What was granted beyond the need, and the flags that are enough. */
export interface LeastPrivilege {
  /** What was granted beyond the need, each in a few words. */
  beyond: string[];
  /** The permission flags this run needs, in a fixed order. */
  flags: string[];
  /**
   * When `--allow-read` holds the working directory only so that berth
   * holds folders through it, the narrower value without it; else `null`.
   */
  narrowerRead: string | null;
}

/** The kinds `--allow-all` grants that berth can ask about. */
const ALL_KINDS = [
  "read",
  "write",
  "net",
  "env",
  "sys",
  "run",
  "ffi",
] as const;

/** A path and how the command line shows it. */
interface Shown {
  absolute: string;
  shown: string;
  /** Whether it is there only as the working directory. */
  cwd?: true;
}

/** The paths without those inside another one, first ones kept. */
function outermost(paths: Shown[]): Shown[] {
  return paths.filter((path, i) =>
    !paths.some((other, j) =>
      j !== i && isInsideRoot(other.absolute, path.absolute) &&
      (other.absolute !== path.absolute || j < i)
    )
  );
}

/** `path` and the folders above it, the top one first. */
function fromTheTop(path: string): string[] {
  const chain = [path];
  while (dirname(chain[0]) !== chain[0]) chain.unshift(dirname(chain[0]));
  return chain;
}

/**
 * The widest grant of `name` found beyond `needed`: every file, or a
 * folder on the way to one of `probes` that no needed path covers.
 */
function grantedBeyond(
  name: "read" | "write",
  needed: string[],
  probes: string[],
  granted: GrantQuery,
): string | null {
  if (granted({ name })) return "every file";
  for (const probe of probes) {
    for (const path of fromTheTop(probe)) {
      if (needed.some((n) => isInsideRoot(n, path))) break;
      if (granted({ name, path })) return path;
    }
  }
  return null;
}

/** Net granted beyond the listen address: every host, or every port. */
function netBeyond(needs: PrivilegeNeeds, granted: GrantQuery): string | null {
  if (granted({ name: "net" })) return "every host";
  const listen = needs.listen;
  if (listen.transport !== "tcp" || listen.port === 0) return null;
  const other = listen.port === 65535 ? listen.port - 1 : listen.port + 1;
  const host = listen.hostname.includes(":")
    ? `[${listen.hostname}]`
    : listen.hostname;
  return granted({ name: "net", host: `${host}:${other}` })
    ? `every port of ${host}`
    : null;
}

/** What was granted beyond the need, each in a few words. */
function grantsBeyond(
  needs: PrivilegeNeeds,
  readPaths: string[],
  granted: GrantQuery,
): string[] {
  // Under --allow-all, naming each kind says nothing more.
  if (ALL_KINDS.every((name) => granted({ name }))) {
    return ["everything: --allow-all"];
  }
  const listen = needs.listen;
  const writes = listen.transport === "unix" ? [resolve(listen.path)] : [];
  const beyond: string[] = [];
  const read = grantedBeyond("read", readPaths, readPaths, granted);
  if (read !== null) beyond.push(`read: ${read}`);
  const write = grantedBeyond(
    "write",
    writes,
    [...writes, ...readPaths],
    granted,
  );
  if (write !== null) beyond.push(`write: ${write}`);
  const net = netBeyond(needs, granted);
  if (net !== null) beyond.push(`net: ${net}`);
  if (granted({ name: "env" })) beyond.push("env: every variable");
  if (granted({ name: "sys" })) beyond.push("sys: every kind");
  if (granted({ name: "run" })) beyond.push("run: any program");
  if (granted({ name: "ffi" })) beyond.push("ffi: any library");
  return beyond;
}

/** The paths berth reads, the root first (and the working directory last). */
function readNeeds(
  needs: PrivilegeNeeds,
  withWorkingDirectory: boolean,
): Shown[] {
  const paths: Shown[] = [needs.root, ...needs.tlsFiles.map((f) => f.path)]
    .map((path) => ({ absolute: resolve(path), shown: displayPath(path) }));
  if (needs.modulesDir !== undefined) {
    paths.push({ absolute: needs.modulesDir, shown: needs.modulesDir });
  }
  if (needs.listen.transport === "unix") {
    const path = needs.listen.path;
    paths.push({ absolute: resolve(path), shown: path });
  }
  if (withWorkingDirectory && needs.workingDirectory !== null) {
    paths.push({ absolute: needs.workingDirectory, shown: ".", cwd: true });
  }
  return outermost(paths);
}

/**
 * What berth was granted beyond what this run needs, and the permission
 * flags that are enough; `null` when what was granted is no more.
 *
 * @param needs What this run touches.
 * @param granted Whether a permission is granted now.
 * @returns The comparison, or `null`.
 */
export function leastPrivilege(
  needs: PrivilegeNeeds,
  granted: GrantQuery,
): LeastPrivilege | null {
  const reads = readNeeds(needs, true);
  const readPaths = reads.map((path) => path.absolute);
  const listen = needs.listen;

  const beyond = grantsBeyond(needs, readPaths, granted);
  if (beyond.length === 0) return null;

  const flags = [`--allow-read=${reads.map((path) => path.shown).join(",")}`];
  if (listen.transport === "unix") {
    flags.push(`--allow-write=${listen.path}`);
    flags.push(`--allow-net=unix:${listen.path}`);
  } else {
    flags.push(`--allow-net=${netFlagHost(listen.hostname, listen.port)}`);
  }
  if (needs.portFromEnv) flags.push("--allow-env=PORT");
  if (needs.listsInterfaces) flags.push("--allow-sys=networkInterfaces");
  const narrower = reads.some((path) => path.cwd)
    ? readNeeds(needs, false).map((path) => path.shown).join(",")
    : null;
  return { beyond, flags, narrowerRead: narrower };
}

/** A word as a POSIX shell reads it back: quoted only when it must be. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word)
    ? word
    : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The main module as `deno run` takes it from the working directory: a
 * path relative to it when inside it, else absolute; a URL as it is.
 *
 * @param mainModule `Deno.mainModule`.
 * @param cwd The working directory, or `null` when unknown.
 * @returns The module to name on the command line.
 */
export function mainModuleArg(mainModule: string, cwd: string | null): string {
  if (!mainModule.startsWith("file:")) return mainModule;
  const path = fileURLToPath(mainModule);
  if (cwd !== null && isInsideRoot(cwd, path) && path !== cwd) {
    return relative(cwd, path).split(sep).join("/");
  }
  return path;
}

/**
 * The lines printed after the banner for a run given more than it needs,
 * set off as the banner's own hints are: indented, dim on a terminal.
 *
 * @param hint What {@linkcode leastPrivilege} found.
 * @param run The main module (as {@linkcode mainModuleArg} gives it), the
 *   arguments, whether `--workers` needs `--unstable-net`, and whether
 *   stdout gets ANSI colors.
 * @returns The lines: what was granted beyond the need, the command, and
 *   why the working directory is in it, when it is.
 */
export function leastPrivilegeLines(
  hint: LeastPrivilege,
  run: {
    main: string;
    args: readonly string[];
    unstableNet: boolean;
    color: boolean;
    /** Whether folders are held by descriptor now (`--allow-all`, Linux). */
    descriptorMode?: boolean;
  },
): string[] {
  const command = [
    "deno",
    "run",
    ...hint.flags,
    ...(run.unstableNet ? ["--unstable-net"] : []),
    run.main,
    ...run.args,
  ].map(shellWord).join(" ");
  const lines = [
    `  This run needs less than it was given (${
      hint.beyond.join("; ")
    }). Least privilege:`,
    `    ${command}`,
  ];
  if (hint.narrowerRead !== null) {
    lines.push(
      `    (. is the working directory: reading it lets berth hold a folder as the working directory while it opens a file in it, which narrows a symlink swap race far more. --allow-read=${hint.narrowerRead} alone is narrower, but then a symlink swapped in inside the root is refused on a best-effort basis only: README, "Security defaults")`,
    );
  }
  if (run.descriptorMode) {
    lines.push(
      `    (--allow-all is what lets berth hold folders by descriptor, which closes a symlink swap race inside the root; with this command the race is narrowed, not closed: README, "Security defaults")`,
    );
  }
  return run.color ? lines.map((line) => `\x1b[2m${line}\x1b[22m`) : lines;
}

/** Whether Deno grants `descriptor` now (never prompting). */
function grantedNow(descriptor: Deno.PermissionDescriptor): boolean {
  try {
    return Deno.permissions.querySync(descriptor).state === "granted";
  } catch {
    return false;
  }
}

/** The working directory, when read access lets berth learn it. */
function workingDirectory(): string | null {
  try {
    return Deno.cwd();
  } catch {
    return null;
  }
}

/**
 * The least-privilege lines for this process: its permissions, its
 * containment mode, its main module and arguments.
 *
 * @param plan What berth is about to touch (the permission checks' plan).
 * @param run How many threads serve, and whether stdout gets ANSI colors.
 * @returns The lines to print after the banner, none when what was
 *   granted is no more than this run needs.
 */
export function leastPrivilegeHint(
  plan: PermissionPlan,
  run: { workers: number; color: boolean },
): string[] {
  const cwd = workingDirectory();
  const port = plan.listen.transport === "tcp" ? plan.listen.port : null;
  const envPort = grantedNow({ name: "env", variable: "PORT" })
    ? Deno.env.get("PORT")
    : undefined;
  const hint = leastPrivilege({
    ...plan,
    // Only a run that holds folders through it needs it, to keep doing so.
    workingDirectory: containmentMode() === "path" ? null : cwd,
    portFromEnv: envPort !== undefined && envPort === String(port),
    // As the banner does: on every interface, and allowed to list them.
    listsInterfaces: (plan.listen.transport === "tcp" &&
      (plan.listen.hostname === "0.0.0.0" || plan.listen.hostname === "::")) &&
      grantedNow({ name: "sys", kind: "networkInterfaces" }),
  }, grantedNow);
  if (hint === null) return [];
  return leastPrivilegeLines(hint, {
    main: mainModuleArg(Deno.mainModule, cwd),
    args: Deno.args,
    unstableNet: run.workers > 1,
    color: run.color,
    descriptorMode: containmentMode() === "descriptor",
  });
}
