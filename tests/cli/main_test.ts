/**
 * The CLI as users run it: spawned with `Deno.execPath()`, read the banner,
 * fetch, stop with a signal.
 */
import assert from "node:assert/strict";
import { fileURLToPath as fromFileUrl } from "node:url";

const MAIN = fromFileUrl(new URL("../../main.ts", import.meta.url));
const REPO = fromFileUrl(new URL("../../", import.meta.url));

/** A running CLI, its URL read from the first line it printed. */
interface RunningCli {
  url: string;
  child: Deno.ChildProcess;
  rest: Promise<string>;
}

async function startCli(args: string[]): Promise<RunningCli> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net=127.0.0.1", "--allow-read", MAIN, ...args],
    cwd: REPO,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { done, value } = await lines.read();
    if (done) break;
    text += value;
  }
  const match = text.match(/^Listening on (http:\/\/\S+)/);
  if (!match) {
    child.kill();
    await child.status;
    throw new Error(`No banner, got: ${JSON.stringify(text)}`);
  }
  const rest = (async () => {
    let more = text.slice(text.indexOf("\n") + 1);
    while (true) {
      const { done, value } = await lines.read();
      if (done) return more;
      more += value;
    }
  })();
  return { url: match[1], child, rest };
}

async function stopCli(cli: RunningCli): Promise<Deno.CommandStatus> {
  cli.child.kill("SIGTERM");
  await cli.rest;
  await cli.child.stderr.cancel();
  return await cli.child.status;
}

async function runCli(args: string[]) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net=127.0.0.1", "--allow-read", MAIN, ...args],
    cwd: REPO,
    env: { NO_COLOR: "1" },
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

Deno.test("main.ts serves static/index.html at / and 404.html elsewhere", async () => {
  const cli = await startCli(["--port", "0"]);
  try {
    assert.match(cli.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const index = await fetch(cli.url);
    assert.equal(index.status, 200);
    assert.match(index.headers.get("content-type") ?? "", /^text\/html/);
    assert.match(await index.text(), /berth is running/);
    const missing = await fetch(new URL("/no/such/page", cli.url));
    assert.equal(missing.status, 404);
    assert.match(await missing.text(), /Nothing here/);
  } finally {
    const status = await stopCli(cli);
    assert.equal(status.code, 0, "SIGTERM is a clean exit");
  }
});

Deno.test("main.ts exits 2 with a one-line reason on an unknown flag", async () => {
  const { code, stderr } = await runCli(["--bogus"]);
  assert.equal(code, 2);
  assert.match(stderr, /^berth: Unknown option '--bogus'/);
  assert.match(stderr, /--help/);
  assert.doesNotMatch(stderr, /\bat .*\.ts:\d+/, "no stack trace");
});

Deno.test("main.ts exits 1 naming the folder when ROOT is missing", async () => {
  const { code, stderr } = await runCli(["no-such-folder", "--port", "0"]);
  assert.equal(code, 1);
  assert.match(stderr, /folder not found: no-such-folder/);
});

Deno.test("main.ts exits 1 and names the port when it is in use", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const { code, stderr } = await runCli([
      "--port",
      String(listener.addr.port),
    ]);
    assert.equal(code, 1);
    assert.match(
      stderr,
      new RegExp(
        `Port ${listener.addr.port} is already in use; choose another with --port`,
      ),
    );
  } finally {
    listener.close();
  }
});

Deno.test("main.ts --help lists every flag and --version prints it", async () => {
  const help = await runCli(["--help"]);
  assert.equal(help.code, 0);
  for (const flag of ["--port", "--host", "--help", "--version"]) {
    assert.ok(help.stdout.includes(flag), `--help mentions ${flag}`);
  }
  const version = await runCli(["--version"]);
  assert.match(version.stdout, /^berth \d+\.\d+\.\d+/);
});
