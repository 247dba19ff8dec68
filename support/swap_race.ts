/**
 * The scene of the symlink swap race, shared by its test
 * (`tests/static/symlink_race_test.ts`) and its two long measurements
 * (`tools/symlink_race.ts`, `tools/open_race.ts`): a root holding a public
 * file and a public folder, an outside holding secrets of the same names,
 * and the attacker process (`swap_attacker.ts`) that swaps one of them for a
 * symlink to the outside and back.
 *
 * @module
 */

import { fileURLToPath } from "node:url";

/** What every outside file holds: an answer containing it leaked. */
export const SECRET = "TOPSECRET";

const ATTACKER = fileURLToPath(new URL("./swap_attacker.ts", import.meta.url));

/** A temporary tree: `root/` (served) beside `out/` (never to be served). */
export interface SwapTree {
  /** The temporary folder holding both, a real path. */
  base: string;
  /** The root: `swap.txt` and `d/file.txt`, each "public". */
  root: string;
  /** Outside: `secret.txt` and `d/file.txt`, each the secret. */
  out: string;
}

/** What is swapped: a file of the root, or a folder of it. */
export type SwapKind = "file" | "dir";

/**
 * Make the tree; the caller removes `base` (recursively) when done.
 *
 * @returns The tree.
 */
export async function makeSwapTree(): Promise<SwapTree> {
  const base = await Deno.realPath(await Deno.makeTempDir());
  const root = `${base}/root`;
  const out = `${base}/out`;
  await Deno.mkdir(`${root}/d`, { recursive: true });
  await Deno.mkdir(`${out}/d`, { recursive: true });
  await Deno.writeTextFile(`${out}/secret.txt`, `${SECRET}\n`);
  await Deno.writeTextFile(`${out}/d/file.txt`, `${SECRET}\n`);
  await Deno.writeTextFile(`${root}/swap.txt`, "public\n");
  await Deno.writeTextFile(`${root}/d/file.txt`, "public\n");
  return { base, root, out };
}

/** A running attacker. */
export interface SwapAttacker {
  /** The URL path that names what it swaps. */
  path: string;
  /**
   * Wait until it swaps.
   *
   * @returns Its first line ("ready").
   */
  ready(): Promise<string>;
  /**
   * Stop it (its stdin closes) and wait until it has.
   *
   * @returns What it printed after "ready" ("swaps N").
   */
  stop(): Promise<string>;
}

/**
 * Start the attacker on `tree`.
 *
 * @param tree The tree.
 * @param kind What it swaps.
 * @returns The attacker.
 */
export function startSwapAttacker(
  tree: SwapTree,
  kind: SwapKind,
): SwapAttacker {
  const { root, out } = tree;
  const [target, outside, path] = kind === "file"
    ? [`${root}/swap.txt`, `${out}/secret.txt`, "/swap.txt"]
    : [`${root}/d`, `${out}/d`, "/d/file.txt"];
  const attacker = new Deno.Command(Deno.execPath(), {
    // Symlinks need unscoped permissions in Deno 2.9.
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      ATTACKER,
      kind,
      target,
      outside,
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = attacker.stdout.pipeThrough(new TextDecoderStream())
    .getReader();
  return {
    path,
    ready: async () => (await lines.read()).value?.trim() ?? "",
    stop: async () => {
      await attacker.stdin.close();
      let output = "";
      for (
        let read = await lines.read();
        !read.done;
        read = await lines.read()
      ) {
        output += read.value;
      }
      await attacker.status;
      return output;
    },
  };
}
