/**
 * A request body, framed by `Content-Length` or chunked (RFC 9112 §6, §7.1),
 * handed to the handler as a stream and never buffered whole.
 *
 * @module
 */

import type { BufferedReader } from "./buffered_reader.ts";
import { RequestParseError } from "./request_head.ts";

/** The longest chunk-size line, extensions included. */
const MAX_CHUNK_LINE_BYTES = 4096;
/** Chunk sizes over 13 hex digits (2^52) cannot be a safe integer. */
const MAX_CHUNK_SIZE_DIGITS = 13;
const BODY_CHUNK_BYTES = 64 * 1024;

const enum Chunked {
  Size,
  Data,
  DataEnd,
  Trailers,
  Done,
}

/** Told when a body read starts waiting on the client, and when it is done. */
export interface ReadWatch {
  /** A read is about to wait on the client. */
  arm(): void;
  /** The read is done. */
  disarm(): void;
}

/** The limits a body is read under. */
export interface RequestBodyLimits {
  /** Most body bytes accepted; more → 413. */
  maxBodyBytes: number;
  /** Most bytes of trailer fields accepted after a chunked body. */
  maxTrailerBytes: number;
}

/** How a body is read: its limits, and the connection's hooks. */
export interface RequestBodyOptions extends RequestBodyLimits {
  /** Runs once before the first read (to send 100 Continue). */
  beforeFirstRead?: () => Promise<void>;
  /** Arms the connection's body deadline around each read. */
  watch?: ReadWatch;
}

/**
 * One request's body. The connection owns it: after the response it drains
 * what the handler left, or declares the connection unusable.
 */
export class RequestBody {
  /** Set when the body broke framing or a limit: the status to answer. */
  errorStatus = 0;
  /** `true` once every body byte (and trailer) has been read. */
  done: boolean;
  /** `true` once someone asked for body bytes. */
  started = false;
  readonly #reader: BufferedReader;
  readonly #limits: RequestBodyLimits;
  readonly #chunked: boolean;
  readonly #beforeFirstRead: (() => Promise<void>) | undefined;
  readonly #watch: ReadWatch | undefined;
  #remaining: number; // of the body (Content-Length) or of the current chunk
  #state = Chunked.Size;
  #total = 0;
  #trailerBytes = 0;
  #detached = false;
  #inFlight: Promise<Uint8Array | null> | null = null;
  #stream: ReadableStream<Uint8Array> | null = null;

  /**
   * @param reader The connection's reader, positioned at the body's first byte.
   * @param contentLength The length, or `-1` for chunked.
   * @param options Size limits, and the hooks around reads.
   */
  constructor(
    reader: BufferedReader,
    contentLength: number,
    options: RequestBodyOptions,
  ) {
    this.#watch = options.watch;
    this.#reader = reader;
    this.#limits = options;
    this.#chunked = contentLength < 0;
    this.#remaining = this.#chunked ? 0 : contentLength;
    this.done = contentLength === 0;
    this.#beforeFirstRead = options.beforeFirstRead;
  }

