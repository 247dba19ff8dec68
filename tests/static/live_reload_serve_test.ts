/**
 * Live reload on berth's engine, over real sockets, with the real watcher:
 * a write reaches the listening page and the page then gets the new file;
 * the root is watched once, by the handler, pages sharing its watch (their
 * own only when the handler does not watch); pages never take the fast
 * lane; `shutdown()` ends the event streams at once instead of at its
 * deadline.
 */

import assert from "node:assert/strict";
import { RawClient } from "../../support/raw_http.ts";
import { serve, type Server } from "../../src/serve.ts";
import { useWatchFsForTests } from "../../src/static/change_watcher.ts";
import type { StaticHandlerOptions } from "../../src/static/options.ts";
import {
  createStaticHandler,
  STATIC_INTERNALS,
  type StaticInternals,
} from "../../src/static/static_handler.ts";
import { EventStreamReader } from "./_event_stream.ts";
import { within } from "./_watched_site.ts";

const TAG = '<script src="/.berth/live-reload.js"></script>';

async function withServer(
  fn: (
    base: string,
    root: string,
    server: Server,
    internals: StaticInternals,
  ) => Promise<void>,
  options: StaticHandlerOptions = {},
): Promise<void> {
  const root = await Deno.realPath(
    await Deno.makeTempDir({ prefix: "berth-live-reload-" }),
  );
  await Deno.writeTextFile(`${root}/index.html`, "<body>one</body>");
  await Deno.writeTextFile(`${root}/a.css`, "body { color: red }");
  const handler = createStaticHandler({ root, liveReload: true, ...options });
  const server = serve(handler, {
    hostname: "127.0.0.1",
    port: 0,
    onListen() {},
    // Far beyond the tests' bounds: only ending the streams lets it finish.
    shutdownTimeoutMs: 120_000,
  });
  const internals = (handler as unknown as {
    [STATIC_INTERNALS]: StaticInternals;
  })[STATIC_INTERNALS];
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`, root, server, internals);
  } finally {
    // Resolves once the watch is released too (the sanitizers check).
    await server.shutdown();
    await Deno.remove(root, { recursive: true });
  }
}

/** Rejects after `ms`: a bound that fails the test, not a measurement. */
function bound<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what}: not in ${ms} ms`)),
        ms,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Run `fn` with every recursive watch opened (real ones) listed by path. */
async function withWatchesListed(
  fn: (watched: string[]) => Promise<void>,
): Promise<void> {
  const watched: string[] = [];
  useWatchFsForTests((path, options) => {
    watched.push(path);
    return Deno.watchFs(path, options);
  });
  try {
    await fn(watched);
  } finally {
    useWatchFsForTests(null);
  }
}

Deno.test("live reload on serve(): a write on disk reaches the cache and the listening page through one watch of the root; the page then gets the new file", async () => {
  await withWatchesListed(async (watched) => {
    await withServer(async (base, root, _server, internals) => {
      assert.deepEqual(watched, [root], "the handler's, from serve()");
      // Cached first: only forgetting the cache serves the new bytes at once.
      for (const path of ["/", "/a.css"]) {
        await (await fetch(base + path)).text();
      }
      const stream = await fetch(`${base}/.berth/live-reload`);
      const events = new EventStreamReader(stream.body!);
      try {
        assert.equal((await events.nextEvent())?.event, "hello");
        assert.deepEqual(watched, [root], "the page shares it");
        const cacheTold = internals.watch!.handled(`${root}/a.css`);
        await Deno.writeTextFile(`${root}/a.css`, "body { color: blue }");
        await within(cacheTold);
        const css = await events.nextEvent();
        assert.equal(css?.event, "css");
        assert.deepEqual((css!.data as { paths: string[] }).paths, ["/a.css"]);
        assert.equal(
          await (await fetch(`${base}/a.css`)).text(),
          "body { color: blue }",
        );
        await Deno.writeTextFile(`${root}/index.html`, "<body>two</body>");
        assert.equal((await events.nextEvent())?.event, "reload");
        assert.equal(
          await (await fetch(`${base}/`)).text(),
          `<body>two${TAG}</body>`,
        );
      } finally {
        await events.cancel();
      }
    });
    assert.equal(watched.length, 1);
  });
});

Deno.test("live reload on serve() with watch: false watches the root itself, while a page listens", async () => {
  await withWatchesListed(async (watched) => {
    await withServer(async (base, root) => {
      assert.deepEqual(watched, []);
      const stream = await fetch(`${base}/.berth/live-reload`);
      const events = new EventStreamReader(stream.body!);
      try {
        assert.equal((await events.nextEvent())?.event, "hello");
        assert.deepEqual(watched, [root]);
        await Deno.writeTextFile(`${root}/index.html`, "<body>two</body>");
        assert.equal((await events.nextEvent())?.event, "reload");
      } finally {
        await events.cancel();
      }
    }, { watch: false });
  });
});

Deno.test("live reload on serve(): a page never comes from the fast lane", async () => {
  await withServer(async (base) => {
    const { hostname, port } = new URL(base);
    using client = await RawClient.connect({ hostname, port: Number(port) });
    const bodies: string[] = [];
    for (let i = 0; i < 3; i++) {
      await client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
      bodies.push((await client.readResponse()).body);
    }
    assert.deepEqual(bodies, Array(3).fill(`<body>one${TAG}</body>`));
  });
});

Deno.test("live reload on serve(): shutdown() ends the event streams at once, cleanly", async () => {
  await withServer(async (base, _root, server) => {
    const readers = await Promise.all([0, 1].map(async () => {
      const response = await fetch(`${base}/.berth/live-reload`);
      return new EventStreamReader(response.body!);
    }));
    for (const reader of readers) {
      assert.equal((await reader.nextEvent())?.event, "hello");
    }
    const stopped = server.shutdown();
    // The end of the chunked body, not a connection closed under it.
    for (const reader of readers) {
      assert.equal(await reader.nextEvent(10_000), null);
    }
    await bound(stopped, 10_000, "shutdown()");
  });
});
