/**
 * The fast lane's index of URL paths ({@linkcode PathIndex}): what a hit
 * looks up first, on every request.
 *
 * A `Map` keyed by the path string costs more per lookup as it grows: a
 * request's path is a new string each time, and V8 walks the map's bucket
 * comparing it with every key of the same length there, character by
 * character (in a profile of 1,000 files of one naming scheme, the walk
 * and its compares were about half of the lane's own time, against almost
 * nothing with one file). So the index is also kept by a number computed
 * from the path: numbers compare as one word, and only the slot whose number
 * matches has its path compared. The numbers are seeded per process, so
 * no one can pick paths that share one in advance; a chain of slots
 * sharing a number is still walked, and the index's bound (the lane's
 * `MAX_PATHS`) bounds that walk.
 *
 * The chains hang in a plain array indexed by the number's low bits, not in
 * a `Map` by number: a hit reads one array element instead of the map's
 * bucket and entry, which with paths spread over many files are cold in the
 * CPU caches. The array holds at most 8 elements a path (it halves when
 * paths go), counted in the lane's estimate of a path's overhead.
 *
 * @module
 */

/** One path and what it leads to, in its hash chain. */
interface Slot<T> {
  readonly path: string;
  readonly hash: number;
  value: T;
  /** The next slot in the same element of the table. */
  next: Slot<T> | undefined;
}

/** The table's smallest length (a power of two). */
const MIN_TABLE = 16;

/** A per-process seed: hashes cannot be predicted from outside. */
const SEED = crypto.getRandomValues(new Uint32Array(1))[0] | 0;

/**
 * A 30-bit hash of `path` (FNV-1a over its UTF-16 code units, seeded):
 * small enough to stay an integer V8 keeps unboxed.
 */
function hashOf(path: string): number {
  let hash = SEED ^ 0x811c9dc5;
  for (let i = 0; i < path.length; i++) {
    hash = Math.imul(hash ^ path.charCodeAt(i), 0x01000193);
  }
  return hash & 0x3fffffff;
}

/**
 * A map from URL paths to values that keeps its insertion order (each
 * `set` moves the path to the end, as the lane's eviction wants), with a
 * lookup that does not slow down as paths are added (see the module
 * documentation).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PathIndex } from "./path_index.ts";
 *
 * const index = new PathIndex<number>();
 * index.set("/a.txt", 1);
 * index.set("/b.txt", 2);
 * index.set("/a.txt", 3);
 * assert.equal(index.get("/a.txt"), 3);
 * assert.deepEqual([...index.keys()], ["/b.txt", "/a.txt"]);
 * ```
 */
export class PathIndex<T> {
  /** Every slot by its path, in the order of their last `set`. */
  readonly #byPath = new Map<string, Slot<T>>();
  /**
   * The chains: slots whose hash ends in `i` (the low bits) from element
   * `i`; a power of two long, at least twice the paths held.
   */
  #table: (Slot<T> | undefined)[] = new Array(MIN_TABLE).fill(undefined);
  #mask = MIN_TABLE - 1;
  readonly #hashOf: (path: string) => number;

  /**
   * An empty index.
   *
   * @param hash How paths are hashed: a seeded FNV-1a by default; tests
   *   pass one that makes paths share a hash, to walk chains.
   */
  constructor(hash: (path: string) => number = hashOf) {
    this.#hashOf = hash;
  }

  /** Paths held. */
  get size(): number {
    return this.#byPath.size;
  }

  /**
   * Elements of the table the chains hang in: for tests that check it stays
   * within 8 a path (or its smallest length).
   */
  get tableLength(): number {
    return this.#table.length;
  }

  /**
   * What `path` leads to.
   *
   * @param path A URL path.
   * @returns Its value, or `undefined`.
   */
  get(path: string): T | undefined {
    const hash = this.#hashOf(path);
    let slot = this.#table[hash & this.#mask];
    while (
      slot !== undefined && (slot.hash !== hash || slot.path !== path)
    ) {
      slot = slot.next;
    }
    return slot?.value;
  }

  /**
   * Whether `path` is held.
   *
   * @param path A URL path.
   * @returns `true` when held.
   */
  has(path: string): boolean {
    return this.#byPath.has(path);
  }

  /**
   * Point `path` at `value`, and make it the most recently set path.
   *
   * @param path A URL path.
   * @param value What it leads to.
   */
  set(path: string, value: T): void {
    const held = this.#byPath.get(path);
    if (held !== undefined) {
      held.value = value;
      this.#byPath.delete(path);
      this.#byPath.set(path, held);
      return;
    }
    const hash = this.#hashOf(path);
    const i = hash & this.#mask;
    const slot: Slot<T> = { path, hash, value, next: this.#table[i] };
    this.#table[i] = slot;
    this.#byPath.set(path, slot);
    if (2 * this.#byPath.size > this.#table.length) {
      this.#resize(2 * this.#table.length);
    }
  }

  /** Re-hang every slot in a table of `length` elements. */
  #resize(length: number): void {
    const table: (Slot<T> | undefined)[] = new Array(length).fill(undefined);
    const mask = length - 1;
    for (const slot of this.#byPath.values()) {
      const i = slot.hash & mask;
      slot.next = table[i];
      table[i] = slot;
    }
    this.#table = table;
    this.#mask = mask;
  }

  /**
   * Forget `path`.
   *
   * @param path A URL path.
   * @returns `true` when it was held.
   */
  delete(path: string): boolean {
    const slot = this.#byPath.get(path);
    if (slot === undefined) return false;
    this.#byPath.delete(path);
    const i = slot.hash & this.#mask;
    if (this.#table[i] === slot) this.#table[i] = slot.next;
    else {
      let before = this.#table[i]!;
      while (before.next !== slot) before = before.next!;
      before.next = slot.next;
    }
    if (
      this.#table.length > MIN_TABLE &&
      8 * this.#byPath.size < this.#table.length
    ) {
      this.#resize(this.#table.length / 2);
    }
    return true;
  }

  /** Forget every path. */
  clear(): void {
    this.#byPath.clear();
    this.#table = new Array(MIN_TABLE).fill(undefined);
    this.#mask = MIN_TABLE - 1;
  }

  /**
   * The least recently set path and its value.
   *
   * @returns The pair, or `undefined` when empty.
   */
  oldest(): [string, T] | undefined {
    for (const slot of this.#byPath.values()) return [slot.path, slot.value];
    return undefined;
  }

  /**
   * The paths held, least recently set first.
   *
   * @returns An iterator over the paths.
   */
  keys(): IterableIterator<string> {
    return this.#byPath.keys();
  }

  /**
   * The values held, least recently set first (one per path).
   *
   * @yields Each path's value.
   */
  *values(): IterableIterator<T> {
    for (const slot of this.#byPath.values()) yield slot.value;
  }
}
