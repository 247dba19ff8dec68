import assert from "node:assert/strict";
import {
  type CacheEntry,
  type DerivedBytes,
  FileCache,
  type FileEntry,
} from "../../src/static/file_cache.ts";
import { fileEntry } from "./_file_entry.ts";

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

/**
 * A cache (revalidateMs 10) with `/f` loaded, and the clock and the file's
 * version for the test to move.
 */
async function oneFile() {
  const disk = { clock: 0, version: 1 };
  const cache = new FileCache({ revalidateMs: 10, now: () => disk.clock });
  const load = (key: string): Promise<CacheEntry> =>
    Promise.resolve(fileEntry(key, disk.version, disk.clock));
  const first = await cache.lookup("/f", load) as FileEntry;
  return { disk, cache, load, first, metadata: cache.usedBytes };
}

Deno.test("FileCache keeps bytes across a revalidation that finds the file unchanged", async () => {
  const { disk, cache, load, first, metadata } = await oneFile();
  assert.ok(cache.storeBytes(first, first.identity, new Uint8Array(10)));
  assert.equal(cache.usedBytes, metadata + 10);
  disk.clock = 20;
  const second = await cache.lookup("/f", load) as FileEntry;
  // Unchanged: the very same entry, re-checked (what hangs off it stays).
  assert.equal(second, first);
  assert.equal(second.checkedAt, 20);
  assert.equal(second.identity.bytes?.length, 10);
  assert.equal(cache.usedBytes, metadata + 10);
  // A changed file loses them.
  disk.version = 2;
  disk.clock = 40;
  const third = await cache.lookup("/f", load) as FileEntry;
  assert.equal(third.identity.bytes, null);
  assert.equal(cache.usedBytes, metadata);
});

/** What one entry's metadata counts, as the cache estimates it. */
async function metadataOf(key: string): Promise<number> {
  const cache = new FileCache({ now: () => 0 });
  await cache.lookup(key, (key) => Promise.resolve(fileEntry(key, 1, 0)));
  return cache.usedBytes;
}

/**
 * A cache with entries `/a`, `/b`, `/c` (looked up in that order, no bytes
 * yet) and room for their metadata and 25 bytes: two bodies of 10, not three.
 */
async function threeEntries() {
  const metadata = await metadataOf("/a");
  const cache = new FileCache({
    budgetBytes: 3 * metadata + 25,
    maxFileBytes: 10,
    now: () => 0,
  });
  const load = (key: string): Promise<CacheEntry> =>
    Promise.resolve(fileEntry(key, 1, 0));
  const [a, b, c] = [
    await cache.lookup("/a", load) as FileEntry,
    await cache.lookup("/b", load) as FileEntry,
    await cache.lookup("/c", load) as FileEntry,
  ];
  return { cache, load, metadata, a, b, c };
}

Deno.test("FileCache evicts the least recently used bytes to stay in budget", async () => {
  const { cache, load, metadata, a, b, c } = await threeEntries();
  cache.storeBytes(a, a.identity, new Uint8Array(10));
  cache.storeBytes(b, b.identity, new Uint8Array(10));
  await cache.lookup("/a", load); // a is now more recent than b
  cache.storeBytes(c, c.identity, new Uint8Array(10));
  assert.equal(cache.usedBytes, 3 * metadata + 20);
  assert.notEqual(a.identity.bytes, null);
  assert.equal(b.identity.bytes, null);
  assert.notEqual(c.identity.bytes, null);
  // Too large for one file: not kept.
  assert.equal(cache.storeBytes(a, a.identity, new Uint8Array(11)), false);
});

/** A hint of `bytes`, counting its releases. */
function hintOf(bytes: number) {
  const hint = {
    heldBytes: bytes,
    referenced: false,
    releases: 0,
    release() {
      hint.releases++;
    },
  };
  return hint;
}

