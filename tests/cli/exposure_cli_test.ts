/**
 * The start-up exposure audit as users see it: the spawned CLI's stderr,
 * and --strict-exposure's exit status.
 */
import assert from "node:assert/strict";
import { DEFAULT_PERMISSIONS, get, runCli, withCli, withRoot } from "./_cli.ts";

const KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEA\n";
const PEM_KEY = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG\n";

/** A site with a key, a database and an environment file in it. */
const LEAKY = {
  "index.html": "<h1>hi</h1>",
  "id_rsa": KEY,
  "keys/server.pem": PEM_KEY,
  "data/app.db": "SQLite format 3",
  ".env": "SECRET=1",
};

Deno.test("main.ts warns on stderr about each file it would serve that should never be public", async () => {
  await withRoot(LEAKY, async (root) => {
    const plain = await withCli([root, "--port", "0", "-q"], async (cli) => {
      // What it names is served indeed.
      assert.equal((await get(new URL("/id_rsa", cli.url))).status, 200);
      assert.equal((await get(new URL("/.env", cli.url))).status, 404);
    });
    const lines = plain.stderr.split("\n").filter((l) => /expos/.test(l));
    assert.deepEqual(lines, [
      `berth: exposed: ${root}/id_rsa (a private key)`,
      `berth: exposed: ${root}/data/app.db (a database file)`,
      `berth: exposed: ${root}/keys/server.pem (a private key)`,
      `berth: exposure audit: 3 entries that should never be public are served from ${root}; move them out of it (--strict-exposure refuses to start while any is)`,
    ]);

    const dotfiles = await withCli(
      [root, "--port", "0", "-q", "--dotfiles"],
      async () => {},
    );
    assert.match(
      dotfiles.stderr,
      new RegExp(
        `^berth: exposed: ${root}/\\.env \\(an environment file, where secrets usually live; a dotfile, served because of --dotfiles\\)$`,
        "m",
      ),
    );
    assert.match(dotfiles.stderr, /: 4 entries that should never be public/);
  });
});

Deno.test("main.ts says nothing of exposure when the root is clean", async () => {
  await withRoot({ "index.html": "hi", ".env": "SECRET=1" }, async (root) => {
    const { stderr } = await withCli([root, "--port", "0", "-q"], async () => {
    });
    assert.doesNotMatch(stderr, /expos/);
  });
  // The default site too.
  const { stderr } = await withCli(["--port", "0", "-q"], async () => {});
  assert.doesNotMatch(stderr, /expos/);
});

Deno.test("main.ts --strict-exposure exits 1 while anything is exposed, and starts when clean", async () => {
  await withRoot(LEAKY, async (root) => {
    const refused = await runCli([root, "--port", "0", "--strict-exposure"]);
    assert.equal(refused.code, 1);
    assert.equal(refused.stdout, "", "no banner: never listened");
    const lines = refused.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 5);
    assert.match(lines[0], /^berth: exposed: .*\/id_rsa \(a private key\)$/);
    assert.equal(
      lines[4],
      "berth: --strict-exposure: not starting while the exposure audit is not clean",
    );
  });
  await withRoot({ "index.html": "hi" }, async (root) => {
    await withCli([root, "--port", "0", "--strict-exposure"], async (cli) => {
      assert.equal((await get(cli.url)).status, 200);
    });
  });
});

Deno.test({
  name: "main.ts --workers 2 audits once, in the main thread",
  ignore: Deno.build.os !== "linux",
  async fn() {
    await withRoot(LEAKY, async (root) => {
      const { stderr } = await withCli(
        [root, "--port", "0", "-q", "--workers", "2"],
        async () => {},
        { deno: ["--unstable-net", ...DEFAULT_PERMISSIONS] },
      );
      assert.equal(stderr.match(/\/id_rsa \(a private key\)/g)?.length, 1);
      assert.equal(stderr.match(/exposure audit: /g)?.length, 1);
    });
  },
});
