import assert from "node:assert/strict";
import {
  canonicalPathOf,
  isHiddenPath,
  isInsideRoot,
  isRealPathAllowed,
  joinInsideRoot,
  resolveUrlPath,
} from "../../src/static/resolve_path.ts";

type Expected = string[] | 400 | 404 | 414;

// Raw strings, as a client could put them on the request line; several are
// ones the WHATWG URL parser would have rewritten before the handler sees
// them, so the resolver must be safe on its own.
const cases: [string, Expected][] = [
  ["/", []],
  ["/a/b.txt", ["a", "b.txt"]],
  ["//a//b.txt", ["a", "b.txt"]],
  ["/a/./b", ["a", "b"]],
  ["/a/../b", ["b"]],
  ["/caf%C3%A9.txt", ["café.txt"]],
  ["/café.txt", ["café.txt"]],
  ["/with%20space.txt", ["with space.txt"]],
  ["/%252e%252e/x", ["%2e%2e", "x"]], // decoded once: a literal name
  ["/a/%2e%2e/b", ["b"]],
  ["/a%2fb", 400],
  ["/a%2Fb", 400],
  // Traversal.
  ["/../x", 400],
  ["/%2e%2e/x", 400],
  ["/%2E%2E%2Fx", 400],
  ["/..%2fx", 400],
  ["/..%2Fx", 400],
  ["/..\\x", 400],
  ["/%5c..%5cx", 400],
  ["/a/../../x", 400],
  ["/.%2e/x", 400],
  ["//etc/passwd", ["etc", "passwd"]],
  // NUL and controls.
  ["/%00", 400],
  ["/a%00.txt", 400],
  ["/a%0d%0aSet-Cookie:x", 400],
  ["/a\u0000b", 400],
  // Bad escapes and invalid UTF-8, including overlong forms.
  ["/%", 400],
  ["/%zz", 400],
  ["/%4", 400],
  ["/%c0%ae%c0%ae/x", 400],
  ["/%c0%af", 400],
  ["/%e0%80%ae", 400],
  ["/%ff", 400],
  ["/%ed%a0%80", 400], // an encoded surrogate
  ["/\ud800", 400], // a lone surrogate
  // Length limits.
  ["/" + "a".repeat(256), 404],
  ["/" + "é".repeat(128), 404], // 256 bytes in UTF-8
  ["/" + "a/".repeat(3000), 414],
  // Not origin-form.
  ["a/b", 400],
  ["", 400],
];

for (const [raw, expected] of cases) {
  const label = raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
  Deno.test(`resolveUrlPath() resolves ${JSON.stringify(label)} to ${JSON.stringify(expected)}`, () => {
    const result = resolveUrlPath(raw);
    if (typeof expected === "number") {
      assert.deepEqual(result, { ok: false, status: expected });
    } else {
      assert.equal(result.ok, true);
      if (result.ok) assert.deepEqual(result.segments, expected);
    }
  });
}

Deno.test("resolveUrlPath() reports a trailing slash", () => {
  const cases: [string, boolean][] = [
    ["/", true],
    ["/a", false],
    ["/a/", true],
    ["/a/.", true],
    ["/a/b/..", true],
    ["/a//", true],
  ];
  for (const [raw, slash] of cases) {
    const result = resolveUrlPath(raw);
    assert.equal(result.ok && result.trailingSlash, slash, raw);
  }
});

Deno.test("resolveUrlPath() honours custom limits", () => {
  assert.deepEqual(resolveUrlPath("/abcdef", { maxPathLength: 4 }), {
    ok: false,
    status: 414,
  });
  assert.deepEqual(resolveUrlPath("/abcdef", { maxSegmentBytes: 3 }), {
    ok: false,
    status: 404,
  });
});

Deno.test("resolveUrlPath() sees raw traversal strings through new Request as well", () => {
  // The URL parser turns `\` into `/` and resolves dot segments; whatever
  // it leaves must still resolve inside the root.
  for (
    const raw of [
      "/../x",
      "/%2e%2e/x",
      "/..\\x",
      "/%5c..%5cx",
      "/a/..%2f..%2fx",
    ]
  ) {
    const pathname = new URL(new Request(`http://h${raw}`).url).pathname;
    const result = resolveUrlPath(pathname);
    if (result.ok) assert.ok(!result.segments.includes(".."), raw);
  }
});

