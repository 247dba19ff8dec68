/**
 * `serveDir()` answers as `@std/http`'s does, so a std user's tests pass
 * after the import changes: status texts, media types, redirects, error
 * bodies, range edge cases, listings, CORS, no compression, the ETag
 * option's type. The facts come from std's file server; the tests are
 * berth's own.
 */
import assert from "node:assert/strict";
import { serveDir, type ServeDirOptions } from "../../src/static/serve_dir.ts";
import {
  type Answer,
  type Fixture,
  readAnswer,
  withFixture,
  XSS_NAME,
} from "./_fixtures.ts";

/** Ask `serveDir` for a URL (kept raw) under the fixture's root. */
async function ask(
  fx: Fixture,
  url: string,
  init: RequestInit = {},
  options: ServeDirOptions = {},
): Promise<Answer> {
  return await readAnswer(
    await serveDir(new Request(`http://localhost${url}`, init), {
      fsRoot: fx.root,
      quiet: true,
      ...options,
    }),
  );
}

Deno.test("serveDir() gives each answer std's reason phrase as statusText", async () => {
  await withFixture(async (fx) => {
    const cases: [string, RequestInit, number, string][] = [
      ["/hello.txt", {}, 200, "OK"],
      [
        "/hello.txt",
        { headers: { range: "bytes=0-4" } },
        206,
        "Partial Content",
      ],
      [
        "/hello.txt",
        { headers: { range: "bytes=99-" } },
        416,
        "Range Not Satisfiable",
      ],
      ["/nope.txt", {}, 404, "Not Found"],
      ["/hello.txt", { method: "POST", body: "x" }, 405, "Method Not Allowed"],
      ["/docs", {}, 301, "Moved Permanently"],
    ];
    for (const [url, init, status, statusText] of cases) {
      const a = await ask(fx, url, init);
      assert.equal(a.status, status, url);
      assert.equal(a.statusText, statusText, url);
    }
  });
});

Deno.test("serveDir() spells the charset UTF-8, as std's contentType() does", async () => {
  await withFixture(async (fx) => {
    const cases: [string, string][] = [
      ["/hello.txt", "text/plain; charset=UTF-8"],
      ["/docs/", "text/html; charset=UTF-8"],
      ["/data.json", "application/json; charset=UTF-8"],
    ];
    for (const [url, type] of cases) {
      assert.equal((await ask(fx, url)).headers.get("content-type"), type);
    }
    const listing = await ask(fx, "/listing/", {}, { showDirListing: true });
    assert.equal(
      listing.headers.get("content-type"),
      "text/html; charset=UTF-8",
    );
  });
});

Deno.test("serveDir() sends the Date of the answer", async () => {
  await withFixture(async (fx) => {
    for (const url of ["/hello.txt", "/nope", "/docs"]) {
      const date = Date.parse((await ask(fx, url)).headers.get("date")!);
      assert.ok(Math.abs(date - Date.now()) < 60_000, url);
    }
  });
});

Deno.test("serveDir() redirects with an absolute Location, query kept, and no body", async () => {
  await withFixture(async (fx) => {
    const cases: [string, string][] = [
      ["/docs?x=1", "http://localhost/docs/?x=1"],
      ["/hello.txt/?x=1", "http://localhost/hello.txt?x=1"],
      [
        "/nested//deeper///file.txt///?q",
        "http://localhost/nested/deeper/file.txt/?q",
      ],
      ["/%2F..%2F..%2F..", "http://localhost/"],
      ["//docs", "http://localhost/docs"],
    ];
    for (const [url, location] of cases) {
      const a = await ask(fx, url);
      assert.equal(a.status, 301, url);
      assert.equal(a.headers.get("location"), location, url);
      assert.equal(a.nullBody, true, url);
      assert.equal(a.headers.get("content-length"), null, url);
    }
  });
});

