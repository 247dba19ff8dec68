/**
 * Looking at a response body before choosing its framing: an in-memory body
 * (string, bytes, Blob, JSON) is all there within a few microtasks and gets
 * an exact `Content-Length`; a live stream (SSE, a file) is not, and must
 * not hold its first bytes back waiting for it.
 *
 * @module
 */

import { ResponseBodyError } from "./response_body_error.ts";

/**
 * Microtasks a read is given to settle before it counts as pending: an
 * in-memory body's reads settle within two (Deno 2.9), a `Blob`'s within
 * five. A body that ends within four hops after its first chunk is whole
 * (as when the wait was a helper's four ticks and its own return).
 */
const SOON_TICKS = 6;

/** Marks a read that had not settled when looked at. */
export const PENDING: unique symbol = Symbol("pending");

/** Where body chunks come from: a stream's reader, of either kind. */
export interface ChunkSource {
  /** The next chunk, or `null` at the end. */
  read(): Promise<Uint8Array | null>;
  /** Stop the body. */
  cancel(reason?: unknown): Promise<void>;
  /** Let go of a default reader (to take a BYOB one). */
  release?(): void;
}

/**
 * Read the next body chunk, insisting it is bytes.
 *
 * @param reader The body's reader.
 * @returns The chunk, or `null` at the end.
 * @throws {ResponseBodyError} When the chunk is not a `Uint8Array`.
 */
export async function nextChunk(
  reader: ReadableStreamDefaultReader<Uint8Array>,
): Promise<Uint8Array | null> {
  return chunkOf(await reader.read());
}

/**
 * The chunk a read produced, insisting it is bytes.
 *
 * @param result What the reader's `read()` resolved to.
 * @returns The chunk, or `null` at the end.
 * @throws {ResponseBodyError} When the chunk is not a `Uint8Array`.
 */
function chunkOf(
  result: ReadableStreamReadResult<Uint8Array>,
): Uint8Array | null {
  if (result.done) return null;
  const value: unknown = result.value;
  if (!(value instanceof Uint8Array)) {
    throw new ResponseBodyError("Response body chunk is not a Uint8Array");
  }
  return value;
}

/** A default reader as a {@linkcode ChunkSource}. */
export class ReaderSource implements ChunkSource {
  /** The body's reader, for reads that skip `nextChunk`'s extra promise. */
  readonly reader: ReadableStreamDefaultReader<Uint8Array>;

  /** @param reader The body's reader. */
  constructor(reader: ReadableStreamDefaultReader<Uint8Array>) {
    this.reader = reader;
  }

  /** @returns The next chunk, or `null` at the end. */
  read(): Promise<Uint8Array | null> {
    return nextChunk(this.reader);
  }

  /** @param reason Why the body is cancelled. */
  cancel(reason?: unknown): Promise<void> {
    return this.reader.cancel(reason);
  }

  /** Let go of the reader. */
  release(): void {
    this.reader.releaseLock();
  }
}

/**
 * What a look at a body found: its first chunk, and the second when it
 * came at once. It goes on reading the body as a {@linkcode ChunkSource}.
 */
export class BodyProbe extends ReaderSource {
  /** The body, locked to the probe's reader. */
  readonly body: ReadableStream<Uint8Array>;
  /** The first chunk, `null` for an empty body. */
  first: Uint8Array | null = null;
  /**
   * The second chunk: `null` when the body ended with the first, `PENDING`
   * when it was not there at once (or not asked for).
   */
  second: Uint8Array | null | typeof PENDING = PENDING;
  /** The read of the second chunk, when one was started and is pending. */
  secondRead: Promise<Uint8Array | null> | null = null;

  /** @param body The body to read; locked from here. */
  constructor(body: ReadableStream<Uint8Array>) {
    super(body.getReader());
    this.body = body;
  }

  /** Whether the whole body is known: one write, exact `Content-Length`. */
  get isWhole(): boolean {
    return this.first === null || this.second === null;
  }
}

