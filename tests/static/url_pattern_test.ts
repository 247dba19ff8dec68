import assert from "node:assert/strict";
import {
  compileUrlPattern,
  fillUrlTarget,
  matchUrlPattern,
  type UrlPattern,
} from "../../src/static/url_pattern.ts";

function pattern(source: string): UrlPattern {
  const compiled = compileUrlPattern(source);
  assert.ok(typeof compiled !== "string", `${source}: ${compiled}`);
  return compiled;
}

const seg = (path: string) => path.split("/").filter((s) => s !== "");

Deno.test("matchUrlPattern() matches literals, placeholders and a final splat", () => {
  const table: [string, string, Record<string, string> | null][] = [
    ["/home", "/home", {}],
    ["/home", "/home/", {}],
    ["/home", "/homes", null],
    ["/home", "/", null],
    ["/", "/", {}],
    ["/news/:year/:slug", "/news/2024/hello", { year: "2024", slug: "hello" }],
    ["/news/:year/:slug", "/news/2024", null],
    ["/news/:year/:slug", "/news/2024/a/b", null],
    ["/blog/*", "/blog/a/b/c", { splat: "a/b/c" }],
    ["/blog/*", "/blog/", { splat: "" }],
    ["/blog/*", "/blog", { splat: "" }],
    ["/blog/*", "/blogs/x", null],
    ["/*", "/anything/at/all", { splat: "anything/at/all" }],
    ["/img-*", "/img-1.png", { splat: "1.png" }],
    ["/img-*", "/im", null],
    ["/café", "/café", {}],
    ["/caf%C3%A9", "/café", {}],
    ["/:a/x/*", "/one/x/two/three", { a: "one", splat: "two/three" }],
  ];
  for (const [source, path, want] of table) {
    assert.deepEqual(
      matchUrlPattern(pattern(source), seg(path)),
      want,
      `${source} ~ ${path}`,
    );
  }
});

Deno.test("compileUrlPattern() refuses what it cannot match in one pass", () => {
  for (
    const [source, message] of [
      ["home", /start with "\/"/],
      ["/a*/b", /only end/],
      ["/*/b", /only end/],
      ["/**", /only end/],
      ["/:", /bad placeholder/],
      ["/:1a", /bad placeholder/],
      ["/:splat", /bad placeholder/],
      ["/%zz", /percent-encoding/],
    ] as const
  ) {
    const compiled = compileUrlPattern(source);
    assert.equal(typeof compiled, "string", source);
    assert.match(compiled as string, message, source);
  }
});

Deno.test("matchUrlPattern() stays linear on a hostile path", () => {
  // No backtracking: a pattern is walked segment by segment, once.
  const path = Array.from({ length: 10_000 }, () => "a");
  assert.deepEqual(matchUrlPattern(pattern("/a/:x/*"), path), {
    x: "a",
    splat: path.slice(2).join("/"),
  });
  assert.equal(matchUrlPattern(pattern("/a/:x/b"), path), null);
});

Deno.test("fillUrlTarget() encodes what it puts in, so nothing captured adds a query or a line", () => {
  assert.equal(
    fillUrlTarget("/news/:year/:splat", { year: "2024", splat: "a b/c?d" }),
    "/news/2024/a%20b/c%3Fd",
  );
  assert.equal(
    fillUrlTarget("https://example.com:8080/:splat", { splat: "x" }),
    "https://example.com:8080/x",
  );
  assert.equal(fillUrlTarget("/:missing", {}), "/:missing");
  assert.equal(fillUrlTarget("/:p", { p: "\r\nx" }), "/%0D%0Ax");
});
