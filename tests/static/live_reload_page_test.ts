/**
 * HTML pages under `liveReload`, in-process: the element is added to every
 * page served from a file (404 page and SPA fallback too), with validators
 * of its own; everything else is answered as without it; and without it
 * nothing is added or reserved.
 */

import assert from "node:assert/strict";
import {
  createStaticHandler,
  type StaticHandler,
} from "../../src/static/static_handler.ts";
import type { StaticHandlerOptions } from "../../src/static/options.ts";
import { gzip, STYLE } from "./_fixtures.ts";

const TAG = '<script src="/.berth/live-reload.js"></script>';
const PAGE = "<!doctype html><html><body><h1>home</h1></body></html>\n";
const INJECTED =
  `<!doctype html><html><body><h1>home</h1>${TAG}</body></html>\n`;
const NOT_FOUND = "<!doctype html><h1>not here</h1>";
const BIG_PAGE = "<!doctype html><body>" + "<p>line</p>\n".repeat(20_000) +
  "</body>";

async function withSite(
  fn: (root: string) => Promise<void>,
): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "berth-live-reload-" });
  try {
    await Deno.writeTextFile(`${root}/index.html`, PAGE);
    await Deno.writeFile(`${root}/index.html.gz`, await gzip(PAGE));
    await Deno.writeTextFile(`${root}/404.html`, NOT_FOUND);
    await Deno.writeTextFile(`${root}/big.html`, BIG_PAGE);
    await Deno.writeTextFile(`${root}/style.css`, STYLE);
    await Deno.writeTextFile(`${root}/hello.txt`, "hello, world\n");
    await Deno.mkdir(`${root}/.berth`);
    await Deno.writeTextFile(`${root}/.berth/live-reload.js`, "on disk");
    await Deno.writeTextFile(`${root}/.berth/other.txt`, "other");
    await fn(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

function handlers(
  root: string,
  options: StaticHandlerOptions = {},
): { plain: StaticHandler; live: StaticHandler } {
  return {
    plain: createStaticHandler({ root, ...options }),
    live: createStaticHandler({ root, ...options, liveReload: true }),
  };
}

async function get(
  handler: StaticHandler,
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await handler(
    new Request(`http://localhost${path}`, init),
  );
  return {
    status: response.status,
    headers: response.headers,
    text: await response.text(),
  };
}

Deno.test("liveReload: a page gets the element, its own ETag, no Last-Modified, no coding", async () => {
  await withSite(async (root) => {
    const { plain, live } = handlers(root);
    const headers = { "accept-encoding": "gzip, br" };
    const before = await get(plain, "/", { headers });
    assert.equal(before.headers.get("content-encoding"), "gzip");
    const identity = await get(plain, "/");
    const page = await get(live, "/", { headers });
    assert.equal(page.status, 200);
    assert.equal(page.text, INJECTED);
    assert.equal(
      page.headers.get("content-length"),
      String(new TextEncoder().encode(INJECTED).length),
    );
    const etag = identity.headers.get("etag")!;
    assert.match(page.headers.get("etag")!, /^"[^"]+-lr[0-9a-f]{8}"$/);
    assert.equal(
      page.headers.get("etag")!.slice(0, etag.length - 1),
      etag.slice(0, -1),
    );
    assert.equal(page.headers.get("last-modified"), null);
    assert.equal(page.headers.get("content-encoding"), null);
    assert.equal(page.headers.get("vary"), null);
    assert.equal(page.headers.get("accept-ranges"), "none");
    assert.equal(page.headers.get("content-type"), "text/html; charset=utf-8");
    assert.equal(page.headers.get("cache-control"), "no-cache");
    assert.equal(page.headers.get("x-content-type-options"), "nosniff");
  });
});

Deno.test("liveReload: 304 for the page's own ETag only, 412 on If-Match, HEAD without a body", async () => {
  await withSite(async (root) => {
    const { plain, live } = handlers(root);
    const plainTag = (await get(plain, "/")).headers.get("etag")!;
    const first = await get(live, "/");
    const liveTag = first.headers.get("etag")!;
    const lastModified = (await get(plain, "/")).headers.get("last-modified")!;

    const revalidated = await get(live, "/", {
      headers: { "if-none-match": liveTag },
    });
    assert.equal(revalidated.status, 304);
    assert.equal(revalidated.headers.get("etag"), liveTag);
    assert.equal(revalidated.text, "");
    // A weak comparison, as If-None-Match makes (RFC 9110 §13.1.2).
    assert.equal(
      (await get(live, "/", { headers: { "if-none-match": `W/${liveTag}` } }))
        .status,
      304,
    );
    // A copy without the element never validates.
    for (
      const headers of <Record<string, string>[]> [
        { "if-none-match": plainTag },
        { "if-modified-since": lastModified },
      ]
    ) {
      const stale = await get(live, "/", { headers });
      assert.equal(stale.status, 200, JSON.stringify(headers));
      assert.equal(stale.text, INJECTED);
    }
    assert.equal(
      (await get(live, "/", { headers: { "if-match": plainTag } })).status,
      412,
    );
    assert.equal(
      (await get(live, "/", { headers: { "if-match": liveTag } })).status,
      200,
    );
    const head = await get(live, "/", { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.text, "");
    assert.equal(
      head.headers.get("content-length"),
      first.headers.get("content-length"),
    );
    assert.equal(head.headers.get("etag"), liveTag);
  });
});

Deno.test("liveReload: a Range on a page is ignored (RFC 9110 §14.2): the whole injected page", async () => {
  await withSite(async (root) => {
    const { live } = handlers(root);
    const ranged = await get(live, "/", { headers: { range: "bytes=0-9" } });
    assert.equal(ranged.status, 200);
    assert.equal(ranged.headers.get("content-range"), null);
    assert.equal(ranged.text, INJECTED);
  });
});

Deno.test("liveReload: the 404 page and the SPA fallback get the element too", async () => {
  await withSite(async (root) => {
    const { live } = handlers(root, { spa: true });
    const html = { headers: { accept: "text/html" } };
    const spa = await get(live, "/app/settings", html);
    assert.equal(spa.status, 200);
    assert.equal(spa.text, INJECTED);
    assert.equal(spa.headers.get("vary"), "Accept");
    const missing = await get(live, "/nope.txt");
    assert.equal(missing.status, 404);
    assert.equal(missing.text, NOT_FOUND + TAG);
    assert.equal(missing.headers.get("vary"), "Accept");
  });
});

Deno.test("liveReload: a page too large to hold is streamed, the element at its end", async () => {
  await withSite(async (root) => {
    const { live } = handlers(root, { maxCachedFileBytes: 1024 });
    const page = await get(live, "/big.html");
    assert.equal(page.status, 200);
    assert.equal(page.text, BIG_PAGE + TAG);
    assert.equal(
      page.headers.get("content-length"),
      String(BIG_PAGE.length + TAG.length),
    );
  });
});

Deno.test("liveReload: other answers are as without it (bytes, ETag, ranges, coding, listings, redirects)", async () => {
  await withSite(async (root) => {
    await Deno.mkdir(`${root}/docs`);
    await Deno.writeTextFile(`${root}/docs/notes.txt`, "notes");
    const { plain, live } = handlers(root, { listing: true });
    const requests: [string, Record<string, string>][] = [
      ["/hello.txt", {}],
      ["/hello.txt", { range: "bytes=0-4" }],
      ["/style.css", { "accept-encoding": "gzip" }],
      ["/style.css", {}],
      ["/docs", {}],
      ["/docs/", {}],
    ];
    for (const [path, headers] of requests) {
      const want = await plain(
        new Request(`http://localhost${path}`, { headers }),
      );
      const got = await live(
        new Request(`http://localhost${path}`, { headers }),
      );
      const label = `${path} ${JSON.stringify(headers)}`;
      assert.equal(got.status, want.status, label);
      assert.deepEqual([...got.headers], [...want.headers], label);
      assert.deepEqual(
        new Uint8Array(await got.arrayBuffer()),
        new Uint8Array(await want.arrayBuffer()),
        label,
      );
    }
  });
});

Deno.test("liveReload: its paths are reserved, under the mount point, whatever is on disk", async () => {
  await withSite(async (root) => {
    const { live } = handlers(root, { dotfiles: true });
    const script = await get(live, "/.berth/live-reload.js");
    assert.equal(script.status, 200);
    assert.equal(
      script.headers.get("content-type"),
      "text/javascript; charset=utf-8",
    );
    assert.match(script.text, /new EventSource/);
    assert.equal(
      (await get(live, "/.berth/live-reload.js", {
        headers: { "if-none-match": script.headers.get("etag")! },
      })).status,
      304,
    );
    // Every spelling of the path is the reserved one.
    assert.match(
      (await get(live, "/.berth/%6Cive-reload.js")).text,
      /EventSource/,
    );
    // The rest of the folder is the site's, as any dot-folder.
    assert.equal((await get(live, "/.berth/other.txt")).text, "other");
    const post = await get(live, "/.berth/live-reload", { method: "POST" });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get("allow"), "GET, HEAD");
    const head = await get(live, "/.berth/live-reload", { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-type"), "text/event-stream");
    assert.equal(head.headers.get("cache-control"), "no-store");

    const mounted = createStaticHandler({
      root,
      urlRoot: "app",
      liveReload: true,
    });
    assert.equal(
      (await get(mounted, "/app/")).text,
      INJECTED.replace("/.berth/", "/app/.berth/"),
    );
    assert.equal(
      (await get(mounted, "/app/.berth/live-reload.js")).status,
      200,
    );
    assert.equal((await get(mounted, "/.berth/live-reload.js")).status, 404);
  });
});

Deno.test("without liveReload: no element, no reserved path", async () => {
  await withSite(async (root) => {
    const plain = createStaticHandler({ root });
    const page = await get(plain, "/");
    assert.equal(page.text, PAGE);
    assert.doesNotMatch(page.headers.get("etag")!, /-lr/);
    assert.ok(page.headers.get("last-modified"));
    assert.equal((await get(plain, "/nope")).text, NOT_FOUND);
    // A dot-folder like any other: hidden, or the file on disk.
    assert.equal((await get(plain, "/.berth/live-reload.js")).status, 404);
    assert.equal((await get(plain, "/.berth/live-reload")).status, 404);
    const dotfiles = createStaticHandler({ root, dotfiles: true });
    assert.equal(
      (await get(dotfiles, "/.berth/live-reload.js")).text,
      "on disk",
    );
  });
});

Deno.test("liveReload with explain: the answer says the element was added", async () => {
  await withSite(async (root) => {
    const { live } = handlers(root, { explain: true });
    assert.equal(
      (await get(live, "/")).headers.get("berth-explain"),
      "200: directory index; live reload script added",
    );
    const etag = (await get(live, "/")).headers.get("etag")!;
    assert.equal(
      (await get(live, "/", { headers: { "if-none-match": etag } })).headers
        .get("berth-explain"),
      `304: directory index; live reload script added; If-None-Match matched ${etag}`,
    );
    assert.equal(
      (await get(live, "/", { headers: { range: "bytes=0-1" } })).headers.get(
        "berth-explain",
      ),
      "200: directory index; live reload script added; Range ignored (whole file)",
    );
  });
});

Deno.test("liveReload: requests made as the handler is made wait for its paths to load, and get them", async () => {
  await withSite(async (root) => {
    // A fresh handler each: its first requests come before the paths load.
    for (const path of ["/.berth/live-reload.js", "/"]) {
      const live = createStaticHandler({
        root,
        dotfiles: true,
        liveReload: true,
      });
      const [script, page] = await Promise.all([
        get(live, "/.berth/live-reload.js"),
        get(live, path),
      ]);
      assert.match(script.text, /new EventSource/);
      assert.equal(page.status, 200);
    }
  });
});
