/**
 * Precompressed siblings of an unchanged file: a sibling that changes is
 * noticed within revalidateMs, one that appears within 30 × revalidateMs
 * (absent siblings are looked for less often: each look is a failed stat).
 */

import assert from "node:assert/strict";
import { createStaticHandler } from "../../src/static/static_handler.ts";

async function gzip(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function encodingOf(
  handler: (request: Request) => Promise<Response>,
): Promise<string | null> {
  const response = await handler(
    new Request("http://a/app.js", { headers: { "accept-encoding": "gzip" } }),
  );
  await response.body?.cancel();
  return response.headers.get("content-encoding");
}

Deno.test("createStaticHandler() notices a sibling that appears within 30 × revalidateMs", async () => {
  const root = await Deno.makeTempDir();
  try {
    const source = "console.log('hello');\n".repeat(100);
    await Deno.writeTextFile(`${root}/app.js`, source);
    let clock = 0;
    const handler = createStaticHandler({
      root,
      compress: "precompressed",
      revalidateMs: 100,
      now: () => clock,
    });
    assert.equal(await encodingOf(handler), null);
    await Deno.writeFile(`${root}/app.js.gz`, await gzip(source));
    clock = 150; // revalidated, but absent siblings are not looked for yet
    assert.equal(await encodingOf(handler), null);
    clock = 3000; // 30 × revalidateMs after the first look
    assert.equal(await encodingOf(handler), "gzip");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("createStaticHandler() notices a changed sibling within revalidateMs", async () => {
  const root = await Deno.makeTempDir();
  try {
    const source = "console.log('hello');\n".repeat(100);
    await Deno.writeTextFile(`${root}/app.js`, source);
    await Deno.writeFile(`${root}/app.js.gz`, await gzip(source));
    let clock = 0;
    const handler = createStaticHandler({
      root,
      compress: "precompressed",
      revalidateMs: 100,
      now: () => clock,
    });
    assert.equal(await encodingOf(handler), "gzip");
    await Deno.remove(`${root}/app.js.gz`);
    clock = 150;
    assert.equal(await encodingOf(handler), null, "a removed sibling");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
