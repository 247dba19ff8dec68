/**
 * `openEntry`'s looks, scripted: the open is led out of the root (as a
 * folder swapped for a symlink during Deno's walk of the path would lead
 * it), and each look after it either is led out the same way (the attacker
 * won that race) or sees the entry really held. With one confirmation, a
 * leak needs every look won; a single won look (the case before the
 * confirmations) is refused.
 */

import assert from "node:assert/strict";
import { notTheEntry, O_READ, openEntry } from "../../src/static/open_entry.ts";
import type { Descriptor } from "../../src/static/descriptor.ts";
import { fdTargets } from "../../support/procfs.ts";

async function withFiles(
  fn: (inside: string, outside: string) => void | Promise<void>,
): Promise<void> {
  const base = await Deno.realPath(await Deno.makeTempDir());
  try {
    await Deno.writeTextFile(`${base}/inside.txt`, "public\n");
    await Deno.writeTextFile(`${base}/outside.txt`, "TOPSECRET\n");
    await fn(`${base}/inside.txt`, `${base}/outside.txt`);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
}

/** Looks that see `outside` while `won` says the attacker won that one. */
function scripted(
  inside: string,
  outside: string,
  won: boolean[],
): { entry: () => Deno.FileInfo; looks: () => number } {
  let looks = 0;
  return {
    entry: () => Deno.lstatSync(won[looks++] ? outside : inside),
    looks: () => looks,
  };
}

function text(file: Descriptor): string {
  return new TextDecoder().decode(file.readAllSync()!);
}

const isNotTheEntry = (error: { code?: string }) => error.code === "ELOOP";

/** How many descriptors of this process are open on `path` (Linux). */
async function openOn(path: string): Promise<number> {
  return (await fdTargets()).split("\n")
    .filter((line) => line.endsWith(` -> ${path}`)).length;
}

Deno.test("openEntry(): one look won by the attacker is enough without a confirmation (why there are confirmations)", async () => {
  await withFiles((inside, outside) => {
    const { entry } = scripted(inside, outside, [true]);
    using file = openEntry(outside, O_READ, entry);
    assert.equal(text(file), "TOPSECRET\n");
  });
});

Deno.test("openEntry(): with one confirmation, a first look won and a second lost is refused, and nothing stays open", async () => {
  await withFiles(async (inside, outside) => {
    // Each try opens again (led out again) and looks twice.
    const won = [true, false, true, false, true, false];
    const { entry, looks } = scripted(inside, outside, won);
    assert.throws(() => openEntry(outside, O_READ, entry, 1), isNotTheEntry);
    assert.equal(looks(), 6, "three tries of two looks each");
    if (Deno.build.os === "linux") assert.equal(await openOn(outside), 0);
  });
});

Deno.test("openEntry(): with one confirmation, a leak needs both looks won (narrowed, not closed)", async () => {
  await withFiles((inside, outside) => {
    const { entry } = scripted(inside, outside, [true, true]);
    using file = openEntry(outside, O_READ, entry, 1);
    assert.equal(text(file), "TOPSECRET\n");
  });
});

Deno.test("openEntry(): the entry opened, seen by every look, is kept", async () => {
  await withFiles((inside, outside) => {
    const { entry, looks } = scripted(inside, outside, []);
    using file = openEntry(inside, O_READ, entry, 1);
    assert.equal(text(file), "public\n");
    assert.equal(looks(), 2);
  });
});

Deno.test("openEntry(): a look that throws (the directory held moved) refuses at once and closes the descriptor", async () => {
  await withFiles(async (inside) => {
    let looks = 0;
    assert.throws(
      () =>
        openEntry(inside, O_READ, () => {
          looks++;
          throw notTheEntry(inside);
        }, 1),
      isNotTheEntry,
    );
    assert.equal(looks, 1);
    if (Deno.build.os === "linux") assert.equal(await openOn(inside), 0);
  });
});
