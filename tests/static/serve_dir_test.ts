import assert from "node:assert/strict";
import { serveDir } from "../../src/static/serve_dir.ts";
import { readAnswer, SECRET, withFixture } from "./_fixtures.ts";

const get = async (
  path: string,
  options: Parameters<typeof serveDir>[1],
  init?: RequestInit,
) =>
  await readAnswer(
    await serveDir(new Request(`http://localhost${path}`, init), {
      quiet: true,
      ...options,
    }),
  );

Deno.test("serveDir() serves fsRoot with std's defaults", async () => {
  await withFixture(async (fx) => {
    const a = await get("/hello.txt", { fsRoot: fx.root });
    assert.equal(a.status, 200);
    assert.equal(a.text, "hello, world\n");
    assert.match(
      a.headers.get("etag")!,
      /^"[0-9a-f]+-[0-9a-f]{16}"$/,
      "SHA-256 by default",
    );
    assert.equal(
      (await get("/", { fsRoot: fx.root })).text,
      "<!doctype html><h1>home</h1>",
    );
    assert.equal(
      (await get("/docs", { fsRoot: fx.root })).headers.get("location"),
      "http://localhost/docs/",
    );
    const listing = await get("/listing/", { fsRoot: fx.root });
    assert.equal(listing.status, 404, "showDirListing defaults to false");
    const missing = await get("/nope", { fsRoot: fx.root });
    assert.equal(missing.status, 404);
    assert.equal(missing.text, "Not Found", "no 404.html, as in std");
  });
});

Deno.test("serveDir() strips urlRoot", async () => {
  await withFixture(async (fx) => {
    assert.equal(
      (await get("/static/hello.txt", { fsRoot: fx.root, urlRoot: "static" }))
        .status,
      200,
    );
    assert.equal(
      (await get("/hello.txt", { fsRoot: fx.root, urlRoot: "static" })).status,
      404,
    );
  });
});

Deno.test("serveDir() maps showDirListing, showDotfiles and showIndex", async () => {
  await withFixture(async (fx) => {
    const listing = await get("/listing/", {
      fsRoot: fx.root,
      showDirListing: true,
    });
    assert.equal(listing.status, 200);
    assert.ok(listing.text.includes("a.txt"));
    assert.equal((await get("/.env", { fsRoot: fx.root })).status, 404);
    assert.equal(
      (await get("/.env", { fsRoot: fx.root, showDotfiles: true })).text,
      `SECRET=${SECRET}`,
    );
    assert.equal(
      (await get("/docs/", { fsRoot: fx.root, showIndex: false })).status,
      404,
    );
    const both = await get("/docs/", {
      fsRoot: fx.root,
      showIndex: false,
      showDirListing: true,
    });
    assert.ok(both.text.includes("guide.html"));
  });
});

Deno.test("serveDir() maps enableCors, headers and etagAlgorithm", async () => {
  await withFixture(async (fx) => {
    const a = await get("/hello.txt", {
      fsRoot: fx.root,
      enableCors: true,
      headers: ["X-Served-By: berth"],
      etagAlgorithm: "fnv1a",
    });
    assert.equal(a.headers.get("access-control-allow-origin"), "*");
    assert.equal(a.headers.get("x-served-by"), "berth");
    assert.match(a.headers.get("etag")!, /^"[0-9a-f]+-[0-9a-f]{8}"$/);
  });
});

Deno.test("serveDir() is safer than std: no symlinks out of the root", async () => {
  await withFixture(async (fx) => {
    const a = await get("/link-outside.txt", { fsRoot: fx.root });
    assert.equal(a.status, 404);
    assert.ok(!a.text.includes(SECRET));
  });
});

Deno.test("serveDir() sees file changes at once", async () => {
  await withFixture(async (fx) => {
    assert.equal(
      (await get("/hello.txt", { fsRoot: fx.root })).text,
      "hello, world\n",
    );
    await Deno.writeTextFile(`${fx.root}/hello.txt`, "new");
    assert.equal((await get("/hello.txt", { fsRoot: fx.root })).text, "new");
  });
});

Deno.test("serveDir() with quiet false logs each request like std", async () => {
  await withFixture(async (fx) => {
    const logged: string[] = [];
    const { debug, error } = console;
    // deno-lint-ignore no-console
    console.debug = (...args: unknown[]) =>
      logged.push(`debug ${args.join(" ")}`);
    // deno-lint-ignore no-console
    console.error = (...args: unknown[]) =>
      logged.push(`error ${args.join(" ")}`);
    try {
      const a = await readAnswer(
        await serveDir(new Request("http://localhost/hello.txt"), {
          fsRoot: fx.root,
        }),
      );
      assert.equal(a.status, 200);
      const b = await readAnswer(
        await serveDir(new Request("http://localhost/hello.txt"), {
          fsRoot: fx.root,
          quiet: true,
        }),
      );
      assert.equal(b.status, 200);
    } finally {
      // deno-lint-ignore no-console
      console.debug = debug;
      // deno-lint-ignore no-console
      console.error = error;
    }
    assert.equal(logged.length, 1);
    assert.match(
      logged[0],
      /^debug \[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\] \[GET\] \/hello\.txt 200$/,
    );
  });
});
