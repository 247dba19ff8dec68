/**
 * What loads at start, read from the module graph `deno info` reports: the
 * modules of features a default run does not use are reached from
 * `mod.ts` and `main.ts` only through a dynamic `import()`, so they cost
 * no memory until first used (issue #14), and still are in the graph that
 * `deno compile` and `deno publish` ship.
 */

import assert from "node:assert/strict";
import { denoInRepo } from "./_package.ts";

const SRC = new URL("../src/", import.meta.url).href;

interface Dependency {
  code?: { specifier: string };
  isDynamic?: boolean;
}

interface GraphModule {
  specifier: string;
  dependencies?: Dependency[];
}

/** The module graph of `entry`: every module, and those loaded at start. */
async function moduleGraph(
  entry: string,
): Promise<{ all: Set<string>; atStart: Set<string> }> {
  const { code, stdout, stderr } = await denoInRepo(["info", "--json", entry]);
  assert.equal(code, 0, stderr);
  const graph = JSON.parse(stdout) as {
    roots: string[];
    modules: GraphModule[];
  };
  const modules = new Map(graph.modules.map((m) => [m.specifier, m]));
  // Static imports of code load with their importer; a dynamic import,
  // or an import of types only, loads nothing at start.
  const atStart = new Set<string>();
  const pending = [...graph.roots];
  while (pending.length > 0) {
    const specifier = pending.pop()!;
    if (atStart.has(specifier)) continue;
    atStart.add(specifier);
    for (const dependency of modules.get(specifier)?.dependencies ?? []) {
      if (dependency.code !== undefined && !dependency.isDynamic) {
        pending.push(dependency.code.specifier);
      }
    }
  }
  return { all: new Set(modules.keys()), atStart };
}

/** Paths under `src/`, of the graph's modules there, matching `pattern`. */
function under(modules: Set<string>, pattern: RegExp): string[] {
  return [...modules]
    .filter((specifier) => specifier.startsWith(SRC))
    .map((specifier) => specifier.slice(SRC.length))
    .filter((path) => pattern.test(path))
    .sort();
}

/**
 * What of HTTP/2 loads at start: its limits, which `serve()` validates, and
 * the settings' bounds they stand on (9 KB of its 210).
 */
const HTTP2_AT_START = [
  "http2/error_codes.ts",
  "http2/http2_error.ts",
  "http2/http2_limits.ts",
  "http2/settings.ts",
];

for (const entry of ["mod.ts", "main.ts"]) {
  Deno.test(`${entry} loads HTTP/2's engine only when a connection needs it`, async () => {
    const { all, atStart } = await moduleGraph(entry);
    assert.deepEqual(under(atStart, /^http2\//), HTTP2_AT_START);
    assert.ok(
      all.has(`${SRC}http2/serve_http2_connection.ts`),
      "the engine is in the graph, imported dynamically",
    );
  });
}

/**
 * What of live reload loads at start: the script element and how pages get
 * it, which the file answers carry (8 KB of its 30).
 */
const LIVE_RELOAD_AT_START = [
  "static/live_reload_page.ts",
  "static/live_reload_tag.ts",
];

for (const entry of ["mod.ts", "main.ts"]) {
  Deno.test(`${entry} loads live reload's paths and event stream only when it is on`, async () => {
    const { all, atStart } = await moduleGraph(entry);
    assert.deepEqual(
      under(atStart, /^static\/live_reload/),
      LIVE_RELOAD_AT_START,
    );
    assert.ok(
      all.has(`${SRC}static/live_reload.ts`),
      "they are in the graph, imported dynamically",
    );
  });
}
