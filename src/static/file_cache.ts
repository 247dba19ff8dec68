/**
 * The metadata and content cache behind the static handler.
 *
 * Entries are keyed by filesystem path and hold what answering needs
 * without touching the disk: size, mtime, ETag, content type, the fresh
 * precompressed siblings, and — for small files — the bytes themselves.
 *
 * One budget, `budgetBytes`, bounds everything kept for reuse: file bytes,
 * compressed variants (precompressed siblings and on-the-fly gzip), what
 * users derive from them and hang on the entry (the fast lane's
 * pre-serialized answers and its index; see {@linkcode DerivedBytes}),
 * hints that belong to no entry ({@linkcode FileCache.holdHint}), and an
 * estimate of each entry's own metadata. Over budget, hints go first, then
 * the least recently used entries lose their bytes — and with them
 * everything derived — then, if metadata alone is still too much, whole
 * entries go.
 *
 * An entry is trusted for at most `revalidateMs`; after that the next
 * lookup stats the file again and keeps the cached bytes only if size, mtime
 * and inode are unchanged. So a changed file is never served stale more than
 * `revalidateMs` after the change (plus the time of one in-flight lookup).
 * Users of a hot entry may re-check it ahead of its expiry
 * ({@linkcode FileCache.revalidate}, or {@linkcode FileCache.confirm} after a
 * look of their own), so that no request waits for the stat; a watcher that
 * learns of a change drops the entry at once ({@linkcode FileCache.invalidate}).
 *
 * @module
 */

import {
  bufferBytes,
  type CacheEntry,
  type DerivedBytes,
  entryBytes,
  type EntryLoader,
  type FileEntry,
  metadataBytes,
  REP_OVERHEAD_BYTES,
  type Representation,
  sameEntry,
  sameVersion,
} from "./cache_entry.ts";

import {
  DEFAULT_FILE_CACHE_OPTIONS,
  type FileCacheOptions,
} from "./file_cache_options.ts";

export {
  DEFAULT_FILE_CACHE_OPTIONS,
  type FileCacheOptions,
} from "./file_cache_options.ts";
export type {
  CacheEntry,
  DerivedBytes,
  DirectoryEntry,
  EntryLoader,
  FileEntry,
  Representation,
} from "./cache_entry.ts";

/**
 * A bounded cache of file metadata and small file contents, revalidated by
 * time (see the module documentation for the staleness bound).
 */
export class FileCache {
  /** The staleness bound in ms. */
  readonly revalidateMs: number;
  /** Largest file kept in memory, in bytes. */
  readonly maxFileBytes: number;
  /** Total bytes kept for reuse (see {@linkcode FileCacheOptions}). */
  readonly budgetBytes: number;
  /** Most entries kept. */
  readonly maxEntries: number;
  /** The clock. */
  readonly now: () => number;
  #entries = new Map<string, CacheEntry>();
  #inflight = new Map<string, Promise<CacheEntry | null>>();
  /** Keys invalidated while loading: their load answers, but is not kept. */
  #superseded = new Set<string>();
  #usedBytes = 0;
  /** What each held entry was last counted at, so a re-count is a delta. */
  #counted = new WeakMap<CacheEntry, number>();
  /**
   * The entries holding bytes or derived answers, least recently used
   * first: what eviction walks, so entries already down to metadata do not
   * make every eviction slower.
   */
  #holding = new Map<string, FileEntry>();
  /** Hints held with no entry, and what each was last counted at. */
  #hints = new Map<DerivedBytes, number>();

  /**
   * Create an empty cache.
   *
   * @param options Bounds and clock.
   */
  constructor(options: FileCacheOptions = {}) {
    const defaults = DEFAULT_FILE_CACHE_OPTIONS;
    this.revalidateMs = options.revalidateMs ?? defaults.revalidateMs;
    this.maxFileBytes = options.maxFileBytes ?? defaults.maxFileBytes;
    this.budgetBytes = options.budgetBytes ?? defaults.budgetBytes;
    this.maxEntries = options.maxEntries ?? defaults.maxEntries;
    this.now = options.now ?? defaults.now;
  }

  /**
   * Bytes counted against the budget now: file bytes, compressed variants,
   * derived answers and metadata estimates of every entry held, and hints.
   */
  get usedBytes(): number {
    return this.#usedBytes;
  }

