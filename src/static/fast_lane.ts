/**
 * The file handler's fast lane: answers for cached files, pre-serialized to
 * the byte, so a hit on berth's engine builds no `Request` or `Response` and
 * touches no file.
 *
 * Answers are recorded from answers the ordinary path gave (so the two lanes
 * can never disagree on a header) and are served only while the file cache
 * would itself serve that entry without a stat: the same staleness bound,
 * `revalidateMs`. A request with anything the recorded answer did not
 * consider (`Range`, `If-Match`, a non-matching `If-None-Match`…) takes the
 * ordinary path.
 *
 * Memory: what the lane keeps for a file — its answers per chosen
 * representation (identity, a precompressed sibling, on-the-fly gzip) and
 * framing (full, with its small `Connection` copies; HEAD; 304), and the
 * index paths that lead there — hangs on the file's cache entry
 * ({@linkcode DerivedBytes}), is counted against the cache's one budget,
 * and goes when the cache drops the file's bytes.
 * Answers are keyed by what was chosen, never by the raw `Accept-Encoding`:
 * a hit negotiates the header itself, as the ordinary path does, so any
 * number of spellings share the few answers the codings allow.
 *
 * A miss for a path whose answer the ordinary path is making (its file
 * loading, say) returns a promise to wait on ({@linkcode LaneWaits}).
 *
 * @module
 */

import { ENGINE_FIELDS } from "../http/engine_fields.ts";
import { EXPLAIN_FIELD } from "../http/explain_field.ts";
import type { FastLaneRequest } from "../http/fast_lane.ts";
import {
  type FastLaneResponse,
  renewFastLaneResponse,
  serializeFastLaneResponse,
} from "../http/fast_lane_response.ts";
import {
  chooseEncoding,
  type ContentCoding,
  parseAcceptEncoding,
} from "./accept_encoding.ts";
import { shouldCompress } from "./compress.ts";
import type { ReplayedWords } from "./explanation.ts";
import type { FileCache, FileEntry, Representation } from "./file_cache.ts";
import {
  ANSWER_OVERHEAD_BYTES,
  answerParts,
  answersBytes,
  type FieldLines,
  isCurrent,
  LaneFile,
  notModifiedAnswer,
  okAnswer,
  type Variant,
  VARIANT_OVERHEAD_BYTES,
} from "./lane_file.ts";
import { LaneWaits } from "./lane_waits.ts";
import type { MemoryAnswer } from "./memory_answer.ts";
import { PathIndex } from "./path_index.ts";

/** Paths remembered; the least recently recorded go first. */
const MAX_PATHS = 4096;
/**
 * Paths leading to one file (`/`, `/index.html`, a clean URL…); more are
 * only other spellings of the same request, and the oldest goes.
 */
const MAX_PATHS_PER_FILE = 8;
/** Longest `Accept-Encoding` whose parse is kept for the next request. */
const MEMO_MAX_CHARS = 256;

const GZIP_ONLY: readonly ContentCoding[] = ["gzip"];

/** Fields a 304 leaves out (RFC 9110 §15.4.5 lists what it keeps). */
const NOT_IN_304 = new Set([
  "content-type",
  "content-encoding",
  "accept-ranges",
  "content-range",
]);

/** How a replayed answer's explanation starts. */
const LANE_WORDS = "fast lane: ";

/**
 * What an answer is recorded with, besides itself.
 */
export interface RecordedWith {
  /**
   * What the answer owes to its URL path rather than to its file (the
   * fields `_headers` set, the reasons routing gave): paths to one file
   * share its answers only while this is the same for them all.
   */
  readonly pathKey: string;
  /**
   * What its replays say in `Berth-Explain` (`explain`), the lane's own
   * words aside; `null` when the handler does not explain.
   */
  readonly explained: ReplayedWords | null;
}

const PLAIN: RecordedWith = { pathKey: "", explained: null };

/**
 * What {@linkcode StaticFastLane} must know of the file handler.
 */
export interface StaticFastLaneOptions {
  /**
   * Whether the handler gzips on the fly: a hit must choose the
   * representation exactly as the ordinary path does.
   */
  readonly gzip: boolean;
  /**
   * Look at an entry past its bound now, as a sweep would (one `lstat`):
   * `true` when it is unchanged and trusted from the look on, so a hit
   * need not wait for the ordinary path. Absent: never.
   */
  readonly recheckNow?: (entry: FileEntry, now: number) => boolean;
}

/**
 * Pre-serialized answers for cached files, kept within the file cache's
 * budget (see the module documentation).
 */
