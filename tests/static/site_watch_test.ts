/**
 * The file handler watching its root while an engine serves with it: a
 * change is seen at once; what the watcher misses is still seen within
 * `revalidateMs`; watching that fails falls back to polling, said once; and
 * the watch ends with the last server.
 */

import assert from "node:assert/strict";
import {
  FAST_LANE,
  type FastLaneCarrier,
  SERVING,
} from "../../src/http/fast_lane.ts";
import { serve } from "../../src/serve.ts";
import { useWatchFsForTests } from "../../src/static/change_watcher.ts";
import type { StaticHandlerOptions } from "../../src/static/options.ts";
import {
  createStaticHandler,
  STATIC_INTERNALS,
  type StaticInternals,
} from "../../src/static/static_handler.ts";
import type { SiteWatch } from "../../src/static/site_watch.ts";

const decoder = new TextDecoder();

/** A handler being served (its `SERVING` told), and how to ask it. */
interface Served {
  root: string;
  watch: SiteWatch;
  warnings: string[];
  /** The cache clock, for the test to move. */
  clock: { now: number };
  /** The fast lane's body for `GET path`, or `undefined` (not answered). */
  lane(path: string, headers?: Record<string, string>): string | undefined;
  /** The ordinary path's body for `GET path`. */
  get(path: string, headers?: Record<string, string>): Promise<string>;
  /** The ordinary path's answer. */
  fetch(path: string, headers?: Record<string, string>): Promise<Response>;
  /** Tell the handler another engine serves with it; returns its stop. */
  serveAgain(): () => Promise<void>;
  /** Resolves with the next warning. */
  nextWarning(): Promise<string>;
}

async function withServed(
  options: StaticHandlerOptions,
  fn: (served: Served) => Promise<void>,
  setUp?: (root: string) => Promise<void>,
): Promise<void> {
  const base = await Deno.realPath(await Deno.makeTempDir());
  const root = `${base}/site`;
  await Deno.mkdir(root);
  await Deno.writeTextFile(`${root}/note.txt`, "a note");
  await setUp?.(root);
  const clock = { now: 0 };
  const warnings: string[] = [];
  let warned = (_: string) => {};
  const handler = createStaticHandler({
    root: options.root ?? root,
    now: () => clock.now,
    onWarning(message) {
      warnings.push(message);
      warned(message);
    },
    ...options,
  });
  const carrier = handler as FastLaneCarrier;
  const internals = (handler as unknown as {
    [STATIC_INTERNALS]: StaticInternals;
  })[STATIC_INTERNALS];
  const stop = carrier[SERVING]?.() ?? (() => Promise.resolve());
  const fetchIt = (path: string, headers: Record<string, string> = {}) =>
    handler(new Request(`http://a${path}`, { headers }));
  try {
    await fn({
      root,
      watch: internals.watch!,
      warnings,
      clock,
      lane(path, headers = {}) {
        const hit = carrier[FAST_LANE]!({
          method: "GET",
          target: path,
          headerNames: Object.keys(headers),
          headerValues: Object.values(headers),
        }, Date.now());
        return hit && decoder.decode(hit.head).split("\r\n\r\n")[1];
      },
      async get(path, headers) {
        return await (await fetchIt(path, headers)).text();
      },
      fetch: fetchIt,
      serveAgain: () => carrier[SERVING]!(),
      nextWarning: () => within(new Promise((tell) => warned = tell)),
    });
  } finally {
    await stop();
    await Deno.remove(base, { recursive: true });
  }
}

/** `promise`, or a rejection after `ms`: a bound on a wait, never a pause. */
async function within<T>(promise: Promise<T>, ms = 10_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("Not within bound")), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** A `Deno.watchFs` stand-in that reports only what the test pushes. */
interface FakeWatchFs {
  watchFs(): Deno.FsWatcher;
  /** Report `event`; resolves once it was handled. */
  push(event: Deno.FsEvent): Promise<void>;
  /** End the watch with `error`, as Deno does. */
  fail(error: Error): void;
}

