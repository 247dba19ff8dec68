/**
 * `explain: true`: each answer's `Berth-Explain`, as a table of requests,
 * on both lanes, and what stays unexplained (the `fallback` app's answers,
 * everything with `explain` off).
 */

import assert from "node:assert/strict";
import { relative } from "node:path";
import { ConnectionTracker } from "../../src/http1/connection_tracker.ts";
import type { AccessLogEntry } from "../../src/http1/access_log_entry.ts";
import { resolveLimits } from "../../src/http1/limits.ts";
import { serveConnection } from "../../src/http1/serve_connection.ts";
import type { StaticHandlerOptions } from "../../src/static/options.ts";
import {
  createStaticHandler,
  STATIC_INTERNALS,
  type StaticHandler,
  type StaticInternals,
} from "../../src/static/static_handler.ts";
import { MockConn } from "../../support/mock_conn.ts";
import { exchange, get } from "./_exchange.ts";

const A_TXT = "a".repeat(1000);
const STYLE = "body { color: rebeccapurple; }\n".repeat(100);
const APP_JS = "console.log(1);\n".repeat(100);
const REDIRECTS = [
  "# FROM TO STATUS",
  "/old /a.txt 302",
  "/app/* /index.html 200",
  "/closed /gone.html 404",
  "/bad /../x 200",
].join("\n") + "\n";
const HEADERS = [
  "/guide/*",
  "  X-Guide: 1",
  "# its index, by name",
  "/guide/index.html",
  "  X-Guide-Index: 1",
].join("\n") + "\n";

