import assert from "node:assert/strict";
import {
  CACHE_IMMUTABLE,
  CACHE_NO_CACHE,
  CACHE_REVALIDATE,
  cacheControlFor,
  CacheControlMemo,
  isHashedFileName,
} from "../../src/static/cache_control.ts";

const hashed: [string, boolean][] = [
  ["app.3f9a1c2e.js", true],
  ["app.3f9a1c2e.min.js", true],
  ["main.a1b2c3d4e5f60718.css", true],
  ["chunk-5GKVSQ3D.js", true],
  ["index-Bx3kP9aQ.js", true],
  ["logo.8d7e6f5a.svg", true],
  ["app.js", false],
  ["index.html", false],
  ["app.settings.js", false],
  ["ui-v2beta11.js", false],
  ["log.20240101.txt", false],
  ["deadbeef.js", false],
  ["jquery-3.7.1.min.js", false],
  ["react-dom.production.min.js", false],
];

for (const [name, expected] of hashed) {
  Deno.test(`isHashedFileName() says ${expected} for ${name}`, () => {
    assert.equal(isHashedFileName(name), expected);
  });
}

Deno.test("cacheControlFor() applies the default policy", () => {
  assert.equal(
    cacheControlFor(undefined, "app.3f9a1c2e.js", "text/javascript"),
    CACHE_IMMUTABLE,
  );
  assert.equal(
    cacheControlFor(undefined, "index.html", "text/html; charset=utf-8"),
    CACHE_NO_CACHE,
  );
  assert.equal(
    cacheControlFor(undefined, "app.js", "text/javascript"),
    CACHE_REVALIDATE,
  );
});

Deno.test("cacheControlFor() applies a fixed value or a function", () => {
  assert.equal(
    cacheControlFor("no-store", "app.3f9a1c2e.js", "text/javascript"),
    "no-store",
  );
  const policy = (info: { name: string; hashed: boolean }) =>
    info.name.endsWith(".css") ? "max-age=60" : null;
  assert.equal(cacheControlFor(policy, "a.css", "text/css"), "max-age=60");
  assert.equal(cacheControlFor(policy, "a.js", "text/javascript"), null);
});

Deno.test("CacheControlMemo runs a policy function once per file", () => {
  let calls = 0;
  const memo = new CacheControlMemo(() => {
    calls++;
    return "max-age=60";
  });
  const file = { name: "a.css", contentType: "text/css" };
  assert.equal(memo.valueFor(file), "max-age=60");
  assert.equal(memo.valueFor(file), "max-age=60");
  assert.equal(calls, 1);
  assert.equal(memo.valueFor({ ...file }), "max-age=60");
  assert.equal(calls, 2, "another entry asks again");
});