Deno.test("serveDir() reaches a file in two hops from a non-canonical path with a slash", async () => {
  await withFixture(async (fx) => {
    let url = "/nested//deeper/file.txt//";
    const hops: string[] = [];
    for (let i = 0; i < 3; i++) {
      const a = await ask(fx, url);
      if (a.status !== 301) {
        assert.equal(a.text, "deep");
        break;
      }
      url = new URL(a.headers.get("location")!).pathname;
      hops.push(url);
    }
    assert.deepEqual(hops, [
      "/nested/deeper/file.txt/",
      "/nested/deeper/file.txt",
    ]);
  });
});

Deno.test("serveDir() never redirects off its host, whatever the path decodes to", async () => {
  await withFixture(async (fx) => {
    for (
      const url of [
        "//evil.com/%2F..",
        "/%2F%2Fevil.com//",
        "/%5C%5Cevil.com//",
      ]
    ) {
      const a = await ask(fx, url);
      assert.equal(a.status, 301, url);
      assert.equal(new URL(a.headers.get("location")!).host, "localhost", url);
    }
  });
});

Deno.test("serveDir() sends the reason phrase alone as an error's body", async () => {
  await withFixture(async (fx) => {
    const missing = await ask(fx, "/nope.txt");
    assert.equal(missing.text, "Not Found");
    assert.equal(
      missing.headers.get("content-type"),
      "text/plain; charset=UTF-8",
    );
    assert.equal(missing.headers.get("content-length"), "9");
    assert.equal((await ask(fx, "/.env")).text, "Not Found");
    const post = await ask(fx, "/hello.txt", { method: "POST", body: "x" });
    assert.equal(post.text, "Method Not Allowed");
    assert.equal(post.headers.get("allow"), "GET, HEAD, OPTIONS");
    assert.equal((await ask(fx, "/a%00b")).text, "Bad Request");
    const head = await ask(fx, "/nope.txt", { method: "HEAD" });
    assert.equal(head.nullBody, true);
    assert.equal(head.headers.get("content-length"), "9");
  });
});

Deno.test("serveDir() answers 416 with bytes */SIZE for a reversed or unreachable range", async () => {
  await withFixture(async (fx) => {
    for (const range of ["bytes=9-3", "bytes=500-200", "bytes=99999-"]) {
      const a = await ask(fx, "/hello.txt", { headers: { range } });
      assert.equal(a.status, 416, range);
      assert.equal(a.headers.get("content-range"), "bytes */13", range);
      assert.equal(a.text, "Range Not Satisfiable", range);
    }
  });
});

Deno.test("serveDir() clamps long ranges and ignores malformed ones", async () => {
  await withFixture(async (fx) => {
    const cases: [string, number, string, string | null][] = [
      ["bytes=0-999999999", 206, "hello, world\n", "bytes 0-12/13"],
      ["bytes=-999999999", 206, "hello, world\n", "bytes 0-12/13"],
      ["bytes=-6", 206, "world\n", "bytes 7-12/13"],
      ["bytes=7-", 206, "world\n", "bytes 7-12/13"],
      ["bytes=100", 200, "hello, world\n", null],
      ["bytes=a-b", 200, "hello, world\n", null],
    ];
    for (const [range, status, text, contentRange] of cases) {
      const a = await ask(fx, "/hello.txt", { headers: { range } });
      assert.equal(a.status, status, range);
      assert.equal(a.text, text, range);
      assert.equal(a.headers.get("content-range"), contentRange, range);
    }
  });
});

Deno.test("serveDir() ignores a Range on an empty file, as std does", async () => {
  await withFixture(async (fx) => {
    for (const range of ["bytes=0-10, 20-30", "bytes=0-"]) {
      const a = await ask(fx, "/empty.txt", { headers: { range } });
      assert.equal(a.status, 200, range);
      assert.equal(a.statusText, "OK", range);
      assert.equal(a.text, "", range);
    }
  });
});

Deno.test("serveDir() lists a folder with relative links, breadcrumbs and Accept-Ranges", async () => {
  await withFixture(async (fx) => {
    const top = await ask(fx, "/listing/", {}, { showDirListing: true });
    assert.equal(top.status, 200);
    assert.equal(top.headers.get("accept-ranges"), "bytes");
    assert.ok(top.text.includes('<a href="./a.txt">a.txt</a>'));
    assert.ok(top.text.includes('<a href="./sub/">sub/</a>'));
    assert.ok(top.text.includes('<a href="..">../</a>'));
    assert.ok(
      top.text.includes('<a href="../">home</a>/<a href=".">listing</a>/'),
    );
    const root = await ask(fx, "/", {}, {
      showDirListing: true,
      showIndex: false,
    });
    assert.ok(root.text.includes('<a href=".">home</a>/'));
    assert.ok(!root.text.includes('href=".."'), "no parent above the root");
  });
});

