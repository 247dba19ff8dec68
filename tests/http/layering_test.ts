/**
 * The layering the architecture rests on: `src/http/` (wire vocabulary) is a
 * leaf, and the engine (`src/http1/`) and the file handler (`src/static/`)
 * meet only there, never importing each other. The HTTP/2 codecs
 * (`src/http2/`) stand on `src/http/` alone as well.
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
    name: "src/http2/ imports itself and src/http/, never the engine or files",
    folder: "http2",
    allowed: /^http2?\//,
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
