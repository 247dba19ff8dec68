// deno-lint-ignore-file no-console
/**
 * What a new second costs the fast lane, checkouts side by side in one
 * process: each checkout's file handler has the 1,000 small files of the
 * fixtures recorded; a round asks its lane for each file once with the
 * clock one second on (a plain GET, as wrk's), so every answer is for a
 * second it has not been made for. The checkouts' rounds alternate (who
 * goes first rotates) and the process's CPU time per file is kept; medians,
 * and each one's ratio to the first checkout's. A second round in the same
 * second is timed too: what a hit costs without the new second, to
 * subtract. Under load each file in use pays the difference once a second:
 * at R requests a second over F files, F × difference / R a request.
 *
 *   deno run -A bench/new_second_pair.ts [--reps 41] DIR...
 *
 * e.g. `bench/new_second_pair.ts /tmp/base .` with `/tmp/base` a `git
 * worktree` of main. Run it under the bench lock.
 *
 * @module
 */

import process from "node:process";
import { median } from "./http/cases.ts";
import {
  checkoutHandler,
  pairArgs,
  plainGets,
  smallFilePaths,
} from "./http/pair_setup.ts";

const { reps: REPS, dirs } = pairArgs("bench/new_second_pair.ts", 41);
const FILES = 1000;
const paths = smallFilePaths(FILES);

/** One checkout's lane, every file recorded: a round of hits at `nowMs`. */
async function load(dir: string) {
  // A bound no round outlives: the hits measured are hits.
  const { lane } = await checkoutHandler(dir, {
    watch: false,
    siteRules: false,
    revalidateMs: 3_600_000,
  }, paths);
  const requests = plainGets(paths);
  return (nowMs: number) => {
    for (const request of requests) {
      const answer = lane(request, nowMs);
      if (answer === undefined || answer instanceof Promise) {
        throw new Error(`Not a hit: ${request.target}`);
      }
    }
  };
}

const rounds: ((nowMs: number) => void)[] = [];
for (const dir of dirs) rounds.push(await load(dir));
const cpuMicros = (fn: () => void) => {
  const before = process.cpuUsage();
  fn();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / FILES;
};

let nowMs = Date.UTC(2026, 11, 3, 8, 0, 0);
const newSecond: number[][] = rounds.map(() => []);
const sameSecond: number[][] = rounds.map(() => []);
for (let rep = -3; rep < REPS; rep++) { // three to warm up
  for (let i = 0; i < rounds.length; i++) {
    const k = (rep + 3 + i) % rounds.length;
    nowMs += 1000;
    const opened = cpuMicros(() => rounds[k](nowMs));
    const again = cpuMicros(() => rounds[k](nowMs));
    if (rep < 0) continue;
    newSecond[k].push(opened);
    sameSecond[k].push(again);
  }
}
for (
  const [name, perFile] of [["new second", newSecond], [
    "same second",
    sameSecond,
  ]] as const
) {
  const medians = perFile.map(median);
  console.log(
    `${name}: ` +
      medians.map((m, i) =>
        `${dirs[i]} ${m.toFixed(2)} µs a file (${(m / medians[0]).toFixed(2)}×)`
      ).join(", "),
  );
}