Deno.test("serveDir() escapes and percent-encodes names in a listing", async () => {
  await withFixture(async (fx) => {
    await Deno.writeTextFile(`${fx.root}/listing/%25A.txt`, "x");
    await Deno.writeTextFile(`${fx.root}/listing/file#2.txt`, "x");
    const a = await ask(fx, "/listing/", {}, { showDirListing: true });
    assert.ok(
      a.text.includes(
        '<a href="./%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E.txt">&lt;img src=x onerror=alert(1)&gt;.txt</a>',
      ),
      XSS_NAME,
    );
    assert.ok(a.text.includes('<a href="./%2525A.txt">%25A.txt</a>'));
    assert.ok(a.text.includes('<a href="./file%232.txt">file#2.txt</a>'));
  });
});

Deno.test("serveDir() with urlRoot links its listing's heading back to the mount point", async () => {
  await withFixture(async (fx) => {
    const a = await ask(fx, "/static/listing/sub/", {}, {
      urlRoot: "static",
      showDirListing: true,
    });
    assert.equal(a.status, 200);
    assert.ok(
      a.text.includes(
        '<a href="../../">home</a>/<a href="../">listing</a>/<a href=".">sub</a>/',
      ),
    );
    assert.ok(a.text.includes('<a href="./b.txt">b.txt</a>'));
  });
});

Deno.test("serveDir() with enableCors sends std's CORS fields on every answer", async () => {
  await withFixture(async (fx) => {
    const options = { enableCors: true, showDirListing: true };
    for (const url of ["/hello.txt", "/listing/", "/nope.txt"]) {
      const a = await ask(fx, url, {}, options);
      assert.equal(a.headers.get("access-control-allow-origin"), "*", url);
      assert.equal(
        a.headers.get("access-control-allow-headers"),
        "Origin, X-Requested-With, Content-Type, Accept, Range",
        url,
      );
    }
    const plain = await ask(fx, "/hello.txt");
    assert.equal(plain.headers.get("access-control-allow-origin"), null);
    assert.equal(plain.headers.get("access-control-allow-headers"), null);
  });
});

Deno.test("serveDir() never compresses unless compress is set", async () => {
  await withFixture(async (fx) => {
    const headers = { "accept-encoding": "gzip, deflate, br, zstd" };
    const plain = await ask(fx, "/style.css", { headers });
    assert.equal(plain.headers.get("content-encoding"), null);
    assert.equal(plain.headers.get("vary"), null);
    assert.equal(
      plain.headers.get("content-length"),
      String((await Deno.stat(`${fx.root}/style.css`)).size),
    );
    const compressed = await ask(fx, "/style.css", { headers }, {
      compress: true,
    });
    assert.equal(compressed.headers.get("content-encoding"), "br");
  });
});

Deno.test("serveDir() takes a Web Crypto AlgorithmIdentifier as etagAlgorithm", async () => {
  await withFixture(async (fx) => {
    const byName = await ask(fx, "/hello.txt", {}, {
      etagAlgorithm: "SHA-256",
    });
    const byObject = await ask(fx, "/hello.txt", {}, {
      etagAlgorithm: { name: "sha-256" },
    });
    assert.equal(byObject.headers.get("etag"), byName.headers.get("etag"));
    const sha1 = await ask(fx, "/hello.txt", {}, { etagAlgorithm: "SHA-1" });
    assert.notEqual(sha1.headers.get("etag"), byName.headers.get("etag"));
    await assert.rejects(
      () =>
        serveDir(new Request("http://localhost/hello.txt"), {
          fsRoot: fx.root,
          etagAlgorithm: { name: "MD5" },
        }),
      RangeError,
    );
  });
});

