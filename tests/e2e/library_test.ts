/**
 * Used as a library, for real: berth serves this repository, and a separate
 * Deno, in a folder with no `deno.json` and a fresh module cache, imports
 * `mod.ts` from it by URL, with `deno run` and with `deno serve`; and
 * berth serves only the files `deno publish` would upload, and the CLI
 * runs from them by URL, as `jsr:@berth/berth/cli` would.
 */
import assert from "node:assert/strict";
import { fileURLToPath as fromFileUrl } from "node:url";
import type { AccessLogEntry } from "../../src/http1/access_log_entry.ts";
import { serve } from "../../src/serve.ts";
import { createStaticHandler } from "../../src/static/static_handler.ts";
import { publishDryRun } from "../_package.ts";
import { spawnUntil } from "./_process.ts";

const REPO = fromFileUrl(new URL("../../", import.meta.url));
const HELLO = "hello from a library user\n";

/** What a test gets: the repo's URL, a project folder, a module cache. */
interface Workspace {
  /** The port berth serves the repository on. */
  port: number;
  /** `http://127.0.0.1:PORT/mod.ts`. */
  modUrl: string;
  /** A temporary folder with no `deno.json`, holding `site/hello.txt`. */
  dir: string;
  /** The child's environment: a fresh, empty `DENO_DIR`. */
  env: Record<string, string>;
}

/**
 * Serve the repository (or `root`) with berth (dotfiles hidden) while `fn`
 * runs, in a fresh project folder and module cache; remove both after.
 * Returns the requests the server answered.
 */
