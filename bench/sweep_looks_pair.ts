// deno-lint-ignore-file no-console
/**
 * What keeping 1,000 files in use fresh costs while watching, checkouts side
 * by side in one process: each checkout's file handler serves the 1,000
 * small files of the fixtures, watching on a stand-in for `Deno.watchFs`
 * that reports nothing (the re-check sweep does what it does for the
 * changes a watch misses), on a clock of its own. A round is 42 eighths
 * of a bound (`revalidateMs` 1000), in steps of an eighth as the sweep's
 * timer runs:
 * at each step every file is hit once through the fast lane, then the
 * sweep runs and what it reloads is awaited. Kept: the process's CPU time
 * a file a bound, and the `lstat`s a file a bound (counted around
 * `Deno.lstatSync`, shared by the checkouts); the hits are the same work in
 * every checkout, so a difference is the re-checks'. Rounds alternate (who
 * goes first rotates); medians.
 *
 *   deno run -A bench/sweep_looks_pair.ts [--reps 21] DIR...
 *
 * e.g. `bench/sweep_looks_pair.ts /tmp/base .` with `/tmp/base` a `git
 * worktree` of main. Run it under the bench lock.
 *
 * @module
 */

import process from "node:process";
import { join, resolve } from "node:path";
import { median } from "./http/cases.ts";
import {
  checkoutHandler,
  pairArgs,
  plainGets,
  smallFilePaths,
} from "./http/pair_setup.ts";

const { reps: REPS, dirs } = pairArgs("bench/sweep_looks_pair.ts", 21);
const FILES = 1000;
const BOUND_MS = 1000;
const STEPS = 8;
/**
 * Steps a round: a multiple of 6 and of 7, so that a file looked at every
 * 6 or every 7 steps (due at 3/4 or 7/8 of the bound) is looked at a whole
 * number of times a round, whatever the phase.
 */
const ROUND_STEPS = 42;
const BOUNDS = ROUND_STEPS / STEPS;
const paths = smallFilePaths(FILES);

let lstats = 0;
const lstatSync = Deno.lstatSync;
Deno.lstatSync = (path) => {
  lstats++;
  return lstatSync(path);
};

/** A watch that reports nothing until closed. */
function silentWatch(): Deno.FsWatcher {
  const closed = Promise.withResolvers<IteratorResult<Deno.FsEvent>>();
  const events: AsyncIterableIterator<Deno.FsEvent> = {
    next: () => closed.promise,
    [Symbol.asyncIterator]: () => events,
  };
  const close = () => closed.resolve({ done: true, value: undefined });
  return {
    close,
    [Symbol.dispose]: close,
    [Symbol.asyncIterator]: () => events,
  } as unknown as Deno.FsWatcher;
}

/** One checkout's handler, served and watching: a round of 42 steps. */
async function load(dir: string) {
  const root = resolve(dir);
  const { ON_SERVE } = await import(join(root, "src/http/serve_lifecycle.ts"));
  const { useWatchFsForTests } = await import(
    join(root, "src/static/change_watcher.ts")
  );
  useWatchFsForTests(silentWatch);
  const clock = { now: 0 };
  const { handler, lane, internals } = await checkoutHandler(dir, {
    siteRules: false,
    revalidateMs: BOUND_MS,
    now: () => clock.now,
  }, paths);
  const lifecycle = handler[ON_SERVE]();
  if (internals.watch?.state !== "watching") throw new Error("Not watching");
  const requests = plainGets(paths);
  const settled = async () => {
    for (const entry of internals.cache.entries()) {
      while (internals.cache.loading(entry.key)) await Promise.resolve();
    }
  };
  const round = async () => {
    for (let step = 0; step < ROUND_STEPS; step++) {
      clock.now += BOUND_MS / STEPS;
      const nowMs = Date.now();
      for (const request of requests) {
        const answer = lane(request, nowMs);
        if (answer instanceof Promise) await answer;
      }
      internals.watch.sweep.sweep();
      await settled();
    }
  };
  return { round, stop: () => lifecycle.stopped() };
}

const checkouts = [];
for (const dir of dirs) checkouts.push(await load(dir));

const cpu: number[][] = checkouts.map(() => []);
const looks: number[][] = checkouts.map(() => []);
for (let rep = -2; rep < REPS; rep++) { // two to warm up
  for (let i = 0; i < checkouts.length; i++) {
    const k = (rep + 2 + i) % checkouts.length;
    const before = process.cpuUsage();
    const counted = lstats;
    await checkouts[k].round();
    const used = process.cpuUsage(before);
    if (rep < 0) continue;
    cpu[k].push((used.user + used.system) / FILES / BOUNDS);
    looks[k].push((lstats - counted) / FILES / BOUNDS);
  }
}
for (const checkout of checkouts) await checkout.stop();
const cpuMedians = cpu.map(median);
console.log(
  "a file a bound: " +
    dirs.map((dir, i) =>
      `${dir} ${cpuMedians[i].toFixed(2)} µs (${
        (cpuMedians[i] / cpuMedians[0]).toFixed(2)
      }×), ${median(looks[i]).toFixed(2)} lstat`
    ).join(", "),
);
