/**
 * The least-privilege hint as users see it: the banner's command, and what
 * berth prints when run with that command.
 */
import assert from "node:assert/strict";
import { DEFAULT_PERMISSIONS, get, withCli, withRoot } from "./_cli.ts";

const PATH_MODE_NOTE = /cannot hold a directory while it opens a file/;
const HINT = /This run needs less than it was given \(([^)]*)\)/;

Deno.test("main.ts prints the least-privilege command when given more, and that command is exact", async () => {
  await withRoot({ "index.html": "hi" }, async (root) => {
    const args = [root, "--port", "0", "-q"];
    // The documented permissions: every file readable.
    const broad = await withCli(args, async () => {}, {
      deno: DEFAULT_PERMISSIONS,
    });
    const hint = broad.stdout.match(
      new RegExp(`${HINT.source}.*\\n {4}(deno run .*)\\n`),
    );
    assert.ok(hint !== null, broad.stdout);
    assert.equal(hint[1], "read: every file");
    const command = hint[2];
    // The working directory stays readable, so folders are held through it.
    assert.equal(
      command,
      `deno run --allow-read=${root},. --allow-net=127.0.0.1 main.ts ${
        args.join(" ")
      }`,
    );
    const flags = command.split(" ").filter((w) => w.startsWith("--allow-"));
    const exact = await withCli(args, async (cli) => {
      assert.equal((await get(cli.url)).status, 200);
    }, { deno: flags });
    assert.doesNotMatch(exact.stdout, HINT);
    assert.doesNotMatch(exact.stderr, PATH_MODE_NOTE);

    // --allow-all: the same command, said in one word.
    const all = await withCli(args, async () => {}, { deno: ["--allow-all"] });
    assert.match(all.stdout, /\(everything: --allow-all\)/);
    if (Deno.build.os === "linux") {
      // There --allow-all holds folders by descriptor: the hint says what
      // the narrower command gives up.
      assert.match(all.stdout, /the race is narrowed, not closed/);
    }
    assert.ok(all.stdout.includes(command), all.stdout);
  });
});

Deno.test("main.ts names the narrower --allow-read=ROOT, and what it costs, when the root is inside the working directory", async () => {
  const { stdout } = await withCli(
    ["static", "--port", "0", "-q"],
    () => Promise.resolve(),
  );
  assert.match(
    stdout,
    /\n {4}deno run --allow-read=\. --allow-net=127\.0\.0\.1 main\.ts static --port 0 -q\n/,
  );
  assert.match(
    stdout,
    /--allow-read=\.\/static alone is narrower, but then a symlink swapped in inside the root is refused on a best-effort basis only/,
  );
  // With that narrower command berth says the same at start.
  const narrow = await withCli(
    ["static", "--port", "0", "-q"],
    async () => {},
    {
      deno: ["--allow-read=./static", "--allow-net=127.0.0.1"],
    },
  );
  assert.doesNotMatch(narrow.stdout, HINT);
  assert.match(narrow.stderr, PATH_MODE_NOTE);
});

Deno.test("main.ts keeps --allow-env=PORT in the least-privilege command when $PORT chose the port", async () => {
  await withRoot({ "index.html": "hi" }, async (root) => {
    const env = { PORT: "0" };
    const broad = await withCli([root, "-q"], async () => {}, {
      deno: [...DEFAULT_PERMISSIONS, "--allow-env"],
      env,
    });
    const hint = broad.stdout.match(
      new RegExp(`${HINT.source}.*\\n {4}(deno run .*)\\n`),
    );
    assert.ok(hint !== null, broad.stdout);
    assert.equal(hint[1], "read: every file; env: every variable");
    const flags = hint[2].split(" ").filter((w) => w.startsWith("--allow-"));
    assert.deepEqual(flags, [
      `--allow-read=${root},.`,
      "--allow-net=127.0.0.1",
      "--allow-env=PORT",
    ]);
    const exact = await withCli([root, "-q"], async () => {}, {
      deno: flags,
      env,
    });
    assert.doesNotMatch(exact.stdout, HINT);
  });
});
