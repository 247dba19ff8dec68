/**
 * What keeping files in use fresh costs, watching against polling: the
 * file handler serves this repository's `src/` (read-only), every `.ts`
 * file in its fast lane; each iteration moves the handler's clock on by
 * 4/5 of `revalidateMs`, hits every file once through the fast lane, and
 * waits until each is re-checked — by one sweep of the batches while
 * watching (`recheck_sweep.ts`), by one reload each while polling. A third
 * bench times the hits alone, to subtract. Watching runs on a stand-in for
 * `Deno.watchFs` that reports nothing (the sweep's work is the same; a
 * real watch would outlive the run).
 *
 *   deno bench --allow-read bench/recheck_bench.ts
 *
 * @module
 */

import { FAST_LANE, type FastLaneCarrier } from "../src/http/fast_lane.ts";
import { ON_SERVE, type ServeAware } from "../src/http/serve_lifecycle.ts";
import { useWatchFsForTests } from "../src/static/change_watcher.ts";
import {
  createStaticHandler,
  STATIC_INTERNALS,
  type StaticInternals,
} from "../src/static/static_handler.ts";

const root = new URL("../src/", import.meta.url).pathname;
const paths: string[] = [];
for (const folder of ["", "cli/", "http/", "http1/", "static/"]) {
  for (const entry of Deno.readDirSync(root + folder)) {
    if (entry.isFile && entry.name.endsWith(".ts")) {
      paths.push(`/${folder}${entry.name}`);
    }
  }
}

// A watch that never reports (nor ends: that would be a failure).
useWatchFsForTests(() => ({
  close() {},
  [Symbol.dispose]() {},
  [Symbol.asyncIterator]() {
    const never: AsyncIterableIterator<Deno.FsEvent> = {
      next: () => new Promise(() => {}),
      [Symbol.asyncIterator]: () => never,
    };
    return never;
  },
}));

/** A served handler on its own clock, every file of `paths` recorded. */
async function served(watch: boolean) {
  const clock = { now: 0 };
  const handler = createStaticHandler({
    root,
    watch,
    siteRules: false,
    revalidateMs: 1000,
    now: () => clock.now,
  });
  (handler as ServeAware)[ON_SERVE]?.();
  for (const path of paths) {
    await (await handler(new Request(`http://localhost${path}`))).text();
  }
  const internals = (handler as unknown as {
    [STATIC_INTERNALS]: StaticInternals;
  })[STATIC_INTERNALS];
  const lane = (handler as FastLaneCarrier)[FAST_LANE]!;
  const hitAll = () => {
    for (const target of paths) {
      const hit = lane({
        method: "GET",
        target,
        headerNames: [],
        headerValues: [],
      }, Date.now());
      if (hit === undefined) throw new Error(`Not in the fast lane: ${target}`);
    }
  };
  const settled = async () => {
    for (const entry of internals.cache.entries()) {
      while (internals.cache.loading(entry.key)) await Promise.resolve();
    }
  };
  return { clock, internals, hitAll, settled };
}

const watching = await served(true);
const polling = await served(false);
const hitsOnly = await served(false);

Deno.bench(`re-check ${paths.length} files in use, watching`, {
  group: "recheck",
  baseline: true,
}, async () => {
  watching.clock.now += 800;
  watching.hitAll();
  watching.internals.watch!.sweep.sweep();
  await watching.settled();
});

Deno.bench(`re-check ${paths.length} files in use, polling`, {
  group: "recheck",
}, async () => {
  polling.clock.now += 800;
  polling.hitAll();
  await polling.settled();
});

Deno.bench(`${paths.length} fast-lane hits, no re-check`, {
  group: "recheck",
}, () => {
  hitsOnly.clock.now = 1;
  hitsOnly.hitAll();
});
