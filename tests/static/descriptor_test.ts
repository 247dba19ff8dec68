import assert from "node:assert/strict";
import * as fs from "node:fs";
import {
  Descriptor,
  identityOf,
  sameIdentity,
} from "../../src/static/descriptor.ts";

Deno.test("sameIdentity() tells a replaced file by any of device, inode, size and mtime", () => {
  const a = { dev: 1, ino: 2, size: 3, mtimeMs: 4 };
  assert.equal(sameIdentity(a, { ...a }), true);
  for (const change of [{ dev: 9 }, { ino: 9 }, { size: 9 }, { mtimeMs: 9 }]) {
    assert.equal(sameIdentity(a, { ...a, ...change }), false);
  }
});

Deno.test("Descriptor takes the identity fstat gives, as identityOf() reads a stat", async () => {
  const path = await Deno.makeTempFile();
  try {
    await Deno.writeTextFile(path, "hello");
    using file = new Descriptor(fs.openSync(path, "r"));
    assert.equal(file.isFile, true);
    assert.equal(
      sameIdentity(file.identity, identityOf(await Deno.stat(path))),
      true,
    );
    assert.equal(new TextDecoder().decode(file.readAllSync()!), "hello");
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("Descriptor.close() closes once; later calls do nothing", async () => {
  const path = await Deno.makeTempFile();
  try {
    const file = new Descriptor(fs.openSync(path, "r"));
    assert.equal(file.closed, false);
    file.close();
    file.close();
    assert.equal(file.closed, true);
  } finally {
    await Deno.remove(path);
  }
});