Deno.test("serveDir() answers std's conditional requests with 304", async () => {
  await withFixture(async (fx) => {
    const first = await ask(fx, "/hello.txt");
    const etag = first.headers.get("etag")!;
    const lastModified = first.headers.get("last-modified")!;
    const byTag = await ask(fx, "/hello.txt", {
      headers: { "if-none-match": etag },
    });
    assert.equal(byTag.status, 304);
    assert.equal(byTag.statusText, "Not Modified");
    assert.equal(byTag.text, "");
    const byDate = await ask(fx, "/hello.txt", {
      headers: { "if-modified-since": lastModified },
    });
    assert.equal(byDate.status, 304);
    // With If-None-Match present, If-Modified-Since is not looked at.
    const both = await ask(fx, "/hello.txt", {
      headers: {
        "if-none-match": '"other"',
        "if-modified-since": lastModified,
      },
    });
    assert.equal(both.status, 200);
  });
});

// Where berth differs on purpose (the README's "For @std/http users").

Deno.test("serveDir() differs from std on purpose: media types, ranges, ETags, HEAD, OPTIONS", async () => {
  await withFixture(async (fx) => {
    const mod = await ask(fx, "/mod.ts");
    assert.equal(
      mod.headers.get("content-type"),
      "application/typescript; charset=UTF-8",
    );
    const multi = await ask(fx, "/hello.txt", {
      headers: { range: "bytes=0-1, 7-8" },
    });
    assert.equal(multi.status, 206);
    assert.match(
      multi.headers.get("content-type")!,
      /^multipart\/byteranges; boundary=/,
    );
    const etag = (await ask(fx, "/hello.txt")).headers.get("etag")!;
    assert.match(etag, /^"[0-9a-f]+-[0-9a-f]+"$/, "strong, no W/");
    const head = await ask(fx, "/hello.txt", { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.nullBody, true);
    assert.equal(head.headers.get("content-length"), "13");
    const options = await ask(fx, "/hello.txt", { method: "OPTIONS" });
    assert.equal(options.status, 204);
    assert.equal(options.headers.get("allow"), "GET, HEAD, OPTIONS");
  });
});

Deno.test("serveDir() differs from std on purpose: paths, dotfiles, urlRoot", async () => {
  await withFixture(async (fx) => {
    assert.equal((await ask(fx, "/docs%2Findex.html")).status, 400);
    assert.equal((await ask(fx, "/.well-known/security.txt")).status, 200);
    assert.equal((await ask(fx, "/link-to-dotfile")).status, 404);
    const mounted = { urlRoot: "static" };
    assert.equal((await ask(fx, "/static/hello.txt", {}, mounted)).status, 200);
    assert.equal((await ask(fx, "/statichello.txt", {}, mounted)).status, 404);
  });
});

Deno.test("serveDir() differs from std on purpose: Cache-Control, nosniff, CORS on redirects", async () => {
  await withFixture(async (fx) => {
    const a = await ask(fx, "/hello.txt");
    assert.equal(
      a.headers.get("cache-control"),
      "public, max-age=0, must-revalidate",
    );
    assert.equal(a.headers.get("x-content-type-options"), "nosniff");
    assert.equal(a.headers.get("server"), null);
    const own = await ask(fx, "/hello.txt", {}, {
      headers: ["Cache-Control: no-store"],
    });
    assert.equal(own.headers.get("cache-control"), "no-store");
    const redirect = await ask(fx, "/docs", {}, {
      enableCors: true,
      headers: ["X-Extra: 1"],
    });
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers.get("access-control-allow-origin"), "*");
    assert.equal(redirect.headers.get("x-extra"), "1");
  });
});

Deno.test("serveDir() lists a folder as JSON for Accept: application/json", async () => {
  await withFixture(async (fx) => {
    const a = await ask(fx, "/listing/", {
      headers: { accept: "application/json" },
    }, { showDirListing: true });
    assert.equal(
      a.headers.get("content-type"),
      "application/json; charset=UTF-8",
    );
    const names = JSON.parse(a.text).entries.map((e: { name: string }) =>
      e.name
    );
    assert.ok(names.includes("a.txt"));
  });
});
