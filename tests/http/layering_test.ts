/**
 * The layering the architecture rests on: `src/http/` (wire vocabulary) is a
 * leaf, and the engine (`src/http1/`) and the file handler (`src/static/`)
 * meet only there, never importing each other. HTTP/2 (`src/http2/`) stands
 * on `src/http/` and on the engine's contracts alone (`ENGINE_CONTRACTS`):
 * the connection type, the handler and its info, the limits, the tracker,
 * writes under a deadline, the response-body probe, access-log entries and
 * the methods a `Request` cannot carry — so both protocols serve one handler
 * under one set of limits, and HTTP/2 never depends on how HTTP/1.1 parses
 * or frames. Its codecs stand on `src/http/` alone (tests/http2/).
 */

import assert from "node:assert/strict";

const SRC = new URL("../../src/", import.meta.url);
const IMPORT = /^\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gm;

/** Every relative import of the `.ts` files in `folder`, as paths from src/. */
function importsOf(folder: string): { file: string; target: string }[] {
  const found: { file: string; target: string }[] = [];
  for (const entry of Deno.readDirSync(new URL(folder + "/", SRC))) {
    if (!entry.isFile || !entry.name.endsWith(".ts")) continue;
    const url = new URL(`${folder}/${entry.name}`, SRC);
    for (const [, specifier] of Deno.readTextFileSync(url).matchAll(IMPORT)) {
      if (!specifier.startsWith(".")) continue;
      const target = new URL(specifier, url).href.slice(SRC.href.length);
      found.push({ file: `${folder}/${entry.name}`, target });
    }
  }
  return found;
}

/** The modules of `src/http1/` that HTTP/2 shares: contracts, not framing. */
const ENGINE_CONTRACTS = new RegExp(
  "^http1/(?:" + [
    "conn",
    "handler",
    "limits",
    "connection_tracker",
    "write_all",
    "probe_body",
    "response_body_error",
    "access_log_entry",
    "build_request",
    "serve_connection",
  ].join("|") + ")\\.ts$",
);

const cases: { name: string; folder: string; allowed: RegExp }[] = [
  { name: "src/http/ imports only itself", folder: "http", allowed: /^http\// },
  {
    name: "src/http1/ imports itself and src/http/, never src/static/",
    folder: "http1",
    allowed: /^http1?\//,
  },
  {
    name: "src/static/ imports itself and src/http/, never src/http1/",
    folder: "static",
    allowed: /^(?:static|http)\//,
  },
  {
    name:
      "src/http2/ imports itself, src/http/ and the engine's contracts, never files",
    folder: "http2",
    allowed: new RegExp(`^http2?/|${ENGINE_CONTRACTS.source}`),
  },
];

for (const { name, folder, allowed } of cases) {
  Deno.test(`layering: ${name}`, () => {
    const imports = importsOf(folder);
    assert.ok(imports.length > 0, `no imports found in src/${folder}/`);
    const stray = imports.filter(({ target }) => !allowed.test(target));
    assert.deepEqual(stray, []);
  });
}
