/**
 * An in-memory connection: input given as chunks, output captured, end of
 * stream after the last chunk (or held open until the test says so). The
 * classic way to test a connection handler without a socket.
 *
 * @module
 */

import type { Conn } from "../src/http1/conn.ts";

const decoder = new TextDecoder();

/** Options of {@linkcode MockConn}. */
export interface MockConnOptions {
  /** Keep the input open after the chunks, until `end()` is called. */
  holdOpen?: boolean;
  /** Make every write take at most this many bytes (partial writes). */
  maxWriteBytes?: number;
}

/** A {@linkcode Conn} over byte chunks, recording what the engine writes. */
export class MockConn implements Conn {
  readonly remoteAddr: Deno.NetAddr = {
    transport: "tcp",
    hostname: "127.0.0.1",
    port: 40000,
  };
  readonly localAddr: Deno.NetAddr = {
    transport: "tcp",
    hostname: "127.0.0.1",
    port: 8000,
  };
  /** Every chunk written, in order. */
  readonly writes: Uint8Array[] = [];
  /** `true` once `close()` was called. */
  closed = false;
  /** `true` once `closeWrite()` was called. */
  writeClosed = false;
  /** Resolves when the engine closes the connection. */
  readonly whenClosed: Promise<void>;
  /** Resolves when the engine shuts its writing side (`closeWrite()`). */
  readonly whenWriteClosed: Promise<void>;
  /** Whether the writing side was shut when `close()` was called. */
  writeClosedBeforeClose = false;
  readonly #chunks: Uint8Array[];
  #current: Uint8Array | null = null;
  #ended: boolean;
  #waiting: PromiseWithResolvers<void> | null = null;
  #readWaiters: (() => void)[] = [];
  #onClose: () => void;
  #onWriteClose: () => void;
  readonly #maxWriteBytes: number;

  /**
   * @param input The bytes the client sends, as chunks (strings are UTF-8).
   * @param options Hold the input open, limit write sizes.
   */
  constructor(input: (string | Uint8Array)[], options: MockConnOptions = {}) {
    this.#chunks = input.map((c) =>
      typeof c === "string" ? new TextEncoder().encode(c) : c
    );
    this.#ended = !options.holdOpen;
    this.#maxWriteBytes = options.maxWriteBytes ?? Infinity;
    const { promise, resolve } = Promise.withResolvers<void>();
    this.whenClosed = promise;
    this.#onClose = resolve;
    const writeClose = Promise.withResolvers<void>();
    this.whenWriteClosed = writeClose.promise;
    this.#onWriteClose = writeClose.resolve;
  }

  /** Send more client bytes (with `holdOpen`). */
  push(chunk: string | Uint8Array): void {
    this.#chunks.push(
      typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk,
    );
    this.#wake();
  }

  /** End the client's side: reads see end of stream after what is queued. */
  end(): void {
    this.#ended = true;
    this.#wake();
  }

  /**
   * Resolves the next time a read finds nothing to give and waits for the
   * client (with `holdOpen`): the engine has done all it can with what was
   * sent, e.g. it is idle between requests.
   */
  readWaits(): Promise<void> {
    return new Promise((resolve) => this.#readWaiters.push(resolve));
  }

  #wake(): void {
    const waiting = this.#waiting;
    this.#waiting = null;
    waiting?.resolve();
  }

  async read(buffer: Uint8Array): Promise<number | null> {
    while (true) {
      if (this.closed) throw new Deno.errors.BadResource("Connection closed");
      if (this.#current === null || this.#current.length === 0) {
        this.#current = this.#chunks.shift() ?? null;
      }
      if (this.#current !== null) {
        const n = Math.min(buffer.length, this.#current.length);
        buffer.set(this.#current.subarray(0, n));
        this.#current = this.#current.subarray(n);
        return n;
      }
      if (this.#ended) return null;
      this.#waiting = Promise.withResolvers<void>();
      for (const resolve of this.#readWaiters.splice(0)) resolve();
      await this.#waiting.promise;
    }
  }

  write(data: Uint8Array): Promise<number> {
    if (this.closed || this.writeClosed) {
      return Promise.reject(new Deno.errors.BrokenPipe("Connection closed"));
    }
    const n = Math.min(data.length, this.#maxWriteBytes);
    this.writes.push(data.slice(0, n));
    return Promise.resolve(n);
  }

  closeWrite(): Promise<void> {
    this.writeClosed = true;
    this.#onWriteClose();
    return Promise.resolve();
  }

  close(): void {
    if (this.closed) throw new Deno.errors.BadResource("Already closed");
    this.closed = true;
    this.writeClosedBeforeClose = this.writeClosed;
    this.#wake();
    this.#onClose();
  }

  /** Everything written so far, as one string (latin1-safe for ASCII). */
  get output(): string {
    return decoder.decode(this.outputBytes);
  }

  /** Everything written so far, as bytes. */
  get outputBytes(): Uint8Array {
    const total = this.writes.reduce((n, w) => n + w.length, 0);
    const out = new Uint8Array(total);
    let offset = 0;
    for (const w of this.writes) {
      out.set(w, offset);
      offset += w.length;
    }
    return out;
  }
}

/**
 * Split `text` into the three shapes every engine test runs: whole, at every
 * CRLF, and byte by byte.
 *
 * @param text The client's bytes.
 * @returns Named chunkings.
 */
export function chunkings(text: string): [string, string[]][] {
  const atCrlf: string[] = [];
  let from = 0;
  for (
    let i = text.indexOf("\r\n");
    i !== -1;
    i = text.indexOf("\r\n", i + 2)
  ) {
    atCrlf.push(text.slice(from, i + 2));
    from = i + 2;
  }
  if (from < text.length) atCrlf.push(text.slice(from));
  return [
    ["whole", [text]],
    ["split at CRLF", atCrlf],
    ["byte by byte", [...text]],
  ];
}
