/**
 * A `Response` onto the wire (RFC 9112 §4, §6): status line, headers, `Date`,
 * framing chosen from what is known about the body, and the body itself with
 * backpressure. Small bodies go out with their head in one `write`.
 *
 * @module
 */

import { COALESCE_MAX_BYTES, encodeHead } from "../http/encode_head.ts";
import { HOP_BY_HOP_FIELDS } from "../http/engine_fields.ts";
import { httpDate } from "../http/http_date.ts";
import { statusLine } from "../http/status_text.ts";
import type { Conn } from "./conn.ts";

/** What the writer needs to know about the request being answered. */
export interface ResponseContext {
  /** `true` for HEAD: headers as for GET, no body (RFC 9110 §9.3.2). */
  isHead: boolean;
  /** The request's minor version; 0 means HTTP/1.0 framing rules. */
  minorVersion: 0 | 1;
  /** Whether the connection may persist, before looking at the response. */
  keepAlive: boolean;
  /**
   * Aborted when the connection closes: a body stalled waiting for its next
   * chunk is then cancelled instead of waited on forever.
   */
  signal?: AbortSignal;
  /**
   * Kept up to date with the body bytes written so far, so that a response
   * cut short by the client is still counted in access logs.
   */
  progress?: { bodyBytes: number };
  /** Arms the connection's send deadline around each write. */
  watch?: WriteWatch;
}

/** Told when a write starts waiting on the client, and when it is done. */
export interface WriteWatch {
  /** A write is about to wait on the client. */
  arm(): void;
  /** The write is done. */
  disarm(): void;
  /** A write that must end before this one starts (a 100 Continue). */
  pending?: Promise<void> | null;
}

/** How a response went out. */
export interface WriteResult {
  /** Whether the connection may carry another request. */
  keepAlive: boolean;
  /** Body bytes written (not counting framing). */
  bodyBytes: number;
}

/** A response body chunk that was not a `Uint8Array`, or a body that failed
 * before any byte was written: the connection can still answer 500. */