export class StaticFastLane {
  /** The answers the ordinary path is making, which misses wait for. */
  readonly waits: LaneWaits;
  readonly #cache: FileCache;
  readonly #gzip: boolean;
  readonly #recheckNow: (entry: FileEntry, now: number) => boolean;
  readonly #refresh: (entry: FileEntry) => void;
  readonly #refreshAfterMs: number;
  readonly #revalidateMs: number;
  /** The index: URL path → the file it led to. */
  readonly #paths = new PathIndex<LaneFile>();
  // The last `Accept-Encoding` parsed and its parse: clients send the same
  // spelling again and again. One slot of at most MEMO_MAX_CHARS: a fixed
  // few KiB outside the budget, which no number of spellings can grow.
  #memoHeader: string | null = null;
  #memoWeights: ReadonlyMap<string, number> = new Map();

  /**
   * @param cache The file cache whose freshness rules and budget the lane
   *   follows.
   * @param refresh Starts a revalidation of an entry without waiting for
   *   it; called by the first hit on an entry past half its
   *   `revalidateMs` (once per check of the entry), so a file in use is
   *   re-checked in the background before it expires and no request has to
   *   wait for the stat.
   * @param options What the lane must know of the handler.
   */
  constructor(
    cache: FileCache,
    refresh: (entry: FileEntry) => void,
    options: StaticFastLaneOptions,
  ) {
    this.#cache = cache;
    this.#refresh = refresh;
    this.#gzip = options.gzip;
    this.#recheckNow = options.recheckNow ?? (() => false);
    this.#refreshAfterMs = cache.revalidateMs / 2;
    this.#revalidateMs = cache.revalidateMs;
    this.waits = new LaneWaits({
      now: cache.now,
      notKeptMs: cache.revalidateMs,
      kept: (pathname) => this.#paths.has(pathname),
      hold: (notes) => cache.holdHint(notes),
    });
  }

  /** Paths currently remembered. */
  get size(): number {
    return this.#paths.size;
  }

  /**
   * The paths remembered (the lane's index keys), for tests and benchmarks
   * that check the accounting.
   *
   * @returns An iterator over the paths.
   */
  paths(): IterableIterator<string> {
    return this.#paths.keys();
  }

