/**
 * berth as a JSR package: what `deno publish` would upload, what the package
 * exports, and how its documentation reads to a user of those exports.
 * `deno publish --dry-run` works offline: it checks the package and lists
 * its files without contacting the registry.
 */

import assert from "node:assert/strict";
import { dirname } from "node:path";
import denoJson from "../deno.json" with { type: "json" };
import { spawnUntil } from "./e2e/_process.ts";
import { denoInRepo as deno, publishDryRun, REPO } from "./_package.ts";

const REPO_URL = new URL("../", import.meta.url);

/** Every `.ts` file under `src/`, as a path from the repository. */
function sourceFiles(folder = "src"): string[] {
  const files: string[] = [];
  for (const entry of Deno.readDirSync(new URL(`${folder}/`, REPO_URL))) {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory) files.push(...sourceFiles(path));
    else if (entry.isFile && entry.name.endsWith(".ts")) files.push(path);
  }
  return files;
}

Deno.test("deno publish --dry-run passes and lists only what users need", async () => {
  const { code, output, files } = await publishDryRun();
  assert.equal(code, 0, output);
  assert.match(output, /Success Dry run complete/);
  const wanted = [
    "ARCHITECTURE.md",
    "LICENSE",
    "README.md",
    "deno.json",
    "main.ts",
    "mod.ts",
    ...sourceFiles(),
  ].sort();
  assert.deepEqual(files, wanted);
  // What only contributors need stays home.
  const stray = files.filter((path) =>
    /^(?:tests|bench|tools|support|static|\.ci)\//.test(path) ||
    /_test\.ts$|_bench\.ts$/.test(path)
  );
  assert.deepEqual(stray, []);
});

Deno.test("deno.json exports the library and the command line, under an MIT license", async () => {
  assert.equal(denoJson.name, "@berth/berth");
  assert.equal(denoJson.license, "MIT");
  assert.deepEqual(denoJson.exports, { ".": "./mod.ts", "./cli": "./main.ts" });
  const license = await Deno.readTextFile(new URL("LICENSE", REPO_URL));
  assert.match(
    license,
    /^MIT License\n\nCopyright \(c\) 2026 the berth authors\n/,
  );
});

Deno.test("jsr:@berth/berth/cli runs the command line (resolved to this package here)", async () => {
  // Inside the package's own folder a jsr: specifier of its name resolves to
  // the local files: the same export path a user runs once it is published.
  const { code, stdout, stderr } = await deno([
    "run",
    "--allow-read",
    "jsr:@berth/berth/cli",
    "--version",
  ]);
  assert.equal(code, 0, stderr);
  assert.equal(stdout, `berth ${denoJson.version}\n`);
});

Deno.test("Importing the cli export does nothing: main.ts starts only as the main module", async () => {
  const { code, stdout, stderr } = await deno([
    "eval",
    `await import("@berth/berth/cli"); console.log("imported");`,
  ]);
  assert.equal(code, 0, stderr);
  assert.equal(stdout, "imported\n");
  assert.equal(stderr, "");
});

/**
 * `deno install -g` the CLI into a temporary root with `flags`, run the
 * installed `berth` with `args` until its output matches `pattern`, stop it.
 */
async function withInstalledBerth(
  flags: string[],
  args: string[],
  pattern: RegExp,
  ending: "exits" | "stopped",
): Promise<{ code: number; output: string }> {
  const root = await Deno.makeTempDir({ prefix: "berth-install-" });
  try {
    const installed = await deno([
      "install",
      "-g",
      "--root",
      root,
      ...flags,
      "-n",
      "berth",
      "main.ts",
    ]);
    assert.equal(installed.code, 0, installed.stderr);
    // The installed script runs `deno`: this one.
    const path = `${dirname(Deno.execPath())}:${Deno.env.get("PATH") ?? ""}`;
    const child = await spawnUntil(`${root}/bin/berth`, args, pattern, {
      cwd: REPO,
      env: { PATH: path },
    });
    // A run that fails exits by itself: a signal sent then could win the
    // race and change the exit code.
    return ending === "exits"
      ? await child.exited()
      : await child.stop("SIGTERM");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test({
  name:
    "deno install ignores the repository's deno.json: --workers needs --unstable-net given to deno install",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const permissions = ["--allow-net=127.0.0.1", "--allow-read"];
    const args = ["static", "--port", "0", "--workers", "2"];
    const without = await withInstalledBerth(
      permissions,
      args,
      /--unstable-net/,
      "exits",
    );
    assert.equal(without.code, 1, without.output);
    assert.match(
      without.output,
      /^berth: --workers needs SO_REUSEPORT.*--unstable-net/m,
    );
    const withFlag = await withInstalledBerth(
      ["--unstable-net", ...permissions],
      args,
      /2 worker threads share the port/,
      "stopped",
    );
    assert.equal(withFlag.code, 0, withFlag.output);
    assert.match(withFlag.output, /^Listening on http:\/\/127\.0\.0\.1:\d+\//);
  },
});

/** Every documentation text of the exports, with where it is. */
function docTexts(node: unknown, where: string, found: [string, string][]) {
  if (Array.isArray(node)) {
    for (const item of node) docTexts(item, where, found);
  } else if (typeof node === "object" && node !== null) {
    const record = node as Record<string, unknown>;
    const here = typeof record.name === "string"
      ? `${where}.${record.name}`
      : where;
    if (typeof record.doc === "string") found.push([here, record.doc]);
    for (const value of Object.values(record)) docTexts(value, here, found);
  }
}

Deno.test("The exports' documentation reads as a user writes: examples import the package, links name exports", async () => {
  const { code, stdout, stderr } = await deno([
    "doc",
    "--json",
    "mod.ts",
    "main.ts",
  ]);
  assert.equal(code, 0, stderr);
  const doc = JSON.parse(stdout) as {
    nodes: Record<string, { symbols: { name: string }[] }>;
  };
  const exported = new Set(
    Object.values(doc.nodes).flatMap((node) => node.symbols.map((s) => s.name)),
  );
  assert.ok(exported.has("createStaticHandler"));
  const texts: [string, string][] = [];
  docTexts(doc.nodes, "", texts);
  const relativeImports: string[] = [];
  const examples: string[] = [];
  const unexportedLinks: string[] = [];
  for (const [where, text] of texts) {
    for (const [, specifier] of text.matchAll(/\bfrom "([^"]+)"/g)) {
      examples.push(specifier);
      if (specifier.startsWith(".")) {
        relativeImports.push(`${where}: ${specifier}`);
      }
    }
    for (const [, target] of text.matchAll(/\{@link(?:code)?\s+([\w$]+)/g)) {
      if (!exported.has(target)) unexportedLinks.push(`${where}: ${target}`);
    }
  }
  assert.ok(examples.includes("@berth/berth"), "some example imports berth");
  assert.deepEqual(relativeImports, []);
  assert.deepEqual(unexportedLinks, []);
});
