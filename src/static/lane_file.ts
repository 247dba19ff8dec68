/**
 * What the fast lane keeps for one cached file ({@linkcode LaneFile}): its
 * recorded answers per representation ({@linkcode Variant}), the index paths
 * that lead to it, and what all of it weighs against the cache's budget.
 *
 * @module
 */

import {
  type FastLaneFieldList,
  fieldListBytes,
} from "../http/fast_lane_fields.ts";
import {
  connectionCopiesSize,
  type FastLaneResponse,
  type FastLaneResponseInit,
  fastLaneResponseSize,
} from "../http/fast_lane_response.ts";
import type { ContentCoding } from "./accept_encoding.ts";
import type { DerivedBytes, FileEntry, Representation } from "./file_cache.ts";
import type { PathIndex } from "./path_index.ts";

// Estimates of heap overhead, counted with the bytes (V8, Deno 2.9:
// measured ~200 bytes for a path of 19 characters in a map with its
// record, ~210 bytes for a Uint8Array beyond its data; the path index's
// map by path, its slot and its table ~72 bytes a path, measured with 4,096
// paths — the string aside).
/** A file's record: the object, its path and variant arrays. */
const FILE_OVERHEAD_BYTES = 256;
/**
 * One index path: the index's slot, its map entry, its table's elements
 * and the string (plus two a character).
 */
const PATH_OVERHEAD_BYTES = 224;
/** One variant: the object and its two field strings (plus their length). */
export const VARIANT_OVERHEAD_BYTES: number = 256;
/** One pre-serialized answer: the object, the Uint8Array, its buffer. */
export const ANSWER_OVERHEAD_BYTES: number = 320;
/** One copy of an answer with `Connection`: the Uint8Array, its buffer. */
const COPY_OVERHEAD_BYTES = 224;

/** The recorded answers for one representation of a file. */
export interface Variant {
  readonly rep: Representation;
  readonly body: Uint8Array;
  readonly etag: string | null;
  /** `name: value\r\n` lines of the 200, without date and length. */
  readonly fields200: string;
  /** The same for the 304. */
  readonly fields304: string;
  /**
   * The 200's `Berth-Explain` words, for the access log (`explain`); `""`
   * when the handler does not explain.
   */
  readonly explain200: string;
  /** The 304's. */
  readonly explain304: string;
  /** The 200 (and HEAD) as a field list, for HTTP/2. */
  readonly okList: FastLaneFieldList;
  /** The 304 as a field list. */
  readonly notModifiedList: FastLaneFieldList;
  /**
   * Whether its 200 (with body) keeps its copies with a `Connection` field
   * (`keptCopy`): only when they are small, and then counted in
   * `heldBytes`. HEAD and 304 answers keep none.
   */
  readonly copiesCounted: boolean;
  /**
   * What it may hold: itself, all three answers, the 200's kept copies and
   * both field lists with their encodings, built or not.
   */
  readonly heldBytes: number;
  second: number;
  full: FastLaneResponse | null;
  headOnly: FastLaneResponse | null;
  notModified: FastLaneResponse | null;
}

/** How a {@linkcode LaneFile}'s answers were made. */
export interface LaneFileTraits {
  /** Whether its answers vary on `Accept-Encoding` at all. */
  readonly varyEncoding: boolean;
  /** Whether identity may be gzipped on the fly (as the ordinary path). */
  readonly gzipEligible: boolean;
  /**
   * What its answers owe to the paths that lead to it (`RecordedWith`):
   * the same for every one of them.
   */
  readonly pathKey: string;
}

/**
 * What the lane keeps for one cached file, hung on its cache entry: the
 * cache counts it and releases it with the file's bytes.
 */
export class LaneFile implements DerivedBytes, LaneFileTraits {
  heldBytes = 0;
  referenced = false;
  /**
   * The entry's `checkedAt` while the cache holds this record (the cache
   * tells it, `checked`), `-Infinity` once released: what a hit tests
   * against the staleness bound without reading the entry.
   */
  checkedAt: number;
  /**
   * The entry's `checkedAt` when the lane last asked for a re-check of it:
   * one ask per check, not one per hit until the re-check is made.
   */
  recheckAskedAt = NaN;
  /**
   * The identity variant's full 200 of second `plainSecond`, or `null`:
   * what a plain GET (no `Accept-Encoding` weighed, no condition) is
   * answered, found on this record. The same answer as the variant's
   * `full`, never another, so it holds nothing the variant does not count.
   */
  plainFull: FastLaneResponse | null = null;
  /** The second `plainFull` is for; `-1` when there is none. */
  plainSecond = -1;
  readonly paths: string[] = [];
  /** Its variants, one per representation; set through `keep`. */
  variants: readonly Variant[] = [];
  /**
   * The identity's variant, if recorded: what a request without
   * `Accept-Encoding` gets, found without a search (most requests).
   */
  identityVariant: Variant | undefined = undefined;
  readonly codings: ContentCoding[];
  readonly varyEncoding: boolean;
  readonly gzipEligible: boolean;
  readonly pathKey: string;

  constructor(
    readonly index: PathIndex<LaneFile>,
    readonly entry: FileEntry,
    traits: LaneFileTraits,
  ) {
    this.checkedAt = entry.checkedAt;
    this.codings = entry.siblings.map((sibling) => sibling.coding!);
    this.varyEncoding = traits.varyEncoding;
    this.gzipEligible = traits.gzipEligible;
    this.pathKey = traits.pathKey;
  }

