/**
 * Each options type has one table of defaults; the `@default` written on
 * each of its fields must say the same, as the README's flag table must
 * list every flag (`cli/readme_flags_test.ts`).
 */
import assert from "node:assert/strict";
import { DEFAULT_LIMITS } from "../src/http1/limits.ts";
import { DEFAULT_HTTP2_LIMITS } from "../src/http2/http2_limits.ts";
import { DEFAULT_PROTOCOLS } from "../src/protocol_options.ts";
import { defaultCacheControl } from "../src/static/cache_control.ts";
import { DEFAULT_FILE_CACHE_OPTIONS } from "../src/static/file_cache.ts";
import { DEFAULT_STATIC_OPTIONS } from "../src/static/options.ts";

/** Documented defaults that are not JSON: what each expression stands for. */
const EXPRESSIONS: Record<string, unknown> = {
  undefined,
  defaultCacheControl,
};

/** `name → @default text` for each field of `interface name` in `file`. */
async function documentedDefaults(
  file: string,
  name: string,
): Promise<Map<string, string>> {
  const source = await Deno.readTextFile(new URL(file, import.meta.url));
  const start = source.indexOf(`export interface ${name} `);
  assert.ok(start >= 0, `${file} declares ${name}`);
  const body = source.slice(start, source.indexOf("\n}\n", start));
  const found = new Map<string, string>();
  const field = /@default \{(.*)\}\n\s*\*\/\n\s*(\w+)\??:/g;
  for (const [, value, key] of body.matchAll(field)) found.set(key, value);
  return found;
}

function assertDocumented(
  documented: string,
  actual: unknown,
  where: string,
): void {
  if (documented === "performance.now") {
    assert.equal(typeof actual, "function", where);
    const before = performance.now();
    const now = (actual as () => number)();
    assert.ok(before <= now && now <= performance.now(), where);
  } else if (documented in EXPRESSIONS) {
    assert.equal(actual, EXPRESSIONS[documented], where);
  } else {
    assert.deepEqual(actual, JSON.parse(documented), where);
  }
}

const TABLES: [string, string, Readonly<Record<string, unknown>>][] = [
  ["../src/static/options.ts", "StaticHandlerOptions", DEFAULT_STATIC_OPTIONS],
  ["../src/http1/limits.ts", "ServeLimits", DEFAULT_LIMITS],
  ["../src/http2/http2_limits.ts", "Http2Limits", DEFAULT_HTTP2_LIMITS],
  ["../src/protocol_options.ts", "ProtocolOptions", DEFAULT_PROTOCOLS],
  [
    "../src/static/file_cache_options.ts",
    "FileCacheOptions",
    DEFAULT_FILE_CACHE_OPTIONS,
  ],
];

for (const [file, name, table] of TABLES) {
  Deno.test(`${name}: every @default matches its defaults table`, async () => {
    const documented = await documentedDefaults(file, name);
    for (const key of Object.keys(table)) {
      assert.ok(documented.has(key), `${name}.${key} documents its @default`);
    }
    for (const [key, value] of documented) {
      assertDocumented(
        value,
        table[key],
        `${name}.${key}: @default {${value}}`,
      );
    }
  });
}
