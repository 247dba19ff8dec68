import assert from "node:assert/strict";
import {
  codedEtag,
  computeEtag,
  type EtagAlgorithm,
  findEtagAlgorithm,
  isEtagAlgorithm,
} from "../../src/static/etag.ts";

const ALGORITHMS: EtagAlgorithm[] = [
  "fnv1a",
  "SHA-1",
  "SHA-256",
  "SHA-384",
  "SHA-512",
];

for (const algorithm of ALGORITHMS) {
  Deno.test(`computeEtag() with ${algorithm} is strong, stable and version-sensitive`, async () => {
    const a = await computeEtag(
      { size: 10, mtimeMs: 1000, ino: 5 },
      null,
      algorithm,
    );
    assert.match(a, /^"[0-9a-f]+-[0-9a-f]+"$/);
    assert.equal(
      await computeEtag({ size: 10, mtimeMs: 1000, ino: 5 }, null, algorithm),
      a,
    );
    assert.notEqual(
      await computeEtag({ size: 11, mtimeMs: 1000, ino: 5 }, null, algorithm),
      a,
    );
    assert.notEqual(
      await computeEtag({ size: 10, mtimeMs: 1001, ino: 5 }, null, algorithm),
      a,
    );
    assert.notEqual(
      await computeEtag({ size: 10, mtimeMs: 1000, ino: 6 }, null, algorithm),
      a,
    );
    const br = await computeEtag(
      { size: 10, mtimeMs: 1000, ino: 5 },
      "br",
      algorithm,
    );
    assert.notEqual(br, a);
    assert.ok(br.endsWith('-br"'));
  });
}

Deno.test("codedEtag() derives a distinct tag per coding", () => {
  assert.equal(codedEtag('"a-b"', "gzip"), '"a-b-gzip"');
  assert.notEqual(codedEtag('"a-b"', "gzip"), codedEtag('"a-b"', "br"));
});

Deno.test("isEtagAlgorithm() accepts only supported names", () => {
  for (const algorithm of ALGORITHMS) {
    assert.equal(isEtagAlgorithm(algorithm), true);
  }
  for (const value of ["md5", "sha-256", "", 1, undefined]) {
    assert.equal(isEtagAlgorithm(value), false);
  }
});

Deno.test("computeEtag() writes the size in hex, then 8 hex digits of fnv1a or 16 of a digest", async () => {
  const file = { size: 26, mtimeMs: 0 };
  const fnv = await computeEtag(file, null, "fnv1a");
  assert.match(fnv, /^"1a-[0-9a-f]{8}"$/);
  assert.match(await computeEtag(file, null, "SHA-256"), /^"1a-[0-9a-f]{16}"$/);
  assert.equal(
    await computeEtag(file, "br", "fnv1a"),
    fnv.slice(0, -1) + '-br"',
  );
});

Deno.test("findEtagAlgorithm() finds a supported hash by any case of its name", () => {
  assert.equal(findEtagAlgorithm("SHA-256"), "SHA-256");
  assert.equal(findEtagAlgorithm("sha-1"), "SHA-1");
  assert.equal(findEtagAlgorithm("FNV1A"), "fnv1a");
  assert.equal(findEtagAlgorithm("MD5"), null);
  assert.equal(findEtagAlgorithm("SHA256"), null);
});
