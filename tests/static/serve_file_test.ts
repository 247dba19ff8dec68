import assert from "node:assert/strict";
import { serveFile } from "../../src/static/serve_file.ts";
import { type Fixture, makeFixture, readAnswer, STYLE } from "./_fixtures.ts";

async function withFixture(fn: (fx: Fixture) => Promise<void>): Promise<void> {
  const fx = await makeFixture();
  try {
    await fn(fx);
  } finally {
    await fx.cleanup();
  }
}

const send = async (path: string, init?: RequestInit) =>
  await readAnswer(
    await serveFile(new Request("http://localhost/any", init), path),
  );

Deno.test("serveFile() serves the given file with full HTTP semantics", async () => {
  await withFixture(async (fx) => {
    const path = `${fx.root}/hello.txt`;
    const a = await send(path);
    assert.equal(a.status, 200);
    assert.equal(a.text, "hello, world\n");
    assert.equal(a.headers.get("content-type"), "text/plain; charset=utf-8");
    assert.equal(a.headers.get("x-content-type-options"), "nosniff");
    const etag = a.headers.get("etag")!;
    assert.equal(
      (await send(path, { headers: { "if-none-match": etag } })).status,
      304,
    );
    const range = await send(path, { headers: { range: "bytes=7-11" } });
    assert.equal(range.status, 206);
    assert.equal(range.text, "world");
    const head = await send(path, { method: "HEAD" });
    assert.equal(head.nullBody, true);
    assert.equal(head.headers.get("content-length"), "13");
  });
});

Deno.test("serveFile() answers 404 for missing files and directories, 405 for writes", async () => {
  await withFixture(async (fx) => {
    assert.equal((await send(`${fx.root}/missing.txt`)).status, 404);
    assert.equal((await send(`${fx.root}/docs`)).status, 404);
    assert.equal((await send(`${fx.root}/hello.txt/x`)).status, 404);
    const post = await send(`${fx.root}/hello.txt`, {
      method: "POST",
      body: "x",
    });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get("allow"), "GET, HEAD, OPTIONS");
  });
});

Deno.test("serveFile() gzips compressible files on the fly and accepts std's options", async () => {
  await withFixture(async (fx) => {
    const path = `${fx.root}/style.css`;
    const response = await serveFile(
      new Request("http://localhost/", {
        headers: { "accept-encoding": "gzip" },
      }),
      path,
      { etagAlgorithm: "SHA-1", fileInfo: await Deno.stat(path) },
    );
    const a = await readAnswer(response);
    assert.equal(a.headers.get("content-encoding"), "gzip");
    assert.match(a.headers.get("etag")!, /-gzip"$/);
    const plain = await readAnswer(
      await serveFile(new Request("http://localhost/"), path),
    );
    assert.equal(plain.text, STYLE);
  });
});
