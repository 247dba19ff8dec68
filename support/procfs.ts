/**
 * Linux `/proc` readers for tests, benchmarks and tools: open file
 * descriptors, resident memory, I/O counters and the open-files limit of a
 * process, and the machine's CPU model. The async readers work under the
 * test task's permissions (through a child when Deno refuses `/proc`); the
 * `…Sync` ones read directly, for load runs that hold `--allow-all` and
 * sample often.
 *
 * @module
 */

/** A process id, or `"self"` for this process. */
export type Pid = number | "self";

const decoder = new TextDecoder();

/**
 * Deno asks for `--allow-all` to read any `/proc/PID/…` file, even this
 * process's own; the test task grants `--allow-read --allow-run` only. So
 * read directly when allowed, else through `cat`/`ls` (the child reads the
 * parent's files by PID, never its own `self`). With `partialOk`, a failing
 * exit still yields what the child printed.
 */
async function viaChild(
  program: string,
  args: string[],
  partialOk = false,
): Promise<string> {
  const out = await new Deno.Command(program, {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success && !partialOk) {
    throw new Error(
      `${program} ${args.join(" ")}: ${decoder.decode(out.stderr).trim()}`,
    );
  }
  return decoder.decode(out.stdout);
}

function procPath(pid: Pid, file: string): string {
  return `/proc/${pid === "self" ? Deno.pid : pid}/${file}`;
}

/**
 * Read a `/proc` file of `pid` directly.
 *
 * @param pid The process; this one for `"self"`.
 * @param file Below `/proc/PID/`, e.g. `stat`.
 * @returns Its text, or `null` when the process is gone (or the read is
 * not allowed).
 */
export function readProcSync(pid: Pid, file: string): string | null {
  try {
    return Deno.readTextFileSync(procPath(pid, file));
  } catch {
    return null;
  }
}

/**
 * Read a `/proc` file of `pid`.
 *
 * @param pid The process; this one for `"self"`.
 * @param file Below `/proc/PID/`, e.g. `status`.
 * @returns Its text.
 */
export async function readProc(pid: Pid, file: string): Promise<string> {
  const path = procPath(pid, file);
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotCapable)) throw error;
    return await viaChild("cat", [path]);
  }
}

/**
 * How many file descriptors `pid` has open (`/proc/PID/fd` entries).
 * Counted the same way each time (directly, or while a `ls` child holds its
 * output pipe), so counts of one process compare.
 *
 * @param pid The process; this one by default.
 * @returns The number of open descriptors.
 */
export async function fdCount(pid: Pid = "self"): Promise<number> {
  const path = procPath(pid, "fd");
  try {
    let n = 0;
    for await (const _ of Deno.readDir(path)) n++;
    return n;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotCapable)) throw error;
    const text = await viaChild("ls", ["-1", path]);
    return text.split("\n").filter((line) => line !== "").length;
  }
}

/**
 * How many sockets and files `pid` has open: its descriptors without pipes
 * and anonymous inodes. What a server leaks is sockets and files; pipes and
 * pidfds come and go with child processes (the `ls` that reads this
 * process's own list among them), so leaving them out keeps two counts of a
 * process comparable.
 *
 * @param pid The process; this one by default.
 * @returns The number of open sockets and files.
 */
export async function socketAndFileCount(pid: Pid = "self"): Promise<number> {
  const path = procPath(pid, "fd");
  let targets: string[];
  try {
    targets = [];
    for await (const entry of Deno.readDir(path)) {
      try {
        targets.push(await Deno.readLink(`${path}/${entry.name}`));
      } catch {
        // Closed between the listing and the read: not open any more.
      }
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotCapable)) throw error;
    // A descriptor that closes while `ls` lists them makes it fail for that
    // one entry only: what it printed is still the open rest.
    const text = await viaChild("ls", ["-l", path], true);
    targets = text.split("\n").filter((line) => line.includes(" -> "))
      .map((line) => line.slice(line.indexOf(" -> ") + 4));
  }
  return targets.filter((target) =>
    !target.startsWith("pipe:") && !target.startsWith("anon_inode:")
  ).length;
}

/**
 * The targets of `pid`'s open descriptors (`socket:[…]`, a path, …), for
 * failure messages.
 *
 * @param pid The process; this one by default.
 * @returns `ls -l`-style lines.
 */
export async function fdTargets(pid: Pid = "self"): Promise<string> {
  return await viaChild("ls", ["-l", procPath(pid, "fd")]).catch(String);
}

/**
 * Resident memory of `pid` (`VmRSS` of `/proc/PID/status`).
 *
 * @param pid The process; this one by default.
 * @returns Bytes.
 */
export async function rssBytes(pid: Pid = "self"): Promise<number> {
  const rss = vmRss(await readProc(pid, "status"));
  if (rss === null) throw new Error(`No VmRSS for ${pid}`);
  return rss;
}

/**
 * Resident memory of `pid`, read directly (no child process).
 *
 * @param pid The process.
 * @returns Bytes, or `null` when it is gone (0 for a zombie).
 */
export function rssBytesSync(pid: Pid): number | null {
  const status = readProcSync(pid, "status");
  return status === null ? null : vmRss(status) ?? 0;
}

/** `VmRSS` of a `/proc/PID/status` text, in bytes. */
function vmRss(status: string): number | null {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return match === null ? null : Number(match[1]) * 1024;
}

/**
 * Bytes `pid` has passed to `read()`/`write()`-like calls, files and sockets
 * alike (`rchar`, `wchar` of `/proc/PID/io`).
 *
 * @param pid The process (ours, or any when root).
 * @returns The two counters.
 */
export async function ioChars(
  pid: Pid = "self",
): Promise<{ rchar: number; wchar: number }> {
  const text = await readProc(pid, "io");
  const field = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(text)?.[1] ?? NaN);
  return { rchar: field("rchar"), wchar: field("wchar") };
}

/**
 * The soft limit on open files of `pid` (`/proc/PID/limits`).
 *
 * @param pid The process; this one by default.
 * @returns The limit (`Infinity` when unlimited).
 */
export async function openFileLimit(pid: Pid = "self"): Promise<number> {
  const limit = maxOpenFiles(await readProc(pid, "limits"));
  if (limit === null) throw new Error(`No open-files limit for ${pid}`);
  return limit;
}

/**
 * The soft limit on open files of this process, read directly.
 *
 * @returns The limit (`Infinity` when unlimited; 1024, Linux's usual
 * default, when it cannot be read).
 */
export function openFileLimitSync(): number {
  const text = readProcSync("self", "limits");
  return (text === null ? null : maxOpenFiles(text)) ?? 1024;
}

/** `Max open files` (soft) of a `/proc/PID/limits` text. */
function maxOpenFiles(limits: string): number | null {
  const match = /^Max open files\s+(\d+|unlimited)/m.exec(limits);
  if (match === null) return null;
  return match[1] === "unlimited" ? Infinity : Number(match[1]);
}

/**
 * The CPU model of this machine (`/proc/cpuinfo`).
 *
 * @returns The model name, or `"unknown"`.
 */
export function cpuModel(): string {
  let text = "";
  try {
    text = Deno.readTextFileSync("/proc/cpuinfo");
  } catch {
    // Not Linux, or not allowed.
  }
  return /^model name\s*:\s*(.+)$/m.exec(text)?.[1].trim() ?? "unknown";
}

/** Formats a byte count in MiB with one decimal. */
export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
