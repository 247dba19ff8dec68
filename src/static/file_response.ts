/**
 * Answering with a file: representation choice (precompressed sibling,
 * on-the-fly gzip, identity), validators, preconditions, ranges, and the
 * body from memory or streamed from disk.
 *
 * The file is opened last: 304, 412, 416 and HEAD answers are built from
 * cached metadata alone. When it is opened, it is opened where its entry
 * found it (checked on the directory held, `locate_entry.ts`), and its bytes
 * are sent only if the descriptor's identity is the one the headers
 * describe.
 *
 * @module
 */

import { negotiateEncoding } from "./accept_encoding.ts";
import { gzipBytes, gzipStream, shouldCompress } from "./compress.ts";
import { type Descriptor, sameIdentity } from "./descriptor.ts";
import { codedEtag } from "./etag.ts";
import type { FileCache, FileEntry, Representation } from "./file_cache.ts";
import { reopen } from "./file_entry.ts";
import type { Explanation } from "./explanation.ts";
import { createFileStream } from "./file_stream.ts";
import { respondWithLiveReloadPage } from "./live_reload_page.ts";
import type { LiveReloadTag } from "./live_reload_tag.ts";
import { formatHttpDate } from "../http/http_date.ts";
import {
  assembleParts,
  type BodyPart,
  planMultipartByteranges,
} from "./multipart_byteranges.ts";
import { type ByteRange, parseRange } from "./parse_range.ts";
import { type FileAnswer, MemoryAnswer } from "./memory_answer.ts";
import { decidePreconditions, evaluateIfRange } from "./preconditions.ts";
import { responseInit, statusResponse } from "./status_response.ts";

/**
 * How {@linkcode respondWithFile} answers.
 */
export interface FileResponseOptions {
  /**
   * The cache whose entry this is, to keep bodies in memory; `null` reads
   * small files whole but keeps nothing.
   */
  cache: FileCache | null;
  /** Bodies up to this size are read whole (and cached); larger ones stream. */
  maxInMemoryBytes: number;
  /** Whether on-the-fly gzip may be used. */
  gzip: boolean;
  /** The `Cache-Control` value, or `null` for none. */
  cacheControl: string | null;
  /** Most ranges honoured in one request. */
  maxRanges: number;
  /**
   * Whether a `Range` on an empty file is answered 416 (`"refuse"`) or
   * ignored (`"ignore"`); see `AnswerConventions`.
   *
   * @default {"refuse"}
   */
  emptyFileRanges?: "refuse" | "ignore";
  /**
   * `200` normally; `404` for a not-found page, which skips preconditions
   * and ranges.
   *
   * @default {200}
   */
  status?: 200 | 404;
  /** Extra `Vary` members, e.g. `Accept` for an SPA fallback. */
  vary?: readonly string[];
  /**
   * Where the choices made answering are noted (`explain`), or `null` for
   * nowhere.
   *
   * @default {null}
   */
  explain?: Explanation | null;
  /**
   * A descriptor already open on `entry.identity`'s file, to read from
   * instead of opening it. {@linkcode respondWithFile} takes it over: it is
   * closed, or handed to the body stream, before the call returns. With it,
   * no sibling is chosen.
   */
  file?: Descriptor;
  /**
   * Live reload's script element, added to HTML pages
   * (`live_reload_page.ts`: their own validators, no ranges, identity
   * only), or `null` for none.
   *
   * @default {null}
   */
  liveReload?: LiveReloadTag | null;
}

/**
 * What {@linkcode respondWithFile} returns when the file on disk is no
 * longer the one its entry describes (changed, replaced, gone, or now a
 * symlink): the caller looks again.
 */
export class FileChanged {
  /**
   * @param file The descriptor now open on the entry's file, when it is a
   *   regular file where the entry found it (the caller owns it), else
   *   `null`.
   */
  constructor(readonly file: Descriptor | null) {}
}

/**
 * Open `rep` where its entry found it and check it is still that version.
 * `held` is used instead when given (the caller's descriptor on the entry's
 * identity, already described by it).
 */
function openVerified(
  entry: FileEntry,
  rep: Representation,
  held: Descriptor | undefined,
): Descriptor | FileChanged {
  if (held !== undefined && rep === entry.identity) return held;
  const file = reopen(rep);
  if (file === null) return new FileChanged(null);
  if (sameIdentity(file.identity, rep)) return file;
  if (rep === entry.identity) return new FileChanged(file);
  file.close();
  return new FileChanged(null);
}

/**
 * The body of `rep`: its bytes (cached, or read whole when small enough and
 * then kept), or the open file to stream when large or being written to.
 */
