/**
 * The fast lane's path index: a map that keeps the order of the last `set`,
 * looked up through a hash of the path. Every behaviour is checked with the
 * real hash and with one that puts all paths in one chain (what a hash
 * collision, or an attacker who found many, leaves the lookup to walk).
 */

import assert from "node:assert/strict";
import { PathIndex } from "../../src/static/path_index.ts";

const HASHES: [string, ((path: string) => number) | undefined][] = [
  ["seeded hash", undefined],
  ["one chain for all", () => 7],
  ["two chains", (path) => path.length % 2],
];

for (const [label, hash] of HASHES) {
  Deno.test(`PathIndex (${label}): get finds what set put, and nothing else`, () => {
    const index = new PathIndex<number>(hash);
    for (let i = 0; i < 100; i++) index.set(`/f${i}.txt`, i);
    assert.equal(index.size, 100);
    for (let i = 0; i < 100; i++) assert.equal(index.get(`/f${i}.txt`), i);
    // A new string with the same characters finds the same slot.
    assert.equal(index.get(["/f4", "2.txt"].join("")), 42);
    assert.equal(index.get("/f100.txt"), undefined);
    assert.equal(index.get("/F1.txt"), undefined);
    assert.equal(index.get(""), undefined);
    assert.equal(index.has("/f7.txt"), true);
    assert.equal(index.has("/f7.txt?"), false);
  });

  Deno.test(`PathIndex (${label}): delete takes out one path wherever it is in its chain`, () => {
    const index = new PathIndex<string>(hash);
    const paths = ["/a", "/b", "/c", "/d", "/e"];
    for (const path of paths) index.set(path, path.toUpperCase());
    // The middle of a chain, its first slot (the last set), its last.
    for (const gone of ["/c", "/e", "/a"]) {
      assert.equal(index.delete(gone), true);
      assert.equal(index.get(gone), undefined);
      assert.equal(index.has(gone), false);
    }
    assert.equal(index.delete("/c"), false);
    assert.equal(index.get("/b"), "/B");
    assert.equal(index.get("/d"), "/D");
    assert.deepEqual([...index.keys()], ["/b", "/d"]);
    assert.equal(index.size, 2);
    // Set again after a delete: found again.
    index.set("/c", "again");
    assert.equal(index.get("/c"), "again");
    assert.equal(index.size, 3);
  });

  Deno.test(`PathIndex (${label}): set moves a path to the end; oldest is the first`, () => {
    const index = new PathIndex<number>(hash);
    index.set("/one", 1);
    index.set("/two", 2);
    index.set("/three", 3);
    assert.deepEqual(index.oldest(), ["/one", 1]);
    index.set("/one", 10);
    assert.deepEqual([...index.keys()], ["/two", "/three", "/one"]);
    assert.deepEqual([...index.values()], [2, 3, 10]);
    assert.deepEqual(index.oldest(), ["/two", 2]);
    assert.equal(index.get("/one"), 10);
    assert.equal(index.size, 3);
  });

  Deno.test(`PathIndex (${label}): clear forgets every path`, () => {
    const index = new PathIndex<number>(hash);
    index.set("/x", 1);
    index.set("/y", 2);
    index.clear();
    assert.equal(index.size, 0);
    assert.equal(index.get("/x"), undefined);
    assert.equal(index.oldest(), undefined);
    assert.deepEqual([...index.keys()], []);
    index.set("/x", 3);
    assert.equal(index.get("/x"), 3);
  });
}

Deno.test("PathIndex: paths that differ only past a hash's reach stay apart", () => {
  // Long paths sharing a long prefix, and paths with non-Latin-1 and
  // percent-encoded spellings: each finds only itself.
  const index = new PathIndex<number>();
  const prefix = "/" + "a".repeat(4000);
  const paths = [
    prefix + "1",
    prefix + "2",
    "/caf\u00e9",
    "/caf%C3%A9",
    "/\u{1F600}",
    "/%F0%9F%98%80",
  ];
  paths.forEach((path, i) => index.set(path, i));
  paths.forEach((path, i) => assert.equal(index.get(path), i));
  assert.equal(index.get(prefix + "3"), undefined);
  assert.equal(index.size, paths.length);
});

Deno.test("PathIndex: its table grows with the paths and shrinks as they go, lookups unchanged", () => {
  const index = new PathIndex<number>();
  const within = () =>
    index.tableLength <= Math.max(16, 8 * index.size) &&
    index.tableLength >= 2 * index.size;
  for (let i = 0; i < 1000; i++) {
    index.set(`/small/f${i}.txt`, i);
    assert.ok(within(), `after ${i + 1} sets: ${index.tableLength}`);
  }
  for (let i = 0; i < 1000; i++) assert.equal(index.get(`/small/f${i}.txt`), i);
  for (let i = 0; i < 995; i++) {
    assert.equal(index.delete(`/small/f${i}.txt`), true);
    assert.ok(within(), `after ${i + 1} deletes: ${index.tableLength}`);
  }
  assert.ok(index.tableLength <= 64);
  for (let i = 0; i < 1000; i++) {
    assert.equal(index.get(`/small/f${i}.txt`), i >= 995 ? i : undefined);
  }
  assert.deepEqual(
    [...index.keys()],
    [995, 996, 997, 998, 999].map((i) => `/small/f${i}.txt`),
  );
  index.clear();
  assert.equal(index.tableLength, 16);
  assert.equal(index.get("/small/f999.txt"), undefined);
});
