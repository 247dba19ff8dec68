/**
 * Requests the fast lane has no answer for yet, waiting for the one the
 * ordinary path is making ({@linkcode LaneWaits}).
 *
 * On a cold start under load, every request for a file arrives while its
 * one load is in flight. Taking the ordinary path, each would then answer
 * with `new Response(bytes)`, which copies the body: fifty connections
 * asking for a 1 MiB file held fifty copies. Instead, while one GET for a
 * path is on the ordinary path (and may leave its answer to the fast
 * lane), the lane tells the engine to wait for it and ask again; the
 * waiters are then answered from the one pre-serialized answer.
 *
 * A path whose ordinary answer the lane did not keep (a 404, a file too
 * large to cache, a listing, an app's answer) is noted for the cache's
 * `revalidateMs`, so that requests for it do not wait on each other.
 *
 * @module
 */

import type { FastLaneRequest } from "../http/fast_lane.ts";
import type { DerivedBytes } from "./file_cache.ts";

/** Paths noted as not kept at most; the oldest note goes first. */
const MAX_NOT_KEPT = 1024;
/**
 * Longest path noted at all. With `MAX_NOT_KEPT`, the notes stay under
 * 1.2 MiB whatever the budget; their bytes also count against the cache's
 * one budget, as a hint that yields to cached answers
 * (`FileCache.holdHint`).
 */
const MAX_PATH_CHARS = 512;
/**
 * What one note weighs beyond two bytes per path character: the map's slot,
 * the string's header and the time (an upper estimate).
 */
const NOTE_OVERHEAD_BYTES = 128;

/**
 * Fields that may make the ordinary path answer other than with a full 200
 * (206, 304, 412): such a request's answer is never kept, so no one waits
 * for it.
 */
const NOT_PLAIN = [
  "range",
  "if-range",
  "if-match",
  "if-unmodified-since",
  "if-none-match",
  "if-modified-since",
];

/** How {@linkcode LaneWaits} keeps time. */
export interface LaneWaitsOptions {
  /** The file cache's clock, in ms. */
  readonly now: () => number;
  /** How long a note that a path's answer was not kept lasts, in ms. */
  readonly notKeptMs: number;
  /** Whether the fast lane now keeps an answer for a path. */
  readonly kept: (pathname: string) => boolean;
  /**
   * Count the notes against the cache's budget, as
   * `FileCache.holdHint` does: `false` when they were released.
   */
  readonly hold: (notes: DerivedBytes) => boolean;
}

/** What a note of `pathname` weighs against the budget. */
function noteBytes(pathname: string): number {
  return NOTE_OVERHEAD_BYTES + 2 * pathname.length;
}

/**
 * The paths whose answers the ordinary path is making now, and the promises
 * fast-lane misses for them wait on.
 */
export class LaneWaits {
  readonly #now: () => number;
  readonly #notKeptMs: number;
  readonly #kept: (pathname: string) => boolean;
  /**
   * Path → the waiters' promise, made when the first one asks (`null`
   * until then): most answers are made with no one waiting.
   */
  readonly #making = new Map<string, PromiseWithResolvers<void> | null>();
  readonly #hold: (notes: DerivedBytes) => boolean;
  /** Path → when its ordinary answer was last found not kept. */
  readonly #notKept = new Map<string, number>();
  /** What the notes weigh, as the cache counts them. */
  #notesBytes = 0;
  /** The notes as the cache holds them: released, they are forgotten. */
  readonly #notes: DerivedBytes;
  /**
   * Whether an engine asks the fast lane at all: under `Deno.serve` no one
   * would ever wait, and nothing is noted.
   */
  #asked = false;

