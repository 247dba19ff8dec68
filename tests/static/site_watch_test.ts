/**
 * The file handler watching its root while an engine serves with it: a
 * change is seen at once; what the watcher misses is still seen within
 * `revalidateMs`, files in use being re-checked in batches; watching that
 * fails falls back to polling, said once; the watch ends with the last
 * server; live reload shares it. (Both modes against the bound:
 * `staleness_bound_test.ts`; live reload on real sockets:
 * `live_reload_serve_test.ts`.)
 */

import assert from "node:assert/strict";
import { ON_SERVE, type ServeAware } from "../../src/http/serve_lifecycle.ts";
import { serve } from "../../src/serve.ts";
import { useWatchFsForTests } from "../../src/static/change_watcher.ts";
import {
  createStaticHandler,
  STATIC_INTERNALS,
  type StaticInternals,
} from "../../src/static/static_handler.ts";
import { watchRefusal } from "../../src/static/watch_refusal.ts";
import {
  countLstats,
  fakeWatchFs,
  within,
  withServed,
} from "./_watched_site.ts";
import { EventStreamReader, FakeWatch } from "./_event_stream.ts";

Deno.test("createStaticHandler() served by an engine serves a changed file at once while watching", async () => {
  await withServed({ revalidateMs: 60_000 }, async (site) => {
    assert.equal(site.watch!.state, "watching");
    assert.equal(await site.get("/note.txt"), "a note");
    assert.equal(site.lane("/note.txt"), "a note");
    const seen = site.watch!.handled(`${site.root}/note.txt`);
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
      assert.equal(site.watch!.sweep.size, 2);
      // …which waits until they are seven eighths of the bound old…
      assert.deepEqual(site.watch!.sweep.sweep(), {
        confirmed: 0,
        reloaded: 0,
      });
      site.clock.now = 874;
      assert.deepEqual(site.watch!.sweep.sweep(), {
        confirmed: 0,
        reloaded: 0,
      });
      assert.equal(site.watch!.sweep.size, 2);
      // …when one sweep makes it for both: one reloaded, one trusted on.
      site.clock.now = 875;
      assert.deepEqual(site.watch!.sweep.sweep(), {
        confirmed: 1,
        reloaded: 1,
      });
      assert.equal(site.watch!.sweep.size, 0);
      assert.equal(await site.get("/note.txt"), "changed!");
      assert.equal(site.lane("/note.txt"), "changed!");
      site.clock.now = 1500;
      assert.equal(site.lane("/other.txt"), "other");
      // Without a sweep, the fast lane stops at the bound all the same.
      await Deno.writeTextFile(`${site.root}/other.txt`, "other, changed");
      site.clock.now = 1875;
      assert.equal(site.lane("/other.txt"), undefined);
      assert.equal(await site.get("/other.txt"), "other, changed");
    });
  } finally {
    useWatchFsForTests(null);
  }
});

Deno.test("createStaticHandler() re-checks a file used in bursts apart by more than revalidateMs with one look, on the hit past the bound", async () => {
  const silent = fakeWatchFs();
  useWatchFsForTests(silent.watchFs);
  try {
    // No site rules: their own re-check runs apart from the files'.
    const options = { revalidateMs: 1000, siteRules: false };
    await withServed(options, async (site) => {
      assert.equal(await site.get("/note.txt"), "a note");
      assert.equal(await site.get("/other.txt"), "other");
      // Another file keeps the root fresh; note.txt gets no hit in the
      // half bound before its expiry, so no re-check of it is asked.
      site.clock.now = 900;
      assert.equal(site.lane("/other.txt"), "other");
      site.clock.now = 1500;
      const looks = await countLstats("note.txt", () => {
        assert.equal(site.lane("/note.txt"), "a note", "unchanged: served");
        return Promise.resolve();
      });
      assert.equal(looks, 1, "one look");
      const key = `${site.root}/note.txt`;
      assert.equal(site.internals.cache.loading(key), false, "no load");
      // Trusted from that look on: a hit within the bound looks not.
      site.clock.now = 1900;
      const none = await countLstats("note.txt", () => {
        assert.equal(site.lane("/other.txt"), "other");
        assert.equal(site.lane("/note.txt"), "a note");
        return Promise.resolve();
      });
      assert.equal(none, 0);
      // Changed, no event, the next burst past the bound: the look sees it.
      await Deno.writeTextFile(`${site.root}/note.txt`, "changed!");
      site.clock.now = 2600;
      assert.equal(site.lane("/note.txt"), undefined);
      assert.equal(await site.get("/note.txt"), "changed!");
      assert.equal(site.lane("/note.txt"), "changed!");
    }, async (root) => {
      await Deno.writeTextFile(`${root}/other.txt`, "other");
    });
  } finally {
    useWatchFsForTests(null);
  }
});

