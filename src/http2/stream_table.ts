/**
 * Which client streams exist, and what became of the ones that are gone
 * (RFC 9113 §5.1): an id above every one seen is idle; an open stream is
 * looked up; a closed one is remembered, for a while, by how it closed,
 * because the answer to a late frame depends on it — ignored after this
 * side reset it, STREAM_CLOSED after the peer did or after END_STREAM.
 *
 * @module
 */

/** How a stream closed. */
export type ClosedHow = "reset-sent" | "reset-received" | "ended";

/** A stream id's state, as a received frame must be judged by it. */
export type StreamState<S> =
  | { state: "open"; stream: S }
  | { state: "idle" }
  | {
    state: "closed";
    /**
     * How it closed; `"forgotten"` past the memory's bound, or for an id
     * skipped over, which the first use of a higher id closed (§5.1.1).
     */
    how: ClosedHow | "forgotten";
  };

/** Closed streams remembered by how they closed, the newest ones. */
const REMEMBERED_CLOSED_STREAMS = 256;

/** The client streams of one connection. */
export class StreamTable<S> {
  readonly #open = new Map<number, S>();
  /** Recently closed ids, oldest first (a Map keeps insertion order). */
  readonly #closed = new Map<number, ClosedHow>();
  #highest = 0;

  /** Open streams: those counted against SETTINGS_MAX_CONCURRENT_STREAMS. */
  get size(): number {
    return this.#open.size;
  }

  /** The highest stream id the client has used. */
  get highest(): number {
    return this.#highest;
  }

  /** The open streams. */
  values(): IterableIterator<S> {
    return this.#open.values();
  }

  /**
   * The state of stream `id`, a client's (odd) id or not.
   *
   * @param id A stream id other than 0.
   * @returns Open (with the stream), idle, or closed (with how).
   */
  lookup(id: number): StreamState<S> {
    const stream = this.#open.get(id);
    if (stream !== undefined) return { state: "open", stream };
    if (id > this.#highest) return { state: "idle" };
    return { state: "closed", how: this.#closed.get(id) ?? "forgotten" };
  }

  /**
   * Open stream `id`, above every id used before (the caller checks).
   *
   * @param id The new stream's id.
   * @param stream The stream.
   */
  open(id: number, stream: S): void {
    this.#highest = id;
    this.#open.set(id, stream);
  }

  /**
   * Use up stream `id` without opening it (refused, or ignored after a
   * GOAWAY): it is closed from the start.
   *
   * @param id The id, above every id used before.
   * @param how How it counts as closed.
   */
  skip(id: number, how: ClosedHow): void {
    this.#highest = id;
    this.#remember(id, how);
  }

  /**
   * Close an open stream, remembering how.
   *
   * @param id The stream's id.
   * @param how How it closed.
   */
  close(id: number, how: ClosedHow): void {
    if (this.#open.delete(id)) this.#remember(id, how);
  }

  #remember(id: number, how: ClosedHow): void {
    this.#closed.set(id, how);
    if (this.#closed.size > REMEMBERED_CLOSED_STREAMS) {
      for (const oldest of this.#closed.keys()) {
        this.#closed.delete(oldest);
        break;
      }
    }
  }
}
