/**
 * The staleness bound is a promise whether the root is watched or polled:
 * in every mode — watching, watching while events go missing, polling by
 * choice, polling because watching failed at start or midway — a changed
 * file is never served past `revalidateMs`, and a file in use never leaves
 * the fast lane. Watching looks at a file in use less often than polling.
 * The clock is the handler's own, moved by the test; the last test runs on
 * real sockets and real time, bounded.
 */

import assert from "node:assert/strict";
import { serve } from "../../src/serve.ts";
import { useWatchFsForTests } from "../../src/static/change_watcher.ts";
import type { StaticHandlerOptions } from "../../src/static/options.ts";
import type { WatchState } from "../../src/static/site_watch.ts";
import { createStaticHandler } from "../../src/static/static_handler.ts";
import {
  countLstats,
  fakeWatchFs,
  type Served,
  within,
  withServed,
} from "./_watched_site.ts";

const BOUND_MS = 1000;

interface Mode {
  name: string;
  watch: boolean;
  /** What stands in for `Deno.watchFs`, if anything. */
  watcher: "real" | "silent" | "throws" | "fails midway";
  /** The state once served. */
  state: WatchState | null;
}

const MODES: Mode[] = [
  { name: "watching", watch: true, watcher: "real", state: "watching" },
  {
    name: "watching, events missed",
    watch: true,
    watcher: "silent",
    state: "watching",
  },
  { name: "watch: false", watch: false, watcher: "real", state: null },
  {
    name: "watching failed at start",
    watch: true,
    watcher: "throws",
    state: "polling",
  },
  {
    name: "watching failed midway",
    watch: true,
    watcher: "fails midway",
    state: "watching",
  },
];

/** Run `fn` with `mode`'s stand-in for `Deno.watchFs` in place. */
async function withWatcher(
  mode: Mode,
  fn: (fail: () => void) => Promise<void>,
): Promise<void> {
  const fake = fakeWatchFs();
  if (mode.watcher === "throws") {
    useWatchFsForTests(() => {
      throw new Error("OS file watch limit reached.");
    });
  } else if (mode.watcher !== "real") useWatchFsForTests(fake.watchFs);
  try {
    await fn(() => fake.fail(new Error("OS file watch limit reached.")));
  } finally {
    useWatchFsForTests(null);
  }
}

/** What the timers of a mode would have done by now: a due sweep. */
function tick(site: Served): void {
  if (site.watch?.state === "watching") site.watch.sweep.sweep();
}

for (const mode of MODES) {
  Deno.test(`createStaticHandler() served, ${mode.name}: a change is never served past revalidateMs, and a file in use never leaves the fast lane`, async () => {
    await withWatcher(mode, async (fail) => {
      const options: StaticHandlerOptions = {
        revalidateMs: BOUND_MS,
        watch: mode.watch,
      };
      await withServed(options, async (site) => {
        assert.equal(site.watch?.state ?? null, mode.state);
        assert.equal(await site.get("/note.txt"), "a note");
        assert.equal(await site.get("/other.txt"), "other");
        const seen = site.watch?.handled(`${site.root}/note.txt`);
        await Deno.writeTextFile(`${site.root}/note.txt`, "changed!");
        if (mode.watcher === "real" && mode.watch) {
          // Told by the file system: at once, long before the bound.
          await within(seen!);
          assert.equal(site.lane("/note.txt"), undefined);
          assert.equal(await site.get("/note.txt"), "changed!");
        }
        for (let step = 0; step <= 32; step++) {
          site.clock.now = step * BOUND_MS / 16;
          if (mode.watcher === "fails midway" && step === 4) {
            const warned = site.nextWarning();
            fail();
            assert.match(await warned, /failed.*every 1000 ms instead/);
            assert.equal(site.watch!.state, "polling");
          }
          const note = site.lane("/note.txt");
          assert.equal(site.lane("/other.txt"), "other", `step ${step}`);
          tick(site);
          // What the ordinary path answers (it waits for a re-check in
          // flight, so nothing of this step is left pending).
          const got = await site.get("/note.txt");
          assert.equal(await site.get("/other.txt"), "other");
          if (site.clock.now >= BOUND_MS) {
            assert.notEqual(note, "a note", `fast lane, step ${step}`);
            assert.equal(got, "changed!", `ordinary path, step ${step}`);
          }
        }
        // Said once when watching fails, never otherwise.
        const failed = mode.watcher === "throws" ||
          mode.watcher === "fails midway";
        assert.equal(site.warnings.length, failed ? 1 : 0);
      }, async (root) => {
        await Deno.writeTextFile(`${root}/other.txt`, "other");
      });
    });
  });
}

