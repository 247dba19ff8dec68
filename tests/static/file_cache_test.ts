import assert from "node:assert/strict";
import {
  type CacheEntry,
  FileCache,
  type FileEntry,
} from "../../src/static/file_cache.ts";

function fileEntry(key: string, version: number, clock: number): FileEntry {
  return {
    kind: "file",
    key,
    realPath: key,
    name: key,
    contentType: "text/plain",
    identity: {
      path: key,
      coding: null,
      size: 10,
      mtimeMs: version,
      dev: 1,
      ino: 1,
      etag: `"${version}"`,
      bytes: null,
    },
    siblings: [],
    gzip: null,
    checkedAt: clock,
  };
}

Deno.test("FileCache trusts an entry for revalidateMs, then reloads it", async () => {
  let clock = 0;
  let version = 1;
  let loads = 0;
  const cache = new FileCache({ revalidateMs: 100, now: () => clock });
  const load = (key: string): Promise<CacheEntry> => {
    loads++;
    return Promise.resolve(fileEntry(key, version, clock));
  };
  const a = await cache.lookup("/f", load);
  version = 2;
  clock = 99;
  assert.equal(await cache.lookup("/f", load), a);
  assert.equal(loads, 1);
  clock = 100;
  const b = await cache.lookup("/f", load) as FileEntry;
  assert.equal(loads, 2);
  assert.equal(b.identity.mtimeMs, 2);
});

Deno.test("FileCache with revalidateMs 0 reloads on every lookup", async () => {
  let loads = 0;
  const cache = new FileCache({ revalidateMs: 0, now: () => 0 });
  const load = (key: string): Promise<CacheEntry> => {
    loads++;
    return Promise.resolve(fileEntry(key, 1, 0));
  };
  await cache.lookup("/f", load);
  await cache.lookup("/f", load);
  assert.equal(loads, 2);
});

Deno.test("FileCache keeps bytes across a revalidation that finds the file unchanged", async () => {
  let clock = 0;
  let version = 1;
  const cache = new FileCache({ revalidateMs: 10, now: () => clock });
  const load = (key: string): Promise<CacheEntry> =>
    Promise.resolve(fileEntry(key, version, clock));
  const first = await cache.lookup("/f", load) as FileEntry;
  assert.ok(cache.storeBytes(first, first.identity, new Uint8Array(10)));
  assert.equal(cache.usedBytes, 10);
  clock = 20;
  const second = await cache.lookup("/f", load) as FileEntry;
  // Unchanged: the very same entry, re-checked (what hangs off it stays).
  assert.equal(second, first);
  assert.equal(second.checkedAt, 20);
  assert.equal(second.identity.bytes?.length, 10);
  assert.equal(cache.usedBytes, 10);
  // A changed file loses them.
  version = 2;
  clock = 40;
  const third = await cache.lookup("/f", load) as FileEntry;
  assert.equal(third.identity.bytes, null);
  assert.equal(cache.usedBytes, 0);
});

Deno.test("FileCache evicts the least recently used bytes to stay in budget", async () => {
  const cache = new FileCache({
    budgetBytes: 25,
    maxFileBytes: 10,
    now: () => 0,
  });
  const load = (key: string): Promise<CacheEntry> =>
    Promise.resolve(fileEntry(key, 1, 0));
  const a = await cache.lookup("/a", load) as FileEntry;
  const b = await cache.lookup("/b", load) as FileEntry;
  const c = await cache.lookup("/c", load) as FileEntry;
  cache.storeBytes(a, a.identity, new Uint8Array(10));
  cache.storeBytes(b, b.identity, new Uint8Array(10));
  await cache.lookup("/a", load); // a is now more recent than b
  cache.storeBytes(c, c.identity, new Uint8Array(10));
  assert.equal(cache.usedBytes, 20);
  assert.notEqual(a.identity.bytes, null);
  assert.equal(b.identity.bytes, null);
  assert.notEqual(c.identity.bytes, null);
  // Too large for one file: not kept.
  assert.equal(cache.storeBytes(a, a.identity, new Uint8Array(11)), false);
});

Deno.test("FileCache bounds the number of entries", async () => {
  const cache = new FileCache({ maxEntries: 2, now: () => 0 });
  const load = (key: string): Promise<CacheEntry> =>
    Promise.resolve(fileEntry(key, 1, 0));
  await cache.lookup("/a", load);
  await cache.lookup("/b", load);
  await cache.lookup("/c", load);
  assert.equal(cache.size, 2);
});

Deno.test("FileCache shares one load between concurrent lookups", async () => {
  let loads = 0;
  const cache = new FileCache({ now: () => 0 });
  const load = async (key: string): Promise<CacheEntry> => {
    loads++;
    await Promise.resolve();
    return fileEntry(key, 1, 0);
  };
  const [a, b] = await Promise.all([
    cache.lookup("/a", load),
    cache.lookup("/a", load),
  ]);
  assert.equal(a, b);
  assert.equal(loads, 1);
});

Deno.test("FileCache drops an entry whose reload fails or finds nothing", async () => {
  let clock = 0;
  const cache = new FileCache({ revalidateMs: 1, now: () => clock });
  await cache.lookup("/a", (key) => Promise.resolve(fileEntry(key, 1, 0)));
  clock = 5;
  await assert.rejects(() =>
    cache.lookup("/a", () => Promise.reject(new Deno.errors.NotFound("gone")))
  );
  assert.equal(cache.size, 0);
  await cache.lookup("/a", (key) => Promise.resolve(fileEntry(key, 1, 5)));
  clock = 10;
  assert.equal(await cache.lookup("/a", () => Promise.resolve(null)), null);
  assert.equal(cache.size, 0);
});

Deno.test("FileCache.revalidate reloads a fresh entry, and lookups wait for it", async () => {
  let version = 1;
  let loads = 0;
  const cache = new FileCache({ revalidateMs: 1000, now: () => 0 });
  const load = async (key: string): Promise<CacheEntry> => {
    loads++;
    await Promise.resolve();
    return fileEntry(key, version, 0);
  };
  const first = await cache.lookup("/f", load) as FileEntry;
  version = 2;
  const refresh = cache.revalidate("/f", load);
  assert.equal(cache.loading("/f"), true);
  // The entry is still within revalidateMs, yet a lookup now gets the
  // reload's answer rather than the entry it replaces.
  const during = await cache.lookup("/f", load) as FileEntry;
  assert.equal(await refresh, during);
  assert.notEqual(during, first);
  assert.equal(during.identity.mtimeMs, 2);
  assert.equal(loads, 2, "the lookup shared the reload");
  assert.equal(cache.loading("/f"), false);
  // Nothing changed on disk: the same entry object stays.
  assert.equal(await cache.revalidate("/f", load), during);
  assert.equal(loads, 3);
});
