import assert from "node:assert/strict";
import { defaultCacheControl } from "../../src/static/cache_control.ts";
import type { StaticHandlerOptions } from "../../src/static/options.ts";
import {
  DEFAULT_STATIC_OPTIONS,
  resolveStaticOptions,
} from "../../src/static/resolve_static_options.ts";
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
  assert.equal(o.cacheControl, defaultCacheControl);
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
  assert.equal(o.onError, undefined);
  assert.equal(typeof o.now, "function");
});

Deno.test("resolveStaticOptions() takes an undefined option as its default", () => {
  const given = Object.fromEntries(
    Object.keys(DEFAULT_STATIC_OPTIONS).map((name) => [name, undefined]),
  );
  const { now: _, ...resolved } = resolveStaticOptions(given);
  const { now: __, ...defaults } = resolveStaticOptions();
  assert.deepEqual(resolved, defaults);
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
  string,
][] = [
  [
    "root empty",
    { root: "" },
    TypeError,
    'Option "root" must be a non-empty string',
  ],
  [
    "root not a string",
    { root: 1 as unknown as string },
    TypeError,
    'Option "root" must be a non-empty string',
  ],
  [
    "index not an array",
    { index: "index.html" as unknown as string[] },
    TypeError,
    'Option "index" must be an array of names or false',
  ],
  [
    "index with a path",
    { index: ["a/index.html"] },
    RangeError,
    'Option "index" entries must be plain file names',
  ],
  [
    "index escaping",
    { index: ["../index.html"] },
    RangeError,
    'Option "index" must be a path inside the root',
  ],
  [
    "dotfiles not boolean",
    { dotfiles: "yes" as unknown as boolean },
    TypeError,
    'Option "dotfiles" must be a boolean',
  ],
  [
    "spa escaping",
    { spa: "../shell.html" },
    RangeError,
    'Option "spa" must be a path inside the root',
  ],
  [
    "spa wrong type",
    { spa: 1 as unknown as string },
    TypeError,
    'Option "spa" must be a boolean or a file name',
  ],
  [
    "notFoundPage escaping",
    { notFoundPage: "../404.html" },
    RangeError,
    'Option "notFoundPage" must be a path inside the root',
  ],
  [
    "trailingSlash unknown",
    { trailingSlash: "sometimes" as "always" },
    RangeError,
    'Option "trailingSlash" must be one of "redirect", "always", "never", "ignore"',
  ],
  [
    "followSymlinks unknown",
    { followSymlinks: "yes" as "always" },
    RangeError,
    'Option "followSymlinks" must be one of "inside-root", "always", "never"',
  ],
  [
    "compress unknown",
    { compress: "br" as "precompressed" },
    RangeError,
    'Option "compress" must be true, false or "precompressed"',
  ],
  [
    "etagAlgorithm unknown",
    { etagAlgorithm: "md5" as "fnv1a" },
    RangeError,
    'Option "etagAlgorithm" must be "fnv1a", "SHA-1", "SHA-256", "SHA-384" or "SHA-512"',
  ],
  [
    "revalidateMs negative",
    { revalidateMs: -1 },
    RangeError,
    'Option "revalidateMs" must be a non-negative integer',
  ],
  [
    "revalidateMs NaN",
    { revalidateMs: NaN },
    TypeError,
    'Option "revalidateMs" must be a number',
  ],
  [
    "maxCachedFileBytes fractional",
    { maxCachedFileBytes: 1.5 },
    RangeError,
    'Option "maxCachedFileBytes" must be a non-negative integer',
  ],
  [
    "maxRanges zero",
    { maxRanges: 0 },
    RangeError,
    'Option "maxRanges" must be at least 1',
  ],
  [
    "headers with CRLF",
    { headers: { "X-A": "1\r\nX-B: 2" } },
    TypeError,
    'Invalid value for header "X-A"',
  ],
  [
    "headers with a bad name",
    { headers: { "X A": "1" } },
    TypeError,
    'Invalid header name "X A"',
  ],
  [
    "headers string without colon",
    { headers: ["X-A"] },
    TypeError,
    'Option "headers" entries must be "Name: value"',
  ],
  [
    "cacheControl with a newline",
    { cacheControl: "a\nb" },
    TypeError,
    'Option "cacheControl" must be a header value or a function',
  ],
  [
    "onError not a function",
    { onError: 1 as unknown as () => void },
    TypeError,
    'Option "onError" must be a function',
  ],
];

for (const [name, options, error, message] of invalid) {
  Deno.test(`createStaticHandler() throws ${error.name} at creation for ${name}`, () => {
    assert.throws(() => createStaticHandler(options), {
      name: error.name,
      message,
    });
  });
}

Deno.test("resolveStaticOptions() takes null as the default where it always did, and refuses it elsewhere", () => {
  // root, urlRoot, compress, etagAlgorithm, headers and now were read with
  // `??` before the defaults table: null meant the default, and still does.
  const lenient = [
    "root",
    "urlRoot",
    "compress",
    "etagAlgorithm",
    "headers",
    "now",
  ];
  const resolved = resolveStaticOptions(
    Object.fromEntries(lenient.map((name) => [name, null])),
  );
  const defaults = resolveStaticOptions({});
  for (const name of lenient.filter((n) => n !== "now")) {
    assert.deepEqual(
      resolved[name as keyof typeof resolved],
      defaults[name as keyof typeof defaults],
      name,
    );
  }
  assert.equal(typeof resolved.now, "function");
  for (const name of [...Object.keys(DEFAULT_STATIC_OPTIONS), "onError"]) {
    if (lenient.includes(name)) continue;
    assert.throws(
      () => resolveStaticOptions({ [name]: null }),
      (error: unknown) =>
        (error instanceof TypeError || error instanceof RangeError) &&
        error.message.includes(`"${name}"`),
      name,
    );
  }
});
