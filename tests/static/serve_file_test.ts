import assert from "node:assert/strict";
import { serveFile } from "../../src/static/serve_file.ts";
import { readAnswer, STYLE, withFixture } from "./_fixtures.ts";

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
    assert.equal(a.headers.get("content-type"), "text/plain; charset=UTF-8");
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

Deno.test("serveFile() with compress gzips compressible files on the fly and accepts std's options", async () => {
  await withFixture(async (fx) => {
    const path = `${fx.root}/style.css`;
    const gzipped = new Request("http://localhost/", {
      headers: { "accept-encoding": "gzip" },
    });
    const response = await serveFile(gzipped, path, {
      etagAlgorithm: "SHA-1",
      fileInfo: await Deno.stat(path),
      compress: true,
    });
    const a = await readAnswer(response);
    assert.equal(a.headers.get("content-encoding"), "gzip");
    assert.match(a.headers.get("etag")!, /-gzip"$/);
    const plain = await readAnswer(
      await serveFile(new Request("http://localhost/"), path),
    );
    assert.equal(plain.text, STYLE);
  });
});

Deno.test("serveFile() never compresses unless compress is set, as std", async () => {
  await withFixture(async (fx) => {
    const a = await send(`${fx.root}/style.css`, {
      headers: { "accept-encoding": "gzip, br" },
    });
    assert.equal(a.headers.get("content-encoding"), null);
    assert.equal(a.text, STYLE);
    assert.equal(a.headers.get("content-length"), String(STYLE.length));
  });
});

Deno.test("serveFile() answers with std's status texts and error bodies", async () => {
  await withFixture(async (fx) => {
    const cases: [string, RequestInit, number, string, string | null][] = [
      ["hello.txt", {}, 200, "OK", "hello, world\n"],
      [
        "hello.txt",
        { headers: { range: "bytes=0-4" } },
        206,
        "Partial Content",
        "hello",
      ],
      ["missing.txt", {}, 404, "Not Found", "Not Found"],
      ["docs", {}, 404, "Not Found", "Not Found"],
      [
        "hello.txt",
        { method: "POST", body: "x" },
        405,
        "Method Not Allowed",
        "Method Not Allowed",
      ],
      [
        "hello.txt",
        { headers: { range: "bytes=9-3" } },
        416,
        "Range Not Satisfiable",
        "Range Not Satisfiable",
      ],
    ];
    for (const [name, init, status, statusText, text] of cases) {
      const a = await send(`${fx.root}/${name}`, init);
      assert.equal(a.status, status, name);
      assert.equal(a.statusText, statusText, name);
      if (text !== null) assert.equal(a.text, text, name);
    }
  });
});

Deno.test("serveFile() answers a reversed range with 416 and ignores one on an empty file", async () => {
  await withFixture(async (fx) => {
    const reversed = await send(`${fx.root}/big.txt`, {
      headers: { range: "bytes=500-200" },
    });
    assert.equal(reversed.status, 416);
    assert.equal(
      reversed.headers.get("content-range"),
      `bytes */${(await Deno.stat(`${fx.root}/big.txt`)).size}`,
    );
    const forward = await send(`${fx.root}/big.txt`, {
      headers: { range: "bytes=200-500" },
    });
    assert.equal(forward.status, 206);
    assert.equal(forward.bytes.length, 301);
    const empty = await send(`${fx.root}/empty.txt`, {
      headers: { range: "bytes=0-10, 20-30" },
    });
    assert.equal(empty.status, 200);
    assert.equal(empty.text, "");
  });
});

Deno.test("serveFile() takes { name } as etagAlgorithm and sends a Date", async () => {
  await withFixture(async (fx) => {
    const path = `${fx.root}/hello.txt`;
    const request = new Request("http://localhost/");
    const byObject = await readAnswer(
      await serveFile(request, path, { etagAlgorithm: { name: "SHA-1" } }),
    );
    const byName = await readAnswer(
      await serveFile(request, path, { etagAlgorithm: "sha-1" }),
    );
    assert.equal(byObject.headers.get("etag"), byName.headers.get("etag"));
    assert.ok(byObject.headers.has("date"));
  });
});

Deno.test("serveFile() describes the file it reads, whatever fileInfo says", async () => {
  await withFixture(async (fx) => {
    const path = `${fx.root}/hello.txt`;
    const real = await readAnswer(
      await serveFile(new Request("http://localhost/"), path),
    );
    const fileInfo = { ...(await Deno.stat(path)), size: 1, mtime: null };
    const a = await readAnswer(
      await serveFile(new Request("http://localhost/"), path, { fileInfo }),
    );
    assert.equal(a.headers.get("content-length"), "13");
    assert.equal(a.headers.get("etag"), real.headers.get("etag"));
    assert.equal(
      a.headers.get("last-modified"),
      real.headers.get("last-modified"),
    );
  });
});