  /**
   * Every buffer reachable from the lane's index — bodies, pre-serialized
   * answers and their kept `Connection` copies — for tests and benchmarks
   * that check the accounting against what is really referenced.
   *
   * @returns The buffers, possibly some twice.
   */
  *heldBuffers(): IterableIterator<Uint8Array> {
    for (const file of new Set(this.#paths.values())) {
      const answers = [file.plainFull];
      for (const variant of file.variants) {
        answers.push(variant.full, variant.headOnly, variant.notModified);
      }
      for (const answer of answers) {
        if (answer === null) continue;
        yield answer.head;
        if (answer.body !== null) yield answer.body;
        if (answer.closeHead !== null) yield answer.closeHead;
        if (answer.keepAliveHead !== null) yield answer.keepAliveHead;
      }
      for (const variant of file.variants) {
        yield variant.body;
        for (const list of [variant.okList, variant.notModifiedList]) {
          if (list.encoded !== null) yield list.encoded;
        }
      }
    }
  }

  /**
   * Forget every answer recorded: the site's rules changed, and any path
   * may now be answered otherwise. The cache stops counting their bytes.
   */
  forgetAll(): void {
    for (const file of new Set(this.#paths.values())) {
      this.#cache.hold(file.entry, null);
    }
    this.#paths.clear();
    this.waits.forgetNotes();
  }

  /**
   * Remember a 200 the ordinary path gave from memory, for the next request
   * that would get the same answer. Answers that vary on anything but
   * `Accept-Encoding` are not remembered.
   *
   * @param pathname The URL path as `new URL(request.url).pathname` gives it.
   * @param answer What the ordinary path answered, its response's headers
   *   final, with the entry and representation whose bytes are the body.
   * @param recordedWith What the answer owes to its path, and what its
   *   replays say.
   */
  record(
    pathname: string,
    answer: MemoryAnswer,
    recordedWith: RecordedWith = PLAIN,
  ): void {
    const { response, entry, rep, body } = answer;
    if (response.status !== 200 || rep.bytes !== body) return;
    const { pathKey, explained } = recordedWith;
    let varyEncoding = false;
    const ok: FieldLines = { names: [], values: [] };
    const notModified: FieldLines = { names: [], values: [] };
    let etag: string | null = null;
    for (const [name, value] of response.headers) {
      if (name === "vary") {
        for (const member of value.toLowerCase().split(",")) {
          const token = member.trim();
          if (token === "accept-encoding") varyEncoding = true;
          else if (token !== "") return;
        }
      }
      if (name === "etag") etag = value;
      if (ENGINE_FIELDS.has(name)) continue;
      ok.names.push(name);
      if (name === EXPLAIN_FIELD && explained !== null) {
        // A replay says so, and says what the ordinary path would.
        ok.values.push(LANE_WORDS + explained.full);
        notModified.names.push(name);
        notModified.values.push(LANE_WORDS + explained.notModified);
        continue;
      }
      ok.values.push(value);
      if (!NOT_IN_304.has(name)) {
        notModified.names.push(name);
        notModified.values.push(value);
      }
    }
    // What replays tell the access log (the fields above tell the client).
    const explain200 = explained === null ? "" : LANE_WORDS + explained.full;
    const explain304 = explained === null
      ? ""
      : LANE_WORDS + explained.notModified;
    const held = entry.derived;
    let file = held instanceof LaneFile ? held : undefined;
    if (
      file === undefined || file.index !== this.#paths ||
      file.varyEncoding !== varyEncoding || file.pathKey !== pathKey
    ) {
      // A new file record: the old one's paths, answered otherwise, go.
      file = new LaneFile(this.#paths, entry, {
        varyEncoding,
        gzipEligible: this.#gzip &&
          shouldCompress(entry.contentType, entry.identity.size),
        pathKey,
      });
    }
    // One variant per representation: a new one replaces the old.
    const others = file.variants.filter((v) => v.rep !== rep);
    const parts = answerParts(body, { ok, notModified }, {
      explain200,
      explain304,
    });
    file.keep([...others, {
      ...parts,
      rep,
      etag,
      // All answers counted up front, so serving never re-counts.
      heldBytes: VARIANT_OVERHEAD_BYTES + parts.fields200.length +
        parts.fields304.length + explain200.length + explain304.length +
        3 * ANSWER_OVERHEAD_BYTES + answersBytes(parts),
      second: -1,
      full: null,
      headOnly: null,
      notModified: null,
    }]);
    this.#index(pathname, file);
    // Keep only variants of the entry's bytes as they are now (re-counting
    // a file the path left may have evicted some): the lane never keeps
    // bytes the cache has dropped.
    file.keep(
      file.variants.filter((v) =>
        isCurrent(entry, v.rep) && v.rep.bytes === v.body
      ),
    );
    file.measure();
    this.#cache.hold(entry, file);
  }

  /** Point `pathname` at `file`, within the index's bounds. */
  #index(pathname: string, file: LaneFile): void {
    const previous = this.#paths.get(pathname);
    if (previous !== undefined && previous !== file) {
      previous.forget(pathname);
      previous.measure();
      this.#cache.hold(
        previous.entry,
        previous.paths.length > 0 ? previous : null,
      );
    }
    if (!file.paths.includes(pathname)) {
      file.paths.push(pathname);
      if (file.paths.length > MAX_PATHS_PER_FILE) file.forget(file.paths[0]);
    }
    // Re-inserted: the index's order is the order of recording.
    this.#paths.set(pathname, file);
    if (this.#paths.size > MAX_PATHS) {
      const [oldest, other] = this.#paths.oldest()!;
      other.forget(oldest);
      other.measure();
      this.#cache.hold(other.entry, other.paths.length > 0 ? other : null);
    }
  }

  /** The parsed weights of an `Accept-Encoding` value. */
  #weights(header: string): ReadonlyMap<string, number> {
    if (header === this.#memoHeader) return this.#memoWeights;
    const weights = parseAcceptEncoding(header);
    if (header.length <= MEMO_MAX_CHARS) {
      this.#memoHeader = header;
      this.#memoWeights = weights;
    }
    return weights;
  }

  /**
   * The representation the ordinary path would choose (`respondWithFile`:
   * a precompressed sibling, else gzip on the fly, else identity), or
   * `null` when that is gzip not yet in memory.
   */
  #choose(file: LaneFile, header: string | null): Representation | null {
    const entry = file.entry;
    if (header === null || !file.varyEncoding) return entry.identity;
    const weights = this.#weights(header);
    if (file.codings.length > 0) {
      const coding = chooseEncoding(weights, file.codings);
      if (coding !== null) {
        return entry.siblings[file.codings.indexOf(coding)];
      }
    }
    if (file.gzipEligible && chooseEncoding(weights, GZIP_ONLY) === "gzip") {
      return entry.gzip;
    }
    return entry.identity;
  }

  /** The variant recorded for what #choose picks, if any. */
  #variantFor(file: LaneFile, acceptEncoding: string): Variant | undefined {
    const rep = this.#choose(file, acceptEncoding);
    for (const v of file.variants) {
      if (v.rep === rep) return v;
    }
    return undefined;
  }

  /**
   * Answer from a remembered entry, or `undefined` for the ordinary path,
   * or a promise to ask again after: the ordinary path is making the answer
   * (see {@linkcode LaneWaits}).
   *
   * @param request The parsed request head.
   * @param nowMs Wall-clock time, for `Date`.
   * @param cacheNow The file cache's clock, when the caller has read it.
   * @returns The bytes to write, `undefined`, or a promise.
   */
  serve(
    request: FastLaneRequest,
    nowMs: number,
    cacheNow?: number,
  ): FastLaneResponse | Promise<void> | undefined {
    const target = request.target;
    const query = target.indexOf("?");
    const file = this.#paths.get(
      query === -1 ? target : target.slice(0, query),
    );
    if (file === undefined) return this.waits.waitFor(request);

    let acceptEncoding: string | null = null;
    let ifNoneMatch: string | null = null;
    let ifModifiedSince = false;
    const names = request.headerNames;
    for (let i = 0; i < names.length; i++) {
      switch (names[i]) {
        case "accept-encoding":
          // Two fields are one list to the ordinary path: leave it to it.
          if (acceptEncoding !== null) return undefined;
          acceptEncoding = request.headerValues[i];
          break;
        case "if-none-match":
          if (ifNoneMatch !== null) return undefined;
          ifNoneMatch = request.headerValues[i];
          break;
        // What the recorded answer did not weigh goes the ordinary way.
        case "if-modified-since":
          ifModifiedSince = true;
          break;
        case "range":
        case "if-range":
        case "if-match":
        case "if-unmodified-since":
          return undefined;
      }
    }
    // If-Modified-Since counts only without If-None-Match (RFC 9110 §13.1.3).
    if (ifModifiedSince && ifNoneMatch === null) return undefined;
    const now = cacheNow ?? this.#cache.now();
    // Within the bound, on the record's copy of the entry's `checkedAt`
    // (`-Infinity` once the cache let the record go, which it does whenever
    // it drops or replaces the entry): a hit reads the record, not the
    // entry. A file not hit in the half bound before its expiry was never
    // asked for a re-check (bursts of use); one look now beats the ordinary
    // path.
    if (
      now - file.checkedAt >= this.#revalidateMs &&
      !(file.entry.derived === file && this.#recheckNow(file.entry, now))
    ) {
      return this.waits.waitFor(request);
    }
    const second = Math.floor(nowMs / 1000);
    // A plain GET gets the identity's full 200 (what #choose would pick),
    // kept on the record for its second: the hit reads nothing else.
    const plain = ifNoneMatch === null && request.method === "GET" &&
      (acceptEncoding === null || !file.varyEncoding);
    if (plain && file.plainSecond === second) {
      this.#used(file, now);
      return file.plainFull!;
    }
    const variant = acceptEncoding === null || !file.varyEncoding
      ? file.identityVariant // what #choose would pick, kept
      : this.#variantFor(file, acceptEncoding);
    if (variant === undefined || variant.rep.bytes !== variant.body) {
      return this.waits.waitFor(request);
    }
    this.#used(file, now);
    if (variant.second !== second) {
      // Its answers are made the new second's in place, each that no write
      // holds; a held one is let go, and made anew when asked for.
      variant.second = second;
      variant.full = renewed(variant.full, nowMs);
      variant.headOnly = renewed(variant.headOnly, nowMs);
      variant.notModified = renewed(variant.notModified, nowMs);
      if (variant === file.identityVariant) file.forgetPlain();
    }
    if (ifNoneMatch !== null) {
      // Only the exact strong tag is answered here; lists, weak tags and
      // `*` are evaluated by the ordinary path (RFC 9110 §13.1.2).
      if (ifNoneMatch !== variant.etag) return undefined;
      return variant.notModified ??= serializeFastLaneResponse(
        notModifiedAnswer(variant),
        nowMs,
      );
    }
    if (request.method === "HEAD") {
      return variant.headOnly ??= serializeFastLaneResponse(
        okAnswer(variant, false),
        nowMs,
      );
    }
    const full = variant.full ??= serializeFastLaneResponse(
      okAnswer(variant, true),
      nowMs,
    );
    if (plain) {
      file.plainFull = full;
      file.plainSecond = second;
    }
    return full;
  }

  /**
   * A hit used `file`: the cache's eviction walk sees it (its LRU cannot),
   * and a file past half its bound is re-checked ahead of expiry.
   */
  #used(file: LaneFile, now: number): void {
    file.referenced = true;
    if (
      now - file.checkedAt >= this.#refreshAfterMs &&
      file.recheckAskedAt !== file.checkedAt &&
      !this.#cache.loading(file.entry.key)
    ) {
      file.recheckAskedAt = file.checkedAt;
      this.#refresh(file.entry);
    }
  }
}

/** An answer made the second of `nowMs`'s in place, or `null` for none. */
function renewed(
  answer: FastLaneResponse | null,
  nowMs: number,
): FastLaneResponse | null {
  return answer !== null && renewFastLaneResponse(answer, nowMs)
    ? answer
    : null;
}
