/**
 * The CLI as users run it: the banner, --help and --version, and each error
 * path's message and exit status.
 */
import assert from "node:assert/strict";
import denoJson from "../../deno.json" with { type: "json" };
import { CLI_FLAGS } from "../../src/cli/parse_args.ts";
import { fileURLToPath } from "node:url";
import { unsupportedDeno } from "../../src/http/deno_version.ts";
import {
  DEFAULT_PERMISSIONS,
  get,
  REPO,
  runCli,
  startCli,
  withCli,
} from "./_cli.ts";

const NO_STACK = /\bat .*\.ts:\d+|^\s+at /m;

Deno.test("main.ts serves static/index.html at / and 404.html elsewhere", async () => {
  await withCli(["--port", "0"], async (cli) => {
    assert.match(cli.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const index = await get(cli.url);
    assert.equal(index.status, 200);
    assert.match(index.headers.get("content-type") ?? "", /^text\/html/);
    assert.match(index.body, /berth is running/);
    const missing = await get(new URL("/no/such/page", cli.url));
    assert.equal(missing.status, 404);
    assert.match(missing.body, /Nothing here/);
  });
});

Deno.test("main.ts banner: the URL on the first line, then the --host hint", async () => {
  const { stdout } = await withCli(["-p", "0"], async (cli) => {
    await cli.stdout.waitFor(/\n.*\n/);
  });
  const lines = stdout.split("\n");
  assert.match(
    lines[0],
    /^Listening on http:\/\/127\.0\.0\.1:\d+\/ — serving \.\/static$/,
  );
  assert.equal(lines[1], "  Use --host 0.0.0.0 to expose on the network");
  assert.ok(!stdout.includes("\x1b["), "no colors off a terminal");
});

Deno.test("main.ts takes ROOT, and PORT from the environment with --allow-env", async () => {
  await withCli(["tests/cli", "--port", "0"], async (cli) => {
    const response = await get(new URL("/_cli.ts", cli.url));
    assert.equal(response.status, 200);
    assert.match(response.body, /Helpers to run the CLI/);
  });
  const env = { PORT: "not-a-port" };
  const read = await runCli([], {
    deno: ["--allow-net=127.0.0.1", "--allow-read", "--allow-env=PORT"],
    env,
  });
  assert.equal(read.code, 2);
  assert.match(read.stderr, /^berth: Invalid PORT: "not-a-port"/);
  const cli = await startCli([], {
    deno: ["--allow-net=127.0.0.1", "--allow-read", "--allow-env=PORT"],
    env: { PORT: "0" },
  });
  assert.doesNotMatch(cli.url, /:8000\//);
  assert.equal((await cli.stop()).code, 0);
});

Deno.test("main.ts exits 2 with a one-line reason and the usage hint on a bad command line", async () => {
  const table: [string[], RegExp][] = [
    [["--bogus"], /^berth: Unknown option '--bogus'/],
    [["--port", "x"], /^berth: Invalid port: "x"/],
    [["--workers", "0"], /^berth: Invalid --workers: "0"/],
    [["--cert", "cert.pem"], /^berth: --cert needs --key/],
    [["-H", "bad header"], /^berth: Invalid --header/],
  ];
  for (const [args, want] of table) {
    const { code, stdout, stderr } = await runCli(args);
    assert.equal(code, 2, args.join(" "));
    assert.equal(stdout, "");
    assert.match(stderr, want);
    assert.equal(stderr.split("\n")[1], "Run with --help for usage.");
    assert.equal(stderr.trimEnd().split("\n").length, 2);
    assert.doesNotMatch(stderr, NO_STACK);
  }
});

Deno.test("main.ts on a Deno older than it supports exits 1 with one line naming the version to install", async () => {
  const older = fileURLToPath(
    new URL("../_older_deno_preload.ts", import.meta.url),
  );
  // --help first: it would exit at once (0) without the check.
  for (const args of [["--help"], ["--port", "0"]]) {
    const { code, stdout, stderr } = await runCli(args, {
      deno: [...DEFAULT_PERMISSIONS, "--preload", older],
    });
    assert.equal(code, 1);
    assert.equal(stdout, "");
    assert.equal(stderr, `berth: ${unsupportedDeno("2.8.3")}\n`);
  }
});

Deno.test("main.ts exits 1 naming the folder when ROOT is missing or a file", async () => {
  const missing = await runCli(["no-such-folder", "--port", "0"]);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, "berth: folder not found: ./no-such-folder\n");
  const file = await runCli(["deno.json", "--port", "0"]);
  assert.equal(file.code, 1);
  assert.equal(file.stderr, "berth: not a folder: ./deno.json\n");
});

Deno.test("main.ts exits 1 and names the port when it is in use", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  const { code, stderr } = await runCli(["--port", String(port)]);
  assert.equal(code, 1);
  assert.equal(
    stderr,
    `berth: Port ${port} is already in use; choose another with --port\n`,
  );
});

