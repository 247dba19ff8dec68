/**
 * Live reload's script element and where it goes into a page: pure, as
 * tables.
 */

import assert from "node:assert/strict";
import {
  lastBodyEndTag,
  LiveReloadTag,
} from "../../src/static/live_reload_tag.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const TAG = '<script src="/.berth/live-reload.js"></script>';

Deno.test("LiveReloadTag.injectInto() puts the element before the last </body>, else at the end", () => {
  const tag = new LiveReloadTag([]);
  const cases: { name: string; page: string; want: string }[] = [
    {
      name: "a page with </body>",
      page: "<html><body><p>hi</p></body></html>\n",
      want: `<html><body><p>hi</p>${TAG}</body></html>\n`,
    },
    {
      name: "upper case",
      page: "<HTML><BODY>hi</BODY></HTML>",
      want: `<HTML><BODY>hi${TAG}</BODY></HTML>`,
    },
    {
      name: "mixed case, space before >",
      page: "<body>hi</bOdY >",
      want: `<body>hi${TAG}</bOdY >`,
    },
    {
      name: "several </body>: the last (an earlier one may sit in a script)",
      page: '<body><script>s = "</body>";</script></body>tail',
      want: `<body><script>s = "</body>";</script>${TAG}</body>tail`,
    },
    {
      name: "no </body>",
      page: "<!doctype html><h1>home</h1>",
      want: `<!doctype html><h1>home</h1>${TAG}`,
    },
    {
      name: "a longer name is not </body>",
      page: "<p>x</bodyguard></p>",
      want: `<p>x</bodyguard></p>${TAG}`,
    },
    {
      name: "</body cut off at the end",
      page: "<p>x</p></body",
      want: `<p>x</p></body${TAG}`,
    },
    { name: "an empty page", page: "", want: TAG },
    {
      name: "UTF-8 before it",
      page: "<body>crème brûlée ✓</body>",
      want: `<body>crème brûlée ✓${TAG}</body>`,
    },
  ];
  for (const { name, page, want } of cases) {
    const bytes = encoder.encode(page);
    const out = tag.injectInto(bytes);
    assert.equal(decoder.decode(out), want, name);
    assert.equal(out.length, bytes.length + tag.bytes.length, name);
  }
});

Deno.test("lastBodyEndTag() finds the start of the last </body>, or -1", () => {
  const cases: [string, number][] = [
    ["</body>", 0],
    ["x</BODY\t>", 1],
    ["</body></body>", 7],
    ["</body/>", 0],
    ["<body>", -1],
    ["</bod>", -1],
    ["", -1],
  ];
  for (const [page, want] of cases) {
    assert.equal(lastBodyEndTag(encoder.encode(page)), want, page);
  }
});

Deno.test("LiveReloadTag points at the script under the mount point, percent-encoded", () => {
  assert.equal(decoder.decode(new LiveReloadTag([]).bytes), TAG);
  assert.equal(
    decoder.decode(new LiveReloadTag(["static", 'a "b"<c>']).bytes),
    '<script src="/static/a%20%22b%22%3Cc%3E/.berth/live-reload.js"></script>',
  );
});

Deno.test("LiveReloadTag.etagSuffix names the element: another mount, another suffix", () => {
  const plain = new LiveReloadTag([]).etagSuffix;
  assert.match(plain, /^lr[0-9a-f]{8}$/);
  assert.equal(new LiveReloadTag([]).etagSuffix, plain);
  assert.notEqual(new LiveReloadTag(["app"]).etagSuffix, plain);
});

Deno.test("LiveReloadTag.injects() only HTML", () => {
  const tag = new LiveReloadTag([]);
  const cases: [string, boolean][] = [
    ["text/html", true],
    ["text/html; charset=utf-8", true],
    ["TEXT/HTML;charset=utf-8", true],
    ["text/htmlx", false],
    ["text/css; charset=utf-8", false],
    ["application/xhtml+xml", false],
    ["text/plain", false],
    ["", false],
  ];
  for (const [type, want] of cases) assert.equal(tag.injects(type), want, type);
});

Deno.test("LiveReloadTag.appendTo() streams the page, then the element", async () => {
  const tag = new LiveReloadTag([]);
  const page = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode("<p>one</p>"));
      controller.enqueue(encoder.encode("</body></html>"));
      controller.close();
    },
  });
  const text = await new Response(tag.appendTo(page)).text();
  assert.equal(text, `<p>one</p></body></html>${TAG}`);
});
