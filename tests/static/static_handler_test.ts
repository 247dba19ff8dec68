import assert from "node:assert/strict";
import {
  type Answer,
  BIG,
  fetchPath,
  type Fixture,
  gunzip,
  makeFixture,
  readAnswer,
  SECRET,
  STYLE,
  XSS_NAME,
} from "./_fixtures.ts";
import { createStaticHandler } from "../../src/static/static_handler.ts";
import type { StaticHandlerOptions } from "../../src/static/options.ts";
import { TRAVERSAL_PATHS } from "./_traversal.ts";
import { unsupportedDeno } from "../../src/http/deno_version.ts";
import { withDenoVersion } from "../_pretend_deno.ts";

async function withFixture(fn: (fx: Fixture) => Promise<void>): Promise<void> {
  const fx = await makeFixture();
  try {
    await fn(fx);
  } finally {
    await fx.cleanup();
  }
}

function handlerFor(fx: Fixture, options: StaticHandlerOptions = {}) {
  return createStaticHandler({ root: fx.root, ...options });
}

function assertNoSecret(answer: Answer, label: string): void {
  assert.ok(!answer.text.includes(SECRET), `${label} leaked outside content`);
}

// ---------------------------------------------------------------- methods

Deno.test("createStaticHandler() throws on a Deno older than berth supports, naming the version to install", () => {
  withDenoVersion("2.8.3", () => {
    assert.throws(() => createStaticHandler({ root: "." }), {
      message: unsupportedDeno("2.8.3")!,
    });
  });
});

Deno.test("createStaticHandler() answers GET with the file and its headers", async () => {
  await withFixture(async (fx) => {
    const a = await fetchPath(handlerFor(fx), "/hello.txt");
    assert.equal(a.status, 200);
    assert.equal(a.text, "hello, world\n");
    assert.equal(a.headers.get("content-type"), "text/plain; charset=utf-8");
    assert.equal(a.headers.get("content-length"), "13");
    assert.match(a.headers.get("etag")!, /^"[0-9a-f]+-[0-9a-f]+"$/);
    const info = await Deno.stat(`${fx.root}/hello.txt`);
    assert.equal(a.headers.get("last-modified"), info.mtime!.toUTCString());
    assert.equal(a.headers.get("accept-ranges"), "bytes");
    assert.equal(
      a.headers.get("cache-control"),
      "public, max-age=0, must-revalidate",
    );
    assert.equal(a.headers.get("x-content-type-options"), "nosniff");
  });
});

Deno.test("createStaticHandler() answers HEAD with exactly GET's headers and no body", async () => {
  await withFixture(async (fx) => {
    const handler = handlerFor(fx);
    for (const path of ["/hello.txt", "/", "/style.css", "/nope", "/big.txt"]) {
      const get = await fetchPath(handler, path);
      const head = await fetchPath(handler, path, { method: "HEAD" });
      assert.equal(head.status, get.status, path);
      assert.equal(head.nullBody, true, path);
      assert.deepEqual([...head.headers], [...get.headers], path);
      assert.equal(
        head.headers.get("content-length"),
        String(get.bytes.length),
        path,
      );
    }
  });
});

Deno.test("createStaticHandler() answers OPTIONS with 204 and Allow", async () => {
  await withFixture(async (fx) => {
    const a = await fetchPath(handlerFor(fx), "/hello.txt", {
      method: "OPTIONS",
    });
    assert.equal(a.status, 204);
    assert.equal(a.headers.get("allow"), "GET, HEAD, OPTIONS");
    assert.equal(a.headers.get("access-control-allow-origin"), null);
  });
});

for (const method of ["POST", "PUT", "DELETE", "PATCH", "PROPFIND"]) {
  Deno.test(`createStaticHandler() answers ${method} with 405 and writes nothing`, async () => {
    await withFixture(async (fx) => {
      const a = await fetchPath(handlerFor(fx), "/hello.txt", {
        method,
        body: method === "DELETE" ? undefined : "overwrite",
      });
      assert.equal(a.status, 405);
      assert.equal(a.headers.get("allow"), "GET, HEAD, OPTIONS");
      assert.equal(
        await Deno.readTextFile(`${fx.root}/hello.txt`),
        "hello, world\n",
      );
      const created = await fetchPath(handlerFor(fx), "/new.txt", {
        method,
        body: method === "DELETE" ? undefined : "x",
      });
      assert.equal(created.status, 405);
      await assert.rejects(
        () => Deno.stat(`${fx.root}/new.txt`),
        Deno.errors.NotFound,
      );
    });
  });
}

