/**
 * The file handler's fast lane: answers for cached files, pre-serialized to
 * the byte, so a hit on berth's engine builds no `Request` or `Response` and
 * touches no file.
 *
 * Entries are recorded from answers the ordinary path gave (so the two lanes
 * can never disagree on a header) and are served only while the file cache
 * would itself serve that entry without a stat: the same staleness bound,
 * `revalidateMs`. A request with anything the recorded answer did not
 * consider (`Range`, `If-Match`, a non-matching `If-None-Match`…) takes the
 * ordinary path.
 *
 * @module
 */

import type { FastLaneRequest, FastLaneResponse } from "../fast_lane.ts";
import type { FileCache, FileEntry, Representation } from "./file_cache.ts";
import { formatHttpDate } from "./http_date.ts";

/** Bodies up to this size are copied next to their head: one write. */
const EMBED_MAX_BYTES = 64 * 1024;
/** Paths remembered; the least recently recorded go first. */
const MAX_SLOTS = 4096;
/** `Accept-Encoding` spellings remembered per path. */
const MAX_VARIANTS = 8;

const encoder = new TextEncoder();

/** Fields the engine owns on the wire, never replayed from a response. */
const ENGINE_FIELDS = new Set([
  "date",
  "content-length",
  "connection",
  "keep-alive",
  "transfer-encoding",
  "proxy-connection",
  "upgrade",
]);
/** Fields a 304 leaves out (RFC 9110 §15.4.5 lists what it keeps). */
const NOT_IN_304 = new Set([
  "content-type",
  "content-encoding",
  "accept-ranges",
  "content-range",
]);

/** One recorded answer for one path and one `Accept-Encoding` spelling. */
interface Variant {
  readonly entry: FileEntry;
  readonly rep: Representation;
  readonly body: Uint8Array;
  readonly etag: string | null;
  /** `name: value\r\n` lines of the 200, without date and length. */
  readonly fields200: string;
  /** The same for the 304. */
  readonly fields304: string;
  second: number;
  full: FastLaneResponse | null;
  headOnly: FastLaneResponse | null;
  notModified: FastLaneResponse | null;
}

interface Slot {
  varyEncoding: boolean;
  variants: Map<string, Variant>;
}

/** Pre-serialized answers for cached files. */
export class StaticFastLane {
  readonly #cache: FileCache;
  readonly #refresh: (entry: FileEntry) => void;
  readonly #refreshAfterMs: number;
  readonly #slots = new Map<string, Slot>();

  /**
   * @param cache The file cache whose freshness rules the lane follows.
   * @param refresh Starts a revalidation of an entry without waiting for
   *   it; called by a hit on an entry past half its `revalidateMs`, so a
   *   file in use is re-checked in the background before it expires and no
   *   request has to wait for the stat.
   */
  constructor(cache: FileCache, refresh: (entry: FileEntry) => void) {
    this.#cache = cache;
    this.#refresh = refresh;
    this.#refreshAfterMs = cache.revalidateMs / 2;
  }

  /** Paths currently remembered. */
  get size(): number {
    return this.#slots.size;
  }