export class ResponseBodyError extends Error {
  /**
   * @param message What went wrong.
   * @param options The underlying cause.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ResponseBodyError";
  }
}

const encoder = new TextEncoder();
const PENDING = Symbol("pending");
const CHUNKED_END = encoder.encode("0\r\n\r\n");

/**
 * Write all of `data`, looping over partial writes.
 *
 * @param conn Where to write.
 * @param data The bytes.
 * @param watch Arms the connection's send deadline around each write.
 */
export async function writeAll(
  conn: Conn,
  data: Uint8Array,
  watch?: WriteWatch,
): Promise<void> {
  if (watch?.pending) await watch.pending;
  let offset = 0;
  while (offset < data.length) {
    watch?.arm();
    offset += await conn.write(offset === 0 ? data : data.subarray(offset));
    watch?.disarm();
  }
}

/** Read the next body chunk, insisting it is bytes. */
async function nextChunk(
  reader: ReadableStreamDefaultReader<Uint8Array>,
): Promise<Uint8Array | null> {
  const { done, value } = await reader.read();
  if (done) return null;
  if (!(value instanceof Uint8Array)) {
    throw new ResponseBodyError("Response body chunk is not a Uint8Array");
  }
  return value;
}

/** Where body chunks come from: a stream's reader, of either kind. */
interface ChunkSource {
  read(): Promise<Uint8Array | null>;
  cancel(reason?: unknown): Promise<void>;
  /** Let go of a default reader (to take a BYOB one). */
  release?(): void;
}

function defaultSource(reader: ReadableStreamDefaultReader<Uint8Array>) {
  return {
    read: () => nextChunk(reader),
    cancel: (reason?: unknown) => reader.cancel(reason),
    release: () => reader.releaseLock(),
  };
}

/** The buffer lent to a byte stream's BYOB reader, per response. */
const LENT_BUFFER_BYTES = 64 * 1024;

/**
 * Read the rest of `body` with a BYOB reader into one buffer, handed back
 * after each chunk is written; a body that is not a byte stream keeps a
 * default reader. `current` must have no read pending, and `written` (its
 * last chunk) must be on the wire.
 */
function lendBuffer(
  body: ReadableStream<Uint8Array>,
  current: ChunkSource,
  written: Uint8Array,
): ChunkSource {
  if (current.release === undefined) return current;
  try {
    current.release();
  } catch {
    return current;
  }
  let byob: ReadableStreamBYOBReader;
  try {
    byob = body.getReader({ mode: "byob" });
  } catch {
    return defaultSource(body.getReader()); // not a byte stream
  }
  // The chunk just written is the reader's own (a byte stream transfers
  // every chunk it hands out): lend it back when its size suits.
  const own = written.buffer;
  let buffer: ArrayBuffer | null = own instanceof ArrayBuffer &&
      own.byteLength >= LENT_BUFFER_BYTES / 2 &&
      own.byteLength <= LENT_BUFFER_BYTES * 16
    ? own
    : new ArrayBuffer(LENT_BUFFER_BYTES);
  return {
    async read() {
      // A read that failed took the buffer with it: lend a new one.
      const view = new Uint8Array(buffer ?? new ArrayBuffer(LENT_BUFFER_BYTES));
      buffer = null;
      const { done, value } = await byob.read(view);
      if (done) return null;
      buffer = value.buffer as ArrayBuffer;
      return value;
    },
    cancel: (reason) => byob.cancel(reason),
  };
}

/**
 * Whether `promise` settles within a few microtasks: an in-memory body
 * (string, bytes, Blob, JSON) does, a live stream (SSE, a file) does not,
 * and must not hold its first bytes back waiting for it. Returns as soon as
 * it settles; a rejection after `PENDING` is the caller's to handle.
 */
async function settlesSoon<T>(
  promise: Promise<T>,
): Promise<T | typeof PENDING> {
  let state = 0;
  let value: T | undefined;
  let error: unknown;
  promise.then((v) => {
    state = 1;
    value = v;
  }, (e) => {
    state = 2;
    error = e;
  });
  for (let ticks = 0; ticks < 4 && state === 0; ticks++) await undefined;
  if (state === 1) return value as T;
  if (state === 2) throw error;
  return PENDING;
}

/** `promise`, or a rejection with the signal's reason once it aborts. */
function untilAborted<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() =>
      signal.removeEventListener("abort", onAbort)
    );
  });
}

/**
 * Serialize and write `response` as the answer to one request.
 *
 * Framing (RFC 9112 §6.1, §6.3): no body for HEAD, 1xx, 204 and 304; a body
 * whose size is known gets `Content-Length` (the handler's, when it set one,
 * is enforced: a body that ends short or runs long closes the connection);
 * otherwise chunked for HTTP/1.1 and close-delimited for HTTP/1.0.
 *
 * @param conn Where to write.
 * @param response The handler's answer.
 * @param context What the request allows.
 * @returns Whether the connection may persist, and the body bytes written.
 * @throws {ResponseBodyError} when the body failed before anything was
 *   written (the caller can still answer 500); any other error means the
 *   connection is broken and must close.
 */
