/**
 * One stream's request body as the handler sees it: a `ReadableStream` fed
 * by DATA frames, never buffered past the flow-control window the
 * connection grants. Each chunk the handler takes is reported, so that the
 * connection returns that credit (WINDOW_UPDATE, RFC 9113 §6.9). The body
 * checks what the frames carry against `content-length` (§8.1.1) and
 * `maxBodyBytes`.
 *
 * @module
 */

/** Told when the handler starts waiting for data, and when it stops. */
export interface BodyWaitWatch {
  /** The handler waits for data that has not come. */
  arm(): void;
  /** It has some, or the body ended. */
  disarm(): void;
}

/** How a body is read and bounded. */
export interface Http2RequestBodyOptions {
  /** The request's `content-length`, or `-1` when it sent none. */
  contentLength: number;
  /** Most body bytes accepted; more → 413. */
  maxBodyBytes: number;
  /** Told how many bytes the handler took: credit to return. */
  onConsumed(bytes: number): void;
  /** Arms the stream's body deadline while the handler waits. */
  watch?: BodyWaitWatch;
  /**
   * Runs once, at the handler's first read, when nothing of the body has
   * come yet: to send 100 (Continue) to a client that waits for it.
   */
  beforeFirstRead?: () => void;
}

/** What a DATA frame's content, or the body's end, did to the body. */
export type BodyInput = "ok" | "too-large" | "length-mismatch";

/** The error a handler's read rejects with once the body has failed. */
export class RequestBodyError extends Error {
  /** The status to answer, when the response has not started: 408, 413. */
  readonly status: number;

  /**
   * @param status The status to answer (`0` for none: the stream is reset).
   * @param message What went wrong.
   */
  constructor(status: number, message: string) {
    super(message);
    this.name = "RequestBodyError";
    this.status = status;
  }
}

/** A stream's request body. The connection pushes; the handler reads. */
export class Http2RequestBody {
  readonly #options: Http2RequestBodyOptions;
  #queue: Uint8Array[] = [];
  #queuedBytes = 0;
  #received = 0;
  #ended = false;
  #error: RequestBodyError | null = null;
  #waiting: PromiseWithResolvers<void> | null = null;
  #stream: ReadableStream<Uint8Array> | null = null;
  #pulled = false;

  /** @param options Length, limit and the connection's hooks. */
  constructor(options: Http2RequestBodyOptions) {
    this.#options = options;
  }

  /** The body for `new Request()`; created once. */
  get stream(): ReadableStream<Uint8Array> {
    // Pulled only when the handler reads (highWaterMark 0): what it has not
    // asked for stays here, and its credit unreturned.
    return this.#stream ??= new ReadableStream<Uint8Array>({
      pull: (controller) => this.#pull(controller),
      cancel: () => this.#cancel(),
    }, { highWaterMark: 0 });
  }

  /** Whether the whole body has come (END_STREAM). */
  get ended(): boolean {
    return this.#ended;
  }

  /** The error it failed with, if it did. */
  get error(): RequestBodyError | null {
    return this.#error;
  }

  /** Bytes received and not yet taken by the handler. */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  /**
   * Take in a DATA frame's content.
   *
   * @param data A copy the body keeps (never a view of a read buffer).
   * @returns `"ok"`; `"too-large"` past `maxBodyBytes` (the body fails with
   *   413); `"length-mismatch"` past `content-length` (malformed, §8.1.1).
   */
  push(data: Uint8Array): BodyInput {
    if (this.#error !== null || this.#ended) return "ok";
    this.#received += data.length;
    const { contentLength, maxBodyBytes } = this.#options;
    if (contentLength >= 0 && this.#received > contentLength) {
      this.fail(new RequestBodyError(0, "Body longer than content-length"));
      return "length-mismatch";
    }
    if (this.#received > maxBodyBytes) {
      this.fail(new RequestBodyError(413, "Request body too large"));
      return "too-large";
    }
    if (data.length > 0) {
      this.#queue.push(data);
      this.#queuedBytes += data.length;
      this.#wake();
    }
    return "ok";
  }

  /**
   * The client ended the stream (END_STREAM).
   *
   * @returns `"ok"`, or `"length-mismatch"` when fewer bytes came than
   *   `content-length` said (§8.1.1).
   */
  end(): BodyInput {
    if (this.#error !== null || this.#ended) return "ok";
    const { contentLength } = this.#options;
    if (contentLength >= 0 && this.#received !== contentLength) {
      this.fail(new RequestBodyError(0, "Body shorter than content-length"));
      return "length-mismatch";
    }
    this.#ended = true;
    this.#wake();
    return "ok";
  }

  /**
   * Fail the body: the handler's next read rejects with `error`. What was
   * queued is dropped (see {@linkcode discard}).
   *
   * @param error Why.
   */
  fail(error: RequestBodyError): void {
    if (this.#error !== null) return;
    this.#error = error;
    this.#wake();
  }

  /**
   * Drop what is queued, unread.
   *
   * @returns The bytes dropped: credit the connection may return.
   */
  discard(): number {
    const dropped = this.#queuedBytes;
    this.#queue = [];
    this.#queuedBytes = 0;
    return dropped;
  }

  async #pull(
    controller: ReadableStreamDefaultController<Uint8Array>,
  ): Promise<void> {
    if (!this.#pulled) {
      this.#pulled = true;
      // RFC 9110 §10.1.1: a 100 may be left out once content has come.
      if (this.#received === 0 && !this.#ended && this.#error === null) {
        this.#options.beforeFirstRead?.();
      }
    }
    while (true) {
      if (this.#error !== null) {
        controller.error(this.#error);
        return;
      }
      const chunk = this.#queue.shift();
      if (chunk !== undefined) {
        this.#queuedBytes -= chunk.length;
        this.#options.onConsumed(chunk.length);
        controller.enqueue(chunk);
        return;
      }
      if (this.#ended) {
        controller.close();
        return;
      }
      this.#waiting = Promise.withResolvers<void>();
      const watch = this.#options.watch;
      watch?.arm();
      try {
        await this.#waiting.promise;
      } finally {
        watch?.disarm();
      }
    }
  }

  #cancel(): void {
    // The handler wants no more: what is queued is credit to return.
    const dropped = this.discard();
    if (dropped > 0) this.#options.onConsumed(dropped);
    this.fail(new RequestBodyError(0, "Request body cancelled"));
  }

  #wake(): void {
    const waiting = this.#waiting;
    this.#waiting = null;
    waiting?.resolve();
  }
}
