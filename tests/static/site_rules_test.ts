/**
 * A site's `_redirects` and `_headers`, through the file handler: each kind
 * of rule, shadowing, the fast lane, re-reading, and problems reported once.
 */

import assert from "node:assert/strict";
import { FAST_LANE, type FastLaneCarrier } from "../../src/http/fast_lane.ts";
import type { ServeHandler } from "../../src/http1/handler.ts";
import {
  createStaticHandler,
  STATIC_INTERNALS,
  type StaticHandler,
  type StaticInternals,
} from "../../src/static/static_handler.ts";
import { exchange, get } from "./_exchange.ts";

const REDIRECTS = `
# the site's own rules
/old            /new.html
/blog/*         /news/:splat       302
/item/:id       /items?id=:id      307
/away           https://example.com/page
/app/*          /index.html        200
/gone           /404-gone.html     404
/page.html      /elsewhere.html
/forced.html    /new.html          301!
`;

const HEADERS = `
/*
  X-Site: berth
/new.html
  Cache-Control: public, max-age=60
  X-Page: new
/forced.html
  ! X-Site
`;

async function withSite(
  fn: (root: string) => Promise<void>,
  files: Record<string, string> = {},
): Promise<void> {
  const root = await Deno.makeTempDir();
  try {
    const all: Record<string, string> = {
      "index.html": "<h1>app</h1>",
      "new.html": "<p>new</p>",
      "page.html": "<p>the page itself</p>",
      "forced.html": "<p>never seen</p>",
      "404-gone.html": "<p>gone</p>",
      _redirects: REDIRECTS,
      _headers: HEADERS,
      ...files,
    };
    for (const [name, text] of Object.entries(all)) {
      await Deno.writeTextFile(`${root}/${name}`, text);
    }
    await fn(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

async function ask(
  handler: StaticHandler,
  path: string,
): Promise<{ status: number; body: string; headers: Headers }> {
  const response = await handler(new Request(`http://a${path}`));
  return {
    status: response.status,
    body: await response.text(),
    headers: response.headers,
  };
}

Deno.test("_redirects: redirects, rewrites, 404 pages and shadowing, as the conventions say", async () => {
  await withSite(async (root) => {
    const handler = createStaticHandler({ root });
    const table: [string, number, string | null, string | null][] = [
      // [path, status, Location, body]
      ["/old", 301, "/new.html", null],
      ["/old?a=1", 301, "/new.html?a=1", null],
      ["/blog/2024/hello", 302, "/news/2024/hello", null],
      ["/item/42?x=1", 307, "/items?id=42", null],
      ["/away", 301, "https://example.com/page", null],
      ["/app/deep/link", 200, null, "<h1>app</h1>"],
      ["/gone", 404, null, "<p>gone</p>"],
      // A file at FROM shadows a rule that is not forced…
      ["/page.html", 200, null, "<p>the page itself</p>"],
      // …and a forced one applies anyway.
      ["/forced.html", 301, "/new.html", null],
      // Neither rules file is ever served.
      ["/_redirects", 404, null, null],
      ["/_headers", 404, null, null],
    ];
    for (const [path, status, location, body] of table) {
      const got = await ask(handler, path);
      assert.equal(got.status, status, path);
      assert.equal(got.headers.get("location"), location, path);
      if (body !== null) assert.equal(got.body, body, path);
    }
  });
});

Deno.test("_redirects: no rule hands out the rules files, by name or through a splat", async () => {
  const rules = [
    "/see-headers   /_headers     200",
    "/see-rules     /_redirects   404",
    "/raw/*         /:splat       200",
    "",
  ].join("\n");
  await withSite(async (root) => {
    const handler = createStaticHandler({ root });
    for (const path of ["/see-headers", "/see-rules", "/raw/_headers"]) {
      const got = await ask(handler, path);
      assert.equal(got.status, 404, path);
      assert.ok(!got.body.includes("/raw/*"), path);
      assert.ok(!got.body.includes("X-Site"), path);
    }
    // The splat rule still rewrites to ordinary files.
    assert.equal((await ask(handler, "/raw/new.html")).body, "<p>new</p>");
  }, { _redirects: rules });
});

Deno.test("_headers: every matching block applies, ! removes, and the fast lane answers with them", async () => {
  await withSite(async (root) => {
    const handler = createStaticHandler({ root });
    const page = await ask(handler, "/new.html");
    assert.equal(page.headers.get("x-site"), "berth");
    assert.equal(page.headers.get("x-page"), "new");
    assert.equal(page.headers.get("cache-control"), "public, max-age=60");
    const index = await ask(handler, "/");
    assert.equal(index.headers.get("x-site"), "berth");
    assert.equal(index.headers.get("x-page"), null);
    // Both lanes give the same bytes, the rules' headers included.
    const plainSide = createStaticHandler({ root });
    const plain: ServeHandler = (request) => plainSide(request);
    const requests = [get("/new.html"), get("/new.html"), get("/"), get("/")];
    const viaLane = await exchange(handler, requests);
    assert.equal(viaLane, await exchange(plain, requests));
    assert.equal(viaLane.match(/x-page: new/g)?.length, 2);
  });
});

Deno.test("_redirects: a rewrite is never kept by the fast lane", async () => {
  await withSite(async (root) => {
    const handler = createStaticHandler({ root });
    const lane = (handler as FastLaneCarrier)[FAST_LANE]!;
    const head = (target: string) => ({
      method: "GET",
      target,
      headerNames: [] as string[],
      headerValues: [] as string[],
    });
    assert.equal((await ask(handler, "/app/x")).status, 200);
    assert.equal((await ask(handler, "/new.html")).status, 200);
    assert.equal(lane(head("/app/x"), Date.now()), undefined);
    assert.notEqual(lane(head("/new.html"), Date.now()), undefined);
  });
});

Deno.test("site rules are read again within revalidateMs, and what the fast lane kept is forgotten", async () => {
  await withSite(async (root) => {
    let clock = 0;
    const handler = createStaticHandler({
      root,
      revalidateMs: 1000,
      now: () => clock,
    });
    const lane = (handler as FastLaneCarrier)[FAST_LANE]!;
    const newHtml = {
      method: "GET",
      target: "/new.html",
      headerNames: [] as string[],
      headerValues: [] as string[],
    };
    assert.equal((await ask(handler, "/new.html")).status, 200);
    assert.notEqual(lane(newHtml, Date.now()), undefined);
    await Deno.writeTextFile(
      `${root}/_redirects`,
      "/new.html /index.html 302!\n",
    );
    clock = 1000;
    // Past the bound the lane defers to the ordinary path, which reads the
    // rules again: the new rule applies, and the lane forgot the page.
    assert.equal(lane(newHtml, Date.now()), undefined);
    const moved = await ask(handler, "/new.html");
    assert.equal(moved.status, 302);
    assert.equal(moved.headers.get("location"), "/index.html");
    assert.equal(lane(newHtml, Date.now()), undefined);
  });
});

Deno.test("site rules: each bad line is reported once as file:line, and again when the file changes", async () => {
  const warnings: string[] = [];
  await withSite(async (root) => {
    let clock = 0;
    const handler = createStaticHandler({
      root,
      revalidateMs: 1000,
      now: () => clock,
      onWarning: (message) => warnings.push(message),
    });
    assert.equal((await ask(handler, "/ok")).status, 301);
    clock = 5000;
    assert.equal((await ask(handler, "/ok")).status, 301);
    assert.deepEqual(warnings, [
      '_redirects:2: unsupported status "418"; line skipped',
      '_headers:2: "content-length" is the server\'s to set; line skipped',
    ]);
    await Deno.writeTextFile(`${root}/_redirects`, "/ok /x\n/bad\n");
    clock = 10_000;
    await ask(handler, "/ok");
    assert.equal(warnings.length, 3);
    assert.match(warnings[2], /^_redirects:2: a rule needs FROM and TO/);
  }, {
    _redirects: "/ok /x\n/teapot /x 418\n",
    _headers: "/*\n  Content-Length: 1\n",
  });
});

Deno.test("site rules: looked up once per revalidateMs, not on every request", async () => {
  await withSite(async (root) => {
    const handler = createStaticHandler({ root });
    const { cache } = (handler as unknown as {
      [STATIC_INTERNALS]: StaticInternals;
    })[STATIC_INTERNALS];
    const looked: string[] = [];
    const lookup = cache.lookup.bind(cache);
    cache.lookup = (key, load) => {
      looked.push(key.slice(root.length + 1));
      return lookup(key, load);
    };
    for (let i = 0; i < 5; i++) await ask(handler, "/index.html");
    assert.equal(looked.filter((k) => k === "_redirects").length, 1);
    assert.equal(looked.filter((k) => k === "_headers").length, 1);
  });
});

Deno.test("createStaticHandler({ siteRules: false }) serves _redirects and _headers as files", async () => {
  await withSite(async (root) => {
    const handler = createStaticHandler({ root, siteRules: false });
    const file = await ask(handler, "/_redirects");
    assert.equal(file.status, 200);
    assert.equal(file.body, REDIRECTS);
    assert.equal((await ask(handler, "/old")).status, 404);
    assert.equal((await ask(handler, "/new.html")).headers.get("x-site"), null);
  });
});