async function withRepoServed(
  fn: (workspace: Workspace) => Promise<void>,
  root: string = REPO,
): Promise<AccessLogEntry[]> {
  const entries: AccessLogEntry[] = [];
  const dir = await Deno.makeTempDir({ prefix: "berth-e2e-lib-" });
  const denoDir = await Deno.makeTempDir({ prefix: "berth-e2e-deno-dir-" });
  try {
    await Deno.mkdir(`${dir}/site`);
    await Deno.writeTextFile(`${dir}/site/hello.txt`, HELLO);
    const server = serve(createStaticHandler({ root, dotfiles: false }), {
      hostname: "127.0.0.1",
      port: 0,
      onListen() {},
      onResponse: (entry) => void entries.push(entry),
    });
    try {
      const port = server.addr.port;
      await fn({
        port,
        modUrl: `http://127.0.0.1:${port}/mod.ts`,
        dir,
        env: { DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
      });
    } finally {
      await server.shutdown();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(denoDir, { recursive: true });
  }
  return entries;
}

/** Run `deno ARGS` in the workspace's folder: its exit code and output. */
async function runDeno(
  args: string[],
  { dir, env }: Pick<Workspace, "dir" | "env">,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: dir,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** Check that the child really fetched berth's modules from the server. */
function assertFetchedModules(entries: AccessLogEntry[]): void {
  for (
    const target of [
      "/mod.ts",
      "/src/serve.ts",
      "/src/static/static_handler.ts",
    ]
  ) {
    const found = entries.filter((entry) => entry.target === target);
    assert.ok(found.length > 0, `the child fetched ${target}`);
    assert.ok(found.every((entry) => entry.status === 200), target);
    assert.match(found[0].userAgent, /^Deno\//);
  }
  assert.ok(
    entries.every((entry) => entry.status === 200),
    `every module was found: ${
      entries.filter((e) => e.status !== 200).map((e) =>
        `${e.target} ${e.status}`
      )
    }`,
  );
}

Deno.test("Used as a library: deno run imports mod.ts by URL and serves a folder", async () => {
  const entries = await withRepoServed(async ({ port, modUrl, dir, env }) => {
    await Deno.writeTextFile(
      `${dir}/script.ts`,
      `import http2 from "node:http2";
import { createStaticHandler, serve } from ${JSON.stringify(modUrl)};

const server = serve(createStaticHandler({ root: ${
        JSON.stringify(`${dir}/site`)
      }, liveReload: true }), {
  hostname: "127.0.0.1",
  port: 0,
});
const url = \`http://127.0.0.1:\${server.addr.port}\`;
const response = await fetch(\`\${url}/hello.txt\`);
console.log(response.status, response.headers.get("content-type"));
console.log(await response.text());
// What loads on first use comes by URL too: live reload, HTTP/2 (h2c).
const script = await fetch(\`\${url}/.berth/live-reload.js\`);
await script.body?.cancel();
const session = http2.connect(url);
const h2Status = await new Promise((resolve, reject) => {
  const stream = session.request({ ":path": "/hello.txt" });
  stream.on("response", (headers) => resolve(headers[":status"]));
  stream.on("error", reject);
  stream.resume();
});
await new Promise((resolve) => session.close(resolve));
console.log(script.status, h2Status);
await server.shutdown();
`,
    );
    const { code, stdout, stderr } = await runDeno([
      "run",
      "--no-config",
      `--allow-import=127.0.0.1:${port}`,
      "--allow-net=127.0.0.1",
      `--allow-read=${dir}`,
      "script.ts",
    ], { dir, env });
    assert.equal(code, 0, `stdout: ${stdout}\nstderr: ${stderr}`);
    const lines = stdout.split("\n");
    assert.match(lines[0], /^Listening on http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.equal(
      lines.slice(1).join("\n"),
      `200 text/plain; charset=utf-8\n${HELLO}\n200 200\n`,
    );
    // A fresh cache: Deno says what it downloaded, from this server only.
    assert.match(stderr, new RegExp(`Download ${modUrl}`));
  });
  assertFetchedModules(entries);
});

Deno.test("Used as a library: deno serve runs a module that exports createStaticHandler", async () => {
  const entries = await withRepoServed(async ({ port, modUrl, dir, env }) => {
    await Deno.writeTextFile(
      `${dir}/serve_module.ts`,
      `import { createStaticHandler } from ${JSON.stringify(modUrl)};

export default {
  fetch: createStaticHandler({ root: ${JSON.stringify(`${dir}/site`)} }),
} satisfies Deno.ServeDefaultExport;
`,
    );
    const child = await spawnUntil(
      Deno.execPath(),
      [
        "serve",
        "--no-config",
        "--port",
        "0",
        "--host",
        "127.0.0.1",
        `--allow-import=127.0.0.1:${port}`,
        `--allow-read=${dir}`,
        "serve_module.ts",
      ],
      /deno serve: Listening on (http:\/\/127\.0\.0\.1:\d+\/)/,
      { cwd: dir, env },
    );
    try {
      const base = child.match[1];
      const hello = await fetch(`${base}hello.txt`);
      assert.equal(hello.status, 200);
      assert.equal(
        hello.headers.get("content-type"),
        "text/plain; charset=utf-8",
      );
      assert.ok(hello.headers.get("etag"), "an ETag");
      assert.equal(await hello.text(), HELLO);

      const part = await fetch(`${base}hello.txt`, {
        headers: { range: "bytes=0-4" },
      });
      assert.equal(part.status, 206);
      assert.equal(
        part.headers.get("content-range"),
        `bytes 0-4/${HELLO.length}`,
      );
      assert.equal(await part.text(), "hello");

      const missing = await fetch(`${base}no-such-file.txt`);
      assert.equal(missing.status, 404);
      await missing.body?.cancel();
    } finally {
      const { code, output } = await child.stop("SIGTERM");
      assert.equal(code, 0, `deno serve stops cleanly on SIGTERM: ${output}`);
    }
  });
  assertFetchedModules(entries);
});

Deno.test("Used as a library: without --allow-import, Deno refuses the URL import and names the flag", async () => {
  await withRepoServed(async ({ port, modUrl, dir, env }) => {
    await Deno.writeTextFile(
      `${dir}/script.ts`,
      `import { serve } from ${
        JSON.stringify(modUrl)
      };\nconsole.log(typeof serve);\n`,
    );
    const { code, stdout, stderr } = await runDeno(
      ["run", "--no-config", "--allow-net=127.0.0.1", "script.ts"],
      { dir, env },
    );
    assert.equal(code, 1, stderr);
    assert.equal(stdout, "");
    assert.match(
      stderr,
      new RegExp(
        `Requires import access to "127\\.0\\.0\\.1:${port}", run again with the --allow-import flag`,
      ),
    );
  });
});

Deno.test("The published files alone: the CLI runs from them by URL, serves a folder, asks for --unstable-net for --workers", async () => {
  const { code, output, files } = await publishDryRun();
  assert.equal(code, 0, output);
  const packageDir = await Deno.makeTempDir({ prefix: "berth-e2e-package-" });
  try {
    for (const file of files) {
      const target = `${packageDir}/${file}`;
      await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), {
        recursive: true,
      });
      await Deno.copyFile(`${REPO}${file}`, target);
    }
    const entries = await withRepoServed(async ({ port, dir, env }) => {
      // The CLI by URL, as a user runs it from a folder of their own.
      const cli = [
        "run",
        `--allow-import=127.0.0.1:${port}`,
        "--allow-net=127.0.0.1",
        `--allow-read=${dir}`,
        `http://127.0.0.1:${port}/main.ts`,
      ];
      const child = await spawnUntil(
        Deno.execPath(),
        [...cli, "site", "--port", "0"],
        /^Listening on (http:\/\/127\.0\.0\.1:\d+\/)/m,
        { cwd: dir, env },
      );
      try {
        const hello = await fetch(`${child.match[1]}hello.txt`);
        assert.equal(hello.status, 200);
        assert.equal(await hello.text(), HELLO);
      } finally {
        const { code, output } = await child.stop("SIGTERM");
        assert.equal(code, 0, output);
      }
      // Run from elsewhere, the package's deno.json ("unstable": ["net"]) does
      // not apply: --workers asks for the flag (on Linux; elsewhere berth
      // serves from one thread).
      if (Deno.build.os !== "linux") return;
      const workers = await runDeno(
        [...cli, "site", "--port", "0", "--workers", "2"],
        { dir, env },
      );
      assert.equal(workers.code, 1, workers.stderr);
      assert.match(
        workers.stderr,
        /^berth: --workers needs SO_REUSEPORT.*--unstable-net/,
      );
    }, packageDir);
    // The CLI's whole module graph came from the package's files.
    assert.ok(entries.some((entry) => entry.target === "/src/cli/run.ts"));
    assert.deepEqual(
      entries.filter((entry) => entry.status !== 200).map((entry) =>
        `${entry.target} ${entry.status}`
      ),
      [],
    );
  } finally {
    await Deno.remove(packageDir, { recursive: true });
  }
});