function bodyOf(
  entry: FileEntry,
  rep: Representation,
  options: FileResponseOptions,
): Uint8Array | Descriptor | FileChanged {
  if (rep.bytes !== null) return rep.bytes;
  const file = openVerified(entry, rep, options.file);
  if (file instanceof FileChanged) return file;
  if (rep.size > options.maxInMemoryBytes) return file;
  let bytes: Uint8Array | null;
  try {
    bytes = file.readAllSync();
  } catch (error) {
    file.close();
    throw error;
  }
  // Being written to: stream what its identity says, from the descriptor.
  if (bytes === null) return file;
  if (file !== options.file) options.cache?.storeBytes(entry, rep, bytes);
  file.close();
  return bytes;
}

/**
 * The identity body whole: its bytes when small, else a stream of the open
 * file (which the stream then owns).
 */
function wholeBody(
  entry: FileEntry,
  options: FileResponseOptions,
  takeOver: TakeOver,
): Uint8Array | ReadableStream<Uint8Array> | FileChanged {
  const body = bodyOf(entry, entry.identity, options);
  if (body instanceof Uint8Array || body instanceof FileChanged) return body;
  takeOver(body);
  return createFileStream(body, fullParts(entry.identity.size));
}

function fullParts(size: number): BodyPart[] {
  return size === 0 ? [] : [{ start: 0, end: size - 1 }];
}

/**
 * Answer a GET or HEAD for a cached file entry.
 *
 * Order of work: pick the representation from `Accept-Encoding` (a fresh
 * precompressed sibling, else on-the-fly gzip for compressible types over
 * ~1 KiB when no `Range` is asked, else identity); set validators and
 * headers; evaluate preconditions (304/412); evaluate `If-Range` and
 * `Range` (206, multipart 206, 416); for HEAD stop there; otherwise take the
 * body from memory or open the file where its entry found it and read or
 * stream it. `Content-Length` is always set, except for a gzip body not yet
 * known in length.
 *
 * @param request The request (GET or HEAD).
 * @param entry The file's cache entry.
 * @param options How to answer.
 * @returns The answer (a {@linkcode MemoryAnswer} for a full 200 to GET
 * from cached bytes), or a {@linkcode FileChanged} when the file on disk is
 * no longer the one the entry describes.
 */
export async function respondWithFile(
  request: Request,
  entry: FileEntry,
  options: FileResponseOptions,
): Promise<FileAnswer | FileChanged> {
  const held = options.file;
  let handedOver = false;
  try {
    const answer = await respond(request, entry, options, (file) => {
      if (file === held) handedOver = true;
    });
    return answer;
  } finally {
    if (!handedOver) held?.close();
  }
}

/** A descriptor whose ownership moves on (to a stream, or closed). */
type TakeOver = (file: Descriptor) => void;