  /** The body as a byte stream for `new Request()`; created once. */
  get stream(): ReadableStream<Uint8Array> {
    return this.#stream ??= new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        try {
          const chunk = await this.read();
          if (chunk === null) controller.close();
          else controller.enqueue(chunk);
        } catch (error) {
          controller.error(error);
        }
      },
    }, { highWaterMark: 0 });
  }

  /**
   * The next piece of body data.
   *
   * @returns A chunk the caller may keep, or `null` after the last one.
   */
  read(): Promise<Uint8Array | null> {
    if (this.#detached) {
      return Promise.reject(
        new Deno.errors.BadResource("The request body is no longer readable"),
      );
    }
    const watch = this.#watch;
    watch?.arm();
    const next = watch === undefined
      ? this.#readNext()
      : this.#readNext().finally(() => watch.disarm());
    this.#inFlight = next;
    return next;
  }

  async #readNext(): Promise<Uint8Array | null> {
    if (this.done) return null;
    if (!this.started) {
      this.started = true;
      await this.#beforeFirstRead?.();
    }
    const chunk = this.#chunked
      ? await this.#readChunked()
      : await this.#readLength();
    if (chunk !== null) {
      this.#total += chunk.length;
      if (this.#total > this.#limits.maxBodyBytes) {
        throw this.#fail(413, "Request body too large");
      }
    }
    return chunk;
  }

  async #readLength(): Promise<Uint8Array | null> {
    const chunk = await this.#reader.readChunk(
      Math.min(this.#remaining, BODY_CHUNK_BYTES),
    );
    if (chunk === null) throw this.#fail(400, "Incomplete request body");
    this.#remaining -= chunk.length;
    if (this.#remaining === 0) this.done = true;
    return chunk;
  }

  async #readChunked(): Promise<Uint8Array | null> {
    while (true) {
      switch (this.#state) {
        case Chunked.Size: {
          await this.#readChunkSize();
          break;
        }
        case Chunked.Data: {
          const chunk = await this.#reader.readChunk(
            Math.min(this.#remaining, BODY_CHUNK_BYTES),
          );
          if (chunk === null) throw this.#fail(400, "Incomplete chunk");
          this.#remaining -= chunk.length;
          if (this.#remaining === 0) this.#state = Chunked.DataEnd;
          return chunk;
        }
        case Chunked.DataEnd: {
          const line = await this.#reader.readLine(2);
          if (line instanceof RequestParseError || line.end !== line.start) {
            throw this.#fail(400, "Chunk data not followed by CRLF");
          }
          this.#state = Chunked.Size;
          break;
        }
        case Chunked.Trailers: {
          // RFC 9112 §7.1.2: trailer fields are read and discarded; a
          // Request has no place for them.
          const line = await this.#reader.readLine(MAX_CHUNK_LINE_BYTES);
          if (line instanceof RequestParseError) {
            throw this.#fail(line.status, line.message);
          }
          this.#trailerBytes += line.end - line.start + 2;
          if (this.#trailerBytes > this.#limits.maxTrailerBytes) {
            throw this.#fail(431, "Trailer section too large");
          }
          if (line.end === line.start) {
            this.#state = Chunked.Done;
            this.done = true;
            return null;
          }
          break;
        }
        case Chunked.Done:
          return null;
      }
    }
  }

  /** RFC 9112 §7.1: chunk-size [ chunk-ext ] CRLF, bounded in length. */
  async #readChunkSize(): Promise<void> {
    const line = await this.#reader.readLine(MAX_CHUNK_LINE_BYTES);
    if (line instanceof RequestParseError) {
      throw this.#fail(
        400,
        line.message === "Line too long"
          ? "Chunk extensions too long"
          : line.message,
      );
    }
    const size = parseChunkSize(this.#reader.buffer, line.start, line.end);
    if (size instanceof RequestParseError) {
      throw this.#fail(size.status, size.message);
    }
    if (size === 0) {
      this.#state = Chunked.Trailers;
    } else {
      if (this.#total + size > this.#limits.maxBodyBytes) {
        throw this.#fail(413, "Request body too large");
      }
      this.#remaining = size;
      this.#state = Chunked.Data;
    }
  }

  #fail(status: number, reason: string): RequestParseError {
    this.errorStatus = status;
    this.#detached = true;
    return new RequestParseError(status, reason);
  }

  /**
   * After the response: read and discard what the handler left unread, so
   * the next pipelined request starts at the right byte.
   *
   * @param maxBytes The most bytes worth reading; past it, close instead.
   * @returns `true` when the connection can carry another request.
   */
  async drain(maxBytes: number): Promise<boolean> {
    // Detach first, then wait out the read in flight: a handler may still be
    // reading (`request.text()` not awaited), and a read it started after
    // the wait would run concurrently with the drain on the same buffer.
    this.#detached = true;
    while (this.#inFlight !== null) {
      const reading = this.#inFlight;
      await reading.catch(() => {});
      if (this.#inFlight === reading) this.#inFlight = null;
    }
    if (this.errorStatus !== 0) return false;
    if (this.done) return true;
    let budget = maxBytes;
    this.#watch?.arm();
    try {
      while (!this.done) {
        if (!this.#chunked) {
          if (this.#remaining > budget) return false;
          const n = await this.#reader.skip(this.#remaining);
          if (n === 0) return false;
          this.#remaining -= n;
          budget -= n;
          if (this.#remaining === 0) this.done = true;
        } else {
          const chunk = await this.#readChunked();
          if (chunk !== null) {
            budget -= chunk.length;
            // The body limit holds whoever reads the body, drain included.
            this.#total += chunk.length;
            if (budget < 0 || this.#total > this.#limits.maxBodyBytes) {
              return false;
            }
          }
        }
      }
      return true;
    } catch {
      return false;
    } finally {
      this.#watch?.disarm();
    }
  }

  /**
   * Whether the rest of the body (and, if chunked, its trailer section) is
   * already buffered, in at most `maxBytes`: draining it then needs no read
   * from the client. Nothing is consumed; call it while no read is in
   * flight. A framing error, or a line not whole yet, counts as not
   * buffered.
   *
   * @param maxBytes The most buffered bytes the rest may take.
   * @returns `true` when a drain would end without waiting on the client.
   */
  isBufferedWhole(maxBytes: number): boolean {
    if (this.done) return true;
    if (this.#detached) return false;
    const reader = this.#reader;
    const end = Math.min(reader.end, reader.start + maxBytes);
    if (!this.#chunked) return end - reader.start >= this.#remaining;
    const buf = reader.buffer;
    let at = reader.start;
    let state = this.#state;
    let remaining = this.#remaining;
    let total = this.#total;
    while (true) {
      switch (state) {
        case Chunked.Size: {
          const crlf = lineEnd(buf, at, end);
          if (crlf < 0) return false;
          const size = parseChunkSize(buf, at, crlf);
          if (size instanceof RequestParseError) return false;
          total += size;
          if (total > this.#limits.maxBodyBytes) return false;
          at = crlf + 2;
          remaining = size;
          state = size === 0 ? Chunked.Trailers : Chunked.Data;
          break;
        }
        case Chunked.Data:
          if (end - at < remaining) return false;
          at += remaining;
          state = Chunked.DataEnd;
          break;
        case Chunked.DataEnd:
          if (lineEnd(buf, at, end) !== at) return false;
          at += 2;
          state = Chunked.Size;
          break;
        case Chunked.Trailers: {
          const crlf = lineEnd(buf, at, end);
          if (crlf < 0) return false;
          if (crlf === at) return true;
          at = crlf + 2;
          break;
        }
        case Chunked.Done:
          return true;
      }
    }
  }

  /** Stop any later read from touching the connection. */
  detach(): void {
    this.#detached = true;
  }
}

/**
 * The size on a chunk-size line (without its CRLF), or why it is refused.
 * What follows the size may only be extensions: BWS ";" ...; their content
 * is ignored but must not smuggle control bytes.
 */
function parseChunkSize(
  buf: Uint8Array,
  start: number,
  end: number,
): number | RequestParseError {
  let size = 0;
  let i = start;
  for (; i < end; i++) {
    const digit = hexValue(buf[i]);
    if (digit < 0) break;
    if (i - start >= MAX_CHUNK_SIZE_DIGITS) {
      return new RequestParseError(413, "Chunk size too large");
    }
    size = size * 16 + digit;
  }
  if (i === start) return new RequestParseError(400, "Invalid chunk size");
  let j = i;
  while (j < end && (buf[j] === 0x20 || buf[j] === 0x09)) j++;
  if (j < end && buf[j] !== 0x3b) {
    return new RequestParseError(400, "Invalid chunk size");
  }
  for (; j < end; j++) {
    const b = buf[j];
    if ((b < 0x20 && b !== 0x09) || b === 0x7f) {
      return new RequestParseError(400, "Invalid chunk extension");
    }
  }
  return size;
}

/** The index of the CRLF that ends the line at `from`, or `-1` if none yet. */
function lineEnd(buf: Uint8Array, from: number, end: number): number {
  const lf = buf.subarray(from, end).indexOf(0x0a);
  if (lf <= 0 || buf[from + lf - 1] !== 0x0d) return -1;
  return from + lf - 1;
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}
