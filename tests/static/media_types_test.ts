import assert from "node:assert/strict";
import {
  contentType,
  extensionOf,
  isCompressible,
  isMpegTransportStream,
} from "../../src/static/media_types.ts";

const cases: [string, string][] = [
  ["index.html", "text/html; charset=utf-8"],
  ["INDEX.HTM", "text/html; charset=utf-8"],
  ["a.css", "text/css; charset=utf-8"],
  ["a.js", "text/javascript; charset=utf-8"],
  ["a.mjs", "text/javascript; charset=utf-8"],
  ["a.json", "application/json; charset=utf-8"],
  ["a.js.map", "application/json; charset=utf-8"],
  ["a.svg", "image/svg+xml; charset=utf-8"],
  ["a.png", "image/png"],
  ["a.jpg", "image/jpeg"],
  ["a.jpeg", "image/jpeg"],
  ["a.gif", "image/gif"],
  ["a.webp", "image/webp"],
  ["a.avif", "image/avif"],
  ["favicon.ico", "image/x-icon"],
  ["a.woff", "font/woff"],
  ["a.woff2", "font/woff2"],
  ["a.ttf", "font/ttf"],
  ["a.otf", "font/otf"],
  ["a.wasm", "application/wasm"],
  ["a.mp4", "video/mp4"],
  ["a.webm", "video/webm"],
  ["a.mp3", "audio/mpeg"],
  ["a.ogg", "audio/ogg"],
  ["a.wav", "audio/wav"],
  ["a.pdf", "application/pdf"],
  ["a.txt", "text/plain; charset=utf-8"],
  ["a.xml", "application/xml; charset=utf-8"],
  ["a.csv", "text/csv; charset=utf-8"],
  ["README.md", "text/markdown; charset=utf-8"],
  ["a.zip", "application/zip"],
  ["site.webmanifest", "application/manifest+json; charset=utf-8"],
  // Deno-first: module types Deno accepts for remote imports.
  ["mod.ts", "application/typescript; charset=utf-8"],
  ["mod.d.ts", "application/typescript; charset=utf-8"],
  ["mod.mts", "application/typescript; charset=utf-8"],
  ["mod.cts", "application/typescript; charset=utf-8"],
  ["app.tsx", "text/tsx; charset=utf-8"],
  ["app.jsx", "text/jsx; charset=utf-8"],
  // Unknown and extension-less.
  ["blob.xyz", "application/octet-stream"],
  ["LICENSE", "application/octet-stream"],
  [".env", "application/octet-stream"],
  ["/dir.v2/file", "application/octet-stream"],
];

for (const [path, expected] of cases) {
  Deno.test(`contentType() maps ${path} to ${expected}`, () => {
    assert.equal(contentType(path), expected);
  });
}

Deno.test("extensionOf() reads only the last segment", () => {
  assert.equal(extensionOf("/a.b/c"), "");
  assert.equal(extensionOf("a.tar.gz"), "gz");
  assert.equal(extensionOf("C:\\x\\y.PNG"), "png");
});

Deno.test("isCompressible() accepts text and rejects compressed media", () => {
  for (
    const type of [
      "text/html",
      "text/css; charset=utf-8",
      "application/json",
      "image/svg+xml",
      "application/wasm",
      "application/typescript",
    ]
  ) {
    assert.equal(isCompressible(type), true, type);
  }
  for (
    const type of [
      "image/png",
      "image/jpeg",
      "font/woff2",
      "video/mp4",
      "application/zip",
      "application/octet-stream",
    ]
  ) {
    assert.equal(isCompressible(type), false, type);
  }
});

Deno.test("isMpegTransportStream() needs sync bytes at 0 and 188", () => {
  const ts = new Uint8Array(376);
  ts[0] = 0x47;
  ts[188] = 0x47;
  assert.equal(isMpegTransportStream(ts), true);
  const onlyFirst = new Uint8Array(376);
  onlyFirst[0] = 0x47;
  assert.equal(isMpegTransportStream(onlyFirst), false);
  assert.equal(isMpegTransportStream(ts.subarray(0, 188)), false);
  // A TypeScript file starting with "G" is still TypeScript.
  const code = new TextEncoder().encode("G".padEnd(400, " "));
  assert.equal(isMpegTransportStream(code), false);
});