  /** Number of entries held. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The entries held, least recently used first: for tests and benchmarks
   * that check the accounting against what is really referenced.
   *
   * @returns An iterator over the entries.
   */
  entries(): IterableIterator<CacheEntry> {
    return this.#entries.values();
  }

  /**
   * Get the entry for `key`, loading or revalidating it when it is older
   * than `revalidateMs`. Concurrent lookups of one key share one load, and a
   * lookup during a load (a refresh ahead of time included) waits for it.
   * Loader errors propagate and drop the entry.
   *
   * @param key The filesystem path.
   * @param load Reads the entry from disk.
   * @returns The entry, or `null` when nothing may be served there.
   */
  lookup(key: string, load: EntryLoader): Promise<CacheEntry | null> {
    const pending = this.#inflight.get(key);
    if (pending) return pending;
    const current = this.#entries.get(key);
    if (
      current !== undefined &&
      this.now() - current.checkedAt < this.revalidateMs
    ) {
      // Refresh recency: Map iteration order is the LRU order.
      this.#entries.delete(key);
      this.#entries.set(key, current);
      if (this.#holding.delete(key)) {
        this.#holding.set(key, current as FileEntry);
      }
      return Promise.resolve(current);
    }
    return this.revalidate(key, load);
  }

  /**
   * Check `key` against the disk now, whatever the entry's age: what a hot
   * entry's users call ahead of its expiry, so that it stays fresh without
   * a request ever waiting on a stat. Shares a load already in flight.
   *
   * @param key The filesystem path.
   * @param load Reads the entry from disk.
   * @returns The reloaded entry, or `null` when nothing may be served there.
   */
  revalidate(key: string, load: EntryLoader): Promise<CacheEntry | null> {
    const pending = this.#inflight.get(key);
    if (pending) return pending;
    const promise = this.#reload(key, this.#entries.get(key), load).finally(
      () => {
        this.#inflight.delete(key);
        this.#superseded.delete(key);
      },
    );
    this.#inflight.set(key, promise);
    return promise;
  }

  /**
   * Whether `key` is being loaded right now.
   *
   * @param key The filesystem path.
   * @returns `true` while a load or revalidation is in flight.
   */
  loading(key: string): boolean {
    return this.#inflight.has(key);
  }

  async #reload(
    key: string,
    previous: CacheEntry | undefined,
    load: EntryLoader,
  ): Promise<CacheEntry | null> {
    let fresh: CacheEntry | null;
    try {
      fresh = await load(key, previous);
    } catch (error) {
      this.delete(key);
      throw error;
    }
    if (fresh === null || this.#superseded.has(key)) {
      // Nothing there, or the file changed while it was being looked at.
      this.delete(key);
      return fresh;
    }
    if (
      previous !== undefined && this.#entries.get(key) === previous &&
      sameEntry(previous, fresh)
    ) {
      // Nothing changed on disk: keep the entry object itself, so what hangs
      // off it (cached bytes, the fast lane's pre-serialized answers) stays
      // valid, and only its check times move.
      previous.checkedAt = fresh.checkedAt;
      if (previous.kind === "file" && fresh.kind === "file") {
        previous.siblingsCheckedAt = fresh.siblingsCheckedAt;
        previous.derived?.checked?.(fresh.checkedAt);
      }
      return previous;
    }
    if (previous?.kind === "file" && fresh.kind === "file") {
      // Unchanged representations keep their bytes: revalidation is a stat,
      // not a re-read.
      if (sameVersion(previous.identity, fresh.identity)) {
        fresh.identity.bytes = previous.identity.bytes;
        fresh.gzip = previous.gzip;
      }
      for (const sibling of fresh.siblings) {
        const old = previous.siblings.find((s) => sameVersion(s, sibling));
        if (old) sibling.bytes = old.bytes;
      }
    }
    this.delete(key);
    this.#entries.set(key, fresh);
    this.#count(fresh);
    while (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.delete(oldest);
    }
    this.#enforceBudget(fresh);
    // A budget smaller than this one entry: answer with it, keep nothing.
    if (this.#usedBytes > this.budgetBytes) this.delete(key);
    return fresh;
  }

  /**
   * Whether `entry` is still the cached one for its key and within its
   * `revalidateMs`: what a lookup would return without touching the disk.
   *
   * @param entry An entry this cache returned.
   * @param now The cache's clock, read once by the caller.
   * @returns `true` when it may be served without a stat.
   */
  isFresh(entry: CacheEntry, now: number = this.now()): boolean {
    return now - entry.checkedAt < this.revalidateMs &&
      this.#entries.get(entry.key) === entry;
  }

  /**
   * Whether `entry` is still the cached one for its key, whatever its age,
   * and no load of its key is in flight: one a look may confirm.
   *
   * @param entry An entry this cache returned.
   * @returns `true` when `confirm()` would take it.
   */
  holds(entry: CacheEntry): boolean {
    return this.#entries.get(entry.key) === entry &&
      !this.#inflight.has(entry.key);
  }

  /**
   * Mark a cached entry checked against the disk at `checkedAt`, as a look
   * that found it unchanged leaves it (the caller looked, with containment
   * checked as a load does).
   *
   * @param entry An entry this cache returned.
   * @param checkedAt The cache clock when the look began.
   * @returns `false`, changing nothing, when the entry is no longer the
   * cached one or a load of it is in flight.
   */
  confirm(entry: CacheEntry, checkedAt: number): boolean {
    if (!this.holds(entry)) return false;
    entry.checkedAt = checkedAt;
    if (entry.kind === "file") entry.derived?.checked?.(checkedAt);
    return true;
  }

  /**
   * The file at `key` changed: forget its entry now, and keep nothing that
   * a load already in flight finds (it may have looked before the change).
   *
   * @param key The filesystem path.
   */
  invalidate(key: string): void {
    if (this.#inflight.has(key)) this.#superseded.add(key);
    this.delete(key);
  }

  /**
   * Forget an entry (its bytes, and what was derived from them), so the
   * next lookup reloads it.
   *
   * @param key The filesystem path.
   */
  delete(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    this.#uncount(entry);
    if (entry.kind === "file") this.#release(entry);
  }

  /** Forget everything, hints included. */
  clear(): void {
    for (const key of [...this.#entries.keys()]) this.delete(key);
    for (const hint of [...this.#hints.keys()]) this.#dropHint(hint);
  }

  /**
   * Whether a body of this size may be kept in memory at all.
   *
   * @param size The body length.
   * @returns `true` when within `maxFileBytes` and the budget.
   */
  canHold(size: number): boolean {
    return size <= this.maxFileBytes && size <= this.budgetBytes;
  }

  /**
   * Keep a body in memory for a representation of a cached entry, evicting
   * other entries' bytes (least recently used first) to stay in budget.
   * Nothing is kept when the entry has since been replaced or the body is
   * too large — alone, or with the rest of its entry; the caller can still
   * use the bytes for its response.
   *
   * @param entry The entry the representation belongs to.
   * @param rep The representation (`entry.identity`, a sibling, or the new gzip one).
   * @param bytes The body.
   * @returns `true` when the bytes are now cached.
   */
  storeBytes(
    entry: FileEntry,
    rep: Representation,
    bytes: Uint8Array,
  ): boolean {
    if (this.#entries.get(entry.key) !== entry || !this.canHold(bytes.length)) {
      return false;
    }
    const newGzip = rep.coding === "gzip" && !entry.siblings.includes(rep);
    const replaced = newGzip ? entry.gzip?.bytes : rep.bytes;
    const after = entryBytes(entry) - bufferBytes(replaced) +
      bufferBytes(bytes) +
      (newGzip && entry.gzip === null ? REP_OVERHEAD_BYTES : 0);
    if (after > this.budgetBytes) return false;
    // Answers derived from the bytes being replaced must go with them.
    if (replaced !== null && replaced !== undefined) this.#release(entry);
    rep.bytes = bytes;
    if (newGzip) entry.gzip = rep;
    this.#count(entry);
    this.#enforceBudget(entry);
    return true;
  }

  /**
   * Hang what a user derived from a cached file's bytes on its entry (see
   * {@linkcode DerivedBytes}), or re-count it after it changed; `null`
   * releases what the entry holds. Other entries lose their bytes (least
   * recently used first) to stay in budget.
   *
   * @param entry A file entry this cache returned.
   * @param derived What to hold, or `null` for nothing.
   * @returns `true` when it is held; `false` — having released it — when
   * the entry is no longer the cached one, or would not fit in the budget
   * even alone.
   */
  hold(entry: FileEntry, derived: DerivedBytes | null): boolean {
    if (entry.derived !== derived) this.#release(entry);
    if (derived === null) return false;
    if (this.#entries.get(entry.key) !== entry) {
      derived.release();
      return false;
    }
    entry.derived = derived;
    derived.checked?.(entry.checkedAt);
    if (entryBytes(entry) > this.budgetBytes) {
      this.#release(entry);
      return false;
    }
    this.#count(entry);
    this.#enforceBudget(entry);
    return true;
  }

  /**
   * Count something kept for reuse that belongs to no entry — a hint, such
   * as the fast lane's notes of paths it does not keep — against the budget,
   * or re-count it after it changed. A hint yields to everything else: it is
   * released rather than push out other bytes, and released first when
   * other bytes need the room (a lost hint costs a little work, never an
   * answer).
   *
   * @param hint What to count; `hint.referenced` is not used. Once
   *   released it is no longer counted, and may be held again.
   * @returns `true` when it is counted; `false` — having released it — when
   *   it does not fit in what the budget has left.
   */
  holdHint(hint: DerivedBytes): boolean {
    const counted = this.#hints.get(hint) ?? 0;
    const bytes = hint.heldBytes;
    if (this.#usedBytes - counted + bytes > this.budgetBytes) {
      this.#dropHint(hint);
      return false;
    }
    this.#usedBytes += bytes - counted;
    this.#hints.set(hint, bytes);
    return true;
  }

  #dropHint(hint: DerivedBytes): void {
    this.#usedBytes -= this.#hints.get(hint) ?? 0;
    this.#hints.delete(hint);
    hint.release();
  }

  /** Count an entry at its current size (it must be held). */
  #count(entry: CacheEntry): void {
    const bytes = entryBytes(entry);
    this.#usedBytes += bytes - (this.#counted.get(entry) ?? 0);
    this.#counted.set(entry, bytes);
    if (entry.kind !== "file") return;
    if (bytes === metadataBytes(entry)) this.#holding.delete(entry.key);
    else if (!this.#holding.has(entry.key)) {
      this.#holding.set(entry.key, entry);
    }
  }

  #uncount(entry: CacheEntry): void {
    this.#usedBytes -= this.#counted.get(entry) ?? 0;
    this.#counted.delete(entry);
    if (this.#holding.get(entry.key) === entry) {
      this.#holding.delete(entry.key);
    }
  }

  /** Release what is derived from an entry and stop counting it. */
  #release(entry: FileEntry): void {
    const derived = entry.derived;
    if (derived === null || derived === undefined) return;
    entry.derived = null;
    if (this.#counted.has(entry)) this.#count(entry);
    derived.release();
  }

  #dropBytes(entry: FileEntry): void {
    entry.identity.bytes = null;
    for (const sibling of entry.siblings) sibling.bytes = null;
    entry.gzip = null;
    this.#release(entry);
    this.#count(entry);
  }

  #enforceBudget(keep: CacheEntry): void {
    if (this.#usedBytes <= this.budgetBytes) return;
    // Hints first: they hold no answer.
    for (const hint of this.#hints.keys()) {
      if (this.#usedBytes <= this.budgetBytes) return;
      this.#dropHint(hint);
    }
    // Then bytes, least recently used first: metadata is small and saves a
    // stat. An entry used through the fast lane since the last walk moves to
    // the recent end instead, once; the walk reaches it again there.
    for (const [key, entry] of this.#holding) {
      if (this.#usedBytes <= this.budgetBytes) return;
      if (entry === keep) continue;
      if (entry.derived?.referenced) {
        entry.derived.referenced = false;
        this.#holding.delete(key);
        this.#holding.set(key, entry);
        continue;
      }
      this.#dropBytes(entry);
    }
    // Then whole entries, when metadata alone is over the budget.
    for (const [key, entry] of this.#entries) {
      if (this.#usedBytes <= this.budgetBytes) return;
      if (entry !== keep) this.delete(key);
    }
  }
}
