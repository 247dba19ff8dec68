/**
 * Used as a library, for real: berth serves this repository, and a separate
 * Deno, in a folder with no `deno.json` and a fresh module cache, imports
 * `mod.ts` from it by URL, with `deno run` and with `deno serve`.
 */
import assert from "node:assert/strict";
import { fileURLToPath as fromFileUrl } from "node:url";
import type { AccessLogEntry } from "../../src/http1/access_log_entry.ts";
import { serve } from "../../src/serve.ts";
import { createStaticHandler } from "../../src/static/static_handler.ts";
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
 * Serve the repository with berth (dotfiles hidden) while `fn` runs, in a
 * fresh project folder and module cache; remove both after. Returns the
 * requests the server answered.
 */
async function withRepoServed(
  fn: (workspace: Workspace) => Promise<void>,
): Promise<AccessLogEntry[]> {
  const entries: AccessLogEntry[] = [];
  const dir = await Deno.makeTempDir({ prefix: "berth-e2e-lib-" });
  const denoDir = await Deno.makeTempDir({ prefix: "berth-e2e-deno-dir-" });
  try {
    await Deno.mkdir(`${dir}/site`);
    await Deno.writeTextFile(`${dir}/site/hello.txt`, HELLO);
    const server = serve(createStaticHandler({ root: REPO, dotfiles: false }), {
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
      `import { createStaticHandler, serve } from ${JSON.stringify(modUrl)};

const server = serve(createStaticHandler({ root: ${
        JSON.stringify(`${dir}/site`)
      } }), {
  hostname: "127.0.0.1",
  port: 0,
});
const response = await fetch(\`http://127.0.0.1:\${server.addr.port}/hello.txt\`);
console.log(response.status, response.headers.get("content-type"));
console.log(await response.text());
await server.shutdown();
`,
    );
    const output = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-config",
        `--allow-import=127.0.0.1:${port}`,
        "--allow-net=127.0.0.1",
        `--allow-read=${dir}`,
        "script.ts",
      ],
      cwd: dir,
      env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decoder = new TextDecoder();
    const stdout = decoder.decode(output.stdout);
    const stderr = decoder.decode(output.stderr);
    assert.equal(output.code, 0, `stdout: ${stdout}\nstderr: ${stderr}`);
    const lines = stdout.split("\n");
    assert.match(lines[0], /^Listening on http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.equal(
      lines.slice(1).join("\n"),
      `200 text/plain; charset=utf-8\n${HELLO}\n`,
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