/**
 * Read a body's first chunk (waiting for it, unless the connection closes)
 * and, when it settles at once, its second: enough to know whether the
 * whole body is there.
 *
 * @param body The body; locked to the probe from here.
 * @param declaredLength The handler's `Content-Length`, or `-1`.
 * @param signal Aborted when the connection closes.
 * @returns What the probe found.
 * @throws {ResponseBodyError} When the body failed (the caller can still
 *   answer 500); the signal's reason when the connection is gone.
 */
export async function probeBody(
  body: ReadableStream<Uint8Array>,
  declaredLength: number,
  signal: AbortSignal | undefined,
): Promise<BodyProbe> {
  const probe = new BodyProbe(body);
  try {
    const reader = probe.reader;
    // The reader's own promises are watched, not `nextChunk`'s: an
    // in-memory body is known in fewer microtasks, with fewer promises.
    const firstRead = new WatchedRead(reader.read());
    // A few microtasks for it to settle (an in-memory body's read does, a
    // live stream's does not); inline, as awaiting a helper would cost
    // its promise every response.
    for (let t = 0; t < SOON_TICKS && !firstRead.settled; t++) await undefined;
    // Only a first chunk that is not there yet needs the abort listener.
    const first = firstRead.settled
      ? firstRead.chunk()
      : chunkOf(await untilAborted(firstRead.promise, signal));
    probe.first = first;
    if (first === null) {
      probe.second = null;
    } else if (declaredLength > first.length) {
      // More is promised: stream it without reading ahead, so a client that
      // stops reading holds one chunk of its body here, not two.
      probe.second = PENDING;
    } else {
      const secondRead = new WatchedRead(reader.read());
      for (let t = 0; t < SOON_TICKS && !secondRead.settled; t++) {
        await undefined;
      }
      if (secondRead.settled) probe.second = secondRead.chunk();
      else probe.secondRead = secondRead.promise.then(chunkOf);
    }
  } catch (error) {
    probe.cancel(error).catch(() => {});
    if (error instanceof ResponseBodyError) throw error;
    if (signal?.aborted) throw error; // the connection is gone
    throw new ResponseBodyError("Response body failed", { cause: error });
  }
  return probe;
}

/**
 * The length of a body that is all there without waiting (what GET would
 * frame with Content-Length), else `-1`; the body is cancelled either way.
 *
 * @param body The body.
 * @returns Its length, or `-1`.
 */
export async function knownLength(
  body: ReadableStream<Uint8Array>,
): Promise<number> {
  const reader = body.getReader();
  let length = -1;
  try {
    const first = new WatchedRead(reader.read());
    for (let t = 0; t < SOON_TICKS && !first.settled; t++) await undefined;
    if (first.settled && first.chunk() === null) length = 0;
    else if (first.settled) {
      const second = new WatchedRead(reader.read());
      for (let t = 0; t < SOON_TICKS && !second.settled; t++) await undefined;
      if (second.settled && second.chunk() === null) {
        length = first.chunk()!.length;
      }
    }
  } catch {
    // A failing body has no length to announce.
  }
  reader.cancel().catch(() => {});
  return length;
}

/** A read whose outcome is recorded the moment it settles. */
class WatchedRead {
  /** The read itself; a rejection is handled here. */
  readonly promise: Promise<ReadableStreamReadResult<Uint8Array>>;
  /** Whether it has settled, either way. */
  settled = false;
  #result: ReadableStreamReadResult<Uint8Array> | undefined;
  #error: unknown;

  /** @param promise A reader's `read()`. */
  constructor(promise: Promise<ReadableStreamReadResult<Uint8Array>>) {
    this.promise = promise;
    promise.then((result) => {
      this.settled = true;
      this.#result = result;
    }, (error) => {
      this.settled = true;
      this.#error = error ?? new Error("Response body read failed");
    });
  }

  /**
   * The settled read's chunk, `null` at the end.
   *
   * @throws The read's error; {@linkcode ResponseBodyError} when the chunk
   *   is not a `Uint8Array`.
   */
  chunk(): Uint8Array | null {
    if (this.#result === undefined) throw this.#error;
    return chunkOf(this.#result);
  }
}

/**
 * `promise`, or a rejection with the signal's reason once it aborts.
 *
 * @param promise What to wait for.
 * @param signal Aborted when the connection closes.
 * @returns What `promise` resolves to.
 */
export function untilAborted<T>(
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
