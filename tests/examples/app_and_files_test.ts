/**
 * `examples/app_and_files.ts`, run as the README says: the app's route
 * answers JSON, every other path is served from ROOT as the CLI would.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const EXAMPLE = fileURLToPath(
  new URL("../../examples/app_and_files.ts", import.meta.url),
);

Deno.test("examples/app_and_files.ts: /api/hello from the app, the rest from ROOT", async () => {
  const root = await Deno.makeTempDir();
  await Deno.writeTextFile(`${root}/index.html`, "<h1>files</h1>");
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-read", EXAMPLE, root, "--port", "0"],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    const { value } = await lines.read();
    const origin = /Listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(
      value ?? "",
    )
      ?.[1];
    assert.ok(origin, `no banner: ${value}`);
    const hello = await fetch(`${origin}/api/hello`);
    assert.equal(hello.status, 200);
    assert.deepEqual(await hello.json(), { hello: "world" });
    const page = await fetch(`${origin}/`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get("content-type"), "text/html; charset=utf-8");
    assert.equal(await page.text(), "<h1>files</h1>");
    const missing = await fetch(`${origin}/api/nope`);
    assert.equal(missing.status, 404);
    await missing.body?.cancel();
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await lines.cancel();
    await Deno.remove(root, { recursive: true });
  }
});
