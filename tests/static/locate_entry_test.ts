import assert from "node:assert/strict";
import {
  type Containment,
  exactly,
  Refused,
  withEntry,
} from "../../src/static/locate_entry.ts";

async function withTree(fn: (base: string) => Promise<void>): Promise<void> {
  const base = await Deno.realPath(await Deno.makeTempDir());
  try {
    const root = `${base}/root`;
    await Deno.mkdir(`${root}/dir`, { recursive: true });
    await Deno.mkdir(`${root}/.git`);
    await Deno.mkdir(`${base}/root-secret`);
    await Deno.writeTextFile(`${root}/dir/a.txt`, "a");
    await Deno.writeTextFile(`${root}/.git/config`, "git");
    await Deno.writeTextFile(`${base}/root-secret/s.txt`, "secret");
    await Deno.symlink("dir/a.txt", `${root}/rel.txt`);
    await Deno.symlink("rel.txt", `${root}/chain.txt`);
    await Deno.symlink(`${base}/root-secret/s.txt`, `${root}/out.txt`);
    await Deno.symlink(`${base}/root-secret`, `${root}/prefix`);
    await Deno.symlink(`${root}/.git`, `${root}/to-git`);
    await Deno.symlink("loop-b", `${root}/loop-a`);
    await Deno.symlink("loop-a", `${root}/loop-b`);
    await fn(base);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
}

function containment(
  root: string,
  kind: Containment["kind"],
  dotfiles = false,
): Containment {
  return { kind, root, rootReal: root, dotfiles };
}

const realPathOf = (path: string, c: Containment) =>
  withEntry(path, c, (found) => found.realPath);

Deno.test("withEntry() follows symlinks inside the root, one checked hop at a time", async () => {
  await withTree(async (base) => {
    const root = `${base}/root`;
    const inside = containment(root, "inside-root");
    assert.equal(realPathOf(`${root}/chain.txt`, inside), `${root}/dir/a.txt`);
    assert.equal(realPathOf(root, inside), root);
    assert.equal(realPathOf(`${root}/dir`, inside), `${root}/dir`);
    // Out of the root, into a sibling sharing its prefix, into a dot-folder:
    // refused, and why.
    assert.equal(realPathOf(`${root}/out.txt`, inside), Refused.OUTSIDE_ROOT);
    assert.equal(
      realPathOf(`${root}/prefix/s.txt`, inside),
      Refused.OUTSIDE_ROOT,
    );
    assert.equal(
      realPathOf(`${root}/to-git/config`, inside),
      Refused.DOTFILE,
    );
    assert.equal(
      realPathOf(
        `${root}/to-git/config`,
        containment(root, "inside-root", true),
      ),
      `${root}/.git/config`,
    );
    await Promise.resolve();
  });
});

Deno.test('withEntry() "exact" refuses every symlink, "anywhere" follows all', async () => {
  await withTree(async (base) => {
    const root = `${base}/root`;
    assert.equal(
      realPathOf(`${root}/rel.txt`, containment(root, "exact")),
      Refused.SYMLINK,
    );
    // A folder on the way that is a symlink is one too.
    assert.equal(
      realPathOf(`${root}/prefix/s.txt`, containment(root, "exact")),
      Refused.SYMLINK,
    );
    assert.equal(
      realPathOf(`${root}/dir/a.txt`, containment(root, "exact")),
      `${root}/dir/a.txt`,
    );
    assert.equal(
      realPathOf(`${root}/out.txt`, containment(root, "anywhere")),
      `${base}/root-secret/s.txt`,
    );
    assert.equal(
      realPathOf(`${root}/dir/a.txt`, exactly(`${root}/dir/a.txt`)),
      `${root}/dir/a.txt`,
    );
    assert.equal(
      realPathOf(`${root}/rel.txt`, exactly(`${root}/rel.txt`)),
      Refused.SYMLINK,
    );
    await Promise.resolve();
  });
});

Deno.test("withEntry() gives up on a symlink loop with ELOOP, and passes file system errors on", async () => {
  await withTree(async (base) => {
    const root = `${base}/root`;
    const inside = containment(root, "inside-root");
    assert.throws(
      () => realPathOf(`${root}/loop-a`, inside),
      (error: { code?: string }) => error.code === "ELOOP",
    );
    assert.throws(() => realPathOf(`${root}/missing.txt`, inside));
    assert.throws(() => realPathOf(`${root}/dir/a.txt/x`, inside));
    await Promise.resolve();
  });
});