function fakeWatchFs(): FakeWatchFs {
  const queue: (Deno.FsEvent | Error)[] = [];
  let wake: (() => void) | null = null;
  let pulled: (() => void) | null = null;
  let closed = false;
  async function* events(): AsyncGenerator<Deno.FsEvent> {
    while (true) {
      pulled?.();
      pulled = null;
      while (queue.length === 0 && !closed) {
        await new Promise<void>((resolve) => wake = resolve);
      }
      if (closed) return;
      const next = queue.shift()!;
      if (next instanceof Error) throw next;
      yield next;
    }
  }
  return {
    watchFs: () => ({
      close() {
        closed = true;
        wake?.();
      },
      [Symbol.dispose]() {},
      [Symbol.asyncIterator]: events,
    }),
    push(event) {
      const handled = new Promise<void>((resolve) => pulled = resolve);
      queue.push(event);
      wake?.();
      return within(handled);
    },
    fail(error) {
      queue.push(error);
      wake?.();
    },
  };
}

Deno.test("createStaticHandler() served by an engine serves a changed file at once while watching", async () => {
  await withServed({ revalidateMs: 60_000 }, async (site) => {
    assert.equal(site.watch.state, "watching");
    assert.equal(await site.get("/note.txt"), "a note");
    assert.equal(site.lane("/note.txt"), "a note");
    const seen = site.watch.handled(`${site.root}/note.txt`);
    await Deno.writeTextFile(`${site.root}/note.txt`, "changed!");
    await within(seen);
    // Long before the minute polling would take.
    assert.equal(site.lane("/note.txt"), undefined);
    assert.equal(await site.get("/note.txt"), "changed!");
    assert.equal(site.lane("/note.txt"), "changed!");
    assert.deepEqual(site.warnings, []);
  });
});

Deno.test("createStaticHandler() with watch: false polls: a change within revalidateMs, not before", async () => {
  await withServed({ revalidateMs: 1000, watch: false }, async (site) => {
    assert.equal(await site.get("/note.txt"), "a note");
    await Deno.writeTextFile(`${site.root}/note.txt`, "changed!");
    site.clock.now = 999;
    assert.equal(site.lane("/note.txt"), "a note");
    site.clock.now = 1000;
    assert.equal(site.lane("/note.txt"), undefined);
    assert.equal(await site.get("/note.txt"), "changed!");
  });
});

Deno.test("createStaticHandler() serves a change the watcher missed within revalidateMs (files in use re-checked in batches)", async () => {
  const silent = fakeWatchFs();
  useWatchFsForTests(silent.watchFs);
  try {
    await withServed({ revalidateMs: 1000 }, async (site) => {
      await Deno.writeTextFile(`${site.root}/other.txt`, "other");
      assert.equal(await site.get("/note.txt"), "a note");
      assert.equal(await site.get("/other.txt"), "other");
      // Changed, and no event comes.
      await Deno.writeTextFile(`${site.root}/note.txt`, "changed!");
      site.clock.now = 400;
      assert.equal(site.lane("/note.txt"), "a note", "within the bound");
      // Past half the bound, hits ask for a re-check…
      site.clock.now = 600;
      assert.equal(site.lane("/note.txt"), "a note");
      assert.equal(site.lane("/other.txt"), "other");
      assert.equal(site.watch.sweep.size, 2);
      // …which one sweep makes for both: one is reloaded, one trusted on.
      assert.deepEqual(site.watch.sweep.sweep(), {
        confirmed: 1,
        reloaded: 1,
      });
      assert.equal(await site.get("/note.txt"), "changed!");
      assert.equal(site.lane("/note.txt"), "changed!");
      site.clock.now = 1500;
      assert.equal(site.lane("/other.txt"), "other");
      // Without a sweep, the fast lane stops at the bound all the same.
      await Deno.writeTextFile(`${site.root}/other.txt`, "other, changed");
      site.clock.now = 1600;
      assert.equal(site.lane("/other.txt"), undefined);
      assert.equal(await site.get("/other.txt"), "other, changed");
    });
  } finally {
    useWatchFsForTests(null);
  }
});