  /**
   * @param options The clock, how long a "not kept" note lasts, and what
   *   the lane keeps.
   */
  constructor(options: LaneWaitsOptions) {
    this.#now = options.now;
    this.#notKeptMs = options.notKeptMs;
    this.#kept = options.kept;
    this.#hold = options.hold;
    const weight = () => this.#notesBytes;
    this.#notes = {
      get heldBytes() {
        return weight();
      },
      referenced: false,
      release: () => {
        this.#notKept.clear();
        this.#notesBytes = 0;
      },
    };
  }

  /** What the "not kept" notes weigh now, as the cache counts them. */
  get notesBytes(): number {
    return this.#notesBytes;
  }

  /**
   * The paths noted as not kept, for tests that check the accounting.
   *
   * @returns An iterator over the paths.
   */
  notedPaths(): IterableIterator<string> {
    return this.#notKept.keys();
  }

  /**
   * What a fast-lane miss for `request` waits on before asking again: the
   * answer the ordinary path is making for its path, if any.
   *
   * @param request The request the lane had no answer for.
   * @returns A promise that resolves once that answer is made, or
   *   `undefined` for none.
   */
  waitFor(request: FastLaneRequest): Promise<void> | undefined {
    this.#asked = true;
    if (this.#making.size === 0) return undefined;
    const target = request.target;
    const query = target.indexOf("?");
    const path = query === -1 ? target : target.slice(0, query);
    let making = this.#making.get(path);
    if (making === undefined) return undefined;
    if (making === null) {
      making = Promise.withResolvers<void>();
      this.#making.set(path, making);
    }
    return making.promise;
  }

  /**
   * Note that the ordinary path starts answering `request`, so that misses
   * for its path wait for it; only a plain GET whose path is not already
   * being answered, nor noted as not kept, nor too long to note, is.
   *
   * @param request The request on the ordinary path.
   * @returns Its URL path (as `new URL(request.url).pathname` gives it and
   *   the lane's index keys it) when noted: then call {@linkcode LaneWaits.end} with
   *   it once answered, whatever happened. `null` when not noted.
   */
  begin(request: Request): string | null {
    if (!this.#asked || request.method !== "GET") return null;
    const pathname = pathOf(request.url);
    if (pathname.length > MAX_PATH_CHARS || this.#making.has(pathname)) {
      return null;
    }
    const notKeptAt = this.#notKept.get(pathname);
    if (notKeptAt !== undefined) {
      if (this.#now() - notKeptAt < this.#notKeptMs) return null;
      this.#unnote(pathname);
      this.#hold(this.#notes);
    }
    const headers = request.headers;
    for (const name of NOT_PLAIN) {
      if (headers.has(name)) return null;
    }
    this.#making.set(pathname, null);
    return pathname;
  }

  /**
   * The answer {@linkcode LaneWaits.begin} noted is made (and kept by the
   * lane, or not): its waiters ask the lane again.
   *
   * @param pathname The path `begin` returned.
   */
  end(pathname: string): void {
    const making = this.#making.get(pathname);
    this.#making.delete(pathname);
    if (!this.#kept(pathname)) {
      this.#unnote(pathname);
      this.#notKept.set(pathname, this.#now());
      this.#notesBytes += noteBytes(pathname);
      if (this.#notKept.size > MAX_NOT_KEPT) {
        this.#unnote(this.#notKept.keys().next().value!);
      }
      this.#hold(this.#notes);
    }
    making?.resolve();
  }

  /** Forget the "not kept" notes: the site's rules changed. */
  forgetNotes(): void {
    this.#notKept.clear();
    this.#notesBytes = 0;
    this.#hold(this.#notes);
  }

  /** Drop the note of `pathname`, if any (the cache re-counts later). */
  #unnote(pathname: string): void {
    if (this.#notKept.delete(pathname)) {
      this.#notesBytes -= noteBytes(pathname);
    }
  }
}

/**
 * The path of a URL as `Request.url` serializes it, without parsing it
 * again: for http(s), the serialization is `scheme://authority` + path +
 * `?query` + `#fragment`, and the authority holds no `/`, `?` or `#`.
 *
 * @param url A serialized http(s) URL.
 * @returns What `new URL(url).pathname` gives.
 */
export function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start === -1) return "/";
  let end = url.length;
  const query = url.indexOf("?", start);
  if (query !== -1) end = query;
  const fragment = url.indexOf("#", start);
  if (fragment !== -1 && fragment < end) end = fragment;
  return url.slice(start, end);
}
