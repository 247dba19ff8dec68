/**
 * The symlink swap race: an attacker who can write inside the root swaps a
 * file, or a folder, for a symlink to the outside and back, in a tight
 * loop, while clients ask for it. No answer may carry a byte from outside
 * the root, and a race on the file system is never a 5xx.
 *
 * The attacker runs as its own process (`support/swap_attacker.ts`), and so does
 * berth (the CLI), so their calls interleave for real; each case is bounded
 * by a number of requests.
 */

import assert from "node:assert/strict";
import { type BerthProcess, startBerth } from "../../support/berth_process.ts";
import { fdTargets } from "../../support/procfs.ts";
import {
  makeSwapTree,
  SECRET,
  startSwapAttacker,
  type SwapKind,
} from "../../support/swap_race.ts";

const REQUESTS = 1500;
const CONCURRENCY = 8;

interface Race {
  kind: SwapKind;
  /** CLI flags. */
  args: string[];
  /** Deno permissions of the CLI (the default is the documented ones). */
  permissions?: string[];
}

/** Whether the descriptor an `ls -l /proc/PID/fd` line names is a file. */
function isOpenFile(pid: number, line: string): boolean {
  const fd = / (\d+) -> /.exec(line)?.[1];
  try {
    // The link to an open descriptor leads to what it has open.
    return Deno.statSync(`/proc/${pid}/fd/${fd}`).isFile;
  } catch {
    return false; // closed since
  }
}

async function withAttack(
  race: Race,
  fn: (berth: BerthProcess, path: string, base: string) => Promise<void>,
): Promise<void> {
  const tree = await makeSwapTree();
  const { base, root } = tree;
  const berth = await startBerth(root, {
    args: race.args,
    permissions: race.permissions,
  });
  const attacker = startSwapAttacker(tree, race.kind);
  let output = "";
  try {
    assert.equal(await attacker.ready(), "ready");
    await fn(berth, attacker.path, base);
  } finally {
    output = await attacker.stop();
    await berth.stop();
    await Deno.remove(base, { recursive: true });
  }
  // The attack really ran.
  const swaps = Number(/swaps (\d+)/.exec(output)?.[1] ?? 0);
  assert.ok(swaps >= 10, `the attacker swapped ${swaps} times`);
}

/** `REQUESTS` GETs of `path`, `CONCURRENCY` at a time: statuses and leaks. */
async function hammer(
  origin: string,
  path: string,
): Promise<{ statuses: Map<number, number>; leaks: number }> {
  const statuses = new Map<number, number>();
  let leaks = 0;
  let sent = 0;
  const client = Deno.createHttpClient({});
  try {
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (sent < REQUESTS) {
          const i = sent++;
          const response = await fetch(`${origin}${path}?${i}`, { client });
          const text = await response.text();
          statuses.set(
            response.status,
            (statuses.get(response.status) ?? 0) + 1,
          );
          if (text.includes(SECRET)) leaks++;
        }
      }),
    );
  } finally {
    client.close();
  }
  return { statuses, leaks };
}

function assertHeld(
  result: Awaited<ReturnType<typeof hammer>>,
  everyRequestLooks: boolean,
): void {
  const summary = JSON.stringify([...result.statuses]);
  assert.equal(
    result.leaks,
    0,
    `answers with outside bytes; statuses ${summary}`,
  );
  for (const status of result.statuses.keys()) {
    assert.ok(status === 200 || status === 404, `status ${status}: ${summary}`);
  }
  // The race really ran both ways: the public file was served, and (when
  // every request looks at the disk) the symlink was refused.
  assert.ok((result.statuses.get(200) ?? 0) > 0, summary);
  if (everyRequestLooks) {
    assert.ok((result.statuses.get(404) ?? 0) > 0, summary);
  }
}

const RACES: [string, Race][] = [
  ["file ↔ symlink, default caching (watching)", { kind: "file", args: [] }],
  ["file ↔ symlink, default caching, --no-watch (polling)", {
    kind: "file",
    args: ["--no-watch"],
  }],
  ["file ↔ symlink, --revalidate 0", {
    kind: "file",
    args: ["--revalidate", "0"],
  }],
  ["folder ↔ symlink, default caching (watching)", {
    kind: "dir",
    args: [],
  }],
  ["folder ↔ symlink, default caching, --no-watch (polling)", {
    kind: "dir",
    args: ["--no-watch"],
  }],
  ["folder ↔ symlink, --revalidate 0", {
    kind: "dir",
    args: ["--revalidate", "0"],
  }],
  ["folder ↔ symlink, --workers 2 (one working directory, two threads)", {
    kind: "dir",
    args: ["--revalidate", "0", "--workers", "2"],
  }],
  ["file ↔ symlink under --allow-all (descriptor mode)", {
    kind: "file",
    args: ["--revalidate", "0"],
    permissions: ["--allow-all"],
  }],
  ["folder ↔ symlink under --allow-all (descriptor mode)", {
    kind: "dir",
    args: ["--revalidate", "0"],
    permissions: ["--allow-all"],
  }],
];

for (const [label, race] of RACES) {
  Deno.test(`security: symlink swap race, ${label}: no outside byte, no 5xx`, async () => {
    await withAttack(race, async (berth, path, base) => {
      assertHeld(
        await hammer(berth.origin, path),
        race.args.includes("--revalidate"),
      );
      // Every answer was read whole: no file of the tree is still open.
      // (Folders may be, for an instant: the root's watcher walks the ones
      // the attacker moves in.)
      const open = (await fdTargets(berth.pid)).split("\n")
        .filter((line) =>
          line.includes(` -> ${base}/`) && isOpenFile(berth.pid, line)
        );
      assert.deepEqual(open, [], "files left open");
    });
  });
}
