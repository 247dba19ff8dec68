/**
 * Live reload's event stream, in-process, on a fake watcher: what pages are
 * told and when, the watch's life, heartbeats, failures and the end.
 */

import assert from "node:assert/strict";
import { useWatchFsForTests } from "../../src/static/change_watcher.ts";
import {
  LiveReloadEvents,
  type LiveReloadTiming,
} from "../../src/static/live_reload_events.ts";
import { EventStreamReader, FakeWatch } from "./_event_stream.ts";

const ROOT = Deno.realPathSync(Deno.cwd());

/** Resolves once `done()` holds: polled, at most 10 s (a bound). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; !done(); i++) {
    if (i === 10_000) throw new Error("the condition never held");
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

interface Harness {
  events: LiveReloadEvents;
  watches: FakeWatch[];
  forgotten: { count: number };
  warnings: string[];
  /** Open a stream, as a page does. */
  listen(): Promise<EventStreamReader>;
}

async function withEvents(
  fn: (harness: Harness) => Promise<void>,
  timing: LiveReloadTiming = { quietMs: 20, maxWaitMs: 10_000 },
): Promise<void> {
  const watches: FakeWatch[] = [];
  const forgotten = { count: 0 };
  const warnings: string[] = [];
  useWatchFsForTests((path) => {
    const watch = new FakeWatch(path);
    watches.push(watch);
    return watch;
  });
  const events = new LiveReloadEvents({
    root: ROOT,
    mount: [],
    forget: () => forgotten.count++,
    warn: (message) => warnings.push(message),
  }, timing);
  const readers: EventStreamReader[] = [];
  try {
    await fn({
      events,
      watches,
      forgotten,
      warnings,
      listen() {
        const response = events.respond(
          new Request("http://localhost/.berth/live-reload"),
        );
        assert.equal(response.status, 200);
        const reader = new EventStreamReader(response.body!);
        readers.push(reader);
        return Promise.resolve(reader);
      },
    });
  } finally {
    await events.close();
    for (const reader of readers) await reader.cancel();
    await events.released();
    useWatchFsForTests(null);
  }
}

Deno.test("LiveReloadEvents: a stream is text/event-stream, no-store, and starts with hello", async () => {
  await withEvents(async ({ events }) => {
    const response = events.respond(
      new Request("http://localhost/.berth/live-reload"),
    );
    assert.equal(response.headers.get("content-type"), "text/event-stream");
    assert.equal(response.headers.get("cache-control"), "no-store");
    const reader = new EventStreamReader(response.body!);
    const hello = await reader.next();
    assert.equal(hello?.event, "hello");
    assert.match(hello!.raw, /^retry: 1000\n/);
    assert.match(String((hello!.data as { version: string }).version), /\.0$/);
    await reader.cancel();
  });
});

Deno.test("LiveReloadEvents: a burst of changes is one event, css when only stylesheets changed", async () => {
  await withEvents(async ({ events, listen, watches, forgotten }) => {
    const page = await listen();
    await page.nextEvent(); // hello
    const [watch] = watches;
    // An editor's save: several events for one file, and a stylesheet.
    watch.send([`${ROOT}/css/site.css`]);
    watch.send([`${ROOT}/css/site.css`], "create");
    watch.send([`${ROOT}/css/site.css`]);
    watch.send([`${ROOT}/other.css`]);
    const css = await page.nextEvent();
    assert.equal(css?.event, "css");
    assert.deepEqual((css!.data as { paths: string[] }).paths, [
      "/css/site.css",
      "/other.css",
    ]);
    assert.equal(forgotten.count, 1, "the cache is forgotten before telling");

    // Noise alone tells nothing: the next event is the next real change.
    const batches = events.batches;
    watch.send([`${ROOT}/.index.html.swp`, `${ROOT}/index.html~`]);
    await until(() => events.batches > batches);
    assert.equal(forgotten.count, 1);
    watch.send([`${ROOT}/index.html`]);
    watch.send([`${ROOT}/css/site.css`]);
    const reload = await page.nextEvent();
    assert.equal(reload?.event, "reload", "a page and a stylesheet: reload");
    assert.equal(forgotten.count, 2);
  });
});

