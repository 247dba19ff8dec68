import assert from "node:assert/strict";
import { dirname } from "node:path";
import type { FileEntry } from "../../src/static/file_cache.ts";
import {
  describeOpened,
  loadEntry,
  type LoadEntryOptions,
  reopen,
  stillHolds,
} from "../../src/static/file_entry.ts";
import {
  type Containment,
  EntryRefusedError,
} from "../../src/static/locate_entry.ts";
import { withPinnedDirectory } from "../../src/static/pinned_directory.ts";

async function withBase(fn: (base: string) => Promise<void>): Promise<void> {
  const base = await Deno.realPath(await Deno.makeTempDir());
  try {
    await Deno.mkdir(`${base}/root`);
    await Deno.writeTextFile(`${base}/secret.txt`, "secret");
    await fn(base);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
}

function options(
  root: string,
  kind: Containment["kind"] = "inside-root",
): LoadEntryOptions {
  return {
    containment: { kind, root, rootReal: root, dotfiles: false },
    precompressed: true,
    etag: true,
    etagAlgorithm: "fnv1a",
    now: 7,
    readBytesUpTo: 1024,
  };
}

Deno.test("loadEntry() reads a small file's bytes and its fresh siblings where it found them", async () => {
  await withBase(async (base) => {
    const root = `${base}/root`;
    await Deno.writeTextFile(`${root}/a.css`, "body{}");
    await Deno.writeTextFile(`${root}/a.css.br`, "br");
    const css = await loadEntry(`${root}/a.css`, undefined, options(root));
    assert.equal(css?.kind, "file");
    if (css?.kind !== "file") return;
    assert.equal(css.identity.size, 6);
    assert.equal(new TextDecoder().decode(css.identity.bytes!), "body{}");
    assert.deepEqual(css.siblings.map((s) => s.coding), ["br"]);
    assert.equal(css.siblings[0].bytes, null);
    assert.equal(css.checkedAt, 7);
  });
});

Deno.test("loadEntry() keeps an unchanged file's representation, bytes included", async () => {
  await withBase(async (base) => {
    const root = `${base}/root`;
    await Deno.writeTextFile(`${root}/a.txt`, "same");
    const first = await loadEntry(`${root}/a.txt`, undefined, options(root));
    assert(first?.kind === "file");
    const again = await loadEntry(`${root}/a.txt`, first, options(root));
    assert(again?.kind === "file");
    assert.equal(again.identity, first.identity);
    await Deno.writeTextFile(`${root}/a.txt`, "other bytes");
    const changed = await loadEntry(`${root}/a.txt`, first, options(root));
    assert(changed?.kind === "file");
    assert.notEqual(changed.identity, first.identity);
    assert.equal(
      new TextDecoder().decode(changed.identity.bytes!),
      "other bytes",
    );
  });
});

Deno.test("loadEntry() refuses a symlink out of the root with why, follows one inside, and throws for a missing file", async () => {
  await withBase(async (base) => {
    const root = `${base}/root`;
    await Deno.writeTextFile(`${root}/a.txt`, "a");
    await Deno.mkdir(`${root}/dir`);
    await Deno.symlink(`${base}/secret.txt`, `${root}/out.txt`);
    await Deno.symlink(base, `${root}/out-dir`);
    await Deno.symlink("a.txt", `${root}/in.txt`);
    const refused = (reason: string) => (error: unknown) =>
      error instanceof EntryRefusedError && error.reason === reason;
    await assert.rejects(
      () => loadEntry(`${root}/out.txt`, undefined, options(root)),
      refused("outside-root"),
    );
    await assert.rejects(
      () => loadEntry(`${root}/out-dir/secret.txt`, undefined, options(root)),
      refused("outside-root"),
    );
    const inside = await loadEntry(`${root}/in.txt`, undefined, options(root));
    assert(inside?.kind === "file");
    assert.equal(inside.realPath, `${root}/a.txt`);
    await assert.rejects(
      () => loadEntry(`${root}/in.txt`, undefined, options(root, "exact")),
      refused("symlink"),
    );
    const dir = await loadEntry(`${root}/dir`, undefined, options(root));
    assert.deepEqual(dir, {
      kind: "directory",
      key: `${root}/dir`,
      realPath: `${root}/dir`,
      checkedAt: 7,
    });
    const top = await loadEntry(root, undefined, options(root));
    assert.equal(top?.kind, "directory");
    await assert.rejects(
      () => loadEntry(`${root}/missing`, undefined, options(root)),
      (error: { code?: string }) => error.code === "ENOENT",
    );
  });
});

Deno.test("loadEntry() never serves a FIFO or a socket", async () => {
  await withBase(async (base) => {
    const root = `${base}/root`;
    const made = await new Deno.Command("mkfifo", { args: [`${root}/fifo`] })
      .output();
    assert.equal(made.success, true);
    assert.equal(
      await loadEntry(`${root}/fifo`, undefined, options(root)),
      null,
    );
  });
});

Deno.test("reopen() and describeOpened() answer for the file now where the entry found it", async () => {
  await withBase(async (base) => {
    const root = `${base}/root`;
    await Deno.writeTextFile(`${root}/a.txt`, "old");
    const stale = await loadEntry(`${root}/a.txt`, undefined, options(root));
    assert(stale?.kind === "file");
    await Deno.writeTextFile(`${root}/a.txt.new`, "newer");
    await Deno.rename(`${root}/a.txt.new`, `${root}/a.txt`);
    using file = reopen(stale.identity)!;
    assert.notEqual(file.identity.ino, stale.identity.ino);
    const fresh = await describeOpened(stale, file, options(root));
    assert.equal(new TextDecoder().decode(fresh.identity.bytes!), "newer");
    assert.equal(file.closed, false, "the caller keeps the descriptor");
    // A symlink swapped in where the file was is not reopened.
    await Deno.remove(`${root}/a.txt`);
    await Deno.symlink(`${base}/secret.txt`, `${root}/a.txt`);
    assert.equal(reopen(stale.identity), null);
  });
});

/** `stillHolds()` for the entry at `path`, in a window on its folder. */
function holds(entry: FileEntry, opts: LoadEntryOptions): boolean {
  return withPinnedDirectory(
    dirname(entry.key),
    (dir) => stillHolds(entry, dir, opts),
  );
}

Deno.test("stillHolds() says what a load would: unchanged, or not", async () => {
  await withBase(async (base) => {
    const root = `${base}/root`;
    const opts = { ...options(root), siblingRecheckMs: 1000 };
    const load = async (name: string) =>
      await loadEntry(`${root}/${name}`, undefined, opts) as FileEntry;
    await Deno.writeTextFile(`${root}/a.css`, "body{}");
    await Deno.writeTextFile(`${root}/a.css.br`, "br");
    await Deno.writeTextFile(`${root}/b.txt`, "b");
    await Deno.writeTextFile(`${root}/c.txt`, "c");
    await Deno.writeTextFile(`${root}/d.txt`, "d");
    const [a, b, c, d] = await Promise.all(
      ["a.css", "b.txt", "c.txt", "d.txt"].map(load),
    );
    assert.equal(holds(a, opts), true, "unchanged, sibling included");
    assert.equal(holds(b, opts), true);
    // Changed content (size, mtime), a changed sibling, a file swapped for
    // a symlink to the outside, a file gone.
    await Deno.writeTextFile(`${root}/b.txt`, "b, longer");
    await Deno.writeTextFile(`${root}/a.css.br`, "br, newer");
    await Deno.remove(`${root}/c.txt`);
    await Deno.symlink(`${base}/secret.txt`, `${root}/c.txt`);
    await Deno.remove(`${root}/d.txt`);
    assert.equal(holds(a, opts), false, "sibling changed");
    assert.equal(holds(b, opts), false, "content changed");
    assert.equal(
      holds(c, opts),
      false,
      "a symlink now: only a load follows it",
    );
    assert.equal(holds(d, opts), false, "gone");
    // The root moved: what was inside is not inside the new one.
    const moved = await load("a.css");
    const elsewhere = {
      ...opts,
      containment: { ...opts.containment, rootReal: `${base}/other` },
    };
    assert.equal(holds(moved, opts), true);
    assert.equal(holds(moved, elsewhere), false);
    // Absent siblings due for a look: only a load looks.
    assert.equal(holds(moved, { ...opts, now: 7 + 1000 }), false);
  });
});