export async function writeResponse(
  conn: Conn,
  response: Response,
  context: ResponseContext,
): Promise<WriteResult> {
  const status = response.status;
  const watch = context.watch;
  let keepAlive = context.keepAlive;
  let head = statusLine(status);
  let declaredLength = -1;
  let hasDate = false;
  // forEach, not for…of: five times cheaper per response in Deno 2.9
  // (no iterator result objects), and the same sorted, combined fields.
  response.headers.forEach((value, name) => {
    switch (name) {
      case "content-length":
        declaredLength = /^\d{1,15}$/.test(value) ? Number(value) : -1;
        return;
      case "connection":
        if (/(?:^|,)\s*close\s*(?:,|$)/i.test(value)) keepAlive = false;
        return;
      case "date":
        hasDate = true;
        break;
      default:
        // Hop-by-hop fields are the engine's to decide (RFC 9110 §7.6.1).
        if (HOP_BY_HOP_FIELDS.has(name)) return;
    }
    head += name + ": " + value + "\r\n";
  });
  if (!hasDate) head += "date: " + httpDate() + "\r\n";

  const body = response.body;
  if (body !== null && (response.bodyUsed || body.locked)) {
    // Nothing written yet: the caller can still answer 500.
    throw new ResponseBodyError("Response body already used or locked");
  }
  const noBody = context.isHead || status < 200 || status === 204 ||
    status === 304;
  if (noBody || body === null) {
    if (
      context.isHead && body !== null && declaredLength < 0 &&
      status >= 200 && status !== 204 && status !== 304
    ) {
      // RFC 9110 §9.3.2: HEAD gets the headers GET would, Content-Length
      // included when GET would send one (an in-memory body).
      declaredLength = await knownLength(body);
    } else if (body !== null) await body.cancel().catch(() => {});
    if (noBody) {
      // HEAD and 304 describe the representation GET would send.
      if (declaredLength >= 0 && (context.isHead || status === 304)) {
        head += "content-length: " + declaredLength + "\r\n";
      }
    } else {
      head += "content-length: 0\r\n";
    }
    await writeHead(conn, head, keepAlive, context, watch);
    return { keepAlive, bodyBytes: 0 };
  }

  const reader = body.getReader();
  let source: ChunkSource = defaultSource(reader);
  let first: Uint8Array | null;
  let second: Uint8Array | null | typeof PENDING;
  let secondRead: Promise<Uint8Array | null> | null = null;
  try {
    // Only a first chunk that is not there yet needs the abort listener.
    const firstRead = nextChunk(reader);
    const soon = await settlesSoon(firstRead);
    first = soon === PENDING
      ? await untilAborted(firstRead, context.signal)
      : soon;
    if (first === null) {
      second = null;
    } else if (declaredLength > first.length) {
      // More is promised: stream it without reading ahead, so a client that
      // stops reading holds one chunk of its body here, not two.
      second = PENDING;
    } else {
      secondRead = nextChunk(reader);
      second = await settlesSoon(secondRead);
    }
  } catch (error) {
    reader.cancel(error).catch(() => {});
    if (error instanceof ResponseBodyError) throw error;
    if (context.signal?.aborted) throw error; // the connection is gone
    throw new ResponseBodyError("Response body failed", { cause: error });
  }

  if (first === null || second === null) {
    // The whole body is known: one write, exact Content-Length.
    const bodyBytes = first?.length ?? 0;
    head += "content-length: " + bodyBytes + "\r\n";
    head += keepAliveField(keepAlive, context) + "\r\n";
    if (first !== null && bodyBytes <= COALESCE_MAX_BYTES) {
      const bytes = encodeHead(head, bodyBytes);
      bytes.set(first, head.length);
      await writeAll(conn, bytes, watch);
    } else {
      await writeAll(conn, encodeHead(head, 0), watch);
      if (first !== null) await writeAll(conn, first, watch);
    }
    return { keepAlive, bodyBytes };
  }

  // A live stream: framing by the handler's Content-Length, else chunked
  // (HTTP/1.1) or connection close (HTTP/1.0).
  let mode: "length" | "chunked" | "close";
  if (declaredLength >= 0) {
    mode = "length";
    head += "content-length: " + declaredLength + "\r\n";
  } else if (context.minorVersion === 1) {
    mode = "chunked";
    head += "transfer-encoding: chunked\r\n";
  } else {
    mode = "close";
    keepAlive = false;
  }
  head += keepAliveField(keepAlive, context) + "\r\n";
  let written = 0;
  let headBytes: Uint8Array | null = encodeHead(head, 0);
  try {
    let chunk: Uint8Array | null = first;
    // Held by `chunk` only from here: once written it can be collected.
    first = null;
    let pendingRead: Promise<Uint8Array | null> | null = second === PENDING
      ? secondRead
      : null;
    let queued: Uint8Array | null = second === PENDING ? null : second;
    let lent = false;
    while (chunk !== null) {
      if (mode === "length" && written + chunk.length > declaredLength) {
        // RFC 9110 §8.6: never send more than declared; the peer would
        // read the excess as the next response.
        chunk = chunk.subarray(0, declaredLength - written);
        keepAlive = false;
      }
      if (chunk.length > 0) {
        await writeBodyChunk(
          conn,
          headBytes,
          chunk,
          mode === "chunked",
          watch,
        );
        headBytes = null;
        written += chunk.length;
        if (context.progress) context.progress.bodyBytes = written;
      }
      if (!keepAlive && mode === "length" && written === declaredLength) {
        if (headBytes !== null) await writeAll(conn, headBytes, watch);
        await source.cancel().catch(() => {});
        return { keepAlive, bodyBytes: written };
      }
      if (queued !== null) {
        chunk = queued;
        queued = null;
      } else {
        if (pendingRead === null && !lent) {
          // The rest of a long body, read into one buffer lent again and
          // again: nothing allocated per chunk, and a client that stops
          // reading holds that one buffer (bench/stalled_readers.ts).
          lent = true;
          source = lendBuffer(body, source, chunk);
        }
        chunk = await untilAborted(
          pendingRead ?? source.read(),
          context.signal,
        );
        pendingRead = null;
      }
    }
    if (headBytes !== null) await writeAll(conn, headBytes, watch);
    if (mode === "chunked") await writeAll(conn, CHUNKED_END, watch);
    if (mode === "length" && written !== declaredLength) {
      // The body ended short of its Content-Length: the framing is broken
      // and only closing tells the client (RFC 9112 §8).
      keepAlive = false;
    }
    return {
      keepAlive: mode === "close" ? false : keepAlive,
      bodyBytes: written,
    };
  } catch (error) {
    source.cancel(error).catch(() => {});
    if (error instanceof ResponseBodyError && headBytes === null) {
      // The head is already out: a 500 now would be read as part of this
      // body. Only closing the connection is left.
      throw new Error(error.message, { cause: error });
    }
    throw error;
  }
}

