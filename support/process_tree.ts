/**
 * A `/proc` sampler (Linux): CPU time and resident memory of a server
 * process and all its descendants (nginx master + workers; a Deno process
 * is one PID whose `stat` already sums all its threads).
 *
 * @module
 */

import { readProcSync, rssBytesSync } from "./procfs.ts";

/** CPU time and memory of a process tree at one instant. */
export interface ProcSample {
  /** utime + stime of every process in the tree, in microseconds. */
  cpuUs: number;
  /** Sum of VmRSS over the tree, in bytes. */
  rssBytes: number;
  /** The PIDs sampled (root first). */
  pids: number[];
}

let clockTicks = 100;

/** Read `getconf CLK_TCK` once (defaults to 100, Linux's usual value). */
export async function initClockTicks(): Promise<number> {
  try {
    const out = await new Deno.Command("getconf", {
      args: ["CLK_TCK"],
      stdout: "piped",
      stderr: "null",
    }).output();
    const value = Number(new TextDecoder().decode(out.stdout).trim());
    if (Number.isInteger(value) && value > 0) clockTicks = value;
  } catch {
    // Keep the default.
  }
  return clockTicks;
}

/** Fields of `/proc/PID/stat` after the `(comm)` field: index 0 is `state`. */
function statFields(pid: number): string[] | null {
  const text = readProcSync(pid, "stat");
  if (text === null) return null; // gone
  return text.slice(text.lastIndexOf(")") + 2).trim().split(" ");
}

/** utime + stime of one process (all its threads), in microseconds. */
export function cpuUsOf(pid: number): number | null {
  const f = statFields(pid);
  if (f === null) return null;
  // stat fields 14 (utime) and 15 (stime), 1-based; f[0] is field 3.
  return ((Number(f[11]) + Number(f[12])) * 1e6) / clockTicks;
}

/** `pid` and every live descendant, found by scanning `/proc/*\/stat`. */
export function processTree(pid: number): number[] {
  const parentOf = new Map<number, number[]>();
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    const f = statFields(Number(entry.name));
    if (f === null) continue;
    const ppid = Number(f[1]);
    const list = parentOf.get(ppid) ?? [];
    list.push(Number(entry.name));
    parentOf.set(ppid, list);
  }
  const tree: number[] = [];
  const queue = [pid];
  // Bounded: each PID is visited once and /proc is finite.
  while (queue.length > 0 && tree.length < 10_000) {
    const next = queue.shift()!;
    if (tree.includes(next)) continue;
    tree.push(next);
    queue.push(...(parentOf.get(next) ?? []));
  }
  return tree;
}

/** Sample CPU and RSS of `pid`'s process tree. */
export function sampleTree(pid: number): ProcSample {
  const pids = processTree(pid);
  let cpuUs = 0;
  let rssBytes = 0;
  for (const p of pids) {
    cpuUs += cpuUsOf(p) ?? 0;
    rssBytes += rssBytesSync(p) ?? 0;
  }
  return { cpuUs, rssBytes, pids };
}

/** Whether the `/proc/PID/cmdline` of a live process contains `needle`. */
export function cmdlineHas(pid: number, needle: string): boolean {
  return readProcSync(pid, "cmdline")?.includes(needle) ?? false;
}
