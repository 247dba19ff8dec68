/**
 * A response body of unknown size onto the wire, chunk by chunk, with
 * backpressure: each chunk is written before the next is read. Past the
 * first chunks, the rest of a byte stream is read into one buffer lent to
 * it again and again.
 *
 * @module
 */

import { COALESCE_MAX_BYTES } from "../http/encode_head.ts";
import type { Conn } from "./conn.ts";
import {
  type BodyProbe,
  type ChunkSource,
  PENDING,
  ReaderSource,
  untilAborted,
} from "./probe_body.ts";
import { ResponseBodyError } from "./response_body_error.ts";
import type { ResponseHead } from "./response_head.ts";
import { writeAll, type WriteWatch } from "./write_all.ts";
import type { ResponseContext, WriteResult } from "./write_response.ts";

const encoder = new TextEncoder();
const CRLF = encoder.encode("\r\n");
const CHUNKED_END = encoder.encode("0\r\n\r\n");
/** The buffer lent to a byte stream's BYOB reader, per response. */
const LENT_BUFFER_BYTES = 64 * 1024;

/**
 * Write the head (with the first chunk) and stream the rest of the body
 * under the head's framing.
 *
 * @param conn Where to write.
 * @param head The head, framed (`frameStream`) but not yet encoded.
 * @param probe The body as probed: its first chunks, then its reader.
 * @param context What the request allows.
 * @returns Whether the connection may persist, and the body bytes written.
 * @throws {ResponseBodyError} Never once the head is out: a body failing
 *   after that is a plain `Error` (only closing the connection is left).
 */
export async function streamBody(
  conn: Conn,
  head: ResponseHead,
  probe: BodyProbe,
  context: ResponseContext,
): Promise<WriteResult> {
  const { watch, signal, progress } = context;
  const mode = head.framing;
  const framing: ChunkFraming = { chunked: mode === "chunked", watch };
  const declaredLength = head.declaredLength;
  let keepAlive = head.keepAlive;
  let source: ChunkSource = probe;
  let written = 0;
  let headBytes: Uint8Array | null = head.encode(context.minorVersion, 0);
  try {
    let chunk: Uint8Array | null = probe.first;
    // Held by `chunk` only from here: once written it can be collected.
    probe.first = null;
    let pendingRead = probe.second === PENDING ? probe.secondRead : null;
    let queued = probe.second === PENDING ? null : probe.second;
    probe.second = PENDING;
    probe.secondRead = null;
    let lent = false;
    while (chunk !== null) {
      if (mode === "length" && written + chunk.length > declaredLength) {
        // RFC 9110 §8.6: never send more than declared; the peer would
        // read the excess as the next response.
        chunk = chunk.subarray(0, declaredLength - written);
        keepAlive = false;
      }
      if (chunk.length > 0) {
        await writeBodyChunk(conn, headBytes, chunk, framing);
        headBytes = null;
        written += chunk.length;
        if (progress) progress.bodyBytes = written;
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
          source = lendBuffer(probe.body, source, chunk);
        }
        chunk = await untilAborted(pendingRead ?? source.read(), signal);
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
    return new ReaderSource(body.getReader()); // not a byte stream
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

/** How every chunk of one body is written. */
interface ChunkFraming {
  /** Whether it goes out in chunked coding. */
  chunked: boolean;
  /** Arms the connection's send deadline around each write. */
  watch: WriteWatch | undefined;
}

/** One body chunk, with the head in front when it has not gone out yet. */
async function writeBodyChunk(
  conn: Conn,
  head: Uint8Array | null,
  chunk: Uint8Array,
  { chunked, watch }: ChunkFraming,
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
    if (chunked) out.set(CRLF, out.length - 2);
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