  /**
   * Remember a 200 the ordinary path gave from memory, for the next identical
   * request. Answers that vary on anything but `Accept-Encoding` are not
   * remembered.
   *
   * @param pathname The URL path as `new URL(request.url).pathname` gives it.
   * @param request The request it answered.
   * @param response The final response (every header set).
   * @param entry The cache entry it came from.
   * @param rep The representation whose bytes are the body.
   * @param body The body bytes (`rep.bytes`).
   */
  record(
    pathname: string,
    request: Request,
    response: Response,
    entry: FileEntry,
    rep: Representation,
    body: Uint8Array,
  ): void {
    if (response.status !== 200 || rep.bytes !== body) return;
    let varyEncoding = false;
    let fields200 = "";
    let fields304 = "";
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
      const line = name + ": " + value + "\r\n";
      fields200 += line;
      if (!NOT_IN_304.has(name)) fields304 += line;
    }
    const key = varyEncoding
      ? request.headers.get("accept-encoding") ?? ""
      : "";
    let slot = this.#slots.get(pathname);
    if (slot === undefined || slot.varyEncoding !== varyEncoding) {
      slot = { varyEncoding, variants: new Map() };
      this.#slots.delete(pathname);
      this.#slots.set(pathname, slot);
      if (this.#slots.size > MAX_SLOTS) {
        this.#slots.delete(this.#slots.keys().next().value as string);
      }
    }
    if (!slot.variants.has(key) && slot.variants.size >= MAX_VARIANTS) return;
    slot.variants.set(key, {
      entry,
      rep,
      body,
      etag,
      fields200,
      fields304,
      second: -1,
      full: null,
      headOnly: null,
      notModified: null,
    });
  }

  /**
   * Answer from a remembered entry, or `undefined` for the ordinary path.
   *
   * @param request The parsed request head.
   * @param nowMs Wall-clock time, for `Date`.
   * @param cacheNow The file cache's clock, when the caller has read it.
   * @returns The bytes to write, or `undefined`.
   */
  serve(
    request: FastLaneRequest,
    nowMs: number,
    cacheNow?: number,
  ): FastLaneResponse | undefined {
    const target = request.target;
    const query = target.indexOf("?");
    const slot = this.#slots.get(
      query === -1 ? target : target.slice(0, query),
    );
    if (slot === undefined) return undefined;

    let acceptEncoding = "";
    let ifNoneMatch: string | null = null;
    let ifModifiedSince = false;
    const names = request.headerNames;
    for (let i = 0; i < names.length; i++) {
      switch (names[i]) {
        case "accept-encoding":
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
    const variant = slot.variants.get(slot.varyEncoding ? acceptEncoding : "");
    if (variant === undefined) return undefined;
    const entry = variant.entry;
    const now = cacheNow ?? this.#cache.now();
    if (
      !this.#cache.isFresh(entry, now) || variant.rep.bytes !== variant.body
    ) {
      return undefined;
    }
    if (
      now - entry.checkedAt >= this.#refreshAfterMs &&
      !this.#cache.loading(entry.key)
    ) {
      this.#refresh(entry);
    }
    const second = Math.floor(nowMs / 1000);
    if (variant.second !== second) {
      variant.second = second;
      variant.full = variant.headOnly = variant.notModified = null;
    }
    if (ifNoneMatch !== null) {
      // Only the exact strong tag is answered here; lists, weak tags and
      // `*` are evaluated by the ordinary path (RFC 9110 §13.1.2).
      if (ifNoneMatch !== variant.etag) return undefined;
      return variant.notModified ??= serialize(
        304,
        variant.fields304,
        nowMs,
        null,
        -1,
      );
    }
    if (request.method === "HEAD") {
      return variant.headOnly ??= serialize(
        200,
        variant.fields200,
        nowMs,
        null,
        variant.body.length,
      );
    }
    return variant.full ??= serialize(
      200,
      variant.fields200,
      nowMs,
      variant.body,
      variant.body.length,
    );
  }
}

const STATUS_LINES: Record<number, string> = {
  200: "HTTP/1.1 200 OK\r\n",
  304: "HTTP/1.1 304 Not Modified\r\n",
};

/** Status line, fields, `Date`, framing and (small) body in one buffer. */
function serialize(
  status: 200 | 304,
  fields: string,
  nowMs: number,
  body: Uint8Array | null,
  contentLength: number,
): FastLaneResponse {
  const head = STATUS_LINES[status] + fields + "date: " +
    formatHttpDate(nowMs) + "\r\n" +
    (contentLength >= 0 ? "content-length: " + contentLength + "\r\n" : "") +
    "\r\n";
  const embed = body !== null && body.length <= EMBED_MAX_BYTES;
  const bytes = new Uint8Array(head.length + (embed ? body.length : 0));
  const { read, written } = encoder.encodeInto(head, bytes);
  if (read !== head.length || written !== head.length) {
    // A header value with bytes over 0x7f: write it as latin1, as HTTP has it.
    for (let i = 0; i < head.length; i++) bytes[i] = head.charCodeAt(i);
  }
  if (embed) bytes.set(body, head.length);
  return {
    status,
    head: bytes,
    headerBytes: head.length,
    body: embed ? null : body,
    bodyBytes: body === null ? 0 : body.length,
  };
}
