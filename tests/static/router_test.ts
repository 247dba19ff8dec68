/**
 * The handler's routing end to end, as a table: for each request, the
 * answer and exactly which paths were looked up in the file cache, in
 * order. A lookup is what may cost a trip to the disk, so the list pins
 * how much work each kind of request does; permission errors are injected
 * at the cache (tests may run as root, which no `chmod` stops).
 */

import assert from "node:assert/strict";
import { relative } from "node:path";
import {
  createStaticHandler,
  STATIC_INTERNALS,
  type StaticHandler,
  staticHandlerFrom,
  type StaticInternals,
} from "../../src/static/static_handler.ts";
import {
  resolveStaticOptions,
  type StaticHandlerOptions,
} from "../../src/static/options.ts";
import {
  type AnswerConventions,
  STD_CONVENTIONS,
} from "../../src/static/answer_conventions.ts";

const HTML = "text/html,application/xhtml+xml,*/*;q=0.8";

interface Row {
  name: string;
  input: {
    path: string;
    options?: StaticHandlerOptions;
    method?: string;
    accept?: string;
    /** Paths (relative to the root) whose lookup fails with EACCES. */
    forbidden?: string[];
    /** Conventions other than berth's (`serveDir` uses std's). */
    conventions?: AnswerConventions;
  };
  want: {
    status: number;
    location?: string;
    body?: string;
    vary?: string;
    /** Every path looked up, relative to the root (`""` is the root). */
    lookups: string[];
  };
}