Deno.test("createStaticHandler() serves the changed target of a symlink within revalidateMs while watching", async () => {
  await withServed({ revalidateMs: 1000 }, async (site) => {
    assert.equal(await site.get("/link.txt"), "v1");
    assert.equal(site.lane("/link.txt"), "v1");
    // The event names the target, not the link: the target's own entry
    // goes at once…
    const seen = site.watch.handled(`${site.root}/files/v.txt`);
    await Deno.writeTextFile(`${site.root}/files/v.txt`, "v2");
    await within(seen);
    assert.equal(await site.get("/files/v.txt"), "v2");
    // …and the link's at its re-check, within the bound.
    site.clock.now = 600;
    site.lane("/link.txt");
    assert.equal(site.watch.sweep.sweep().reloaded, 1);
    assert.equal(await site.get("/link.txt"), "v2");
  }, async (root) => {
    await Deno.mkdir(`${root}/files`);
    await Deno.writeTextFile(`${root}/files/v.txt`, "v1");
    await Deno.symlink(`${root}/files/v.txt`, `${root}/link.txt`);
  });
});

Deno.test("createStaticHandler() polls, and says so once, when watching cannot start", async () => {
  useWatchFsForTests(() => {
    throw new Error("OS file watch limit reached.");
  });
  try {
    await withServed({ revalidateMs: 1000 }, async (site) => {
      assert.equal(site.watch.state, "polling");
      assert.equal(site.warnings.length, 1);
      assert.match(
        site.warnings[0],
        /^Watching .*\/site failed \(OS file watch limit reached\.\); checking files every 1000 ms instead$/,
      );
      // A second server with the same handler says nothing more.
      await site.serveAgain()();
      assert.equal(site.warnings.length, 1);
      // Polling: a hit past half the bound starts a reload at once.
      assert.equal(await site.get("/note.txt"), "a note");
      await Deno.writeTextFile(`${site.root}/note.txt`, "changed!");
      site.clock.now = 600;
      assert.equal(site.lane("/note.txt"), "a note");
      assert.equal(site.watch.sweep.size, 0);
      assert.equal(await site.get("/note.txt"), "changed!");
    });
  } finally {
    useWatchFsForTests(null);
  }
});

Deno.test("createStaticHandler() polls, and says so once, when the watcher stops with an error", async () => {
  const fake = fakeWatchFs();
  useWatchFsForTests(fake.watchFs);
  try {
    await withServed({ revalidateMs: 1000 }, async (site) => {
      assert.equal(site.watch.state, "watching");
      assert.equal(await site.get("/note.txt"), "a note");
      site.clock.now = 600;
      site.lane("/note.txt");
      assert.equal(site.watch.sweep.size, 1);
      const warning = site.nextWarning();
      fake.fail(new Error("OS file watch limit reached."));
      assert.match(await warning, /watch limit reached.*every 1000 ms/);
      assert.equal(site.watch.state, "polling");
      assert.equal(site.watch.sweep.size, 0, "the sweep stopped");
      assert.equal(site.warnings.length, 1);
      // Polling from now on: a change within the bound.
      await Deno.writeTextFile(`${site.root}/note.txt`, "changed!");
      site.clock.now = 1300;
      site.lane("/note.txt");
      assert.equal(await site.get("/note.txt"), "changed!");
    });
  } finally {
    useWatchFsForTests(null);
  }
});

Deno.test("createStaticHandler() re-checks every file when the watcher lost events", async () => {
  const fake = fakeWatchFs();
  useWatchFsForTests(fake.watchFs);
  try {
    await withServed({ revalidateMs: 60_000 }, async (site) => {
      assert.equal(await site.get("/note.txt"), "a note");
      assert.equal(site.lane("/note.txt"), "a note");
      await Deno.writeTextFile(`${site.root}/note.txt`, "changed!");
      await fake.push({ kind: "any", paths: [site.root], flag: "rescan" });
      assert.equal(site.lane("/note.txt"), undefined);
      assert.equal(await site.get("/note.txt"), "changed!");
    });
  } finally {
    useWatchFsForTests(null);
  }
});

Deno.test("createStaticHandler() follows a changed precompressed sibling at once while watching", async () => {
  const gz = { "accept-encoding": "gzip" };
  await withServed({ revalidateMs: 60_000 }, async (site) => {
    assert.equal(await site.get("/style.css", gz), "old gzip");
    assert.equal(site.lane("/style.css", gz), "old gzip");
    const seen = site.watch.handled(`${site.root}/style.css.gz`);
    await Deno.writeTextFile(`${site.root}/style.css.gz`, "new gzip");
    await within(seen);
    assert.equal(site.lane("/style.css", gz), undefined);
    assert.equal(await site.get("/style.css", gz), "new gzip");
  }, async (root) => {
    await Deno.writeTextFile(`${root}/style.css`, "p{margin:0}\n".repeat(200));
    await Deno.writeTextFile(`${root}/style.css.gz`, "old gzip");
  });
});

