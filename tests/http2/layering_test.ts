/**
 * The HTTP/2 codecs stand alone: `src/http2/` imports only itself (and, in
 * time, `src/http/`'s shared vocabulary), never the HTTP/1.1 engine or the
 * file handler, and `hpack/` knows nothing of frames.
 */

import assert from "node:assert/strict";

const SRC = new URL("../../src/", import.meta.url);
const IMPORT = /^\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gm;

/** Every relative import under `folder`, recursively, as paths from src/. */
function importsUnder(folder: string): { file: string; target: string }[] {
  const found: { file: string; target: string }[] = [];
  for (const entry of Deno.readDirSync(new URL(folder + "/", SRC))) {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory) found.push(...importsUnder(path));
    if (!entry.isFile || !entry.name.endsWith(".ts")) continue;
    const url = new URL(path, SRC);
    for (const [, specifier] of Deno.readTextFileSync(url).matchAll(IMPORT)) {
      if (!specifier.startsWith(".")) continue;
      found.push({
        file: path,
        target: new URL(specifier, url).href.slice(SRC.href.length),
      });
    }
  }
  return found;
}

Deno.test("layering: src/http2/ imports only itself and src/http/", () => {
  const imports = importsUnder("http2");
  assert.ok(imports.length > 0);
  const stray = imports.filter(({ target }) => !/^http2?\//.test(target));
  assert.deepEqual(stray, []);
});

Deno.test("layering: src/http2/hpack/ needs only the error types outside itself", () => {
  const stray = importsUnder("http2/hpack").filter(({ target }) =>
    !target.startsWith("http2/hpack/") &&
    !["http2/error_codes.ts", "http2/http2_error.ts"].includes(target)
  );
  assert.deepEqual(stray, []);
});
