/**
 * Benchmark fixtures under `bench/fixtures/site` (gitignored): a 1 KiB
 * `index.html`, a 16 KiB `app.js`, a 1 MiB `big.bin` and 1,000 small files
 * `small/f0000.txt … f0999.txt` of 1–4 KiB. Contents are deterministic
 * (seeded), so ETags and sizes are stable across runs.
 *
 * @module
 */

import { join } from "node:path";
import { xorshift } from "../../support/xorshift.ts";

/** How many small files. */
export const SMALL_FILES = 1000;
const VERSION = "v1";

/** Expected sizes, by URL path. */
export const FIXTURE_SIZES: Readonly<Record<string, number>> = {
  "/index.html": 1024,
  "/app.js": 16 * 1024,
  "/big.bin": 1024 * 1024,
};

/** Size of small file `i`: 1024 … 4095 bytes. */
export function smallFileSize(i: number): number {
  return 1024 + ((i * 2654435761) >>> 0) % 3072;
}

/** The URL path of small file `i`. */
export function smallFilePath(i: number): string {
  return `/small/f${String(i).padStart(4, "0")}.txt`;
}

function padText(prefix: string, suffix: string, size: number, fill: string) {
  let body = "";
  // Bounded: grows by fill.length until the size is reached.
  while (prefix.length + body.length + suffix.length < size) body += fill;
  const text = prefix + body.slice(0, size - prefix.length - suffix.length) +
    suffix;
  return new TextEncoder().encode(text);
}

/**
 * Create the fixtures in `siteDir` unless a marker says they are current.
 *
 * @returns Whether files were (re)written.
 */
export async function ensureFixtures(siteDir: string): Promise<boolean> {
  const marker = join(siteDir, `.fixtures-${VERSION}`);
  try {
    await Deno.stat(marker);
    return false;
  } catch {
    // (Re)generate.
  }
  await Deno.remove(siteDir, { recursive: true }).catch(() => {});
  await Deno.mkdir(join(siteDir, "small"), { recursive: true });
  await Deno.writeFile(
    join(siteDir, "index.html"),
    padText(
      "<!doctype html>\n<html><head><title>berth bench</title></head><body>\n<p>",
      "</p>\n</body></html>\n",
      FIXTURE_SIZES["/index.html"],
      "lorem ipsum dolor sit amet ",
    ),
  );
  await Deno.writeFile(
    join(siteDir, "app.js"),
    padText(
      '// berth bench fixture\n"use strict";\nconst data = [\n',
      "];\nexport default data;\n",
      FIXTURE_SIZES["/app.js"],
      '  { id: 1, name: "item" },\n',
    ),
  );
  const next = xorshift(0x5eed);
  const big = new Uint8Array(FIXTURE_SIZES["/big.bin"]);
  const words = new Uint32Array(big.buffer);
  for (let i = 0; i < words.length; i++) words[i] = next();
  await Deno.writeFile(join(siteDir, "big.bin"), big);
  for (let i = 0; i < SMALL_FILES; i++) {
    await Deno.writeFile(
      join(siteDir, smallFilePath(i).slice(1)),
      padText(`small file ${i}\n`, "\n", smallFileSize(i), `${i} abcdefgh `),
    );
  }
  await Deno.writeTextFile(marker, new Date().toISOString() + "\n");
  return true;
}