Deno.test("createStaticHandler() with cors answers preflights and marks responses", async () => {
  await withFixture(async (fx) => {
    const handler = handlerFor(fx, { cors: true });
    const pre = await fetchPath(handler, "/hello.txt", {
      method: "OPTIONS",
      headers: {
        origin: "https://app.example",
        "access-control-request-method": "GET",
        "access-control-request-headers": "range, if-none-match",
      },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get("access-control-allow-origin"), "*");
    assert.equal(
      pre.headers.get("access-control-allow-methods"),
      "GET, HEAD, OPTIONS",
    );
    assert.equal(
      pre.headers.get("access-control-allow-headers"),
      "range, if-none-match",
    );
    assert.equal(pre.headers.get("access-control-max-age"), "86400");
    const get = await fetchPath(handler, "/hello.txt", {
      headers: { origin: "https://app.example" },
    });
    assert.equal(get.headers.get("access-control-allow-origin"), "*");
    assert.match(get.headers.get("access-control-expose-headers")!, /ETag/);
    const missing = await fetchPath(handler, "/nope");
    assert.equal(missing.headers.get("access-control-allow-origin"), "*");
  });
});

// ---------------------------------------------------------------- paths

// Raw request paths. `new Request` normalises some (dot segments, `\`); the
// resolver's own table in resolve_path_test.ts covers the raw strings.
for (const path of TRAVERSAL_PATHS) {
  Deno.test(`createStaticHandler() never serves outside the root for ${path}`, async () => {
    await withFixture(async (fx) => {
      for (
        const options of [{}, { listing: true }, {
          dotfiles: true,
          listing: true,
        }]
      ) {
        const a = await fetchPath(
          handlerFor(fx, { notFoundPage: false, ...options }),
          path,
        );
        assert.ok([400, 404].includes(a.status), `${path} → ${a.status}`);
        assertNoSecret(a, path);
        assert.ok(!a.text.includes("root:x:0"), path);
      }
    });
  });
}

Deno.test("createStaticHandler() follows symlinks that stay inside the root", async () => {
  await withFixture(async (fx) => {
    const handler = handlerFor(fx);
    assert.equal(
      (await fetchPath(handler, "/link-inside.txt")).text,
      "hello, world\n",
    );
    assert.equal(
      (await fetchPath(handler, "/link-inside-dir/")).text,
      "<!doctype html><h1>docs</h1>",
    );
  });
});

Deno.test("createStaticHandler() with followSymlinks always follows links out of the root", async () => {
  await withFixture(async (fx) => {
    const handler = handlerFor(fx, { followSymlinks: "always" });
    assert.equal((await fetchPath(handler, "/link-outside.txt")).text, SECRET);
    assert.equal(
      (await fetchPath(handler, "/link-outside-dir/secret.txt")).status,
      200,
    );
  });
});

Deno.test("createStaticHandler() with followSymlinks never refuses every symlink", async () => {
  await withFixture(async (fx) => {
    const handler = handlerFor(fx, {
      followSymlinks: "never",
      notFoundPage: false,
    });
    assert.equal((await fetchPath(handler, "/link-inside.txt")).status, 404);
    assert.equal((await fetchPath(handler, "/link-inside-dir/")).status, 404);
    assert.equal((await fetchPath(handler, "/hello.txt")).status, 200);
  });
});

Deno.test("createStaticHandler() answers 404 for dotfiles but serves /.well-known/", async () => {
  await withFixture(async (fx) => {
    const handler = handlerFor(fx, { notFoundPage: false });
    for (
      const path of [
        "/.env",
        "/.git/config",
        "/.git/",
        "/.well-known/.hidden",
        "/listing/.hidden",
        "/%2eenv",
      ]
    ) {
      const a = await fetchPath(handler, path);
      assert.equal(a.status, 404, path);
      assertNoSecret(a, path);
    }
    const wk = await fetchPath(handler, "/.well-known/security.txt");
    assert.equal(wk.status, 200);
    assert.equal(wk.text, "Contact: mailto:security@example.com");
  });
});

Deno.test("createStaticHandler() with dotfiles serves dotfiles", async () => {
  await withFixture(async (fx) => {
    const handler = handlerFor(fx, { dotfiles: true });
    assert.equal((await fetchPath(handler, "/.env")).text, `SECRET=${SECRET}`);
    assert.equal((await fetchPath(handler, "/link-to-dotfile")).status, 200);
  });
});

Deno.test("createStaticHandler() answers client mistakes with 4xx, never 500", async () => {
  await withFixture(async (fx) => {
    const handler = handlerFor(fx, { notFoundPage: false });
    const cases: [string, number][] = [
      ["/hello.txt/x", 404], // ENOTDIR
      ["/hello.txt/x/y", 404],
      ["/missing.txt", 404],
      ["/missing/deeper/file", 404],
      ["/%", 400],
      ["/%zz", 400],
      ["/%ff", 400],
      ["/a%2fb", 400],
      ["/" + "a".repeat(300), 404],
      ["/" + "abc/".repeat(1500), 414],
    ];
    for (const [path, status] of cases) {
      const a = await fetchPath(handler, path);
      assert.equal(a.status, status, path);
      assert.ok(!a.text.includes(fx.root), "never leaks a path");
    }
  });
});

Deno.test("createStaticHandler() answers 403 for an unreadable file", async () => {
  await withFixture(async (fx) => {
    const path = `${fx.root}/locked.txt`;
    await Deno.writeTextFile(path, "locked");
    await Deno.chmod(path, 0o000);
    let readable = true;
    try {
      await Deno.readTextFile(path);
    } catch {
      readable = false;
    }
    const a = await fetchPath(handlerFor(fx), "/locked.txt");
    // Root bypasses file permissions; the status mapping itself is covered
    // by fsErrorStatus() tests.
    assert.equal(a.status, readable ? 200 : 403);
    await Deno.chmod(path, 0o644);
  });
});

Deno.test("createStaticHandler() serves names with spaces and non-ASCII", async () => {
  await withFixture(async (fx) => {
    const handler = handlerFor(fx);
    assert.equal(
      (await fetchPath(handler, "/with%20space.txt")).text,
      "spaced out",
    );
    assert.equal(
      (await fetchPath(handler, "/caf%C3%A9.txt")).text,
      "crème brûlée",
    );
    assert.equal((await fetchPath(handler, "/café.txt")).text, "crème brûlée");
    assert.equal(
      (await fetchPath(handler, "/nested/deeper/file.txt")).text,
      "deep",
    );
  });
});

Deno.test("createStaticHandler() answers 500 with a generic body and calls onError", async () => {
  await withFixture(async (fx) => {
    const errors: unknown[] = [];
    const handler = handlerFor(fx, {
      onError: (error) => errors.push(error),
      now: () => {
        throw new Error(`boom at ${fx.root}`);
      },
    });
    const a = await fetchPath(handler, "/hello.txt");
    assert.equal(a.status, 500);
    assert.equal(a.text, "500 Internal Server Error\n");
    assert.equal(errors.length, 1);
  });
});

// ---------------------------------------------------------------- directories

Deno.test("createStaticHandler() serves index.html for / and for folders", async () => {
  await withFixture(async (fx) => {
    const handler = handlerFor(fx);
    const home = await fetchPath(handler, "/");
    assert.equal(home.text, "<!doctype html><h1>home</h1>");
    assert.equal(home.headers.get("content-type"), "text/html; charset=utf-8");
    assert.equal(home.headers.get("cache-control"), "no-cache");
    assert.equal(
      (await fetchPath(handler, "/docs/")).text,
      "<!doctype html><h1>docs</h1>",
    );
  });
});

Deno.test("createStaticHandler() tries the configured index names in order", async () => {
  await withFixture(async (fx) => {
    await Deno.writeTextFile(`${fx.root}/docs/index.htm`, "htm");
    const handler = handlerFor(fx, { index: ["index.htm", "index.html"] });
    assert.equal((await fetchPath(handler, "/docs/")).text, "htm");
    const none = handlerFor(fx, { index: false, notFoundPage: false });
    assert.equal((await fetchPath(none, "/docs/")).status, 404);
  });
});

Deno.test("createStaticHandler() redirects a folder without its slash, keeping the query", async () => {
  await withFixture(async (fx) => {
    const handler = handlerFor(fx);
    const a = await fetchPath(handler, "/docs?lang=en&x=%20");
    assert.equal(a.status, 301);
    assert.equal(a.headers.get("location"), "/docs/?lang=en&x=%20");
    const nested = await fetchPath(handler, "/nested/deeper");
    assert.equal(nested.headers.get("location"), "/nested/deeper/");
    const spaced = await fetchPath(handler, "/caf%C3%A9-dir");
    assert.equal(spaced.status, 404);
  });
});

Deno.test("createStaticHandler() never redirects off-site (//host, /\\host) nor with CR/LF", async () => {
  await withFixture(async (fx) => {
    const handler = handlerFor(fx);
    for (
      const path of [
        "//evil.com/dir",
        "/\\evil.com/dir",
        "///evil.com/dir",
        "/./evil.com/dir",
        "//evil.com/dir?a=%0d%0aSet-Cookie:x",
      ]
    ) {
      const a = await fetchPath(handler, path);
      assert.equal(a.status, 301, path);
      const location = a.headers.get("location")!;
      assert.ok(location.startsWith("/evil.com/dir/"), `${path} → ${location}`);
      assert.ok(
        !location.startsWith("//") && !location.startsWith("/\\"),
        location,
      );
      assert.ok(!/[\r\n]/.test(location), location);
    }
    const encoded = await fetchPath(handler, "/%5cevil.com/dir");
    assert.equal(encoded.status, 400);
  });
});

Deno.test("createStaticHandler() answers 404 for a folder without index when listing is off", async () => {
  await withFixture(async (fx) => {
    const a = await fetchPath(handlerFor(fx), "/listing/");
    assert.equal(a.status, 404);
    assert.ok(!a.text.includes("a.txt"));
  });
});

Deno.test("createStaticHandler() lists a folder as HTML, escaped, folders first", async () => {
  await withFixture(async (fx) => {
    const a = await fetchPath(handlerFor(fx, { listing: true }), "/listing/");
    assert.equal(a.status, 200);
    assert.equal(a.headers.get("content-type"), "text/html; charset=utf-8");
    assert.equal(a.headers.get("content-length"), String(a.bytes.length));
    assert.ok(!a.text.includes("<img"), "the file name must not become markup");
    assert.ok(a.text.includes("&lt;img src=x onerror=alert(1)&gt;.txt"));
    assert.ok(
      a.text.includes(`href="/listing/${encodeURIComponent(XSS_NAME)}"`),
    );
    assert.ok(
      a.text.indexOf("sub/") < a.text.indexOf("a.txt"),
      "folders first",
    );
    assert.ok(!a.text.includes(".hidden"));
    assert.ok(
      !a.text.includes("out.txt"),
      "a link leaving the root is not listed",
    );
    assert.ok(a.text.includes('href="/"'), "parent link");
    assert.ok(a.text.includes("1 B"), "sizes");
    assert.match(a.text, /<time datetime="\d{4}-\d{2}-\d{2}T/);
  });
});

Deno.test("createStaticHandler() lists a folder as JSON for Accept: application/json", async () => {
  await withFixture(async (fx) => {
    const a = await fetchPath(handlerFor(fx, { listing: true }), "/listing/", {
      headers: { accept: "application/json" },
    });
    assert.equal(
      a.headers.get("content-type"),
      "application/json; charset=utf-8",
    );
    assert.equal(a.headers.get("vary"), "Accept");
    const json = JSON.parse(a.text);
    assert.equal(json.path, "/listing/");
    assert.deepEqual(json.entries.map((e: { name: string }) => e.name), [
      "sub",
      XSS_NAME,
      "a.txt",
    ]);
    assert.equal(json.entries[0].type, "directory");
    assert.equal(json.entries[2].size, 1);
    assert.equal(json.entries[2].url, "/listing/a.txt");
  });
});

Deno.test("createStaticHandler() serves the root's 404.html with status 404", async () => {
  await withFixture(async (fx) => {
    const handler = handlerFor(fx);
    const a = await fetchPath(handler, "/nope.txt");
    assert.equal(a.status, 404);
    assert.equal(a.text, "<!doctype html><h1>custom not found</h1>");
    assert.equal(a.headers.get("content-type"), "text/html; charset=utf-8");
    const head = await fetchPath(handler, "/nope.txt", { method: "HEAD" });
    assert.equal(head.status, 404);
    assert.equal(head.nullBody, true);
    assert.equal(head.headers.get("content-length"), String(a.bytes.length));
    // Conditionals and ranges do not apply to an error page.
    const ranged = await fetchPath(handler, "/nope.txt", {
      headers: { range: "bytes=0-1" },
    });
    assert.equal(ranged.status, 404);
    assert.equal(ranged.text, a.text);
  });
});

Deno.test("createStaticHandler() falls back to a small built-in 404 page", async () => {
  await withFixture(async (fx) => {
    await Deno.remove(`${fx.root}/404.html`);
    const a = await fetchPath(handlerFor(fx), "/nope.txt");
    assert.equal(a.status, 404);
    assert.equal(a.text, "404 Not Found\n");
    const off = await fetchPath(
      handlerFor(fx, { notFoundPage: false }),
      "/nope.txt",
    );
    assert.equal(off.text, "404 Not Found\n");
  });
});

Deno.test("createStaticHandler() with spa serves the fallback to HTML navigations only", async () => {
  await withFixture(async (fx) => {
    const handler = handlerFor(fx, { spa: true });
    const html = {
      headers: { accept: "text/html,application/xhtml+xml,*/*;q=0.8" },
    };
    const nav = await fetchPath(handler, "/app/users/42?tab=1", html);
    assert.equal(nav.status, 200);
    assert.equal(nav.text, "<!doctype html><h1>home</h1>");
    assert.match(nav.headers.get("vary")!, /Accept/);
    assert.equal(
      (await fetchPath(handler, "/app/users/42", { method: "HEAD", ...html }))
        .status,
      200,
    );
    assert.equal(
      (await fetchPath(handler, "/app/missing.js", html)).status,
      404,
    );
    assert.equal(
      (await fetchPath(handler, "/app/users/42", {
        headers: { accept: "application/json" },
      })).status,
      404,
    );
    assert.equal(
      (await fetchPath(handler, "/app/users/42", { method: "POST", ...html }))
        .status,
      405,
    );
    const shell = handlerFor(fx, { spa: "shell.html" });
    assert.equal(
      (await fetchPath(shell, "/deep/link", html)).text,
      "<!doctype html><h1>shell</h1>",
    );
  });
});

Deno.test("createStaticHandler() with cleanUrls serves /about from about.html", async () => {
  await withFixture(async (fx) => {
    const handler = handlerFor(fx, { cleanUrls: true });
    const a = await fetchPath(handler, "/about");
    assert.equal(a.status, 200);
    assert.equal(a.text, "<!doctype html><h1>about</h1>");
    const slash = await fetchPath(handler, "/about/?q=1");
    assert.equal(slash.status, 301);
    assert.equal(slash.headers.get("location"), "/about?q=1");
    assert.equal((await fetchPath(handler, "/about.html")).status, 200);
    const off = await fetchPath(handlerFor(fx), "/about");
    assert.equal(off.status, 404);
  });
});

Deno.test("createStaticHandler() with trailingSlash always puts pages under a slash", async () => {
  await withFixture(async (fx) => {
    const handler = handlerFor(fx, {
      cleanUrls: true,
      trailingSlash: "always",
    });
    const a = await fetchPath(handler, "/about?q=1");
    assert.equal(a.status, 301);
    assert.equal(a.headers.get("location"), "/about/?q=1");
    assert.equal(
      (await fetchPath(handler, "/about/")).text,
      "<!doctype html><h1>about</h1>",
    );
    assert.equal(
      (await fetchPath(handler, "/docs")).headers.get("location"),
      "/docs/",
    );
    assert.equal((await fetchPath(handler, "/hello.txt")).status, 200);
  });
});

Deno.test("createStaticHandler() with trailingSlash never strips slashes", async () => {
  await withFixture(async (fx) => {
    const handler = handlerFor(fx, { trailingSlash: "never" });
    const a = await fetchPath(handler, "/docs/?q=1");
    assert.equal(a.status, 301);
    assert.equal(a.headers.get("location"), "/docs?q=1");
    assert.equal(
      (await fetchPath(handler, "/docs")).text,
      "<!doctype html><h1>docs</h1>",
    );
    assert.equal(
      (await fetchPath(handler, "/hello.txt/")).headers.get("location"),
      "/hello.txt",
    );
    assert.equal((await fetchPath(handler, "/")).status, 200);
  });
});

Deno.test("createStaticHandler() with trailingSlash ignore serves both forms", async () => {
  await withFixture(async (fx) => {
    const handler = handlerFor(fx, { trailingSlash: "ignore" });
    assert.equal((await fetchPath(handler, "/docs")).status, 200);
    assert.equal((await fetchPath(handler, "/docs/")).status, 200);
    assert.equal((await fetchPath(handler, "/hello.txt/")).status, 200);
  });
});

Deno.test("createStaticHandler() answers 404 for a file with a trailing slash by default", async () => {
  await withFixture(async (fx) => {
    assert.equal((await fetchPath(handlerFor(fx), "/hello.txt/")).status, 404);
  });
});

Deno.test("createStaticHandler() with urlRoot strips the prefix", async () => {
  await withFixture(async (fx) => {
    const handler = handlerFor(fx, { urlRoot: "static", notFoundPage: false });
    assert.equal(
      (await fetchPath(handler, "/static/hello.txt")).text,
      "hello, world\n",
    );
    assert.equal((await fetchPath(handler, "/hello.txt")).status, 404);
    assert.equal((await fetchPath(handler, "/staticx/hello.txt")).status, 404);
    const root = await fetchPath(handler, "/static?x=1");
    assert.equal(root.headers.get("location"), "/static/?x=1");
    assert.equal(
      (await fetchPath(handler, "/static/docs")).headers.get("location"),
      "/static/docs/",
    );
    const listing = handlerFor(fx, { urlRoot: "static", listing: true });
    const page = await fetchPath(listing, "/static/listing/");
    assert.ok(page.text.includes('href="/static/listing/a.txt"'));
  });
});

// ---------------------------------------------------------------- headers

Deno.test("createStaticHandler() serves TypeScript modules with a type Deno accepts", async () => {
  await withFixture(async (fx) => {
    const handler = handlerFor(fx);
    assert.equal(
      (await fetchPath(handler, "/mod.ts")).headers.get("content-type"),
      "application/typescript; charset=utf-8",
    );
    assert.equal(
      (await fetchPath(handler, "/extra.mts")).headers.get("content-type"),
      "application/typescript; charset=utf-8",
    );
  });
});

Deno.test("createStaticHandler() keeps an MPEG-TS .ts file as video/mp2t", async () => {
  await withFixture(async (fx) => {
    const handler = handlerFor(fx);
    const a = await fetchPath(handler, "/video.ts");
    assert.equal(a.headers.get("content-type"), "video/mp2t");
    assert.equal(a.bytes.length, 376);
    const head = await fetchPath(handler, "/video.ts", { method: "HEAD" });
    assert.equal(head.headers.get("content-type"), "video/mp2t");
  });
});

Deno.test("createStaticHandler() sends unknown types as application/octet-stream", async () => {
  await withFixture(async (fx) => {
    await Deno.writeTextFile(`${fx.root}/blob.xyz`, "?");
    await Deno.writeTextFile(`${fx.root}/LICENSE`, "MIT");
    const handler = handlerFor(fx);
    assert.equal(
      (await fetchPath(handler, "/blob.xyz")).headers.get("content-type"),
      "application/octet-stream",
    );
    assert.equal(
      (await fetchPath(handler, "/LICENSE")).headers.get("content-type"),
      "application/octet-stream",
    );
  });
});

Deno.test("createStaticHandler() applies the Cache-Control policy", async () => {
  await withFixture(async (fx) => {
    const handler = handlerFor(fx);
    assert.equal(
      (await fetchPath(handler, "/app.3f9a1c2e.js")).headers.get(
        "cache-control",
      ),
      "public, max-age=31536000, immutable",
    );
    assert.equal(
      (await fetchPath(handler, "/about.html")).headers.get("cache-control"),
      "no-cache",
    );
    assert.equal(
      (await fetchPath(handler, "/hello.txt")).headers.get("cache-control"),
      "public, max-age=0, must-revalidate",
    );
    const fixed = handlerFor(fx, { cacheControl: "no-store" });
    assert.equal(
      (await fetchPath(fixed, "/app.3f9a1c2e.js")).headers.get("cache-control"),
      "no-store",
    );
    const custom = handlerFor(fx, {
      cacheControl: ({ name }) => name.endsWith(".txt") ? "max-age=60" : null,
    });
    assert.equal(
      (await fetchPath(custom, "/hello.txt")).headers.get("cache-control"),
      "max-age=60",
    );
    assert.equal(
      (await fetchPath(custom, "/about.html")).headers.get("cache-control"),
      null,
    );
  });
});

Deno.test("createStaticHandler() adds the configured headers to every response", async () => {
  await withFixture(async (fx) => {
    for (
      const headers of [{ "X-Frame-Options": "DENY" }, [
        "X-Frame-Options: DENY",
      ]]
    ) {
      const handler = handlerFor(fx, { headers });
      for (const path of ["/hello.txt", "/nope", "/docs", "/%zz"]) {
        const a = await fetchPath(handler, path);
        assert.equal(a.headers.get("x-frame-options"), "DENY", path);
      }
    }
  });
});

Deno.test("createStaticHandler() with etag false sends no ETag but keeps Last-Modified", async () => {
  await withFixture(async (fx) => {
    const a = await fetchPath(handlerFor(fx, { etag: false }), "/hello.txt");
    assert.equal(a.headers.get("etag"), null);
    assert.notEqual(a.headers.get("last-modified"), null);
  });
});

// ---------------------------------------------------------------- preconditions

Deno.test("createStaticHandler() answers 304 when If-None-Match matches", async () => {
  await withFixture(async (fx) => {
    const handler = handlerFor(fx);
    const first = await fetchPath(handler, "/hello.txt");
    const etag = first.headers.get("etag")!;
    for (const value of [etag, `W/${etag}`, `"nope", ${etag}`, "*"]) {
      const a = await fetchPath(handler, "/hello.txt", {
        headers: { "if-none-match": value },
      });
      assert.equal(a.status, 304, value);
      assert.equal(a.nullBody, true);
      assert.equal(a.headers.get("etag"), etag);
      assert.equal(
        a.headers.get("cache-control"),
        first.headers.get("cache-control"),
      );
      assert.equal(a.headers.get("content-length"), null);
    }
    const miss = await fetchPath(handler, "/hello.txt", {
      headers: { "if-none-match": '"other"' },
    });
    assert.equal(miss.status, 200);
  });
});

Deno.test("createStaticHandler() answers 304 for If-Modified-Since only without If-None-Match", async () => {
  await withFixture(async (fx) => {
    const handler = handlerFor(fx);
    const first = await fetchPath(handler, "/hello.txt");
    const lastModified = first.headers.get("last-modified")!;
    const a = await fetchPath(handler, "/hello.txt", {
      headers: { "if-modified-since": lastModified },
    });
    assert.equal(a.status, 304);
    const b = await fetchPath(handler, "/hello.txt", {
      headers: {
        "if-modified-since": lastModified,
        "if-none-match": '"other"',
      },
    });
    assert.equal(b.status, 200);
    const old = await fetchPath(handler, "/hello.txt", {
      headers: { "if-modified-since": "Sat, 01 Jan 2000 00:00:00 GMT" },
    });
    assert.equal(old.status, 200);
  });
});

Deno.test("createStaticHandler() answers 412 when If-Match or If-Unmodified-Since fails", async () => {
  await withFixture(async (fx) => {
    const handler = handlerFor(fx);
    const etag = (await fetchPath(handler, "/hello.txt")).headers.get("etag")!;
    assert.equal(
      (await fetchPath(handler, "/hello.txt", {
        headers: { "if-match": '"other"' },
      })).status,
      412,
    );
    assert.equal(
      (await fetchPath(handler, "/hello.txt", {
        headers: { "if-match": etag },
      })).status,
      200,
    );
    assert.equal(
      (await fetchPath(handler, "/hello.txt", {
        headers: { "if-match": `W/${etag}` },
      })).status,
      412,
    );
    const old = "Sat, 01 Jan 2000 00:00:00 GMT";
    assert.equal(
      (await fetchPath(handler, "/hello.txt", {
        headers: { "if-unmodified-since": old },
      })).status,
      412,
    );
    // If-Match is evaluated first (RFC 9110 §13.2.2).
    assert.equal(
      (await fetchPath(handler, "/hello.txt", {
        headers: { "if-match": '"other"', "if-none-match": etag },
      })).status,
      412,
    );
  });
});

Deno.test("createStaticHandler() answers 304, 412, 416 and HEAD without opening the file", async () => {
  await withFixture(async (fx) => {
    // Metadata cached, bytes not (maxCachedFileBytes 0), clock frozen: once
    // the file is gone only a body would need it.
    const handler = handlerFor(fx, { maxCachedFileBytes: 0, now: () => 0 });
    const first = await fetchPath(handler, "/hello.txt");
    const etag = first.headers.get("etag")!;
    await Deno.remove(`${fx.root}/hello.txt`);
    assert.equal(
      (await fetchPath(handler, "/hello.txt", {
        headers: { "if-none-match": etag },
      })).status,
      304,
    );
    assert.equal(
      (await fetchPath(handler, "/hello.txt", {
        headers: { "if-match": '"x"' },
      })).status,
      412,
    );
    assert.equal(
      (await fetchPath(handler, "/hello.txt", {
        headers: { range: "bytes=100-" },
      })).status,
      416,
    );
    const head = await fetchPath(handler, "/hello.txt", { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-length"), "13");
    // A GET needs the bytes: the file is gone, so 404 (not 500).
    assert.equal((await fetchPath(handler, "/hello.txt")).status, 404);
  });
});

// ---------------------------------------------------------------- ranges

for (const maxCachedFileBytes of [1024 * 1024, 0]) {
  const mode = maxCachedFileBytes ? "from memory" : "streamed";
  Deno.test(`createStaticHandler() answers single ranges (${mode})`, async () => {
    await withFixture(async (fx) => {
      const handler = handlerFor(fx, { maxCachedFileBytes });
      const size = BIG.length;
      const cases: [string, number, number][] = [
        ["bytes=0-9", 0, 9],
        ["bytes=100-", 100, size - 1],
        ["bytes=-25", size - 25, size - 1],
        ["bytes=5-99999999", 5, size - 1],
        ["bytes=-99999999", 0, size - 1],
        ["bytes=300000-300100", 300000, 300100],
      ];
      for (const [range, start, end] of cases) {
        const a = await fetchPath(handler, "/big.txt", { headers: { range } });
        assert.equal(a.status, 206, range);
        assert.equal(
          a.headers.get("content-range"),
          `bytes ${start}-${end}/${size}`,
          range,
        );
        assert.equal(
          a.headers.get("content-length"),
          String(end - start + 1),
          range,
        );
        assert.equal(a.text, BIG.slice(start, end + 1), range);
      }
    });
  });

  Deno.test(`createStaticHandler() answers several ranges with multipart/byteranges (${mode})`, async () => {
    await withFixture(async (fx) => {
      const handler = handlerFor(fx, { maxCachedFileBytes });
      const a = await fetchPath(handler, "/big.txt", {
        headers: { range: "bytes=200-209, 0-9, 5-14, -5" },
      });
      assert.equal(a.status, 206);
      const type = a.headers.get("content-type")!;
      const boundary = /^multipart\/byteranges; boundary=(\S+)$/.exec(type)![1];
      assert.equal(a.headers.get("content-length"), String(a.bytes.length));
      const size = BIG.length;
      const expected =
        [[0, 14], [200, 209], [size - 5, size - 1]].map(([s, e], i) =>
          `${
            i ? "\r\n" : ""
          }--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
          `Content-Range: bytes ${s}-${e}/${size}\r\n\r\n${BIG.slice(s, e + 1)}`
        ).join("") + `\r\n--${boundary}--\r\n`;
      assert.equal(a.text, expected);
    });
  });
}

Deno.test("createStaticHandler() answers 416 with Content-Range for unsatisfiable ranges", async () => {
  await withFixture(async (fx) => {
    const handler = handlerFor(fx);
    for (
      const range of [
        "bytes=13-",
        "bytes=100-200",
        "bytes=-0",
        "bytes=99999999999999999999-",
        "bytes=5-1",
      ]
    ) {
      const a = await fetchPath(handler, "/hello.txt", { headers: { range } });
      assert.equal(a.status, 416, range);
      assert.equal(a.headers.get("content-range"), "bytes */13", range);
    }
  });
});

Deno.test("createStaticHandler() ignores bad or abusive Range headers with a full 200", async () => {
  await withFixture(async (fx) => {
    const handler = handlerFor(fx);
    const thousand = "bytes=" +
      Array.from({ length: 1000 }, (_, i) => `${i}-${i}`).join(",");
    for (const range of ["pages=1-2", "bytes=x", thousand]) {
      const a = await fetchPath(handler, "/hello.txt", { headers: { range } });
      assert.equal(a.status, 200, range.slice(0, 20));
      assert.equal(a.text, "hello, world\n");
    }
  });
});

Deno.test("createStaticHandler() honours If-Range only on a strong match or exact date", async () => {
  await withFixture(async (fx) => {
    const handler = handlerFor(fx);
    const first = await fetchPath(handler, "/hello.txt");
    const etag = first.headers.get("etag")!;
    const lastModified = first.headers.get("last-modified")!;
    const ranged = (ifRange: string) =>
      fetchPath(handler, "/hello.txt", {
        headers: { range: "bytes=0-4", "if-range": ifRange },
      });
    assert.equal((await ranged(etag)).status, 206);
    assert.equal((await ranged(lastModified)).status, 206);
    const stale = await ranged('"old"');
    assert.equal(stale.status, 200);
    assert.equal(stale.text, "hello, world\n");
    assert.equal((await ranged(`W/${etag}`)).status, 200);
    assert.equal((await ranged("Sat, 01 Jan 2000 00:00:00 GMT")).status, 200);
  });
});

Deno.test("createStaticHandler() serves an empty file", async () => {
  await withFixture(async (fx) => {
    const handler = handlerFor(fx);
    const a = await fetchPath(handler, "/empty.txt");
    assert.equal(a.status, 200);
    assert.equal(a.headers.get("content-length"), "0");
    assert.equal(
      (await fetchPath(handler, "/empty.txt", {
        headers: { range: "bytes=0-" },
      })).status,
      416,
    );
  });
});

// ---------------------------------------------------------------- compression

Deno.test("createStaticHandler() serves precompressed siblings by Accept-Encoding", async () => {
  await withFixture(async (fx) => {
    const handler = handlerFor(fx);
    const identity = await fetchPath(handler, "/style.css");
    assert.equal(identity.text, STYLE);
    assert.equal(identity.headers.get("content-encoding"), null);
    assert.equal(identity.headers.get("vary"), "Accept-Encoding");

    const br = await fetchPath(handler, "/style.css", {
      headers: { "accept-encoding": "gzip, deflate, br, zstd" },
    });
    assert.equal(br.headers.get("content-encoding"), "br");
    assert.equal(br.text, "BROTLI-BYTES");
    assert.equal(br.headers.get("content-type"), "text/css; charset=utf-8");
    assert.equal(br.headers.get("content-length"), "12");
    assert.equal(br.headers.get("vary"), "Accept-Encoding");

    const gz = await fetchPath(handler, "/style.css", {
      headers: { "accept-encoding": "gzip, br;q=0" },
    });
    assert.equal(gz.headers.get("content-encoding"), "gzip");
    assert.equal(await gunzip(gz.bytes), STYLE);

    const tags = new Set([identity, br, gz].map((a) => a.headers.get("etag")));
    assert.equal(tags.size, 3, "each coding has its own ETag");
  });
});

Deno.test("createStaticHandler() sends Vary: Accept-Encoding on 200, 206 and 304 of a compressible path", async () => {
  await withFixture(async (fx) => {
    const handler = handlerFor(fx);
    const ae = { "accept-encoding": "br" };
    const full = await fetchPath(handler, "/style.css", { headers: ae });
    const partial = await fetchPath(handler, "/style.css", {
      headers: { ...ae, range: "bytes=0-3" },
    });
    assert.equal(partial.status, 206);
    assert.equal(partial.text, "BROT");
    const notModified = await fetchPath(handler, "/style.css", {
      headers: { ...ae, "if-none-match": full.headers.get("etag")! },
    });
    assert.equal(notModified.status, 304);
    for (const a of [full, partial, notModified]) {
      assert.equal(a.headers.get("vary"), "Accept-Encoding");
    }
    // The identity ETag does not validate the br body.
    const other = await fetchPath(handler, "/style.css", {
      headers: { "if-none-match": full.headers.get("etag")! },
    });
    assert.equal(other.status, 200);
  });
});

Deno.test("createStaticHandler() never serves a sibling older than its source", async () => {
  await withFixture(async (fx) => {
    const handler = handlerFor(fx);
    const a = await fetchPath(handler, "/stale.css", {
      headers: { "accept-encoding": "gzip" },
    });
    assert.equal(a.status, 200);
    // Compressed on the fly from the current file instead.
    assert.equal(a.headers.get("content-encoding"), "gzip");
    assert.equal(await gunzip(a.bytes), "/* new */\n".repeat(200));
    const precompressedOnly = handlerFor(fx, { compress: "precompressed" });
    const b = await fetchPath(precompressedOnly, "/stale.css", {
      headers: { "accept-encoding": "gzip" },
    });
    assert.equal(b.headers.get("content-encoding"), null);
    assert.equal(b.text, "/* new */\n".repeat(200));
  });
});

Deno.test("createStaticHandler() gzips compressible files on the fly", async () => {
  await withFixture(async (fx) => {
    for (const maxCachedFileBytes of [1024 * 1024, 0]) {
      const handler = handlerFor(fx, { maxCachedFileBytes });
      const ae = { "accept-encoding": "gzip" };
      const a = await fetchPath(handler, "/docs/guide.html", { headers: ae });
      assert.equal(a.headers.get("content-encoding"), "gzip");
      assert.equal(a.headers.get("vary"), "Accept-Encoding");
      assert.match(a.headers.get("etag")!, /-gzip"$/);
      const original = await Deno.readTextFile(`${fx.root}/docs/guide.html`);
      assert.equal(await gunzip(a.bytes), original);
      if (maxCachedFileBytes) {
        assert.equal(a.headers.get("content-length"), String(a.bytes.length));
      } else {
        assert.equal(
          a.headers.get("content-length"),
          null,
          "streamed gzip has no length",
        );
      }
      const big = await fetchPath(handler, "/big.txt", { headers: ae });
      assert.equal(await gunzip(big.bytes), BIG);
      const again = await fetchPath(handler, "/docs/guide.html", {
        headers: { ...ae, "if-none-match": a.headers.get("etag")! },
      });
      assert.equal(again.status, 304);
    }
  });
});

Deno.test("createStaticHandler() does not gzip small, incompressible, ranged or opted-out responses", async () => {
  await withFixture(async (fx) => {
    const ae = { "accept-encoding": "gzip" };
    const handler = handlerFor(fx);
    const small = await fetchPath(handler, "/hello.txt", { headers: ae });
    assert.equal(small.headers.get("content-encoding"), null);
    assert.equal(small.headers.get("vary"), null);
    const video = await fetchPath(handler, "/video.ts", { headers: ae });
    assert.equal(video.headers.get("content-encoding"), null);
    const ranged = await fetchPath(handler, "/big.txt", {
      headers: { ...ae, range: "bytes=0-9" },
    });
    assert.equal(ranged.status, 206);
    assert.equal(ranged.headers.get("content-encoding"), null);
    assert.equal(ranged.text, BIG.slice(0, 10));
    const off = await fetchPath(
      handlerFor(fx, { compress: false }),
      "/style.css",
      { headers: { "accept-encoding": "br, gzip" } },
    );
    assert.equal(off.headers.get("content-encoding"), null);
    assert.equal(off.text, STYLE);
    const refused = await fetchPath(handler, "/big.txt", {
      headers: { "accept-encoding": "gzip;q=0" },
    });
    assert.equal(refused.headers.get("content-encoding"), null);
  });
});

// ---------------------------------------------------------------- cache and bodies

Deno.test("createStaticHandler() with revalidateMs 0 serves a changed file at once", async () => {
  await withFixture(async (fx) => {
    const handler = handlerFor(fx, { revalidateMs: 0 });
    assert.equal(
      (await fetchPath(handler, "/hello.txt")).text,
      "hello, world\n",
    );
    await Deno.writeTextFile(`${fx.root}/hello.txt`, "changed!");
    assert.equal((await fetchPath(handler, "/hello.txt")).text, "changed!");
    await Deno.remove(`${fx.root}/hello.txt`);
    assert.equal((await fetchPath(handler, "/hello.txt")).status, 404);
  });
});

Deno.test("createStaticHandler() serves cached bytes until revalidateMs has passed", async () => {
  await withFixture(async (fx) => {
    let clock = 0;
    const handler = handlerFor(fx, { revalidateMs: 60_000, now: () => clock });
    assert.equal(
      (await fetchPath(handler, "/hello.txt")).text,
      "hello, world\n",
    );
    await Deno.writeTextFile(`${fx.root}/hello.txt`, "changed!");
    clock = 59_999;
    assert.equal(
      (await fetchPath(handler, "/hello.txt")).text,
      "hello, world\n",
    );
    clock = 60_000;
    const fresh = await fetchPath(handler, "/hello.txt");
    assert.equal(fresh.text, "changed!");
    assert.equal(fresh.headers.get("content-length"), "8");
  });
});

Deno.test("createStaticHandler() re-reads a file whose size changed behind fresh metadata", async () => {
  await withFixture(async (fx) => {
    // Metadata trusted forever, bytes never cached: the open file no longer
    // matches the headers, so the handler reloads rather than lie.
    const handler = handlerFor(fx, { maxCachedFileBytes: 0, now: () => 0 });
    assert.equal(
      (await fetchPath(handler, "/hello.txt")).text,
      "hello, world\n",
    );
    await Deno.writeTextFile(
      `${fx.root}/hello.txt`,
      "a longer replacement body",
    );
    const a = await fetchPath(handler, "/hello.txt");
    assert.equal(a.text, "a longer replacement body");
    assert.equal(a.headers.get("content-length"), String(a.bytes.length));
  });
});

Deno.test("createStaticHandler() streams large files and closes them on client abort", async () => {
  await withFixture(async (fx) => {
    const handler = handlerFor(fx, { maxCachedFileBytes: 1024 });
    const full = await fetchPath(handler, "/big.txt");
    assert.equal(full.text, BIG);
    assert.equal(full.headers.get("content-length"), String(BIG.length));
    const response = await handler(new Request("http://localhost/big.txt"));
    const reader = response.body!.getReader();
    const chunk = await reader.read();
    assert.ok(chunk.value!.length > 0 && chunk.value!.length <= 256 * 1024);
    await reader.cancel(); // the sanitizer fails the test if the file stays open
    const gz = await handler(
      new Request("http://localhost/big.txt", {
        headers: { "accept-encoding": "gzip" },
      }),
    );
    await gz.body!.cancel();
  });
});

Deno.test("createStaticHandler() serves the same cached body repeatedly", async () => {
  await withFixture(async (fx) => {
    const handler = handlerFor(fx);
    for (let i = 0; i < 3; i++) {
      const a = await readAnswer(
        await handler(new Request("http://localhost/style.css")),
      );
      assert.equal(a.text, STYLE);
      const r = await fetchPath(handler, "/style.css", {
        headers: { range: "bytes=0-3" },
      });
      assert.equal(r.text, STYLE.slice(0, 4));
    }
  });
});

Deno.test("createStaticHandler() gives every answer its reason phrase as statusText", async () => {
  await withFixture(async (fx) => {
    const handler = handlerFor(fx, { listing: true, notFoundPage: false });
    const etag = (await fetchPath(handler, "/hello.txt")).headers.get("etag")!;
    const cases: [string, RequestInit, number, string][] = [
      ["/hello.txt", {}, 200, "OK"],
      ["/hello.txt", { method: "HEAD" }, 200, "OK"],
      [
        "/hello.txt",
        { headers: { range: "bytes=0-4" } },
        206,
        "Partial Content",
      ],
      [
        "/hello.txt",
        { headers: { "if-none-match": etag } },
        304,
        "Not Modified",
      ],
      [
        "/hello.txt",
        { headers: { "if-match": '"x"' } },
        412,
        "Precondition Failed",
      ],
      [
        "/hello.txt",
        { headers: { range: "bytes=99-" } },
        416,
        "Range Not Satisfiable",
      ],
      ["/hello.txt", { method: "POST", body: "x" }, 405, "Method Not Allowed"],
      ["/hello.txt", { method: "OPTIONS" }, 204, "No Content"],
      ["/docs", {}, 301, "Moved Permanently"],
      ["/listing/", {}, 200, "OK"],
      ["/nope", {}, 404, "Not Found"],
      ["/a%00b", {}, 400, "Bad Request"],
    ];
    for (const [path, init, status, statusText] of cases) {
      const response = await handler(
        new Request(`http://localhost${path}`, init),
      );
      await response.body?.cancel();
      assert.equal(response.status, status, path);
      assert.equal(response.statusText, statusText, `${path} ${status}`);
    }
  });
});