Deno.test("FileCache counts a hint against the budget; it yields to bytes, never the other way", async () => {
  const { cache, metadata, a, b } = await threeEntries();
  cache.storeBytes(a, a.identity, new Uint8Array(10));
  const hint = hintOf(10);
  assert.ok(cache.holdHint(hint));
  assert.equal(cache.usedBytes, 3 * metadata + 20);
  // Re-counted when it changes; over what is left, released, not evicting.
  hint.heldBytes = 12;
  assert.ok(cache.holdHint(hint));
  assert.equal(cache.usedBytes, 3 * metadata + 22);
  hint.heldBytes = 16;
  assert.equal(cache.holdHint(hint), false);
  assert.equal(hint.releases, 1);
  assert.notEqual(a.identity.bytes, null);
  assert.equal(cache.usedBytes, 3 * metadata + 10);
  // Bytes that need its room release it first, and keep every entry's.
  hint.heldBytes = 15;
  assert.ok(cache.holdHint(hint));
  assert.ok(cache.storeBytes(b, b.identity, new Uint8Array(10)));
  assert.equal(hint.releases, 2);
  assert.notEqual(a.identity.bytes, null);
  assert.equal(cache.usedBytes, 3 * metadata + 20);
  // clear() lets go of hints too.
  assert.ok(cache.holdHint(hintOf(5)));
  cache.clear();
  assert.equal(cache.usedBytes, 0);
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

/** Something derived from an entry, which records whether it was released. */
function derived(heldBytes: number): DerivedBytes & { released: boolean } {
  return {
    heldBytes,
    referenced: false,
    released: false,
    release() {
      this.released = true;
    },
  };
}

Deno.test("FileCache counts what is held on an entry and releases it with the entry's bytes", async () => {
  const metadata = await metadataOf("/a");
  const budget = 2 * metadata + 100;
  const cache = new FileCache({ budgetBytes: budget, now: () => 0 });
  const load = (key: string): Promise<CacheEntry> =>
    Promise.resolve(fileEntry(key, 1, 0));
  const a = await cache.lookup("/a", load) as FileEntry;
  const b = await cache.lookup("/b", load) as FileEntry;
  cache.storeBytes(a, a.identity, new Uint8Array(10));
  const onA = derived(40);
  assert.equal(cache.hold(a, onA), true);
  assert.equal(cache.usedBytes, 2 * metadata + 50);
  // Re-counted after a change.
  (onA as { heldBytes: number }).heldBytes = 60;
  assert.equal(cache.hold(a, onA), true);
  assert.equal(cache.usedBytes, 2 * metadata + 70);
  // b's bytes push a's out, and what was derived from them goes too.
  cache.storeBytes(b, b.identity, new Uint8Array(40));
  assert.equal(a.identity.bytes, null);
  assert.equal(a.derived, null);
  assert.equal(onA.released, true);
  assert.equal(cache.usedBytes, 2 * metadata + 40);
  // Too big to hold even alone: refused, and released.
  const huge = derived(budget);
  assert.equal(cache.hold(b, huge), false);
  assert.equal(huge.released, true);
  assert.equal(cache.usedBytes, 2 * metadata + 40);
});

Deno.test("FileCache releases what is held when the entry is replaced, deleted or stale", async () => {
  const { disk, cache, load, first, metadata } = await oneFile();
  const onFirst = derived(100);
  cache.hold(first, onFirst);
  // Revalidated unchanged: kept.
  disk.clock = 20;
  assert.equal(await cache.lookup("/f", load), first);
  assert.equal(onFirst.released, false);
  // Changed on disk: the new entry starts with nothing derived.
  disk.version = 2;
  disk.clock = 40;
  const second = await cache.lookup("/f", load) as FileEntry;
  assert.equal(onFirst.released, true);
  assert.equal(cache.usedBytes, metadata);
  // Held for an entry no longer cached: refused at once.
  const late = derived(100);
  assert.equal(cache.hold(first, late), false);
  assert.equal(late.released, true);
  const onSecond = derived(100);
  cache.hold(second, onSecond);
  cache.delete("/f");
  assert.equal(onSecond.released, true);
  assert.equal(cache.usedBytes, 0);
});

Deno.test("FileCache gives an entry used through what it holds a second chance", async () => {
  const { cache, a, b, c } = await threeEntries();
  cache.storeBytes(a, a.identity, new Uint8Array(10));
  const onA = derived(0);
  cache.hold(a, onA);
  cache.storeBytes(b, b.identity, new Uint8Array(10));
  // a is the least recently looked up, but was used (a fast-lane hit).
  onA.referenced = true;
  cache.storeBytes(c, c.identity, new Uint8Array(10));
  assert.notEqual(a.identity.bytes, null);
  assert.equal(onA.released, false);
  assert.equal(b.identity.bytes, null);
  assert.equal(onA.referenced, false, "one chance per walk");
});

Deno.test("FileCache drops whole entries when their metadata alone is over budget", async () => {
  const metadata = await metadataOf("/a");
  const cache = new FileCache({ budgetBytes: 2 * metadata, now: () => 0 });
  const load = (key: string): Promise<CacheEntry> =>
    Promise.resolve(fileEntry(key, 1, 0));
  for (const key of ["/a", "/b", "/c", "/d"]) {
    await cache.lookup(key, load);
    assert.ok(cache.usedBytes <= 2 * metadata);
  }
  assert.deepEqual([...cache.entries()].map((e) => e.key), ["/c", "/d"]);
  // A budget smaller than one entry: answered, not kept.
  const tiny = new FileCache({ budgetBytes: metadata - 1, now: () => 0 });
  assert.equal((await tiny.lookup("/a", load))?.key, "/a");
  assert.equal(tiny.size, 0);
  assert.equal(tiny.usedBytes, 0);
});

Deno.test("FileCache refuses bytes that would put one entry over budget", async () => {
  const metadata = await metadataOf("/a");
  const cache = new FileCache({
    budgetBytes: metadata + 15,
    maxFileBytes: 10,
    now: () => 0,
  });
  const a = await cache.lookup(
    "/a",
    (key) => Promise.resolve(fileEntry(key, 1, 0)),
  ) as FileEntry;
  assert.equal(cache.storeBytes(a, a.identity, new Uint8Array(10)), true);
  const gzip = { ...a.identity, coding: "gzip" as const, bytes: null };
  // Each fits alone; both with the entry do not.
  assert.equal(cache.storeBytes(a, gzip, new Uint8Array(10)), false);
  assert.equal(a.gzip, null);
  assert.ok(cache.usedBytes <= metadata + 15);
});

Deno.test("FileCache.confirm moves the check time of the cached entry only, as holds() tells", async () => {
  let clock = 0;
  const cache = new FileCache({ revalidateMs: 100, now: () => clock });
  const load = (key: string) => Promise.resolve(fileEntry(key, 1, clock));
  const entry = await cache.lookup("/f", load) as FileEntry;
  clock = 90;
  assert.equal(cache.confirm(entry, 90), true);
  clock = 150;
  assert.equal(cache.isFresh(entry), true, "trusted from the confirmed look");
  // An entry no longer cached, or one being reloaded, is left alone.
  const stale = fileEntry("/f", 1, 0);
  assert.equal(cache.holds(stale), false);
  assert.equal(cache.confirm(stale, 150), false);
  assert.equal(stale.checkedAt, 0);
  assert.equal(cache.holds(entry), true);
  let finish = (_: CacheEntry) => {};
  const reloading = cache.revalidate(
    "/f",
    () => new Promise<CacheEntry>((resolve) => finish = resolve),
  );
  assert.equal(cache.holds(entry), false);
  assert.equal(cache.isFresh(entry), true, "still served while reloading");
  assert.equal(cache.confirm(entry, 150), false);
  assert.equal(entry.checkedAt, 90);
  finish(fileEntry("/f", 1, 150));
  await reloading;
});

Deno.test("FileCache.invalidate forgets an entry and keeps nothing a load in flight finds", async () => {
  const cache = new FileCache({ revalidateMs: 100, now: () => 0 });
  let version = 1;
  let loads = 0;
  const load = (key: string) => {
    loads++;
    return Promise.resolve(fileEntry(key, version, 0));
  };
  const first = await cache.lookup("/f", load) as FileEntry;
  cache.invalidate("/f");
  assert.equal(cache.isFresh(first), false);
  assert.equal(cache.size, 0);
  // A load that looked before the change answers those who waited for it,
  // but the next lookup looks again.
  let finish = (_: CacheEntry) => {};
  const inFlight = cache.lookup(
    "/f",
    () => new Promise<CacheEntry>((resolve) => finish = resolve),
  );
  cache.invalidate("/f");
  version = 2;
  finish(fileEntry("/f", 1, 0));
  assert.equal((await inFlight as FileEntry).identity.mtimeMs, 1);
  assert.equal(cache.size, 0);
  const after = await cache.lookup("/f", load) as FileEntry;
  assert.equal(after.identity.mtimeMs, 2);
  assert.equal(loads, 2);
  // Invalidating what is not cached changes nothing.
  cache.invalidate("/nope");
  assert.equal(cache.size, 1);
});

Deno.test("FileCache tells what an entry holds each new checkedAt: on hold, confirm and an unchanged reload", async () => {
  let clock = 0;
  let version = 1;
  const cache = new FileCache({ revalidateMs: 100, now: () => clock });
  const load = (key: string) => Promise.resolve(fileEntry(key, version, clock));
  const entry = await cache.lookup("/f", load) as FileEntry;
  const told: number[] = [];
  const onEntry = { ...derived(10), checked: (at: number) => told.push(at) };
  clock = 5;
  assert.equal(cache.hold(entry, onEntry), true);
  assert.deepEqual(told, [0], "held: told the entry's checkedAt");
  assert.equal(cache.confirm(entry, 40), true);
  clock = 150;
  assert.equal(await cache.lookup("/f", load), entry, "unchanged");
  assert.deepEqual(told, [0, 40, 150]);
  assert.equal(entry.checkedAt, 150);
  // A changed file: a new entry, and the old one's holder is let go, not told.
  version = 2;
  clock = 300;
  assert.notEqual(await cache.lookup("/f", load), entry);
  assert.equal(onEntry.released, true);
  assert.deepEqual(told, [0, 40, 150]);
});
