/**
 * Test helpers for live reload's event stream: a reader of server-sent
 * events with a bounded wait, and a fake `Deno.watchFs` whose events a test
 * sends.
 *
 * @module
 */

/** One block of an event stream: an event, or a comment. */
export interface StreamBlock {
  /** `event:`'s value (`"message"` when absent), or `null` for a comment. */
  event: string | null;
  /** `data:`'s value, parsed as JSON when it is. */
  data: unknown;
  /** The block as sent. */
  raw: string;
}

/** Reads an event stream block by block; every wait is bounded. */
export class EventStreamReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #buffer = "";
  #ended = false;

  /** @param body The stream's body. */
  constructor(body: ReadableStream<Uint8Array>) {
    this.#reader = body.getReader();
  }

  /**
   * The next block, waiting at most `ms` (a bound that fails the test).
   *
   * @param ms The bound.
   * @returns The block, or `null` when the stream ended.
   */
  async next(ms = 10_000): Promise<StreamBlock | null> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no event within ${ms} ms`)),
        ms,
      );
    });
    try {
      for (;;) {
        const end = this.#buffer.indexOf("\n\n");
        if (end !== -1) {
          const raw = this.#buffer.slice(0, end + 2);
          this.#buffer = this.#buffer.slice(end + 2);
          return parseBlock(raw);
        }
        if (this.#ended) return null;
        const { done, value } = await Promise.race([this.#reader.read(), late]);
        if (done) this.#ended = true;
        else this.#buffer += this.#decoder.decode(value, { stream: true });
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The next event that is not a comment (heartbeats are skipped).
   *
   * @param ms The bound for each block.
   * @returns The event, or `null` when the stream ended.
   */
  async nextEvent(ms?: number): Promise<StreamBlock | null> {
    for (;;) {
      const block = await this.next(ms);
      if (block === null || block.event !== null) return block;
    }
  }

  /** Stop reading: the stream is cancelled. */
  async cancel(): Promise<void> {
    await this.#reader.cancel();
  }
}

function parseBlock(raw: string): StreamBlock {
  let event: string | null = null;
  let data: string | null = null;
  for (const line of raw.split("\n")) {
    if (line.startsWith("event: ")) event = line.slice(7);
    else if (line.startsWith("data: ")) data = line.slice(6);
  }
  if (data !== null) event ??= "message";
  let parsed: unknown = data;
  try {
    parsed = data === null ? null : JSON.parse(data);
  } catch {
    // Not JSON: kept as text.
  }
  return { event, data: parsed, raw };
}

/** A `Deno.FsWatcher` whose events the test sends. */
export class FakeWatch implements Deno.FsWatcher {
  /** The path watched. */
  readonly path: string;
  closed = false;
  readonly #queue: (Deno.FsEvent | Error)[] = [];
  #wake: (() => void) | null = null;

  /** @param path The path watched. */
  constructor(path: string) {
    this.path = path;
  }

  /**
   * Report that paths changed.
   *
   * @param paths The paths.
   * @param kind The event kind.
   */
  send(paths: string[], kind: Deno.FsEvent["kind"] = "modify"): void {
    this.#push({ kind, paths });
  }

  /** Report that events were lost. */
  lose(): void {
    this.#push({ kind: "other", paths: [], flag: "rescan" });
  }

  /**
   * End the watch with an error.
   *
   * @param error The error.
   */
  fail(error: Error): void {
    this.#push(error);
  }

  close(): void {
    this.closed = true;
    this.#wake?.();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  async *[Symbol.asyncIterator](): AsyncIterableIterator<Deno.FsEvent> {
    while (!this.closed) {
      const next = this.#queue.shift();
      if (next === undefined) {
        await new Promise<void>((resolve) => this.#wake = resolve);
        this.#wake = null;
        continue;
      }
      if (next instanceof Error) throw next;
      yield next;
    }
  }

  #push(item: Deno.FsEvent | Error): void {
    this.#queue.push(item);
    this.#wake?.();
  }
}
