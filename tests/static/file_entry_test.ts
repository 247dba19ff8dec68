import assert from "node:assert/strict";
import {
  loadEntry,
  type LoadEntryOptions,
} from "../../src/static/file_entry.ts";

async function withRoot(fn: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.realPath(await Deno.makeTempDir());
  try {
    await fn(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

function options(root: string, sync: boolean): LoadEntryOptions {
  return {
    root,
    rootReal: root,
    followSymlinks: "inside-root",
    dotfiles: false,
    precompressed: true,
    etag: true,
    etagAlgorithm: "fnv1a",
    now: 7,
    sync,
  };
}

Deno.test("loadEntry with sync metadata calls finds what the async calls find", async () => {
  await withRoot(async (root) => {
    await Deno.writeTextFile(`${root}/a.css`, "body{}");
    await Deno.writeTextFile(`${root}/a.css.br`, "br");
    await Deno.mkdir(`${root}/dir`);
    await Deno.symlink("/", `${root}/out`);
    for (const path of ["a.css", "dir", "out"]) {
      const async = await loadEntry(
        `${root}/${path}`,
        undefined,
        options(root, false),
      );
      const sync = await loadEntry(
        `${root}/${path}`,
        undefined,
        options(root, true),
      );
      assert.deepEqual(sync, async, path);
    }
    const css = await loadEntry(
      `${root}/a.css`,
      undefined,
      options(root, true),
    );
    assert.equal(css?.kind, "file");
    if (css?.kind === "file") {
      assert.equal(css.identity.size, 6);
      assert.deepEqual(css.siblings.map((s) => s.coding), ["br"]);
    }
    await assert.rejects(
      () => loadEntry(`${root}/missing`, undefined, options(root, true)),
      Deno.errors.NotFound,
    );
  });
});
