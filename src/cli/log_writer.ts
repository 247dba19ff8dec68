/**
 * A line writer for the access log: lines that arrive while a write is in
 * progress are batched into the next one, memory stays bounded when the
 * reader is slow, and a failing stdout never throws.
 *
 * @module
 */

/** Where bytes go: `Deno.stdout` satisfies it. */
export interface ByteSink {
  /** Write some of `data`; resolves to how many bytes were written. */
  write(data: Uint8Array): Promise<number>;
}

/** Pending text beyond which new lines are dropped (and counted). */
const DEFAULT_MAX_PENDING_CHARS = 4 * 1024 * 1024;

/**
 * Batches text to a sink. `write()` never blocks and never throws; lines
 * are dropped, not queued without bound, when the sink cannot keep up, and
 * everything is dropped once the sink fails (a closed pipe, say).
 */
export class LogWriter {
  readonly #sink: ByteSink;
  readonly #maxPendingChars: number;
  readonly #encoder = new TextEncoder();
  #pending: string[] = [];
  #pendingChars = 0;
  #writing: Promise<void> | null = null;
  #broken = false;
  #dropped = 0;

  /**
   * Make a writer.
   *
   * @param sink Where the bytes go.
   * @param maxPendingChars Text kept while the sink is busy; more is dropped.
   */
  constructor(
    sink: ByteSink,
    maxPendingChars: number = DEFAULT_MAX_PENDING_CHARS,
  ) {
    this.#sink = sink;
    this.#maxPendingChars = maxPendingChars;
  }

  /** Lines dropped because the sink was too slow or failed. */
  get dropped(): number {
    return this.#dropped;
  }

  /**
   * Queue text (whole lines, with their newlines).
   *
   * @param text The text.
   */
  write(text: string): void {
    if (this.#broken) {
      this.#dropped++;
      return;
    }
    if (this.#pendingChars + text.length > this.#maxPendingChars) {
      this.#dropped++;
      return;
    }
    this.#pending.push(text);
    this.#pendingChars += text.length;
    this.#writing ??= this.#drain();
  }

  /**
   * Resolves once everything queued so far has been written (or dropped).
   *
   * @returns Never rejects.
   */
  async flush(): Promise<void> {
    while (this.#writing !== null) await this.#writing;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#pending.length > 0 && !this.#broken) {
        const text = this.#pending.length === 1
          ? this.#pending[0]
          : this.#pending.join("");
        this.#pending = [];
        this.#pendingChars = 0;
        let data = this.#encoder.encode(text);
        try {
          while (data.length > 0) {
            data = data.subarray(await this.#sink.write(data));
          }
        } catch {
          // stdout closed or failing: the server goes on without a log.
          this.#broken = true;
          this.#dropped += this.#pending.length;
          this.#pending = [];
          this.#pendingChars = 0;
        }
      }
    } finally {
      this.#writing = null;
    }
  }
}