const ROWS: Row[] = [
  {
    name: "a file",
    input: { path: "/hello.txt" },
    want: { status: 200, body: "hello", lookups: ["hello.txt"] },
  },
  {
    name: "the root's index",
    input: { path: "/" },
    want: { status: 200, body: "home", lookups: ["", "index.html"] },
  },
  {
    name: "index names in order",
    input: { path: "/", options: { index: ["start.html", "index.html"] } },
    want: {
      status: 200,
      body: "home",
      lookups: ["", "start.html", "index.html"],
    },
  },
  {
    name: "an index name that is a folder is passed over",
    input: { path: "/odd/", options: { index: ["page", "index.html"] } },
    want: {
      status: 200,
      body: "odd",
      lookups: ["odd", "odd/page", "odd/index.html"],
    },
  },
  {
    name: "a forbidden index name stops the search",
    input: { path: "/docs/", forbidden: ["docs/index.html"] },
    want: { status: 403, lookups: ["docs", "docs/index.html"] },
  },
  {
    name: "a folder without its slash",
    input: { path: "/docs?q=1" },
    want: { status: 301, location: "/docs/?q=1", lookups: ["docs"] },
  },
  {
    name: "a folder's index",
    input: { path: "/docs/" },
    want: { status: 200, body: "docs", lookups: ["docs", "docs/index.html"] },
  },
  {
    name: "a folder without index, listing off: the 404 page",
    input: { path: "/empty/" },
    want: {
      status: 404,
      body: "not found",
      lookups: ["empty", "empty/index.html", "404.html"],
    },
  },
  {
    name: "a folder without index, listing on",
    input: { path: "/empty/", options: { listing: true } },
    want: { status: 200, lookups: ["empty", "empty/index.html"] },
  },
  {
    name: "a missing file: the 404 page",
    input: { path: "/nope.txt" },
    want: {
      status: 404,
      body: "not found",
      lookups: ["nope.txt", "404.html"],
    },
  },
  {
    name: "a missing file without a 404 page",
    input: { path: "/nope.txt", options: { notFoundPage: false } },
    want: { status: 404, lookups: ["nope.txt"] },
  },
  {
    name: "a forbidden file",
    input: { path: "/hello.txt", forbidden: ["hello.txt"] },
    want: { status: 403, lookups: ["hello.txt"] },
  },
  {
    name: "a dotfile is never looked up",
    input: { path: "/.env" },
    want: { status: 404, body: "not found", lookups: ["404.html"] },
  },
  {
    name: "a file with a trailing slash",
    input: { path: "/hello.txt/" },
    want: { status: 404, lookups: ["hello.txt", "404.html"] },
  },
  {
    name: "a file with a trailing slash, under std's conventions",
    input: { path: "/hello.txt/", conventions: STD_CONVENTIONS },
    want: { status: 301, location: "/hello.txt", lookups: ["hello.txt"] },
  },
  {
    name: "a path with empty segments",
    input: { path: "//docs//index.html" },
    want: { status: 200, body: "docs", lookups: ["docs/index.html"] },
  },
  {
    name: "a path with empty segments, under std's conventions, unlooked-at",
    input: { path: "//docs//index.html", conventions: STD_CONVENTIONS },
    want: { status: 301, location: "/docs/index.html", lookups: [] },
  },
  {
    name: "encoded slashes and dots",
    input: { path: "/%2F..%2F..", options: { notFoundPage: false } },
    want: { status: 400, lookups: [] },
  },
  {
    name: "encoded slashes and dots, under std's conventions",
    input: { path: "/%2F..%2F..", conventions: STD_CONVENTIONS },
    want: { status: 301, location: "/", lookups: [] },
  },
  {
    name: "a file with a trailing slash, trailingSlash never",
    input: { path: "/hello.txt/", options: { trailingSlash: "never" } },
    want: { status: 301, location: "/hello.txt", lookups: ["hello.txt"] },
  },
  {
    name: "a file with a trailing slash, trailingSlash ignore",
    input: { path: "/hello.txt/", options: { trailingSlash: "ignore" } },
    want: { status: 200, body: "hello", lookups: ["hello.txt"] },
  },
  {
    name: "a folder with its slash, trailingSlash never",
    input: { path: "/docs/", options: { trailingSlash: "never" } },
    want: { status: 301, location: "/docs", lookups: ["docs"] },
  },
  {
    name: "a folder without its slash, trailingSlash never",
    input: { path: "/docs", options: { trailingSlash: "never" } },
    want: { status: 200, body: "docs", lookups: ["docs", "docs/index.html"] },
  },
  {
    name: "the root with trailingSlash never",
    input: { path: "/", options: { trailingSlash: "never" } },
    want: { status: 200, body: "home", lookups: ["", "index.html"] },
  },
  {
    name: "a clean URL",
    input: { path: "/about", options: { cleanUrls: true } },
    want: { status: 200, body: "about", lookups: ["about", "about.html"] },
  },
  {
    name: "a clean URL with a slash",
    input: { path: "/about/?q=1", options: { cleanUrls: true } },
    want: {
      status: 301,
      location: "/about?q=1",
      lookups: ["about", "about.html"],
    },
  },
  {
    name: "a clean URL without a slash, trailingSlash always",
    input: {
      path: "/about",
      options: { cleanUrls: true, trailingSlash: "always" },
    },
    want: {
      status: 301,
      location: "/about/",
      lookups: ["about", "about.html"],
    },
  },
  {
    name: "a clean URL with a slash, trailingSlash always",
    input: {
      path: "/about/",
      options: { cleanUrls: true, trailingSlash: "always" },
    },
    want: { status: 200, body: "about", lookups: ["about", "about.html"] },
  },
  {
    name: "a clean URL with a slash, trailingSlash ignore",
    input: {
      path: "/about/",
      options: { cleanUrls: true, trailingSlash: "ignore" },
    },
    want: { status: 200, body: "about", lookups: ["about", "about.html"] },
  },
  {
    name: "a clean URL whose page is forbidden",
    input: {
      path: "/about",
      options: { cleanUrls: true },
      forbidden: ["about.html"],
    },
    want: { status: 403, lookups: ["about", "about.html"] },
  },
  {
    name: "no clean URL for a name with an extension",
    input: { path: "/about.x", options: { cleanUrls: true } },
    want: { status: 404, lookups: ["about.x", "404.html"] },
  },
  {
    name: "no clean URL when off",
    input: { path: "/about" },
    want: { status: 404, lookups: ["about", "404.html"] },
  },
  {
    name: "the SPA fallback for an HTML navigation",
    input: { path: "/app/users/42", options: { spa: true }, accept: HTML },
    want: {
      status: 200,
      body: "home",
      vary: "Accept",
      lookups: ["app/users/42", "index.html"],
    },
  },
  {
    name: "the SPA fallback after a clean URL",
    input: {
      path: "/deep/link",
      options: { spa: "shell.html", cleanUrls: true },
      accept: HTML,
    },
    want: {
      status: 200,
      body: "shell",
      vary: "Accept",
      lookups: ["deep/link", "deep/link.html", "shell.html"],
    },
  },
  {
    name: "no SPA fallback for a non-HTML request",
    input: {
      path: "/app/users/42",
      options: { spa: true },
      accept: "application/json",
    },
    want: {
      status: 404,
      body: "not found",
      vary: "Accept",
      lookups: ["app/users/42", "404.html"],
    },
  },
  {
    name: "no SPA fallback for a name with an extension",
    input: { path: "/app/missing.js", options: { spa: true }, accept: HTML },
    want: {
      status: 404,
      vary: "Accept",
      lookups: ["app/missing.js", "404.html"],
    },
  },
  {
    name: "a missing SPA fallback",
    input: { path: "/app/x", options: { spa: "gone.html" }, accept: HTML },
    want: {
      status: 404,
      vary: "Accept",
      lookups: ["app/x", "gone.html", "404.html"],
    },
  },
  {
    name: "the mount point without its slash",
    input: { path: "/static?x=1", options: { urlRoot: "static" } },
    want: { status: 301, location: "/static/?x=1", lookups: [""] },
  },
  {
    name: "a file under the mount point",
    input: { path: "/static/hello.txt", options: { urlRoot: "static" } },
    want: { status: 200, body: "hello", lookups: ["hello.txt"] },
  },
  {
    name: "outside the mount point: a plain 404",
    input: { path: "/other/hello.txt", options: { urlRoot: "static" } },
    want: { status: 404, lookups: [] },
  },
  {
    name: "a traversal",
    input: { path: "/..%2f..%2fetc/passwd" },
    want: { status: 400, lookups: [] },
  },
  {
    name: "a method not allowed",
    input: { path: "/hello.txt", method: "POST" },
    want: { status: 405, lookups: [] },
  },
  {
    name: "OPTIONS",
    input: { path: "/hello.txt", method: "OPTIONS" },
    want: { status: 204, lookups: [] },
  },
];