async function respond(
  request: Request,
  entry: FileEntry,
  options: FileResponseOptions,
  takeOver: TakeOver,
): Promise<FileAnswer | FileChanged> {
  const method = request.method;
  const isHead = method === "HEAD";
  const status = options.status ?? 200;
  const conditional = status === 200;
  const acceptEncoding = request.headers.get("accept-encoding");
  const ranged = conditional &&
    (entry.identity.size > 0 || options.emptyFileRanges !== "ignore");
  const rangeHeader = ranged ? request.headers.get("range") : null;
  const identity = entry.identity;
  const held = options.file;
  const explain = options.explain ?? null;
  const tag = options.liveReload ?? null;
  if (tag !== null && tag.injects(entry.contentType)) {
    return respondWithLiveReloadPage(request, entry, {
      tag,
      status,
      cacheControl: options.cacheControl,
      vary: options.vary ?? [],
      explain,
    }, () => wholeBody(entry, options, takeOver));
  }

  // 1. Representation.
  const gzipEligible = options.gzip &&
    shouldCompress(entry.contentType, identity.size);
  let rep: Representation = identity;
  let onTheFly = false;
  const coding = held !== undefined ? null : negotiateEncoding(
    acceptEncoding,
    entry.siblings.map((s) => s.coding!),
  );
  if (coding !== null) {
    rep = entry.siblings.find((s) => s.coding === coding)!;
  } else if (
    gzipEligible && rangeHeader === null &&
    negotiateEncoding(acceptEncoding, ["gzip"]) === "gzip"
  ) {
    onTheFly = true;
  }
  explain?.represented(coding, onTheFly);

  // 2. Headers every answer for this path shares.
  const vary = [...(options.vary ?? [])];
  if (entry.siblings.length > 0 || gzipEligible) vary.push("Accept-Encoding");
  const etag = onTheFly
    ? (identity.etag === null ? null : codedEtag(identity.etag, "gzip"))
    : rep.etag;
  const lastModified = rep.mtimeMs;
  const common = new Headers();
  if (options.cacheControl !== null) {
    common.set("cache-control", options.cacheControl);
  }
  if (vary.length > 0) common.set("vary", vary.join(", "));
  if (etag !== null) common.set("etag", etag);
  if (lastModified !== null) {
    common.set("last-modified", formatHttpDate(lastModified));
  }

  // 3. Preconditions (RFC 9110 §13.2.2), before any byte is read.
  if (conditional) {
    const outcome = decidePreconditions(method, request.headers, {
      etag,
      lastModified,
    });
    if (outcome.status !== 200) explain?.precondition(outcome, etag);
    if (outcome.status === 304) {
      return new Response(null, responseInit(304, common));
    }
    if (outcome.status === 412) return statusResponse(412, method, common);
  }

  const headers = new Headers(common);
  headers.set("content-type", entry.contentType);
  headers.set("accept-ranges", "bytes");
  const encoding = onTheFly ? "gzip" : rep.coding;
  if (encoding !== null) headers.set("content-encoding", encoding);

  // 4. On-the-fly gzip: never ranged (Range disables it above).
  if (onTheFly) {
    let coded = entry.gzip?.bytes ?? null;
    if (coded === null && isHead) {
      // The coded length is unknown without reading the file; HEAD may omit
      // Content-Length (RFC 9110 §9.3.2) and must not open the file.
      return new Response(null, responseInit(status, headers));
    }
    let file: Descriptor | null = null;
    if (coded === null) {
      const body = bodyOf(entry, identity, options);
      if (body instanceof FileChanged) return body;
      if (body instanceof Uint8Array) {
        coded = await gzipBytes(body);
        options.cache?.storeBytes(entry, {
          ...identity,
          coding: "gzip",
          size: coded.length,
          etag,
          bytes: null,
        }, coded);
      } else {
        file = body;
      }
    }
    if (coded !== null) {
      headers.set("content-length", String(coded.length));
      const response = new Response(
        isHead ? null : coded as Uint8Array<ArrayBuffer>,
        responseInit(status, headers),
      );
      if (!isHead && status === 200 && entry.gzip?.bytes === coded) {
        return new MemoryAnswer(response, entry, entry.gzip, coded);
      }
      return response;
    }
    // Large, or being written to: stream it through gzip.
    takeOver(file!);
    return new Response(
      gzipStream(createFileStream(file!, fullParts(identity.size))),
      responseInit(status, headers),
    );
  }

  // 5. Ranges (RFC 9110 §14), only when If-Range allows.
  let ranges: ByteRange[] | null = null;
  if (rangeHeader !== null) {
    if (evaluateIfRange(request.headers, { etag, lastModified })) {
      const parsed = parseRange(rangeHeader, rep.size, {
        maxRanges: options.maxRanges,
      });
      if (parsed.type === "unsatisfiable") {
        explain?.unsatisfiable(rep.size);
        common.set("content-range", `bytes */${rep.size}`);
        common.set("accept-ranges", "bytes");
        return statusResponse(416, method, common);
      }
      if (parsed.type === "ranges") {
        ranges = parsed.ranges;
        explain?.ranged(ranges, rep.size);
      } else {
        explain?.wholeFile("range-ignored");
      }
    } else {
      explain?.wholeFile("if-range-failed");
    }
  }

  let parts: BodyPart[];
  let responseStatus: number = status;
  if (ranges === null) {
    parts = fullParts(rep.size);
    headers.set("content-length", String(rep.size));
  } else if (ranges.length === 1) {
    const [range] = ranges;
    parts = [range];
    responseStatus = 206;
    headers.set(
      "content-range",
      `bytes ${range.start}-${range.end}/${rep.size}`,
    );
    headers.set("content-length", String(range.end - range.start + 1));
  } else {
    const plan = planMultipartByteranges(ranges, rep.size, entry.contentType);
    parts = plan.parts;
    responseStatus = 206;
    headers.set("content-type", plan.contentType);
    headers.set("content-length", String(plan.length));
  }
  if (isHead) return new Response(null, responseInit(responseStatus, headers));

  // 6. The body: memory when small, a stream otherwise.
  const body = bodyOf(entry, rep, options);
  if (body instanceof FileChanged) return body;
  const bytes = body instanceof Uint8Array ? body : null;
  const file = body instanceof Uint8Array ? null : body;
  if (bytes !== null) {
    const body = ranges === null
      ? bytes
      : ranges.length === 1
      ? bytes.subarray(ranges[0].start, ranges[0].end + 1)
      : assembleParts(parts, bytes);
    const response = new Response(
      body as Uint8Array<ArrayBuffer>,
      responseInit(responseStatus, headers),
    );
    if (ranges === null && status === 200 && rep.bytes === bytes) {
      return new MemoryAnswer(response, entry, rep, bytes);
    }
    return response;
  }
  // Large, or being written to: the stream owns the descriptor and sends
  // exactly the length its identity gave (file_stream.ts).
  takeOver(file!);
  return new Response(
    createFileStream(file!, parts),
    responseInit(responseStatus, headers),
  );
}
