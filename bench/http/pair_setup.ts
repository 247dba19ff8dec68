// deno-lint-ignore-file no-console
/**
 * What the in-process paired benchmarks (`bench/*_pair.ts`) share: their
 * command line (`--reps N DIR...`, each DIR a checkout to compare) and the
 * paths of the fixtures' 1,000 small files.
 *
 * @module
 */

import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ensureFixtures } from "./fixtures.ts";

/** A paired benchmark's command line. */
export interface PairArgs {
  /** Repetitions (rounds a checkout). */
  readonly reps: number;
  /** The checkouts, the first the one the others are compared with. */
  readonly dirs: string[];
}

/**
 * Read `--reps N DIR...`, or say how to call the script and exit.
 *
 * @param script The script's path, for the usage line.
 * @param defaultReps Repetitions when `--reps` is not given.
 * @returns The arguments.
 */
export function pairArgs(script: string, defaultReps: number): PairArgs {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    options: { reps: { type: "string", default: String(defaultReps) } },
    allowPositionals: true,
  });
  const reps = Number(values.reps);
  if (positionals.length === 0 || !(reps >= 1)) {
    console.error(`Usage: deno run -A ${script} [--reps N] DIR...`);
    Deno.exit(2);
  }
  return { reps, dirs: positionals };
}

/**
 * The first `count` of the fixtures' small files, as URL paths.
 *
 * @param count How many (at most 1,000).
 * @returns `/small/f0000.txt`, `/small/f0001.txt`, …
 */
export function smallFilePaths(count: number): string[] {
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    paths.push(`/small/f${String(i).padStart(4, "0")}.txt`);
  }
  return paths;
}

/**
 * Have a handler answer each path once on its ordinary path, so that its
 * fast lane records them.
 *
 * @param handler The file handler.
 * @param paths URL paths.
 */
export async function recordAll(
  handler: (request: Request) => Response | Promise<Response>,
  paths: readonly string[],
): Promise<void> {
  for (const path of paths) {
    await (await handler(new Request(`http://localhost${path}`))).bytes();
  }
}

/**
 * A plain GET of each path as a fast lane is asked it (wrk's head: `Host`
 * only).
 *
 * @param paths URL paths.
 * @returns One request a path.
 */
export function plainGets(paths: readonly string[]): {
  method: string;
  target: string;
  headerNames: string[];
  headerValues: string[];
}[] {
  return paths.map((target) => ({
    method: "GET",
    target,
    headerNames: ["host"],
    headerValues: ["127.0.0.1:18000"],
  }));
}

/**
 * Another checkout's file handler on `site`, every path of `paths`
 * recorded by its fast lane: its own modules, so that checkouts compare.
 *
 * @param dir The checkout.
 * @param options `createStaticHandler` options besides `root`.
 * @param paths URL paths to record.
 * @returns The handler, its lane and its internals (the checkout's types).
 */
export async function checkoutHandler(
  dir: string,
  options: Record<string, unknown>,
  paths: readonly string[],
  // deno-lint-ignore no-explicit-any
): Promise<{ handler: any; lane: any; internals: any }> {
  const root = resolve(dir);
  const { FAST_LANE } = await import(join(root, "src/http/fast_lane.ts"));
  const { createStaticHandler, STATIC_INTERNALS } = await import(
    join(root, "src/static/static_handler.ts")
  );
  const site = await fixtureSite();
  const handler = createStaticHandler({ root: site, ...options });
  await recordAll(handler, paths);
  return {
    handler,
    lane: handler[FAST_LANE],
    internals: handler[STATIC_INTERNALS],
  };
}

/**
 * The harness fixtures' site, made if missing.
 *
 * @returns Its path.
 */
export async function fixtureSite(): Promise<string> {
  const site = join(new URL("..", import.meta.url).pathname, "fixtures/site");
  await ensureFixtures(site);
  return site;
}