async function withSite(fn: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.realPath(await Deno.makeTempDir());
  try {
    const write = (path: string, text: string) =>
      Deno.writeTextFile(`${root}/${path}`, text);
    for (const dir of ["docs", "empty", "odd", "odd/page"]) {
      await Deno.mkdir(`${root}/${dir}`);
    }
    await write("index.html", "home");
    await write("404.html", "not found");
    await write("hello.txt", "hello");
    await write("about.html", "about");
    await write("shell.html", "shell");
    await write(".env", "secret");
    await write("docs/index.html", "docs");
    await write("odd/index.html", "odd");
    await fn(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

/** Record every cache lookup of `handler`, refusing the `forbidden` ones. */
function spyOnLookups(
  handler: StaticHandler,
  root: string,
  forbidden: readonly string[],
): string[] {
  const { cache } = (handler as unknown as {
    [STATIC_INTERNALS]: StaticInternals;
  })[STATIC_INTERNALS];
  const lookup = cache.lookup.bind(cache);
  const seen: string[] = [];
  cache.lookup = (key, load) => {
    const path = relative(root, key);
    seen.push(path);
    if (forbidden.includes(path)) {
      return Promise.reject(new Deno.errors.PermissionDenied(path));
    }
    return lookup(key, load);
  };
  return seen;
}

for (const { name, input, want } of ROWS) {
  Deno.test(`createStaticHandler() routes ${name}`, async () => {
    await withSite(async (root) => {
      // The site's rules files are looked up too, once per revalidateMs
      // (tests/static/site_rules_test.ts): routing's own lookups are these.
      const options = { root, siteRules: false, ...input.options };
      const handler = input.conventions === undefined
        ? createStaticHandler(options)
        : staticHandlerFrom({
          ...resolveStaticOptions(options),
          ...input.conventions,
        });
      const lookups = spyOnLookups(handler, root, input.forbidden ?? []);
      const response = await handler(
        new Request(`http://localhost${input.path}`, {
          method: input.method ?? "GET",
          headers: input.accept === undefined ? {} : { accept: input.accept },
        }),
      );
      const body = await response.text();
      assert.equal(response.status, want.status);
      assert.deepEqual(lookups, want.lookups);
      if (want.location !== undefined) {
        assert.equal(response.headers.get("location"), want.location);
      }
      if (want.body !== undefined) assert.equal(body, want.body);
      if (want.vary !== undefined) {
        const members = (response.headers.get("vary") ?? "").split(/,\s*/);
        assert.ok(members.includes(want.vary), `Vary has ${want.vary}`);
      }
    });
  });
}
