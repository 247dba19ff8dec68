/**
 * The command line of a one-off benchmark: `--reps N` and `--duration S`
 * with the script's defaults, and the script's own flags.
 *
 * @module
 */

import { parseArgs, type ParseArgsOptionsConfig } from "node:util";

/** What a one-off benchmark was asked for. */
export interface RunArgs {
  /** Repetitions. */
  reps: number;
  /** Seconds per wrk run. */
  durationS: number;
  /** The script's own flags, by name (absent when not given). */
  flags: Map<string, string | boolean>;
}

/**
 * Parse `args` (unknown flags are an error).
 *
 * @param args The command line (`Deno.args`).
 * @param defaults `--reps` and `--duration` when not given.
 * @param own The script's other flags: names of string and boolean ones.
 * @returns The repetitions, the duration, and the other flags given.
 * @throws {Error} On an unknown flag, or a count that is not a positive integer.
 */
export function parseRunArgs(
  args: string[],
  defaults: { reps: number; durationS: number },
  own: { strings?: readonly string[]; booleans?: readonly string[] } = {},
): RunArgs {
  const options: ParseArgsOptionsConfig = {
    reps: { type: "string", default: String(defaults.reps) },
    duration: { type: "string", default: String(defaults.durationS) },
  };
  for (const name of own.strings ?? []) options[name] = { type: "string" };
  for (const name of own.booleans ?? []) options[name] = { type: "boolean" };
  const { values } = parseArgs({ args, options });
  const reps = Number(values.reps);
  const durationS = Number(values.duration);
  for (const [flag, n] of [["--reps", reps], ["--duration", durationS]]) {
    if (!Number.isInteger(n) || (n as number) < 1) {
      throw new Error(`${flag} takes a positive integer`);
    }
  }
  const flags = new Map<string, string | boolean>();
  for (const [name, value] of Object.entries(values)) {
    if (name !== "reps" && name !== "duration" && value !== undefined) {
      flags.set(name, value as string | boolean);
    }
  }
  return { reps, durationS, flags };
}