Deno.test("createStaticHandler() served: a file in use is looked at less often while watching than while polling", async () => {
  const looks: Record<string, number> = {};
  for (const watch of [true, false]) {
    // No site rules: their files are re-read ahead of time in the
    // background, which this loop (awaiting only reloads) would not let
    // finish.
    const options = { revalidateMs: BOUND_MS, watch, siteRules: false };
    await withServed(options, async (site) => {
      assert.equal(await site.get("/note.txt"), "a note");
      const { cache } = site.internals;
      looks[watch ? "watching" : "polling"] = await countLstats(
        "note.txt",
        async () => {
          // A hit every millisecond for four bounds; while watching, a
          // sweep as often (the timer sweeps every eighth of the bound).
          for (site.clock.now = 1; site.clock.now < 4 * BOUND_MS;) {
            assert.equal(site.lane("/note.txt"), "a note");
            tick(site);
            if (cache.loading(`${site.root}/note.txt`)) {
              assert.equal(await site.get("/note.txt"), "a note");
            }
            site.clock.now++;
          }
        },
      );
    });
  }
  // Polling reloads it at half the bound: at 500, 1000, … 3500. Watching
  // looks once it is seven eighths of the bound old: 875, 1750, 2625, 3500.
  assert.deepEqual(looks, { watching: 4, polling: 7 });
});

Deno.test("serve() with the file handler serves a change at once while watching, and within revalidateMs while polling", async () => {
  const cases: [string, StaticHandlerOptions, boolean][] = [
    // A bound of an hour: only the watch can make the change seen.
    ["watching", { revalidateMs: 3_600_000 }, false],
    ["watch: false", { revalidateMs: 50, watch: false }, false],
    ["watching failed", { revalidateMs: 50 }, true],
  ];
  for (const [name, options, failing] of cases) {
    const root = await Deno.makeTempDir();
    const warnings: string[] = [];
    if (failing) {
      useWatchFsForTests(() => {
        throw new Error("OS file watch limit reached.");
      });
    }
    const client = Deno.createHttpClient({});
    const server = serve(
      createStaticHandler({
        root,
        onWarning: (message) => warnings.push(message),
        ...options,
      }),
      { port: 0, hostname: "127.0.0.1", onListen() {} },
    );
    try {
      await Deno.writeTextFile(`${root}/note.txt`, "a note");
      const url = `http://127.0.0.1:${server.addr.port}/note.txt`;
      const body = async () => await (await fetch(url, { client })).text();
      assert.equal(await body(), "a note", name);
      await Deno.writeTextFile(`${root}/note.txt`, "changed!");
      // A bounded poll: at most 10 s, at most 20,000 requests.
      let seen = "";
      const deadline = Date.now() + 10_000;
      for (let i = 0; i < 20_000 && Date.now() < deadline; i++) {
        seen = await body();
        if (seen === "changed!") break;
      }
      assert.equal(seen, "changed!", name);
      assert.equal(warnings.length, failing ? 1 : 0, name);
    } finally {
      useWatchFsForTests(null);
      await server.shutdown();
      client.close();
      await Deno.remove(root, { recursive: true });
    }
  }
});