Deno.test("createStaticHandler() follows a changed _redirects at once while watching", async () => {
  await withServed({ revalidateMs: 60_000 }, async (site) => {
    assert.equal(site.lane("/note.txt"), undefined);
    assert.equal(await site.get("/note.txt"), "a note");
    assert.equal(site.lane("/note.txt"), "a note");
    const seen = site.watch.handled(`${site.root}/_redirects`);
    await Deno.writeTextFile(`${site.root}/_redirects`, "/note.txt /x 301!\n");
    await within(seen);
    assert.equal(site.lane("/note.txt"), undefined);
    const moved = await site.fetch("/note.txt");
    assert.equal(moved.status, 301);
    assert.equal(moved.headers.get("location"), "/x");
    await moved.body?.cancel();
  });
});

Deno.test("createStaticHandler() routes anew at once when a name comes, while watching", async () => {
  await withServed({ revalidateMs: 60_000, cleanUrls: true }, async (site) => {
    assert.equal(await site.get("/about"), "about.html");
    assert.equal(site.lane("/about"), "about.html");
    // A file named `about` now answers /about itself.
    const seen = site.watch.handled(`${site.root}/about`);
    await Deno.writeTextFile(`${site.root}/about`, "about itself");
    await within(seen);
    assert.equal(site.lane("/about"), undefined);
    assert.equal(await site.get("/about"), "about itself");
  }, async (root) => {
    await Deno.writeTextFile(`${root}/about.html`, "about.html");
  });
});

Deno.test("createStaticHandler() watches where the root's symlink leads now", async () => {
  const base = await Deno.realPath(await Deno.makeTempDir());
  try {
    for (const release of ["v1", "v2"]) {
      await Deno.mkdir(`${base}/${release}`);
      await Deno.writeTextFile(`${base}/${release}/a.txt`, `${release} a`);
    }
    await Deno.symlink(`${base}/v1`, `${base}/current`);
    const root = `${base}/current`;
    await withServed({ root, revalidateMs: 1000 }, async (site) => {
      assert.equal(await site.get("/a.txt"), "v1 a");
      await Deno.remove(root);
      await Deno.symlink(`${base}/v2`, root);
      // The root is re-resolved past half the bound, and the next sweep
      // moves the watch there; the file is re-checked against the new root.
      site.clock.now = 600;
      site.lane("/a.txt");
      site.watch.sweep.sweep();
      assert.equal(await site.get("/a.txt"), "v2 a");
      await within(site.watch.settled());
      assert.equal(site.watch.state, "watching");
      const seen = site.watch.handled(`${root}/a.txt`);
      await Deno.writeTextFile(`${base}/v2/a.txt`, "v2 a, changed");
      await within(seen);
      assert.equal(await site.get("/a.txt"), "v2 a, changed");
      assert.equal(site.watch.state, "watching");
    });
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("serve() shutdown ends the watch of its handler, the last server's only", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${root}/note.txt`, "a note");
    const handler = createStaticHandler({ root });
    const watch = (handler as unknown as {
      [STATIC_INTERNALS]: StaticInternals;
    })[STATIC_INTERNALS].watch!;
    assert.equal(watch.state, "off");
    const options = { port: 0, hostname: "127.0.0.1", onListen() {} };
    const first = serve(handler, options);
    const second = serve(handler, options);
    assert.equal(watch.state, "watching");
    const client = Deno.createHttpClient({});
    try {
      const url = `http://127.0.0.1:${first.addr.port}/note.txt`;
      assert.equal(await (await fetch(url, { client })).text(), "a note");
    } finally {
      client.close();
    }
    await first.shutdown();
    assert.equal(watch.state, "watching");
    await second.shutdown();
    assert.equal(watch.state, "off");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("createStaticHandler() never watches with watch: false or revalidateMs: 0", () => {
  for (const options of [{ watch: false }, { revalidateMs: 0 }]) {
    const handler = createStaticHandler({ root: ".", ...options });
    assert.equal((handler as FastLaneCarrier)[SERVING], undefined);
    assert.equal(
      (handler as unknown as { [STATIC_INTERNALS]: StaticInternals })[
        STATIC_INTERNALS
      ].watch,
      null,
    );
  }
});
