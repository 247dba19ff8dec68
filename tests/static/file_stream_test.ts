import assert from "node:assert/strict";
import * as fs from "node:fs";
import { Descriptor } from "../../src/static/descriptor.ts";
import { createFileStream } from "../../src/static/file_stream.ts";

function open(path: string): Descriptor {
  return new Descriptor(fs.openSync(path, "r"));
}

async function withFile(
  content: Uint8Array,
  fn: (path: string) => Promise<void>,
): Promise<void> {
  const path = await Deno.makeTempFile();
  try {
    await Deno.writeFile(path, content);
    await fn(path);
  } finally {
    await Deno.remove(path);
  }
}

const bytes = new Uint8Array(1000).map((_, i) => i % 251);

Deno.test("createFileStream() streams ranges and literal parts in small chunks", async () => {
  await withFile(bytes, async (path) => {
    const file = open(path);
    const stream = createFileStream(file, [
      new Uint8Array([1, 2]),
      { start: 10, end: 509 },
      new Uint8Array([3]),
      { start: 990, end: 999 },
    ], { chunkSize: 64 });
    const chunks: Uint8Array[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    assert.ok(chunks.every((c) => c.length <= 64));
    const out = new Uint8Array(
      await new Blob(chunks as Uint8Array<ArrayBuffer>[]).arrayBuffer(),
    );
    const expected = new Uint8Array([
      1,
      2,
      ...bytes.subarray(10, 510),
      3,
      ...bytes.subarray(990, 1000),
    ]);
    assert.deepEqual(out, expected);
  });
});

Deno.test("createFileStream() closes the file when the consumer cancels", async () => {
  await withFile(bytes, async (path) => {
    const file = open(path);
    const stream = createFileStream(file, [{ start: 0, end: 999 }], {
      chunkSize: 10,
    });
    const reader = stream.getReader();
    const first = await reader.read();
    assert.equal(first.value?.length, 10);
    await reader.cancel();
    assert.equal(file.closed, true);
  });
});

Deno.test("createFileStream() errors when the file shrank", async () => {
  await withFile(bytes, async (path) => {
    const file = open(path);
    await Deno.truncate(path, 100);
    const stream = createFileStream(file, [{ start: 0, end: 999 }]);
    await assert.rejects(() => new Response(stream).arrayBuffer());
    assert.equal(file.closed, true);
  });
});

Deno.test("createFileStream() with nothing to send closes at once", async () => {
  await withFile(bytes, async (path) => {
    const file = open(path);
    const stream = createFileStream(file, []);
    assert.equal((await new Response(stream).arrayBuffer()).byteLength, 0);
    assert.equal(file.closed, true);
  });
});

Deno.test("createFileStream() fills a BYOB reader's buffer, so one buffer serves every chunk", async () => {
  await withFile(bytes, async (path) => {
    const file = open(path);
    const stream = createFileStream(file, [
      new Uint8Array([1, 2]),
      { start: 0, end: 999 },
    ]);
    const reader = stream.getReader({ mode: "byob" });
    let buffer = new ArrayBuffer(300);
    const out: number[] = [];
    let reads = 0;
    while (true) {
      const { done, value } = await reader.read(new Uint8Array(buffer));
      if (done) break;
      out.push(...value);
      buffer = value.buffer as ArrayBuffer;
      assert.equal(buffer.byteLength, 300, "the same 300-byte buffer");
      reads++;
    }
    assert.deepEqual(new Uint8Array(out), new Uint8Array([1, 2, ...bytes]));
    assert.ok(reads >= 4, `${reads} reads`);
    assert.equal(file.closed, true);
  });
});
