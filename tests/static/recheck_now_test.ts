/**
 * The fast lane's one look at a file past its bound while watching
 * (`RecheckSweep.recheckNow`), attacked: the file or its folder swapped for
 * a symlink out of the root, with no event to tell (a watcher can miss
 * one), must not be trusted by the look — even when what the link leads to
 * is the very same inode (identity alone would pass) — and the ordinary
 * path it falls back to must refuse it as a load does. And the lane's
 * freshness check without a lookup by key (its record's copy of the entry's
 * `checkedAt`) must not serve a file whose entry the cache dropped for its
 * budget.
 */

import assert from "node:assert/strict";
import { dirname } from "node:path";
import { useWatchFsForTests } from "../../src/static/change_watcher.ts";
import { fakeWatchFs, type Served, withServed } from "./_watched_site.ts";

/** Run `fn` with a watcher that reports nothing (every event missed). */
async function withSilentWatch(fn: () => Promise<void>): Promise<void> {
  useWatchFsForTests(fakeWatchFs().watchFs);
  try {
    await fn();
  } finally {
    useWatchFsForTests(null);
  }
}

const OPTIONS = { revalidateMs: 1000, siteRules: false };

/**
 * Move the clock past the bound of the files loaded at 0, keeping the root
 * fresh by a hit on `other.txt` (loaded at 0 too) in the half bound before,
 * as a site in use would: only the file's own look decides.
 */
function pastTheBound(site: Served, at = 1500): void {
  site.clock.now = at - 600;
  assert.equal(site.lane("/other.txt"), "other");
  site.clock.now = at;
}

/** Adds `other.txt`, the file that keeps the root in use. */
async function addOther(root: string): Promise<void> {
  await Deno.writeTextFile(`${root}/other.txt`, "other");
}

Deno.test("fast lane's look past the bound refuses a file swapped for a symlink out of the root", async () => {
  await withSilentWatch(() =>
    withServed(OPTIONS, async (site) => {
      const outside = `${dirname(site.root)}/secret.txt`;
      await Deno.writeTextFile(outside, "TOPSECRET");
      assert.equal(await site.get("/note.txt"), "a note");
      assert.equal(await site.get("/other.txt"), "other");
      assert.equal(site.lane("/note.txt"), "a note");
      await Deno.remove(`${site.root}/note.txt`);
      await Deno.symlink(outside, `${site.root}/note.txt`);
      pastTheBound(site); // and no event came
      assert.equal(site.lane("/note.txt"), undefined, "not trusted");
      const response = await site.fetch("/note.txt");
      const body = await response.text();
      assert.ok(!body.includes("TOPSECRET"), `${response.status} ${body}`);
      assert.equal(site.lane("/note.txt"), undefined, "never from the lane");
    }, addOther)
  );
});

Deno.test("fast lane's look past the bound refuses a folder swapped for a symlink out of the root, to the same inode", async () => {
  await withSilentWatch(() =>
    withServed(OPTIONS, async (site) => {
      const base = dirname(site.root);
      await Deno.mkdir(`${site.root}/d`);
      await Deno.writeTextFile(`${site.root}/d/file.txt`, "public");
      assert.equal(await site.get("/d/file.txt"), "public");
      assert.equal(await site.get("/other.txt"), "other");
      assert.equal(site.lane("/d/file.txt"), "public");
      // The outside folder holds the very file (a hard link): its device,
      // inode, size and mtime are the entry's; only its path is outside.
      await Deno.mkdir(`${base}/outside`);
      await Deno.link(`${site.root}/d/file.txt`, `${base}/outside/file.txt`);
      await Deno.rename(`${site.root}/d`, `${base}/aside`);
      await Deno.symlink(`${base}/outside`, `${site.root}/d`);
      pastTheBound(site);
      assert.equal(site.lane("/d/file.txt"), undefined, "not trusted");
      const response = await site.fetch("/d/file.txt");
      await response.body?.cancel();
      assert.equal(response.status, 404, "a load refuses it too");
      assert.equal(site.lane("/d/file.txt"), undefined);
    }, addOther)
  );
});

Deno.test("fast lane's look past the bound trusts an unchanged file once, and not one that changed in place", async () => {
  await withSilentWatch(() =>
    withServed(OPTIONS, async (site) => {
      assert.equal(await site.get("/note.txt"), "a note");
      assert.equal(await site.get("/other.txt"), "other");
      pastTheBound(site);
      assert.equal(site.lane("/note.txt"), "a note", "unchanged: trusted");
      // Same size, so only the mtime (or inode) tells: rewritten in place.
      const path = `${site.root}/note.txt`;
      await Deno.writeTextFile(path, "b note");
      await Deno.utime(path, 1, 1);
      pastTheBound(site, 3000);
      assert.equal(site.lane("/note.txt"), undefined, "changed: not trusted");
      assert.equal(await site.get("/note.txt"), "b note");
      assert.equal(site.lane("/note.txt"), "b note");
    }, addOther)
  );
});

Deno.test("fast lane serves nothing of a file whose entry the cache dropped for its budget", async () => {
  const size = 48 * 1024;
  await withServed(
    // Room for one file's bytes and its gzip answer, not for two files'.
    { revalidateMs: 60_000, cacheBudgetBytes: 3 * size },
    async (site) => {
      assert.equal((await site.get("/a.txt")).length, size);
      assert.equal(site.lane("/a.txt")?.length, size);
      // Loading b does not fit beside a: a's bytes, and the lane's record
      // hung on its entry, are dropped.
      assert.equal((await site.get("/b.txt")).length, size);
      assert.equal(site.lane("/b.txt")?.length, size);
      const entry = await site.internals.cache.lookup(
        `${site.root}/a.txt`,
        () => Promise.reject(new Error("a is still cached: no load")),
      );
      assert.ok(entry?.kind === "file");
      assert.equal(entry.identity.bytes, null, "a's bytes were dropped");
      assert.equal(entry.derived ?? null, null, "and the lane's record");
      assert.equal(site.lane("/a.txt"), undefined, "so the lane has none");
      assert.ok(site.internals.cache.usedBytes <= 3 * size, "in budget");
    },
    async (root) => {
      await Deno.writeTextFile(`${root}/a.txt`, "a".repeat(size));
      await Deno.writeTextFile(`${root}/b.txt`, "b".repeat(size));
    },
  );
});