/**
 * The length of a body that is all there without waiting (what GET would
 * frame with Content-Length), else `-1`; the body is cancelled either way.
 */
async function knownLength(body: ReadableStream<Uint8Array>): Promise<number> {
  const reader = body.getReader();
  let length = -1;
  try {
    const first = await settlesSoon(nextChunk(reader));
    if (first === null) length = 0;
    else if (first !== PENDING) {
      const second = await settlesSoon(nextChunk(reader));
      if (second === null) length = first.length;
    }
  } catch {
    // A failing body has no length to announce.
  }
  reader.cancel().catch(() => {});
  return length;
}

function keepAliveField(keepAlive: boolean, context: ResponseContext): string {
  if (!keepAlive) return "connection: close\r\n";
  return context.minorVersion === 0 ? "connection: keep-alive\r\n" : "";
}

async function writeHead(
  conn: Conn,
  head: string,
  keepAlive: boolean,
  context: ResponseContext,
  watch: WriteWatch | undefined,
): Promise<void> {
  head += keepAliveField(keepAlive, context) + "\r\n";
  await writeAll(conn, encodeHead(head, 0), watch);
}

/** One body chunk, with the head in front when it has not gone out yet. */
async function writeBodyChunk(
  conn: Conn,
  head: Uint8Array | null,
  chunk: Uint8Array,
  chunked: boolean,
  watch: WriteWatch | undefined,
): Promise<void> {
  if (head === null && !chunked) {
    // Nothing to put in front: the chunk itself, never a copy of it.
    await writeAll(conn, chunk, watch);
    return;
  }
  const prefix = chunked ? chunk.length.toString(16) + "\r\n" : "";
  const suffix = chunked ? 2 : 0;
  const headLength = head?.length ?? 0;
  if (chunk.length <= COALESCE_MAX_BYTES) {
    const out = new Uint8Array(
      headLength + prefix.length + chunk.length + suffix,
    );
    if (head !== null) out.set(head);
    encoder.encodeInto(prefix, out.subarray(headLength));
    out.set(chunk, headLength + prefix.length);
    if (chunked) out.set([13, 10], out.length - 2);
    await writeAll(conn, out, watch);
    return;
  }
  if (head !== null || chunked) {
    const front = new Uint8Array(headLength + prefix.length);
    if (head !== null) front.set(head);
    encoder.encodeInto(prefix, front.subarray(headLength));
    await writeAll(conn, front, watch);
  }
  await writeAll(conn, chunk, watch);
  if (chunked) await writeAll(conn, CRLF, watch);
}

const CRLF = encoder.encode("\r\n");
