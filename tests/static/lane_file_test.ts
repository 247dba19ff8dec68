/**
 * The fast lane's record of a file keeps a copy of its entry's `checkedAt`
 * for hits to read: the entry's own while the cache holds the record, and
 * `-Infinity` — never fresh — once the cache lets it go.
 */

import assert from "node:assert/strict";
import { FileCache } from "../../src/static/file_cache.ts";
import { LaneFile } from "../../src/static/lane_file.ts";
import { PathIndex } from "../../src/static/path_index.ts";
import { fileEntry } from "./_file_entry.ts";

Deno.test("LaneFile.checkedAt is its entry's while held, -Infinity once released", async () => {
  let clock = 7;
  const cache = new FileCache({ revalidateMs: 100, now: () => clock });
  const entry = fileEntry("/f", 1, clock);
  assert.equal(await cache.lookup("/f", () => Promise.resolve(entry)), entry);
  const index = new PathIndex<LaneFile>();
  const traits = { varyEncoding: false, gzipEligible: false, pathKey: "" };
  const file = new LaneFile(index, entry, traits);
  file.paths.push("/f");
  index.set("/f", file);
  assert.equal(cache.hold(entry, file), true);
  assert.equal(file.checkedAt, 7);
  clock = 60;
  assert.equal(cache.confirm(entry, 55), true);
  assert.equal(file.checkedAt, 55);
  assert.equal(file.checkedAt, entry.checkedAt);
  // The cache drops the entry: the record goes, and is never fresh again.
  cache.invalidate("/f");
  assert.equal(file.checkedAt, -Infinity);
  assert.equal(file.plainFull, null);
  assert.equal(index.get("/f"), undefined);
  // A record the cache refuses (its entry no longer cached) is let go too.
  const late = new LaneFile(index, entry, traits);
  assert.equal(cache.hold(entry, late), false);
  assert.equal(late.checkedAt, -Infinity);
});
