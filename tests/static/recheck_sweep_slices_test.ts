/**
 * The re-check sweep looks at a bounded number of entries at a time
 * (`LOOKS_PER_SWEEP`): its looks are synchronous, so a site of many files
 * in use, all due together, must not hold the event loop for all of them
 * at once. The rest wait, still asked for, for the next sweep.
 */

import assert from "node:assert/strict";
import { useWatchFsForTests } from "../../src/static/change_watcher.ts";
import { LOOKS_PER_SWEEP } from "../../src/static/recheck_sweep.ts";
import { fakeWatchFs, withServed } from "./_watched_site.ts";

const FILES = LOOKS_PER_SWEEP + 6;
const names = Array.from({ length: FILES }, (_, i) => `f${i}.txt`);

Deno.test("re-check sweep looks at most LOOKS_PER_SWEEP entries, and leaves the rest asked for", async () => {
  useWatchFsForTests(fakeWatchFs().watchFs);
  try {
    await withServed({ revalidateMs: 1000 }, async (site) => {
      for (const name of names) assert.equal(await site.get(`/${name}`), name);
      // Past half the bound, a hit on each asks for its re-check.
      site.clock.now = 600;
      for (const name of names) assert.equal(site.lane(`/${name}`), name);
      assert.equal(site.watch!.sweep.size, FILES);
      site.clock.now = 875;
      assert.deepEqual(site.watch!.sweep.sweep(), {
        confirmed: LOOKS_PER_SWEEP,
        reloaded: 0,
      });
      assert.equal(site.watch!.sweep.size, FILES - LOOKS_PER_SWEEP);
      // The next sweep takes the rest, trusted from its own clock reading.
      site.clock.now = 876;
      assert.deepEqual(site.watch!.sweep.sweep(), {
        confirmed: FILES - LOOKS_PER_SWEEP,
        reloaded: 0,
      });
      assert.equal(site.watch!.sweep.size, 0);
      // Every file was confirmed: still served from the lane past the
      // bound of its first load.
      site.clock.now = 1500;
      for (const name of names) assert.equal(site.lane(`/${name}`), name);
      assert.deepEqual(site.warnings, []);
    }, async (root) => {
      for (const name of names) {
        await Deno.writeTextFile(`${root}/${name}`, name);
      }
    });
  } finally {
    useWatchFsForTests(null);
  }
});

Deno.test("re-check sweep's recheckAll (events lost) looks at every entry at once", async () => {
  useWatchFsForTests(fakeWatchFs().watchFs);
  try {
    await withServed({ revalidateMs: 1000 }, async (site) => {
      for (const name of names) assert.equal(await site.get(`/${name}`), name);
      assert.deepEqual(site.watch!.sweep.recheckAll(), {
        confirmed: FILES,
        reloaded: 0,
      });
      assert.equal(site.watch!.sweep.size, 0);
    }, async (root) => {
      for (const name of names) {
        await Deno.writeTextFile(`${root}/${name}`, name);
      }
    });
  } finally {
    useWatchFsForTests(null);
  }
});
