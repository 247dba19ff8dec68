/**
 * The flags that shape responses, each against the default: -H, --cors,
 * --dir-listing, --dotfiles, --spa, --clean-urls, --no-compress,
 * --cache-control, --revalidate.
 */
import assert from "node:assert/strict";
import { RawClient } from "../../support/raw_http.ts";
import { get, hostPort, withCli, withRoot } from "./_cli.ts";

const FILES = {
  "index.html": "<h1>home</h1>",
  "app.html": "<h1>app shell</h1>",
  "about.html": "<h1>about</h1>",
  ".hidden": "secret",
  "sub/a.txt": "a",
  "big.txt": "berth compresses text. ".repeat(200),
};

/** Serve FILES with `flags`; run `fn` with the base URL. */
function serveFiles(
  flags: string[],
  fn: (url: string) => Promise<void>,
): Promise<void> {
  return withRoot(FILES, async (root) => {
    await withCli([root, "--port", "0", "-q", ...flags], (cli) => fn(cli.url));
  });
}

/** A raw GET, to see the headers exactly as sent. */
async function rawGet(
  url: string,
  path: string,
  headers: Record<string, string> = {},
) {
  using client = await RawClient.connect(hostPort(url));
  const fields = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
  await client.send(
    `GET ${path} HTTP/1.1\r\nHost: x\r\n${
      fields.join("")
    }Connection: close\r\n\r\n`,
  );
  return await client.readResponse();
}

Deno.test("-H and --header add headers to every response", async () => {
  await serveFiles(
    ["-H", "X-Frame-Options: DENY", "--header", "X-Test:  two words"],
    async (url) => {
      for (const path of ["/", "/missing"]) {
        const { headers } = await get(new URL(path, url));
        assert.equal(headers.get("x-frame-options"), "DENY");
        assert.equal(headers.get("x-test"), "two words");
      }
    },
  );
  await serveFiles([], async (url) => {
    assert.equal((await get(url)).headers.get("x-frame-options"), null);
  });
});

Deno.test("--cors allows any origin and answers preflight requests", async () => {
  await serveFiles(["--cors"], async (url) => {
    const { headers } = await get(url, {
      headers: { origin: "http://a.test" },
    });
    assert.equal(headers.get("access-control-allow-origin"), "*");
    const preflight = await get(url, {
      method: "OPTIONS",
      headers: {
        origin: "http://a.test",
        "access-control-request-method": "GET",
      },
    });
    assert.equal(preflight.status, 204);
    assert.match(
      preflight.headers.get("access-control-allow-methods") ?? "",
      /GET/,
    );
  });
  await serveFiles([], async (url) => {
    const { headers } = await get(url, {
      headers: { origin: "http://a.test" },
    });
    assert.equal(headers.get("access-control-allow-origin"), null);
  });
});

Deno.test("--dir-listing lists a folder without an index", async () => {
  await serveFiles(["--dir-listing"], async (url) => {
    const listing = await get(new URL("/sub/", url));
    assert.equal(listing.status, 200);
    assert.match(listing.headers.get("content-type") ?? "", /^text\/html/);
    assert.match(listing.body, /a\.txt/);
  });
  await serveFiles([], async (url) => {
    assert.equal((await get(new URL("/sub/", url))).status, 404);
  });
});

Deno.test("--dotfiles serves dotfiles", async () => {
  await serveFiles(["--dotfiles"], async (url) => {
    const hidden = await get(new URL("/.hidden", url));
    assert.equal(hidden.status, 200);
    assert.equal(hidden.body, "secret");
  });
  await serveFiles([], async (url) => {
    assert.equal((await get(new URL("/.hidden", url))).status, 404);
  });
});

Deno.test("--spa answers unknown pages with index.html, --spa=FILE with FILE", async () => {
  const page = { headers: { accept: "text/html" } };
  await serveFiles(["--spa"], async (url) => {
    const route = await get(new URL("/app/route", url), page);
    assert.equal(route.status, 200);
    assert.equal(route.body, "<h1>home</h1>");
  });
  await serveFiles(["--spa=app.html"], async (url) => {
    const route = await get(new URL("/app/route", url), page);
    assert.equal(route.status, 200);
    assert.equal(route.body, "<h1>app shell</h1>");
  });
  await serveFiles([], async (url) => {
    assert.equal((await get(new URL("/app/route", url), page)).status, 404);
  });
});

Deno.test("--clean-urls serves /about from about.html", async () => {
  await serveFiles(["--clean-urls"], async (url) => {
    const about = await get(new URL("/about", url));
    assert.equal(about.status, 200);
    assert.equal(about.body, "<h1>about</h1>");
  });
  await serveFiles([], async (url) => {
    assert.equal((await get(new URL("/about", url))).status, 404);
  });
});

Deno.test("--no-compress sends files as they are; the default gzips text", async () => {
  const gzip = { "accept-encoding": "gzip" };
  await serveFiles([], async (url) => {
    const response = await rawGet(url, "/big.txt", gzip);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-encoding"), "gzip");
  });
  await serveFiles(["--no-compress"], async (url) => {
    const response = await rawGet(url, "/big.txt", gzip);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-encoding"), null);
    assert.equal(response.body, FILES["big.txt"]);
  });
});

Deno.test("--cache-control sets Cache-Control on every file", async () => {
  await serveFiles(["--cache-control", "public, max-age=60"], async (url) => {
    for (const path of ["/", "/big.txt", "/sub/a.txt"]) {
      const { headers } = await get(new URL(path, url));
      assert.equal(headers.get("cache-control"), "public, max-age=60", path);
    }
  });
  await serveFiles([], async (url) => {
    const { headers } = await get(new URL("/big.txt", url));
    assert.notEqual(headers.get("cache-control"), "public, max-age=60");
  });
});

Deno.test("--revalidate sets how long a file's bytes are trusted (--no-watch: polling only)", async () => {
  for (const [ms, expected] of [["0", "changed"], ["86400000", "a"]]) {
    await withRoot(FILES, async (root) => {
      await withCli(
        // Watching would serve the change as soon as it is told of it.
        [root, "--port", "0", "-q", "--revalidate", ms, "--no-watch"],
        async (cli) => {
          assert.equal((await get(new URL("/sub/a.txt", cli.url))).body, "a");
          await Deno.writeTextFile(`${root}/sub/a.txt`, "changed");
          // 0: checked on every request; a day: the cached bytes, as promised.
          const again = await get(new URL("/sub/a.txt", cli.url));
          assert.equal(again.body, expected, `--revalidate ${ms}`);
        },
      );
    });
  }
});

Deno.test("a command written for @std/http's file_server runs unchanged", async () => {
  // std's own tests start its file server with these flags.
  await withRoot(FILES, async (root) => {
    const flags = [
      root,
      "--cors",
      "-p",
      "0",
      "--no-dir-listing",
      "--no-dotfiles",
      "-H=X-Std: yes",
      "-q",
    ];
    await withCli(flags, async (cli) => {
      const page = await get(new URL("/about.html", cli.url));
      assert.equal(page.status, 200);
      assert.equal(page.headers.get("x-std"), "yes");
      assert.equal(page.headers.get("access-control-allow-origin"), "*");
      assert.equal((await get(new URL("/sub/", cli.url))).status, 404);
      assert.equal((await get(new URL("/.hidden", cli.url))).status, 404);
    });
    await withCli([root, "-p=0", "--dir-listing", "--no-cors"], async (cli) => {
      const listing = await get(new URL("/sub/", cli.url));
      assert.equal(listing.status, 200);
      assert.equal(listing.headers.get("access-control-allow-origin"), null);
    });
  });
});
