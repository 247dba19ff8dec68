// deno-lint-ignore-file no-console
/**
 * The folder swap race against berth's own lookup, in one process, with no
 * HTTP in between: a loop finds `ROOT/d/file.txt` the way the file handler
 * does (`withEntry`, the root's containment) and opens it, while an attacker
 * process (`support/swap_attacker.ts`) swaps `ROOT/d` for a symlink to an
 * outside folder and back. Counts the opens that read outside bytes, per
 * million windows: the rate of a mode that is narrowed rather than closed,
 * measured far past what the HTTP race (`tools/symlink_race.ts`) reaches.
 *
 *   deno run --allow-read --allow-write --allow-run tools/open_race.ts \
 *     [--mode cwd|path|descriptor] [--seconds 50] [--hogs 0]
 *
 * Run it with these permissions, not `-A`: Deno resolves a path's symlinks
 * itself before opening it under any permission short of `--allow-all`, and
 * that is the race measured. `--mode descriptor` needs `--allow-all`.
 * `--hogs N` starts N busy loops beside it (`yes`), for a loaded machine.
 *
 * Bounded by `--seconds` (and the attacker's own 60 s).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { type Containment, withEntry } from "../src/static/locate_entry.ts";
import {
  makeSwapTree,
  SECRET,
  startSwapAttacker,
} from "../support/swap_race.ts";
import {
  type ContainmentMode,
  forceContainmentMode,
} from "../src/static/pinned_directory.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    mode: { type: "string", default: "cwd" },
    seconds: { type: "string", default: "50" },
    hogs: { type: "string", default: "0" },
  },
});
const SECONDS = Math.min(Number(values.seconds), 55);
const MODES: readonly string[] = ["cwd", "path", "descriptor"];
if (!MODES.includes(values.mode)) {
  throw new TypeError(`--mode is one of ${MODES.join(", ")}`);
}

const tree = await makeSwapTree();
const { base, root } = tree;
const containment: Containment = {
  kind: "inside-root",
  root,
  rootReal: root,
  dotfiles: false,
};

const hogs = Array.from(
  { length: Number(values.hogs) },
  () => new Deno.Command("yes", { stdout: "null" }).spawn(),
);
const attacker = startSwapAttacker(tree, "dir");

forceContainmentMode(values.mode as ContainmentMode);
const seen = { windows: 0, public: 0, outside: 0, refused: 0, errors: 0 };
try {
  await attacker.ready();
  const until = Date.now() + SECONDS * 1000;
  while (Date.now() < until) {
    for (let i = 0; i < 1000; i++) {
      seen.windows++;
      try {
        const text = withEntry(`${root}/d/file.txt`, containment, (found) => {
          const file = found.dir.open(found.name);
          try {
            return new TextDecoder().decode(file.readHeadSync(16));
          } finally {
            file.close();
          }
        });
        if (typeof text !== "string") seen.refused++;
        else if (text.includes(SECRET)) seen.outside++;
        else seen.public++;
      } catch {
        seen.errors++; // gone mid-swap, or not the entry held: a 404
      }
    }
    // Let the process's other work run now and then.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
} finally {
  forceContainmentMode(null);
  await attacker.stop();
  for (const hog of hogs) {
    hog.kill();
    await hog.status;
  }
  await Deno.remove(base, { recursive: true });
}
const perMillion = (seen.outside / seen.windows) * 1e6;
console.log(
  `mode ${values.mode}, ${SECONDS} s, hogs ${values.hogs}: ` +
    `${seen.windows} windows, outside bytes ${seen.outside} ` +
    `(${perMillion.toFixed(2)} per million), public ${seen.public}, ` +
    `refused ${seen.refused}, errors ${seen.errors}`,
);
