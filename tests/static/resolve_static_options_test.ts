import assert from "node:assert/strict";
import {
  parseHeaderOption,
  resolveStaticOptions,
  type StaticHandlerOptions,
} from "../../src/static/options.ts";
import { createStaticHandler } from "../../src/static/static_handler.ts";

Deno.test("resolveStaticOptions() applies the documented defaults", () => {
  const o = resolveStaticOptions();
  assert.equal(o.root, ".");
  assert.deepEqual(o.urlRoot, []);
  assert.deepEqual(o.index, ["index.html"]);
  assert.equal(o.dotfiles, false);
  assert.equal(o.listing, false);
  assert.equal(o.spa, null);
  assert.equal(o.cleanUrls, false);
  assert.equal(o.trailingSlash, "redirect");
  assert.equal(o.precompressed, true);
  assert.equal(o.gzip, true);
  assert.equal(o.cacheControl, undefined);
  assert.deepEqual(o.headers, []);
  assert.equal(o.cors, false);
  assert.equal(o.followSymlinks, "inside-root");
  assert.equal(o.etag, true);
  assert.equal(o.etagAlgorithm, "fnv1a");
  assert.equal(o.revalidateMs, 1000);
  assert.equal(o.maxCachedFileBytes, 1024 * 1024);
  assert.equal(o.cacheBudgetBytes, 64 * 1024 * 1024);
  assert.deepEqual(o.notFoundPage, ["404.html"]);
  assert.equal(o.maxRanges, 16);
});

Deno.test("resolveStaticOptions() maps compress and spa", () => {
  const p = resolveStaticOptions({
    compress: "precompressed",
    spa: "app/shell.html",
  });
  assert.equal(p.precompressed, true);
  assert.equal(p.gzip, false);
  assert.deepEqual(p.spa, ["app", "shell.html"]);
  const none = resolveStaticOptions({
    compress: false,
    index: false,
    notFoundPage: false,
  });
  assert.equal(none.precompressed, false);
  assert.deepEqual(none.index, []);
  assert.equal(none.notFoundPage, null);
  assert.deepEqual(resolveStaticOptions({ urlRoot: "/static/v1/" }).urlRoot, [
    "static",
    "v1",
  ]);
});

const invalid: [
  string,
  StaticHandlerOptions,
  typeof TypeError | typeof RangeError,
][] = [
  ["root empty", { root: "" }, TypeError],
  ["root not a string", { root: 1 as unknown as string }, TypeError],
  [
    "index not an array",
    { index: "index.html" as unknown as string[] },
    TypeError,
  ],
  ["index with a path", { index: ["a/index.html"] }, RangeError],
  ["index escaping", { index: ["../index.html"] }, RangeError],
  [
    "dotfiles not boolean",
    { dotfiles: "yes" as unknown as boolean },
    TypeError,
  ],
  ["spa escaping", { spa: "../shell.html" }, RangeError],
  ["spa wrong type", { spa: 1 as unknown as string }, TypeError],
  ["notFoundPage escaping", { notFoundPage: "../404.html" }, RangeError],
  [
    "trailingSlash unknown",
    { trailingSlash: "sometimes" as "always" },
    RangeError,
  ],
  ["followSymlinks unknown", { followSymlinks: "yes" as "always" }, RangeError],
  ["compress unknown", { compress: "br" as "precompressed" }, RangeError],
  ["etagAlgorithm unknown", { etagAlgorithm: "md5" as "fnv1a" }, RangeError],
  ["revalidateMs negative", { revalidateMs: -1 }, RangeError],
  ["revalidateMs NaN", { revalidateMs: NaN }, TypeError],
  ["maxCachedFileBytes fractional", { maxCachedFileBytes: 1.5 }, RangeError],
  ["maxRanges zero", { maxRanges: 0 }, RangeError],
  ["headers with CRLF", { headers: { "X-A": "1\r\nX-B: 2" } }, TypeError],
  ["headers with a bad name", { headers: { "X A": "1" } }, TypeError],
  ["headers string without colon", { headers: ["X-A"] }, TypeError],
  ["cacheControl with a newline", { cacheControl: "a\nb" }, TypeError],
  [
    "onError not a function",
    { onError: 1 as unknown as () => void },
    TypeError,
  ],
];

for (const [name, options, error] of invalid) {
  Deno.test(`createStaticHandler() throws ${error.name} at creation for ${name}`, () => {
    assert.throws(() => createStaticHandler(options), error);
  });
}

Deno.test("parseHeaderOption() splits on the first colon", () => {
  assert.deepEqual(parseHeaderOption(["Link: <https://a>; rel=preload"]), [
    ["Link", "<https://a>; rel=preload"],
  ]);
});