/** A site, and beside its root the things no request may reach. */
async function withSite(fn: (root: string) => Promise<void>): Promise<void> {
  const base = await Deno.realPath(await Deno.makeTempDir());
  const root = `${base}/root`;
  try {
    await Deno.mkdir(`${base}/outside`);
    await Deno.writeTextFile(`${base}/outside/secret.txt`, "secret");
    for (const dir of ["docs", "guide", "empty", ".git"]) {
      await Deno.mkdir(`${root}/${dir}`, { recursive: true });
    }
    const write = (path: string, text: string) =>
      Deno.writeTextFile(`${root}/${path}`, text);
    await write("index.html", "<h1>home</h1>");
    await write("a.txt", A_TXT);
    await write("hello.txt", "hello");
    await write("style.css", STYLE);
    await write("app.js", APP_JS);
    await write("about.html", "<h1>about</h1>");
    await write("gone.html", "<h1>gone</h1>");
    await write(".env", "SECRET=1");
    await write(".git/config", "[core]");
    await write("docs/index.html", "<h1>docs</h1>");
    await write("guide/index.html", "<h1>guide</h1>");
    await write("_redirects", REDIRECTS);
    await write("_headers", HEADERS);
    // Written after app.js: a sibling older than its file is not used.
    await Deno.writeFile(`${root}/app.js.br`, new Uint8Array([1, 2, 3]));
    await Deno.utime(`${root}/app.js`, 1_000_000, 1_000_000);
    await Deno.symlink(`${base}/outside/secret.txt`, `${root}/out.txt`);
    await Deno.symlink(".git/config", `${root}/git.txt`);
    await Deno.symlink("a.txt", `${root}/in.txt`);
    await fn(root);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
}

/** Make the cache's lookups of `paths` (relative to `root`) fail. */
function failLookups(
  handler: StaticHandler,
  root: string,
  failures: Record<string, Error>,
): void {
  const { cache } = (handler as unknown as {
    [STATIC_INTERNALS]: StaticInternals;
  })[STATIC_INTERNALS];
  const lookup = cache.lookup.bind(cache);
  cache.lookup = (key, load) => {
    const failure = failures[relative(root, key)];
    return failure === undefined ? lookup(key, load) : Promise.reject(failure);
  };
}

interface Row {
  name: string;
  input: {
    path: string;
    method?: string;
    /** Request fields; `ETAG` and `LAST_MODIFIED` stand for a.txt's. */
    headers?: Record<string, string>;
    options?: StaticHandlerOptions;
    /** Lookups (relative to the root) that fail, and how. */
    failures?: Record<string, Error>;
  };
  /** `ETAG` stands for a.txt's. */
  want: { status: number; explain: string };
}

const HTML = { accept: "text/html" };

const ROWS: Row[] = [
  // Every case the issue lists.
  {
    name: "a file",
    input: { path: "/a.txt" },
    want: { status: 200, explain: "200: file" },
  },
  {
    name: "If-None-Match naming the ETag",
    input: { path: "/a.txt", headers: { "if-none-match": "ETAG" } },
    want: { status: 304, explain: '304: If-None-Match matched "ETAG"' },
  },
  {
    name: "a range",
    input: { path: "/a.txt", headers: { range: "bytes=0-99" } },
    want: { status: 206, explain: "206: bytes 0-99 of 1000" },
  },
  {
    name: "a dotfile",
    input: { path: "/.env" },
    want: { status: 404, explain: "404: dotfile hidden (use --dotfiles)" },
  },
  {
    name: "a symlink out of the root",
    input: { path: "/out.txt" },
    want: { status: 404, explain: "404: symlink leaves the root" },
  },
  {
    name: "a folder without its slash",
    input: { path: "/docs" },
    want: { status: 301, explain: "301: directory needs a trailing slash" },
  },
  {
    name: "a precompressed sibling",
    input: { path: "/app.js", headers: { "accept-encoding": "br" } },
    want: { status: 200, explain: "200: precompressed .br sibling" },
  },
  {
    name: "a rewrite",
    input: { path: "/app/settings" },
    want: { status: 200, explain: "200: rewrite by _redirects line 3" },
  },

  // Preconditions (RFC 9110 §13.2.2) and ranges.
  {
    name: "a weak If-None-Match: the file's own strong ETag is named",
    input: { path: "/a.txt", headers: { "if-none-match": 'W/"x", W/ETAG' } },
    want: { status: 304, explain: '304: If-None-Match matched "ETAG"' },
  },
  {
    name: "If-Modified-Since",
    input: {
      path: "/a.txt",
      headers: { "if-modified-since": "LAST_MODIFIED" },
    },
    want: { status: 304, explain: "304: not modified since If-Modified-Since" },
  },
  {
    name: "If-Match without a match",
    input: { path: "/a.txt", headers: { "if-match": '"other"' } },
    want: { status: 412, explain: '412: If-Match did not match "ETAG"' },
  },
  {
    name: "If-Unmodified-Since before the file",
    input: {
      path: "/a.txt",
      headers: { "if-unmodified-since": "Sat, 01 Jan 2000 00:00:00 GMT" },
    },
    want: { status: 412, explain: "412: modified since If-Unmodified-Since" },
  },
  {
    name: "several ranges",
    input: { path: "/a.txt", headers: { range: "bytes=20-29, 0-9" } },
    want: {
      status: 206,
      explain: "206: bytes 0-9, 20-29 of 1000 (multipart)",
    },
  },
  {
    name: "more ranges than are named",
    input: { path: "/a.txt", headers: { range: "bytes=0-1,3-4,6-7,9-10,12-" } },
    want: {
      status: 206,
      explain: "206: bytes 0-1, 3-4, 6-7, 9-10 and 1 more of 1000 (multipart)",
    },
  },
  {
    name: "a range past the end",
    input: { path: "/a.txt", headers: { range: "bytes=5000-" } },
    want: { status: 416, explain: "416: no range within 1000 bytes" },
  },
  {
    name: "an If-Range that does not match",
    input: {
      path: "/a.txt",
      headers: { range: "bytes=0-9", "if-range": '"other"' },
    },
    want: { status: 200, explain: "200: If-Range did not match (whole file)" },
  },
  {
    name: "a Range in another unit",
    input: { path: "/a.txt", headers: { range: "items=0-9" } },
    want: { status: 200, explain: "200: Range ignored (whole file)" },
  },
  {
    name: "gzip on the fly",
    input: { path: "/style.css", headers: { "accept-encoding": "gzip" } },
    want: { status: 200, explain: "200: gzip on the fly" },
  },
  {
    name: "a HEAD",
    input: { path: "/a.txt", method: "HEAD" },
    want: { status: 200, explain: "200: file" },
  },

  // Routing.
  {
    name: "a folder's index",
    input: { path: "/docs/" },
    want: { status: 200, explain: "200: directory index" },
  },
  {
    name: "a folder's index with _headers",
    input: { path: "/guide/" },
    want: { status: 200, explain: "200: directory index; _headers line 1" },
  },
  {
    name: "a file two _headers blocks match",
    input: { path: "/guide/index.html" },
    want: { status: 200, explain: "200: _headers lines 1, 4" },
  },
  {
    name: "a folder without an index",
    input: { path: "/empty/" },
    want: {
      status: 404,
      explain: "404: directory without an index (use --dir-listing)",
    },
  },
  {
    name: "a listing",
    input: { path: "/empty/", options: { listing: true } },
    want: { status: 200, explain: "200: directory listing" },
  },
  {
    name: "a file with a slash",
    input: { path: "/a.txt/" },
    want: { status: 404, explain: "404: a file takes no trailing slash" },
  },
  {
    name: "a clean URL",
    input: { path: "/about", options: { cleanUrls: true } },
    want: { status: 200, explain: "200: clean URL (.html)" },
  },
  {
    name: "the SPA fallback",
    input: { path: "/settings", headers: HTML, options: { spa: true } },
    want: { status: 200, explain: "200: SPA fallback" },
  },
  {
    name: "nothing there",
    input: { path: "/nope.txt" },
    want: { status: 404, explain: "404: no such file" },
  },
  {
    name: "nothing there, with a 404 page",
    input: { path: "/nope.txt", options: { notFoundPage: "gone.html" } },
    want: { status: 404, explain: "404: no such file; 404 page" },
  },
  {
    name: "a path the client spelled oddly is never repeated",
    input: { path: "/%3Cscript%3E%22%0D" },
    want: {
      status: 400,
      explain:
        "400: malformed path (bad escape, NUL, backslash or encoded slash)",
    },
  },
  {
    name: "a name that is never repeated either",
    input: { path: "/%3Cscript%3E%22" },
    want: { status: 404, explain: "404: no such file" },
  },
  {
    name: "outside urlRoot",
    input: { path: "/a.txt", options: { urlRoot: "static" } },
    want: { status: 404, explain: "404: outside urlRoot" },
  },
  {
    name: "a symlink to a dotfile",
    input: { path: "/git.txt" },
    want: {
      status: 404,
      explain: "404: symlink to a hidden dotfile (use --dotfiles)",
    },
  },
  {
    name: "a symlink where none is followed",
    input: { path: "/in.txt", options: { followSymlinks: "never" } },
    want: {
      status: 404,
      explain: "404: symlink not followed (followSymlinks: never)",
    },
  },
  {
    name: "a file that may not be read",
    input: {
      path: "/hello.txt",
      failures: { "hello.txt": new Deno.errors.PermissionDenied("hello.txt") },
    },
    want: { status: 403, explain: "403: permission denied" },
  },
  {
    name: "an unexpected error",
    input: { path: "/hello.txt", failures: { "hello.txt": new Error("boom") } },
    want: {
      status: 500,
      explain: "500: unexpected error (details to onError)",
    },
  },

  // Methods.
  {
    name: "a POST",
    input: { path: "/a.txt", method: "POST" },
    want: { status: 405, explain: "405: only GET, HEAD and OPTIONS" },
  },
  {
    name: "an OPTIONS",
    input: { path: "/a.txt", method: "OPTIONS" },
    want: { status: 204, explain: "204: allowed methods" },
  },
  {
    name: "a CORS preflight",
    input: {
      path: "/a.txt",
      method: "OPTIONS",
      headers: {
        origin: "http://other.test",
        "access-control-request-method": "GET",
      },
      options: { cors: true },
    },
    want: { status: 204, explain: "204: CORS preflight" },
  },

  // The site's rules.
  {
    name: "a redirect rule",
    input: { path: "/old" },
    want: { status: 302, explain: "302: redirect by _redirects line 2" },
  },
  {
    name: "a not-found rule",
    input: { path: "/closed" },
    want: { status: 404, explain: "404: 404 page by _redirects line 4" },
  },
  {
    name: "a rule whose target is no path",
    input: { path: "/bad" },
    want: {
      status: 404,
      explain:
        "404: rewrite by _redirects line 5; the rule's target is no path under the root",
    },
  },
  {
    name: "a rules file",
    input: { path: "/_redirects" },
    want: {
      status: 404,
      explain: "404: _redirects and _headers are never served",
    },
  },
];

/** a.txt's validators, as the handler sends them. */
async function validatorsOf(handler: StaticHandler) {
  const response = await handler(new Request("http://localhost/a.txt"));
  await response.body?.cancel();
  return {
    etag: response.headers.get("etag")!,
    lastModified: response.headers.get("last-modified")!,
  };
}

for (const { name, input, want } of ROWS) {
  Deno.test(`createStaticHandler({ explain: true }) explains ${name}`, async () => {
    await withSite(async (root) => {
      const handler = createStaticHandler({
        root,
        explain: true,
        ...input.options,
      });
      const { etag, lastModified } = await validatorsOf(
        createStaticHandler({ root }),
      );
      failLookups(handler, root, input.failures ?? {});
      const headers: Record<string, string> = {};
      for (const [field, value] of Object.entries(input.headers ?? {})) {
        headers[field] = value.replace("ETAG", etag).replace(
          "LAST_MODIFIED",
          lastModified,
        );
      }
      const response = await handler(
        new Request(`http://localhost${input.path}`, {
          method: input.method ?? "GET",
          headers,
        }),
      );
      await response.body?.cancel();
      assert.equal(response.status, want.status);
      assert.equal(
        response.headers.get("berth-explain"),
        want.explain.replace("ETAG", etag.slice(1, -1)),
      );
    });
  });
}

Deno.test("createStaticHandler() explains nothing by default", async () => {
  await withSite(async (root) => {
    const handler = createStaticHandler({ root });
    for (const path of ["/a.txt", "/.env", "/docs", "/app/x", "/_redirects"]) {
      const response = await handler(new Request(`http://localhost${path}`));
      await response.body?.cancel();
      assert.equal(response.headers.get("berth-explain"), null, path);
    }
  });
});

Deno.test("createStaticHandler({ explain: true }) leaves the fallback app's answers as they are", async () => {
  await withSite(async (root) => {
    const handler = createStaticHandler({
      root,
      explain: true,
      fallback: () => new Response("app", { headers: { "x-app": "1" } }),
    });
    for (const [path, method] of [["/nope", "GET"], ["/a.txt", "POST"]]) {
      const response = await handler(
        new Request(`http://localhost${path}`, { method }),
      );
      assert.equal(await response.text(), "app");
      assert.equal(response.headers.get("berth-explain"), null, path);
    }
    // What the files answer is still explained.
    const file = await handler(new Request("http://localhost/a.txt"));
    await file.body?.cancel();
    assert.equal(file.headers.get("berth-explain"), "200: file");
  });
});

/** Each answer's `Berth-Explain`, in order, from an exchange's output. */
function explained(output: string): string[] {
  return [...output.matchAll(/^berth-explain: (.*)\r$/gm)].map((m) => m[1]);
}

Deno.test("explain: an answer the fast lane replays says so, and then what the ordinary path said", async () => {
  await withSite(async (root) => {
    const handler = createStaticHandler({ root, explain: true });
    const { etag } = await validatorsOf(createStaticHandler({ root }));
    const output = await exchange(handler, [
      get("/a.txt"),
      get("/a.txt"),
      get("/a.txt", { "if-none-match": etag }),
      "HEAD /a.txt HTTP/1.1\r\nHost: a\r\n\r\n",
      get("/guide/"),
      get("/guide/"),
      get("/app.js", { "accept-encoding": "br" }),
      get("/app.js", { "accept-encoding": "br" }),
      get("/style.css", { "accept-encoding": "gzip" }),
      get("/style.css", { "accept-encoding": "gzip" }),
      // What the lane does not answer is the ordinary path's, as ever.
      get("/a.txt", { range: "bytes=0-99" }),
    ]);
    assert.deepEqual(explained(output), [
      "200: file",
      "fast lane: 200: file",
      `fast lane: 304: If-None-Match matched ${etag}`,
      "fast lane: 200: file",
      "200: directory index; _headers line 1",
      "fast lane: 200: directory index; _headers line 1",
      "200: precompressed .br sibling",
      "fast lane: 200: precompressed .br sibling",
      "200: gzip on the fly",
      "fast lane: 200: gzip on the fly",
      "206: bytes 0-99 of 1000",
    ]);
  });
});

Deno.test("explain: the fast lane's answer is the ordinary path's, byte for byte, but for its words", async () => {
  await withSite(async (root) => {
    const fast = createStaticHandler({ root, explain: true });
    const slow = createStaticHandler({ root, explain: true });
    const { etag } = await validatorsOf(slow);
    const requests = [
      get("/a.txt"),
      get("/a.txt"),
      get("/a.txt", { "if-none-match": etag }),
    ];
    const replayed = await exchange(fast, requests);
    const ordinary = await exchange((request) => slow(request), requests);
    assert.match(replayed, /fast lane: 304/);
    assert.equal(replayed.replaceAll("fast lane: ", ""), ordinary);
  });
});

Deno.test("explain: two paths to one file keep their own words in the fast lane", async () => {
  await withSite(async (root) => {
    const handler = createStaticHandler({ root, explain: true });
    const output = await exchange(handler, [
      get("/guide/"),
      get("/guide/index.html"),
      get("/guide/"),
      get("/guide/"),
      get("/guide/index.html"),
      get("/guide/index.html"),
    ]);
    assert.deepEqual(explained(output), [
      "200: directory index; _headers line 1",
      "200: _headers lines 1, 4",
      "200: directory index; _headers line 1",
      "fast lane: 200: directory index; _headers line 1",
      "200: _headers lines 1, 4",
      "fast lane: 200: _headers lines 1, 4",
    ]);
  });
});

Deno.test("explain: the engine puts the words in the access log entry, on both lanes", async () => {
  await withSite(async (root) => {
    const handler = createStaticHandler({ root, explain: true });
    const entries: AccessLogEntry[] = [];
    const conn = new MockConn([
      get("/a.txt") + get("/a.txt") + get("/.env"),
    ]);
    await serveConnection(conn, handler, {
      limits: resolveLimits(),
      tracker: new ConnectionTracker(1000),
      onError: () => new Response("error", { status: 500 }),
      onResponse: (entry) => entries.push(entry),
    });
    assert.deepEqual(entries.map((entry) => entry.explain), [
      "200: file",
      "fast lane: 200: file",
      "404: dotfile hidden (use --dotfiles)",
    ]);
    // Without explain, nothing.
    const plain: AccessLogEntry[] = [];
    await serveConnection(
      new MockConn([get("/a.txt") + get("/a.txt")]),
      createStaticHandler({ root }),
      {
        limits: resolveLimits(),
        tracker: new ConnectionTracker(1000),
        onError: () => new Response("error", { status: 500 }),
        onResponse: (entry) => plain.push(entry),
      },
    );
    assert.deepEqual(plain.map((entry) => entry.explain), ["", ""]);
  });
});
