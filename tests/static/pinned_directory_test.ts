import assert from "node:assert/strict";
import {
  type ContainmentMode,
  containmentMode,
  forceContainmentMode,
  withPinnedDirectory,
} from "../../src/static/pinned_directory.ts";

/** The modes this process can use ("descriptor" needs --allow-all). */
const MODES: ContainmentMode[] = ["cwd", "path"];

async function withTree(
  fn: (base: string) => void | Promise<void>,
): Promise<void> {
  const base = await Deno.realPath(await Deno.makeTempDir());
  try {
    await Deno.mkdir(`${base}/dir/sub`, { recursive: true });
    await Deno.writeTextFile(`${base}/dir/a.txt`, "a");
    await Deno.writeTextFile(`${base}/outside.txt`, "outside");
    await Deno.symlink(`${base}/outside.txt`, `${base}/dir/link.txt`);
    await Deno.symlink(base, `${base}/dir/link-dir`);
    await fn(base);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
}

for (const mode of MODES) {
  Deno.test(`withPinnedDirectory() (${mode} mode) reads, opens and lists entries of the directory held`, async () => {
    forceContainmentMode(mode);
    try {
      await withTree((base) => {
        const home = Deno.cwd();
        const seen = withPinnedDirectory(`${base}/dir`, (dir) => {
          assert.equal(dir.real, `${base}/dir`);
          assert.equal(dir.lstat("a.txt").size, 1);
          assert.equal(dir.lstat("link.txt").isSymlink, true);
          assert.equal(dir.readLink("link.txt"), `${base}/outside.txt`);
          using file = dir.open("a.txt");
          assert.equal(new TextDecoder().decode(file.readAllSync()!), "a");
          assert.throws(
            () => dir.open("link.txt"),
            (error: { code?: string }) => error.code === "ELOOP",
          );
          const names = [...dir.readDir()].map((e) => e.name).sort();
          const sub = dir.descend("sub");
          assert.equal(sub?.real, `${base}/dir/sub`);
          return names;
        });
        assert.deepEqual(seen, ["a.txt", "link-dir", "link.txt", "sub"]);
        assert.equal(Deno.cwd(), home, "the working directory is restored");
      });
    } finally {
      forceContainmentMode(null);
    }
  });

  Deno.test(`withPinnedDirectory() (${mode} mode) will not descend into a symlink and restores after a throw`, async () => {
    forceContainmentMode(mode);
    try {
      await withTree((base) => {
        const home = Deno.cwd();
        withPinnedDirectory(`${base}/dir`, (dir) => {
          assert.equal(dir.descend("link-dir"), null);
          assert.equal(dir.descend("missing"), null);
        });
        assert.throws(() =>
          withPinnedDirectory(`${base}/dir`, () => {
            throw new Error("boom");
          }), /boom/);
        assert.equal(Deno.cwd(), home);
        assert.throws(
          () => withPinnedDirectory(`${base}/missing`, () => 1),
          (error: { code?: string }) =>
            error.code === "ENOENT" || error instanceof Deno.errors.NotFound,
        );
      });
    } finally {
      forceContainmentMode(null);
    }
  });
}

Deno.test("withPinnedDirectory() never nests windows", async () => {
  await withTree((base) => {
    assert.throws(
      () =>
        withPinnedDirectory(
          base,
          () => withPinnedDirectory(`${base}/dir`, () => 1),
        ),
      /never nest/,
    );
  });
});

Deno.test('containmentMode() is "cwd" here: Linux, read access to the working directory, no --allow-all', () => {
  // The test task grants --allow-read but not --allow-all; Deno then keeps
  // /proc/self/fd to itself.
  assert.equal(containmentMode(), Deno.build.os === "windows" ? "path" : "cwd");
});

for (const mode of MODES) {
  Deno.test(`withPinnedDirectory() (${mode} mode): a directory swapped for a symlink while held has its entries refused, neither seen nor opened`, async () => {
    forceContainmentMode(mode);
    try {
      await withTree((base) => {
        withPinnedDirectory(`${base}/dir`, (dir) => {
          // What the attacker does: the held directory is renamed away and
          // a symlink to a folder outside put at its name.
          Deno.mkdirSync(`${base}/outdir`);
          Deno.writeTextFileSync(`${base}/outdir/a.txt`, "outside");
          Deno.renameSync(`${base}/dir`, `${base}/aside`);
          Deno.symlinkSync(`${base}/outdir`, `${base}/dir`);
          try {
            const refused = (error: { code?: string }) =>
              error.code === "ELOOP";
            // What is seen of an entry, and what is opened, come from looks
            // after which the directory was found still at its name.
            assert.throws(() => dir.lstat("a.txt"), refused);
            assert.throws(() => dir.open("a.txt"), refused);
          } finally {
            Deno.removeSync(`${base}/dir`);
            Deno.renameSync(`${base}/aside`, `${base}/dir`);
          }
        });
      });
    } finally {
      forceContainmentMode(null);
    }
  });
}
