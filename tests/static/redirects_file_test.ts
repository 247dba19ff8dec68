import assert from "node:assert/strict";
import { parseRedirects } from "../../src/static/redirects_file.ts";

/**
 * The examples both conventions document, in their own words' shape: what
 * each line becomes (pattern, target, status, force).
 */
const DOCUMENTED = `
# Netlify's
/home              /
/blog/my-post.php  /blog/my-post
/cuties            https://www.petsofnetlify.com
/blog/*            /news/:splat
/news/:year/:month/:slug  /blog/:year/:month/:slug
/store-closed      /    302
/ecommerce         /store-closed  404
/app/*             /app/index.html  200!
# Cloudflare Pages'
/home302 / 302
/querystrings /?query=string 301
/trailing /trailing/ 301
/page/ /page2/#fragment 301
/products/:code/:name /products?code=:code&name=:name
/temp /elsewhere 307
/perm /elsewhere 308
/other /elsewhere 303
/* /index.html 200
`;

Deno.test("parseRedirects() reads the documented examples of both conventions", () => {
  const { rules, problems } = parseRedirects(DOCUMENTED);
  assert.deepEqual(problems, []);
  assert.deepEqual(
    rules.map((r) => [r.line, r.from.source, r.to, r.status, r.force]),
    [
      [3, "/home", "/", 301, false],
      [4, "/blog/my-post.php", "/blog/my-post", 301, false],
      [5, "/cuties", "https://www.petsofnetlify.com", 301, false],
      [6, "/blog/*", "/news/:splat", 301, false],
      [7, "/news/:year/:month/:slug", "/blog/:year/:month/:slug", 301, false],
      [8, "/store-closed", "/", 302, false],
      [9, "/ecommerce", "/store-closed", 404, false],
      [10, "/app/*", "/app/index.html", 200, true],
      [12, "/home302", "/", 302, false],
      [13, "/querystrings", "/?query=string", 301, false],
      [14, "/trailing", "/trailing/", 301, false],
      [15, "/page/", "/page2/#fragment", 301, false],
      [
        16,
        "/products/:code/:name",
        "/products?code=:code&name=:name",
        301,
        false,
      ],
      [17, "/temp", "/elsewhere", 307, false],
      [18, "/perm", "/elsewhere", 308, false],
      [19, "/other", "/elsewhere", 303, false],
      [20, "/*", "/index.html", 200, false],
    ],
  );
});

Deno.test("parseRedirects() skips and reports each bad line with its number, never throws", () => {
  const text = [
    "/ok /fine", // 1
    "/only-from", // 2
    "/a /b 418", // 3
    "/a /b 301 Country=us", // 4
    "/a https://x.example 200", // 5: absolute rewrite
    "relative /b", // 6
    "/a relative", // 7
    "/a*/b /c", // 8
    "/a /b 30x", // 9
    "  # a comment", // 10
    "/x /y # trailing comment", // 11
    "/a /b 404!", // 12
  ].join("\n");
  const { rules, problems } = parseRedirects(text);
  assert.deepEqual(rules.map((r) => r.line), [1, 11, 12]);
  assert.deepEqual(problems.map((p) => p.line), [2, 3, 4, 5, 6, 7, 8, 9]);
  assert.match(problems[1].message, /unsupported status "418"/);
  assert.match(problems[3].message, /absolute TO is for redirects only/);
  assert.equal(rules[2].force, true);
});

Deno.test("parseRedirects() caps rules and line length", () => {
  const many = Array.from({ length: 5 }, (_, i) => `/r${i} /t`).join("\n");
  const capped = parseRedirects(many, { maxRules: 3 });
  assert.equal(capped.rules.length, 3);
  assert.deepEqual(capped.problems.map((p) => p.line), [4, 5]);
  const long = parseRedirects(`/a /${"b".repeat(100)}\n/c /d`, {
    maxLineLength: 50,
  });
  assert.deepEqual(long.rules.map((r) => r.line), [2]);
  assert.match(long.problems[0].message, /longer than 50/);
  // A hostile file of a million characters on one line is one problem.
  const hostile = parseRedirects("/" + "a ".repeat(500_000));
  assert.equal(hostile.rules.length, 0);
  assert.equal(hostile.problems.length, 1);
});
