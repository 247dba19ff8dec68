/**
 * An app and its files: `createStaticHandler({ fallback })` answers GET and
 * HEAD for what it finds, and passes everything else to the app — while the
 * engine keeps answering cached files from the fast lane.
 */

import assert from "node:assert/strict";
import { FAST_LANE, type FastLaneCarrier } from "../../src/http/fast_lane.ts";
import { createStaticHandler } from "../../src/static/static_handler.ts";
import { exchange, get } from "./_exchange.ts";

async function withSite(fn: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${root}/index.html`, "<h1>home</h1>");
    await Deno.writeTextFile(`${root}/a.txt`, "a file");
    await Deno.mkdir(`${root}/docs`);
    await Deno.writeTextFile(`${root}/docs/index.html`, "<p>docs</p>");
    await Deno.writeTextFile(`${root}/404.html`, "the 404 page");
    await fn(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

/** An app that says what it got, and counts its calls. */
function recordingApp() {
  const calls: { method: string; path: string; info: unknown }[] = [];
  return {
    calls,
    fallback(request: Request, info?: unknown): Response {
      const { pathname } = new URL(request.url);
      calls.push({ method: request.method, path: pathname, info });
      return new Response(`app ${request.method} ${pathname}`, {
        status: 299,
        headers: { "x-from": "app" },
      });
    },
  };
}

async function ask(
  handler: (request: Request, info?: unknown) => Promise<Response>,
  path: string,
  init: RequestInit = {},
  info?: unknown,
): Promise<{ status: number; body: string; headers: Headers }> {
  const response = await handler(new Request(`http://a${path}`, init), info);
  return {
    status: response.status,
    body: await response.text(),
    headers: response.headers,
  };
}

Deno.test("createStaticHandler({ fallback }) serves what it finds and passes the rest to the app", async () => {
  await withSite(async (root) => {
    const app = recordingApp();
    const handler = createStaticHandler({ root, fallback: app.fallback });
    const table: [string, RequestInit, number, string][] = [
      ["/a.txt", {}, 200, "a file"],
      ["/", {}, 200, "<h1>home</h1>"],
      ["/docs/", {}, 200, "<p>docs</p>"],
      ["/api/hello", {}, 299, "app GET /api/hello"],
      ["/missing.txt", {}, 299, "app GET /missing.txt"],
      ["/a.txt", { method: "POST", body: "x" }, 299, "app POST /a.txt"],
      ["/a.txt", { method: "OPTIONS" }, 299, "app OPTIONS /a.txt"],
      ["/.env", {}, 299, "app GET /.env"],
      ["/x%2Fy", {}, 299, "app GET /x%2Fy"],
    ];
    for (const [path, init, status, body] of table) {
      const got = await ask(handler, path, init);
      assert.equal(got.status, status, `${init.method ?? "GET"} ${path}`);
      assert.equal(got.body, body, `${init.method ?? "GET"} ${path}`);
    }
    // A folder without its slash is still the file handler's redirect.
    const docs = await handler(new Request("http://a/docs"));
    assert.equal(docs.status, 301);
    await docs.body?.cancel();
    // The app's answers pass as they are: no header of the file handler's.
    const fromApp = await ask(handler, "/api/hello");
    assert.equal(fromApp.headers.get("x-from"), "app");
    assert.equal(fromApp.headers.get("x-content-type-options"), null);
    // The 404 page is the app's business now.
    assert.ok(!app.calls.some((c) => c.path === "/404.html"));
  });
});

Deno.test("createStaticHandler({ urlRoot, fallback }) mounts the files under a prefix", async () => {
  await withSite(async (root) => {
    const app = recordingApp();
    const handler = createStaticHandler({
      root,
      urlRoot: "static",
      fallback: app.fallback,
    });
    assert.equal((await ask(handler, "/static/a.txt")).body, "a file");
    assert.equal((await ask(handler, "/a.txt")).body, "app GET /a.txt");
    assert.equal((await ask(handler, "/static/nope")).status, 299);
  });
});

Deno.test("createStaticHandler({ fallback }) hands the app the engine's info", async () => {
  await withSite(async (root) => {
    const app = recordingApp();
    const handler = createStaticHandler({ root, fallback: app.fallback });
    const info = {
      remoteAddr: { transport: "tcp", hostname: "1.2.3.4", port: 5 },
    };
    await ask(handler, "/api", {}, info);
    assert.equal(app.calls[0].info, info);
  });
});

Deno.test("createStaticHandler({ fallback }) keeps the fast lane for cached files on berth's engine", async () => {
  await withSite(async (root) => {
    const app = recordingApp();
    const files = createStaticHandler({ root, fallback: app.fallback });
    assert.equal(typeof (files as FastLaneCarrier)[FAST_LANE], "function");
    let ordinary = 0;
    const counted = Object.assign(
      (request: Request, info?: unknown) => {
        ordinary++;
        return files(request, info);
      },
      { [FAST_LANE]: (files as FastLaneCarrier)[FAST_LANE] },
    );
    const out = await exchange(counted, [
      get("/a.txt"),
      get("/a.txt"),
      get("/a.txt"),
      get("/api/hello"),
      get("/api/hello"),
    ]);
    assert.equal(out.match(/a file/g)?.length, 3);
    assert.equal(out.match(/app GET \/api\/hello/g)?.length, 2);
    // The first /a.txt recorded the answer; the next two were the lane's.
    // The app's two requests took the ordinary path, as they must.
    assert.equal(ordinary, 3);
    assert.equal(app.calls.length, 2);
  });
});

Deno.test("createStaticHandler() refuses a fallback that is not a function", () => {
  assert.throws(
    () => createStaticHandler({ fallback: "app" as unknown as () => Response }),
    { name: "TypeError", message: 'Option "fallback" must be a function' },
  );
});