Deno.test("createStaticHandler() with watch: false does not trust a file past revalidateMs on a look from the fast lane", async () => {
  await withServed({ revalidateMs: 1000, watch: false }, async (site) => {
    assert.equal(await site.get("/note.txt"), "a note");
    site.clock.now = 2500;
    const looks = await countLstats("note.txt", () => {
      assert.equal(site.lane("/note.txt"), undefined, "polling loads");
      return Promise.resolve();
    });
    assert.equal(looks, 0);
  });
});

Deno.test("createStaticHandler() serves the changed target of a symlink within revalidateMs while watching", async () => {
  await withServed({ revalidateMs: 1000 }, async (site) => {
    assert.equal(await site.get("/link.txt"), "v1");
    assert.equal(site.lane("/link.txt"), "v1");
    // The event names the target, not the link: the target's own entry
    // goes at once…
    const seen = site.watch!.handled(`${site.root}/files/v.txt`);
    await overwriteInPlace(`${site.root}/files/v.txt`, "v2");
    await within(seen);
    assert.equal(await site.get("/files/v.txt"), "v2");
    // …and the link's at its re-check, within the bound.
    site.clock.now = 600;
    site.lane("/link.txt");
    site.clock.now = 875;
    assert.equal(site.watch!.sweep.sweep().reloaded, 1);
    // The reload runs on its own; until it lands the old answer is still
    // within the bound. Wait for that one reload, then look.
    const key = `${site.root}/link.txt`;
    assert.ok(site.internals.cache.loading(key));
    await site.internals.cache.revalidate(
      key,
      () => Promise.reject(new Error("the sweep's reload was not in flight")),
    );
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
      assert.equal(site.watch!.state, "polling");
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
      assert.equal(site.watch!.sweep.size, 0);
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
      assert.equal(site.watch!.state, "watching");
      assert.equal(await site.get("/note.txt"), "a note");
      site.clock.now = 600;
      site.lane("/note.txt");
      assert.equal(site.watch!.sweep.size, 1);
      const warning = site.nextWarning();
      fake.fail(new Error("OS file watch limit reached."));
      assert.match(await warning, /watch limit reached.*every 1000 ms/);
      assert.equal(site.watch!.state, "polling");
      assert.equal(site.watch!.sweep.size, 0, "the sweep stopped");
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

Deno.test("createStaticHandler() re-checks every file at once when the watcher lost events", async () => {
  const fake = fakeWatchFs();
  useWatchFsForTests(fake.watchFs);
  try {
    await withServed({ revalidateMs: 60_000 }, async (site) => {
      assert.equal(await site.get("/note.txt"), "a note");
      assert.equal(await site.get("/sub/deep.txt"), "deep");
      assert.equal(site.lane("/note.txt"), "a note");
      await Deno.writeTextFile(`${site.root}/note.txt`, "changed!");
      // Long before the bound: only the lost events can make it seen.
      site.clock.now = 1;
      const looks = await countLstats("deep.txt", async () => {
        await fake.push({ kind: "any", paths: [site.root], flag: "rescan" });
      });
      assert.equal(looks, 1, "the unchanged file was looked at too");
      assert.equal(site.lane("/note.txt"), undefined);
      assert.equal(await site.get("/note.txt"), "changed!");
      assert.equal(await site.get("/sub/deep.txt"), "deep");
    }, async (root) => {
      await Deno.mkdir(`${root}/sub`);
      await Deno.writeTextFile(`${root}/sub/deep.txt`, "deep");
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
    const seen = site.watch!.handled(`${site.root}/style.css.gz`);
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
    const seen = site.watch!.handled(`${site.root}/_redirects`);
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
    const seen = site.watch!.handled(`${site.root}/about`);
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
      site.clock.now = 875;
      site.watch!.sweep.sweep();
      assert.equal(await site.get("/a.txt"), "v2 a");
      await within(site.watch!.settled());
      assert.equal(site.watch!.state, "watching");
      const seen = site.watch!.handled(`${root}/a.txt`);
      await Deno.writeTextFile(`${base}/v2/a.txt`, "v2 a, changed");
      await within(seen);
      assert.equal(await site.get("/a.txt"), "v2 a, changed");
      assert.equal(site.watch!.state, "watching");
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
    assert.equal((handler as ServeAware)[ON_SERVE], undefined);
    assert.equal(
      (handler as unknown as { [STATIC_INTERNALS]: StaticInternals })[
        STATIC_INTERNALS
      ].watch,
      null,
    );
  }
});

Deno.test("createStaticHandler() polls, and says why, when a symlink in the root leads to a folder outside it", async () => {
  const outside = await Deno.realPath(await Deno.makeTempDir());
  try {
    await withServed({ revalidateMs: 1000 }, async (site) => {
      assert.equal(site.watch!.state, "polling");
      assert.match(
        site.warnings[0],
        /^Watching .*\/site failed \(.*\/site\/deep\/out is a symlink to a folder outside it\); checking files every 1000 ms instead$/,
      );
      assert.equal(site.warnings.length, 1);
      assert.equal(await site.get("/note.txt"), "a note");
    }, async (root) => {
      await Deno.mkdir(`${root}/deep`);
      await Deno.symlink(outside, `${root}/deep/out`);
    });
  } finally {
    await Deno.remove(outside, { recursive: true });
  }
});

Deno.test("watchRefusal() allows links inside the root and dangling ones, refuses links out and trees of too many folders", async () => {
  const base = await Deno.realPath(await Deno.makeTempDir());
  const root = `${base}/root`;
  try {
    await Deno.mkdir(`${root}/a/b`, { recursive: true });
    await Deno.mkdir(`${base}/out`);
    await Deno.symlink(`${root}/a/b`, `${root}/inside`);
    await Deno.symlink(`${root}/a/b`, `${root}/a/b/loop`);
    await Deno.symlink(`${base}/nowhere`, `${root}/dangling`);
    await Deno.symlink(`${base}/out/file`, `${root}/a/file-out`);
    await Deno.writeTextFile(`${base}/out/file`, "");
    // root, a, a/b: three folders.
    assert.equal(watchRefusal(root, 3), null);
    assert.equal(watchRefusal(root, 2), "it holds more than 2 folders");
    await Deno.symlink(`${base}/out`, `${root}/a/b/leak`);
    assert.equal(
      watchRefusal(root),
      `${root}/a/b/leak is a symlink to a folder outside it`,
    );
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("createStaticHandler() shares its watch with live reload, which watches for itself once watching failed", async () => {
  const watches: FakeWatch[] = [];
  useWatchFsForTests((path) => {
    const watch = new FakeWatch(path);
    watches.push(watch);
    return watch;
  });
  const listen = async (site: { fetch(path: string): Promise<Response> }) =>
    new EventStreamReader((await site.fetch("/.berth/live-reload")).body!);
  try {
    await withServed({ revalidateMs: 1000, liveReload: true }, async (site) => {
      assert.equal(watches.length, 1, "the handler's");
      const page = await listen(site);
      try {
        assert.equal((await page.nextEvent())?.event, "hello");
        assert.equal(watches.length, 1, "the page shares it");
        watches[0].send([`${site.root}/style.css`]);
        const css = await page.nextEvent();
        assert.equal(css?.event, "css");
        assert.deepEqual((css!.data as { paths: string[] }).paths, [
          "/style.css",
        ]);
        watches[0].lose();
        assert.equal((await page.nextEvent())?.event, "reload");
        watches[0].fail(new Error("OS file watch limit reached."));
        assert.equal(await page.nextEvent(), null, "ended: the page returns");
      } finally {
        await page.cancel();
      }
      assert.equal(site.watch!.state, "polling");
      assert.equal(site.warnings.length, 2);
      assert.match(site.warnings[0], /^Watching .* failed .*every 1000 ms/);
      assert.match(site.warnings[1], /^live reload: watching .* stopped/);
      const back = await listen(site);
      try {
        assert.equal((await back.nextEvent())?.event, "hello");
        assert.equal(watches.length, 2, "its own watch now");
        assert.equal(watches[1].path, site.root);
        watches[1].send([`${site.root}/index.html`]);
        assert.equal((await back.nextEvent())?.event, "reload");
      } finally {
        await back.cancel();
      }
    });
    assert.ok(watches.every((watch) => watch.closed));
  } finally {
    useWatchFsForTests(null);
  }
});

Deno.test("createStaticHandler() ends live reload's share of its watch when the last server stops, and says so", async () => {
  const root = await Deno.makeTempDir();
  const watches: FakeWatch[] = [];
  useWatchFsForTests((path) => {
    const watch = new FakeWatch(path);
    watches.push(watch);
    return watch;
  });
  try {
    const warnings: string[] = [];
    const handler = createStaticHandler({
      root,
      liveReload: true,
      onWarning: (message) => warnings.push(message),
    });
    const lifecycle = (handler as ServeAware)[ON_SERVE]!();
    const response = await handler(
      new Request("http://a/.berth/live-reload"),
    );
    const page = new EventStreamReader(response.body!);
    try {
      assert.equal((await page.nextEvent())?.event, "hello");
      await lifecycle.stopped();
      assert.equal(await page.nextEvent(), null, "ended: the page returns");
      assert.deepEqual(watches.map((watch) => watch.closed), [true]);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0], /stopped \(No server serves the handler now\)/);
    } finally {
      await page.cancel();
      await lifecycle.shuttingDown();
    }
  } finally {
    useWatchFsForTests(null);
    await Deno.remove(root, { recursive: true });
  }
});

/**
 * Overwrite a file's first bytes in one write, without truncating it: a
 * truncation is an event of its own, which could be handled (and the file
 * read again) before the new bytes are in.
 */
async function overwriteInPlace(path: string, text: string): Promise<void> {
  using file = await Deno.open(path, { write: true });
  const bytes = new TextEncoder().encode(text);
  assert.equal(await file.write(bytes), bytes.length);
}
