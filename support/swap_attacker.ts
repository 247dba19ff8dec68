/**
 * The attacker of the symlink race (its test, and the long measurement),
 * run as its own process so that its swaps interleave with the server's
 * file system calls for real: in a tight loop it swaps a name inside the
 * root between a real entry and a symlink to the outside, with atomic
 * renames.
 *
 *   deno run --allow-read --allow-write support/swap_attacker.ts file ROOT/swap.txt OUTSIDE/secret.txt
 *   deno run --allow-read --allow-write support/swap_attacker.ts dir ROOT/d OUTSIDE/d
 *
 * It prints "ready" once the loop runs, and stops by itself after 60 s at
 * most (or when its stdin closes), so a failed test never leaves it behind.
 *
 * @module
 */

import { dirname, join } from "node:path";

const [kind, target, outside] = Deno.args;
if ((kind !== "file" && kind !== "dir") || !target || !outside) {
  throw new TypeError("Usage: file|dir TARGET OUTSIDE");
}
const parent = dirname(target);
const link = join(parent, ".swap-link");
const aside = join(parent, ".swap-aside");
const fresh = join(parent, ".swap-fresh");

let stop = false;
// The test closes our stdin to stop us; 60 s is the backstop.
Deno.stdin.readable.pipeTo(new WritableStream()).finally(() => stop = true);
const deadline = Date.now() + 60_000;

// deno-lint-ignore no-console
console.log("ready");
let swaps = 0;
while (!stop && Date.now() < deadline) {
  // Let the stdin watcher run now and then.
  if (swaps % 64 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
  try {
    Deno.symlinkSync(outside, link);
    if (kind === "file") {
      Deno.renameSync(link, target); // now a symlink out of the root
      Deno.writeTextFileSync(fresh, "public\n");
      Deno.renameSync(fresh, target); // a file again
    } else {
      Deno.renameSync(target, aside);
      Deno.renameSync(link, target); // now a symlink out of the root
      Deno.renameSync(target, link);
      Deno.renameSync(aside, target); // the real folder again
      Deno.removeSync(link);
    }
    swaps++;
  } catch {
    try {
      Deno.removeSync(link);
    } catch {
      // Not there.
    }
  }
}
// deno-lint-ignore no-console
console.log(`swaps ${swaps}`);
