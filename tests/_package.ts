/**
 * What `deno publish` would upload, from its dry run (which needs no
 * network: it checks the package and lists its files locally).
 *
 * @module
 */

import { fileURLToPath } from "node:url";

/** The repository's folder, without a trailing slash. */
export const REPO: string = fileURLToPath(new URL("../", import.meta.url))
  .replace(/\/$/, "");

/** How `deno publish --dry-run` ended. */
export interface DryRun {
  /** Its exit code. */
  code: number;
  /** stdout and stderr together. */
  output: string;
  /** The files it would publish, as sorted paths from the repository. */
  files: string[];
}

/** How a `deno` subcommand ended. */
export interface DenoOutput {
  /** Its exit code. */
  code: number;
  /** Its stdout. */
  stdout: string;
  /** Its stderr. */
  stderr: string;
}

/**
 * Run `deno ARGS` in the repository, without colors or update checks.
 *
 * @param args The subcommand and its arguments.
 * @returns Its exit code and output.
 */
export async function denoInRepo(args: string[]): Promise<DenoOutput> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: REPO,
    env: { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code,
    stdout: decoder.decode(stdout),
    stderr: decoder.decode(stderr),
  };
}

/**
 * Run `deno publish --dry-run --allow-dirty` in the repository (dirty: the
 * suite also runs before a commit).
 *
 * @returns Its exit code, output and file list.
 */
export async function publishDryRun(): Promise<DryRun> {
  const { code, stdout, stderr } = await denoInRepo([
    "publish",
    "--dry-run",
    "--allow-dirty",
  ]);
  const output = stdout + stderr;
  const prefix = `file://${REPO}/`;
  const files = [...output.matchAll(/^\s+(file:\S+) \([^)]*\)$/gm)]
    .map(([, url]) => url.slice(prefix.length)).sort();
  return { code, output, files };
}
