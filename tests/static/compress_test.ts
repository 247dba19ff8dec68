import assert from "node:assert/strict";
import {
  gzipBytes,
  gzipStream,
  MIN_COMPRESS_BYTES,
  shouldCompress,
} from "../../src/static/compress.ts";

async function gunzip(bytes: Uint8Array): Promise<string> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new DecompressionStream("gzip"));
  return await new Response(stream).text();
}

Deno.test("gzipBytes() round-trips", async () => {
  const text = "hello ".repeat(500);
  const coded = await gzipBytes(new TextEncoder().encode(text));
  assert.ok(coded.length < text.length);
  assert.equal(await gunzip(coded), text);
});

Deno.test("gzipStream() round-trips", async () => {
  const text = "stream ".repeat(500);
  const coded = new Uint8Array(
    await new Response(gzipStream(new Response(text).body!)).arrayBuffer(),
  );
  assert.equal(await gunzip(coded), text);
});

Deno.test("shouldCompress() needs a compressible type and about 1 KiB", () => {
  assert.equal(shouldCompress("text/html", MIN_COMPRESS_BYTES), true);
  assert.equal(shouldCompress("text/html", MIN_COMPRESS_BYTES - 1), false);
  assert.equal(shouldCompress("image/webp", 1_000_000), false);
});