Deno.test("isInsideRoot() compares with a trailing separator", () => {
  assert.equal(isInsideRoot("/srv/public", "/srv/public"), true);
  assert.equal(isInsideRoot("/srv/public", "/srv/public/x"), true);
  assert.equal(isInsideRoot("/srv/public/", "/srv/public/x"), true);
  assert.equal(isInsideRoot("/srv/public", "/srv/public-secret"), false);
  assert.equal(isInsideRoot("/srv/public", "/srv/public-secret/x"), false);
  assert.equal(isInsideRoot("/srv/public", "/srv"), false);
});

Deno.test("joinInsideRoot() keeps joined paths inside the root", () => {
  assert.equal(joinInsideRoot("/srv/www", []), "/srv/www");
  assert.equal(joinInsideRoot("/srv/www", ["a b", "c"]), "/srv/www/a b/c");
  assert.equal(joinInsideRoot("/srv/www", ["..", "www-secret"]), null);
  assert.equal(joinInsideRoot("/srv/www/", ["..", ".."]), null);
});

Deno.test("isRealPathAllowed() checks containment and dot entries", () => {
  assert.equal(isRealPathAllowed("/r", "/r/a", false), true);
  assert.equal(isRealPathAllowed("/r", "/r-secret/a", false), false);
  assert.equal(isRealPathAllowed("/r", "/r/.env", false), false);
  assert.equal(isRealPathAllowed("/r", "/r/.env", true), true);
  assert.equal(isRealPathAllowed("/r", "/other", true), false);
  // Below the root only: a dot-name above it does not count, one below does.
  assert.equal(
    isRealPathAllowed("/x/.hidden/r", "/x/.hidden/r/a", false),
    true,
  );
  assert.equal(isRealPathAllowed("/r", "/r/a/.git/config", false), false);
  assert.equal(isRealPathAllowed("/r", "/r/.well-known/a", false), true);
  assert.equal(isRealPathAllowed("/r", "/r/a/.well-known/b", false), false);
  // The file system's root as the root, and a root written with its slash.
  assert.equal(isRealPathAllowed("/", "/a/b", false), true);
  assert.equal(isRealPathAllowed("/", "/.env", false), false);
  assert.equal(isRealPathAllowed("/r/", "/r/a", false), true);
  assert.equal(isRealPathAllowed("/r/", "/r/.a", false), false);
});

Deno.test("isHiddenPath() allows only the top-level .well-known", () => {
  assert.equal(isHiddenPath([]), false);
  assert.equal(isHiddenPath(["a", "b"]), false);
  assert.equal(isHiddenPath([".env"]), true);
  assert.equal(isHiddenPath(["a", ".git"]), true);
  assert.equal(isHiddenPath([".well-known", "acme-challenge", "t"]), false);
  assert.equal(isHiddenPath(["a", ".well-known"]), true);
});

Deno.test("canonicalPathOf() resolves what std's serveDir redirects, and nothing else", () => {
  const cases: [
    string,
    { segments: string[]; trailingSlash: boolean } | null,
  ][] = [
    ["/", null],
    ["/a/b.txt", null],
    ["/a/", null],
    ["/caf%C3%A9/a%20b", null],
    // An encoded slash that normalizing leaves alone: no redirect (and
    // resolveUrlPath refuses it).
    ["/a%2Fb", null],
    ["/%E0%A4%A", null],
    ["//a", { segments: ["a"], trailingSlash: false }],
    ["/a//b///", { segments: ["a", "b"], trailingSlash: true }],
    ["/%2F..%2F..%2F..", { segments: [], trailingSlash: true }],
    ["/a/%2F..%2Fb", { segments: ["b"], trailingSlash: false }],
    ["//a%5C//", { segments: ["a\\"], trailingSlash: true }],
  ];
  for (const [path, want] of cases) {
    assert.deepEqual(canonicalPathOf(path), want, path);
  }
});