  /**
   * Keep these variants (one per representation), in place of the others.
   *
   * @param variants What the file's answers are now.
   */
  keep(variants: readonly Variant[]): void {
    this.variants = variants;
    this.identityVariant = variants.find((v) => v.rep === this.entry.identity);
    this.forgetPlain();
  }

  /** Forget the plain GET's answer (its variant changed, or its second). */
  forgetPlain(): void {
    this.plainFull = null;
    this.plainSecond = -1;
  }

  /**
   * Keep the entry's new `checkedAt` (the cache calls this).
   *
   * @param checkedAt When the entry was last found unchanged.
   */
  checked(checkedAt: number): void {
    this.checkedAt = checkedAt;
  }

  /** Re-add what it holds, after a change. */
  measure(): void {
    let total = FILE_OVERHEAD_BYTES;
    for (const path of this.paths) {
      total += PATH_OVERHEAD_BYTES + 2 * path.length;
    }
    for (const variant of this.variants) total += variant.heldBytes;
    this.heldBytes = total;
  }

  /** Take one path out of the index (it leads elsewhere now, or nowhere). */
  forget(path: string): void {
    const i = this.paths.indexOf(path);
    if (i !== -1) this.paths.splice(i, 1);
    if (this.index.get(path) === this) this.index.delete(path);
  }

  release(): void {
    for (const path of this.paths) {
      if (this.index.get(path) === this) this.index.delete(path);
    }
    this.paths.length = 0;
    this.keep([]);
    this.heldBytes = 0;
    this.checkedAt = -Infinity;
  }
}

/**
 * Whether `rep` is still one of the entry's servable representations.
 *
 * @param entry The file's entry.
 * @param rep A representation recorded for it.
 * @returns `true` when the entry still serves it.
 */
export function isCurrent(entry: FileEntry, rep: Representation): boolean {
  return rep === entry.identity || rep === entry.gzip ||
    entry.siblings.includes(rep);
}

/** What a variant's answers are made of. */
export type AnswerParts = Pick<
  Variant,
  | "body"
  | "fields200"
  | "fields304"
  | "explain200"
  | "explain304"
  | "okList"
  | "notModifiedList"
  | "copiesCounted"
>;

/** An answer's fields, names parallel to values. */
export interface FieldLines {
  readonly names: string[];
  readonly values: string[];
}

/** `name: value\r\n` lines. */
function fieldLines({ names, values }: FieldLines): string {
  let lines = "";
  for (let i = 0; i < names.length; i++) {
    lines += names[i] + ": " + values[i] + "\r\n";
  }
  return lines;
}

/**
 * A variant's answers from the fields of its 200 and its 304: as lines
 * for HTTP/1.1 and as lists for HTTP/2.
 */
export function answerParts(
  body: Uint8Array,
  fields: { ok: FieldLines; notModified: FieldLines },
  explain: Pick<AnswerParts, "explain200" | "explain304">,
): AnswerParts {
  const { ok, notModified } = fields;
  const parts: AnswerParts = {
    body,
    fields200: fieldLines(ok),
    fields304: fieldLines(notModified),
    explain200: explain.explain200,
    explain304: explain.explain304,
    okList: {
      status: 200,
      names: ok.names,
      values: ok.values,
      contentLength: body.length,
      body,
      encoded: null,
    },
    notModifiedList: {
      status: 304,
      names: notModified.names,
      values: notModified.values,
      contentLength: -1,
      body: null,
      encoded: null,
    },
    copiesCounted: false,
  };
  // Copies are kept (and counted) only for the 200 with its body, when
  // small: what `ab -k` and one connection per request ask for again and
  // again; HEAD and 304 answers are the same few bytes copied anew.
  const copies = connectionCopiesSize(okAnswer(parts, true));
  return copies > 0 ? { ...parts, copiesCounted: true } : parts;
}

/**
 * The 200: with its body, or without it for a HEAD, which gets the same
 * head (RFC 9110 §9.3.2).
 */
export function okAnswer(
  parts: AnswerParts,
  withBody: boolean,
): FastLaneResponseInit {
  return {
    status: 200,
    fields: parts.fields200,
    body: withBody ? parts.body : null,
    contentLength: parts.body.length,
    explain: parts.explain200,
    fieldList: parts.okList,
    copiesCounted: withBody && parts.copiesCounted,
  };
}

/** The 304: no body, no framing. */
export function notModifiedAnswer(parts: AnswerParts): FastLaneResponseInit {
  return {
    status: 304,
    fields: parts.fields304,
    body: null,
    contentLength: -1,
    explain: parts.explain304,
    fieldList: parts.notModifiedList,
  };
}

/**
 * What a variant's three answers, the 200's kept copies and two field lists
 * hold, counted before any is built, copied or encoded.
 */
export function answersBytes(parts: AnswerParts): number {
  const copies = parts.copiesCounted
    ? connectionCopiesSize(okAnswer(parts, true)) + 2 * COPY_OVERHEAD_BYTES
    : 0;
  return copies + fastLaneResponseSize(okAnswer(parts, true)) +
    fastLaneResponseSize(okAnswer(parts, false)) +
    fastLaneResponseSize(notModifiedAnswer(parts)) +
    fieldListBytes(parts.okList) + fieldListBytes(parts.notModifiedList);
}