Deno.test("LiveReloadEvents: lost events reload; every page hears every event", async () => {
  await withEvents(async ({ listen, watches }) => {
    const one = await listen();
    const two = await listen();
    assert.equal(watches.length, 1, "one watch for every page");
    await one.nextEvent();
    await two.nextEvent();
    watches[0].lose();
    assert.equal((await one.nextEvent())?.event, "reload");
    assert.equal((await two.nextEvent())?.event, "reload");
  });
});

Deno.test("LiveReloadEvents: a busy folder still tells pages within maxWaitMs", async () => {
  await withEvents(async ({ listen, watches }) => {
    const page = await listen();
    await page.nextEvent();
    // Changes keep coming closer together than quietMs.
    let sending = true;
    const keepSending = (async () => {
      for (let i = 0; sending && i < 2000; i++) {
        watches[0].send([`${ROOT}/index.html`]);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    try {
      assert.equal((await page.nextEvent())?.event, "reload");
    } finally {
      sending = false;
      await keepSending;
    }
  }, { quietMs: 60_000, maxWaitMs: 50 });
});

Deno.test("LiveReloadEvents: the version counts events, so a page that missed one can tell", async () => {
  await withEvents(async ({ listen, watches }) => {
    const first = await listen();
    const hello = (await first.nextEvent())!.data as { version: string };
    watches[0].send([`${ROOT}/a.css`]);
    const css = (await first.nextEvent())!.data as { version: string };
    assert.notEqual(css.version, hello.version);
    const later = await listen();
    const again = (await later.nextEvent())!.data as { version: string };
    assert.equal(again.version, css.version);
  });
});

Deno.test("LiveReloadEvents: heartbeats are comments", async () => {
  await withEvents(async ({ listen }) => {
    const page = await listen();
    await page.next(); // hello
    const beat = await page.next();
    assert.equal(beat?.event, null);
    assert.equal(beat?.raw, ": heartbeat\n\n");
  }, { heartbeatMs: 10 });
});

Deno.test("LiveReloadEvents: the root is watched while a page listens, and only then", async () => {
  await withEvents(async ({ events, listen, watches }) => {
    assert.equal(watches.length, 0);
    const one = await listen();
    const two = await listen();
    assert.equal(watches[0].path, ROOT);
    await one.cancel();
    assert.equal(events.clients, 1);
    assert.equal(watches[0].closed, false);
    await two.cancel();
    assert.equal(events.clients, 0);
    assert.equal(watches[0].closed, true);
    await events.released();
    const three = await listen();
    assert.equal(watches.length, 2, "watched again");
    await three.nextEvent();
    watches[1].send([`${ROOT}/index.html`]);
    assert.equal((await three.nextEvent())?.event, "reload");
  });
});

Deno.test("LiveReloadEvents: a watch that fails ends the streams, said once; a page that comes back watches again", async () => {
  await withEvents(async ({ listen, watches, warnings }) => {
    const page = await listen();
    await page.nextEvent();
    watches[0].fail(new Error("OS file watch limit reached."));
    assert.equal(await page.nextEvent(), null, "the stream ended");
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /stopped \(OS file watch limit reached\.\)/);
    const back = await listen();
    await back.nextEvent();
    assert.equal(watches.length, 2);
    watches[1].fail(new Error("again"));
    assert.equal(await back.nextEvent(), null);
    assert.equal(warnings.length, 1, "said once");
  });
});

Deno.test("LiveReloadEvents: a root that cannot be watched is 503, said once", async () => {
  const warnings: string[] = [];
  const events = new LiveReloadEvents({
    root: "/no/such/folder/for/berth",
    mount: [],
    forget: () => {},
    warn: (message) => warnings.push(message),
  });
  for (let i = 0; i < 2; i++) {
    const response = events.respond(
      new Request("http://localhost/.berth/live-reload"),
    );
    assert.equal(response.status, 503);
    await response.body?.cancel();
  }
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /cannot watch \/no\/such\/folder\/for\/berth/);
  await events.close();
});

Deno.test("LiveReloadEvents.close() ends every stream and the watch; a later stream ends after hello", async () => {
  await withEvents(async ({ events, listen, watches }) => {
    const page = await listen();
    await page.nextEvent();
    await events.close();
    assert.equal(await page.nextEvent(), null);
    assert.equal(watches[0].closed, true);
    const late = await listen();
    assert.equal((await late.nextEvent())?.event, "hello");
    assert.equal(await late.nextEvent(), null);
    assert.equal(watches.length, 1, "no new watch once closed");
  });
});