Deno.test("main.ts exits 1 naming the exact permission flag to add", async () => {
  const noRead = await runCli(["--port", "0"], { deno: ["--allow-net"] });
  assert.equal(noRead.code, 1);
  assert.equal(
    noRead.stderr,
    "berth: no permission to read ./static; add --allow-read=./static\n",
  );
  const noNet = await runCli(["--port", "8123"], { deno: ["--allow-read"] });
  assert.equal(noNet.code, 1);
  assert.equal(
    noNet.stderr,
    "berth: no permission to listen on 127.0.0.1:8123; add --allow-net=127.0.0.1:8123\n",
  );
  // Scoped permissions are enough.
  await withCli(["--port", "0"], async () => {}, {
    deno: ["--allow-net=127.0.0.1", "--allow-read=static"],
  });
});

Deno.test("main.ts --help lists every flag with its default, and examples", async () => {
  for (const flag of ["--help", "-h"]) {
    const { code, stdout, stderr } = await runCli([flag]);
    assert.equal(code, 0);
    assert.equal(stderr, "");
    for (
      const name of [...CLI_FLAGS, "-p", "-H", "-q", "-v", "-h", "-V", "ROOT"]
    ) {
      assert.ok(stdout.includes(name), `--help mentions ${name}`);
    }
    for (
      const text of [
        "(default: static)",
        "(default: 8000",
        "(default: 127.0.0.1",
        "(default: 10000)",
        "(default: 1048576)",
        "(default: 5000)",
        "(default: 1, the main",
        "--spa=FILE",
        "Examples:",
        "--allow-net=unix:PATH",
        "--unstable-net",
      ]
    ) {
      assert.ok(stdout.includes(text), `--help says ${text}`);
    }
    const lines = stdout.split("\n");
    assert.ok(lines.every((line) => line.length <= 100), "fits a terminal");
  }
});

Deno.test("main.ts --version and -V print the version", async () => {
  for (const flag of ["--version", "-V"]) {
    const { code, stdout } = await runCli([flag]);
    assert.equal(code, 0);
    assert.equal(stdout, `berth ${denoJson.version}\n`);
  }
});

Deno.test("main.ts says at start when it cannot hold a directory while it opens a file (--allow-read=ROOT)", async () => {
  const note = /cannot hold a directory while it opens a file/;
  const scoped = await withCli(["static", "--port", "0"], async (cli) => {
    assert.equal((await get(cli.url)).status, 200);
  }, { deno: ["--allow-net=127.0.0.1", `--allow-read=${REPO}static`] });
  assert.match(scoped.stderr, note);
  const documented = await withCli(["--port", "0"], async (cli) => {
    assert.equal((await get(cli.url)).status, 200);
  });
  assert.doesNotMatch(documented.stderr, note);
});

Deno.test("main.ts follows ROOT/_redirects, and reports its bad lines on stderr at start", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${root}/index.html`, "<h1>home</h1>");
    await Deno.writeTextFile(`${root}/_redirects`, "/old / 302\n/bad\n");
    const { stderr } = await withCli(
      [root, "--port", "0", "-q"],
      async (cli) => {
        const old = await fetch(new URL("/old", cli.url), {
          redirect: "manual",
        });
        assert.equal(old.status, 302);
        assert.equal(old.headers.get("location"), "/");
        await old.body?.cancel();
        assert.equal((await get(new URL("/_redirects", cli.url))).status, 404);
        await cli.stderr.waitFor(/_redirects:2: a rule needs FROM and TO/);
      },
    );
    assert.equal(stderr.match(/_redirects:2/g)?.length, 1, "reported once");
    const files = await withCli(
      [root, "--port", "0", "-q", "--no-site-rules"],
      async (cli) => {
        assert.equal((await get(new URL("/_redirects", cli.url))).status, 200);
      },
    );
    assert.doesNotMatch(files.stderr, /_redirects:2/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
