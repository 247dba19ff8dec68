import assert from "node:assert/strict";
import { RootRealPath } from "../../src/static/root_real_path.ts";

Deno.test("RootRealPath resolves the root's real path and trusts it for revalidateMs", async () => {
  const base = await Deno.realPath(await Deno.makeTempDir());
  try {
    await Deno.mkdir(`${base}/v1`);
    await Deno.mkdir(`${base}/v2`);
    await Deno.symlink(`${base}/v1`, `${base}/current`);
    let now = 0;
    const root = new RootRealPath(`${base}/current`, {
      revalidateMs: 1000,
      now: () => now,
    });
    assert.equal(root.real, null);
    assert.equal(root.readyForHit(now), false);
    assert.equal(await root.resolve(), `${base}/v1`);
    assert.equal(root.readyForHit(now), true);

    await Deno.remove(`${base}/current`);
    await Deno.symlink(`${base}/v2`, `${base}/current`);
    now = 999;
    assert.equal(await root.resolve(), `${base}/v1`, "still trusted");
    now = 1000;
    assert.equal(root.readyForHit(now), false);
    assert.equal(await root.resolve(), `${base}/v2`);

    await Deno.remove(`${base}/current`);
    now = 2000;
    assert.equal(await root.resolve(), null);
    assert.equal(root.readyForHit(now), false);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});
