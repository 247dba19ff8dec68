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
  | { readonly state: "open"; readonly stream: S }
  | { readonly state: "idle" }
  | {
    readonly state: "closed";
    /**
     * How it closed; `"forgotten"` past the memory's bound, or for an id
     * skipped over, which the first use of a higher id closed (§5.1.1).
     */
    readonly how: ClosedHow | "forgotten";
  };

/** Closed streams remembered by how they closed, the newest ones. */
const REMEMBERED_CLOSED_STREAMS = 256;

/** The ways to close, by their number in the ring. */
const HOWS: readonly ClosedHow[] = ["reset-sent", "reset-received", "ended"];

/** The answers without a stream in them, made once: a lookup allocates none. */
const IDLE = Object.freeze({ state: "idle" } as const);
const CLOSED = Object.freeze({
  "reset-sent": Object.freeze({ state: "closed", how: "reset-sent" } as const),
  "reset-received": Object.freeze(
    { state: "closed", how: "reset-received" } as const,
  ),
  ended: Object.freeze({ state: "closed", how: "ended" } as const),
  forgotten: Object.freeze({ state: "closed", how: "forgotten" } as const),
});

/** The client streams of one connection. */
export class StreamTable<S> {
  readonly #open = new Map<number, S>();
  /**
   * Recently closed ids and how, in a ring: the newest overwrites the
   * oldest, at no cost per close beyond two stores. Looked up only for a
   * frame on a closed stream, by a scan of at most the ring's length.
   */
  readonly #closedIds = new Int32Array(REMEMBERED_CLOSED_STREAMS);
  readonly #closedHows = new Uint8Array(REMEMBERED_CLOSED_STREAMS);
  #closedNext = 0;
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
   * @returns Open (with the stream), idle, or closed (with how); the
   *   answers other than open are shared, never to be changed.
   */
  lookup(id: number): StreamState<S> {
    const stream = this.#open.get(id);
    if (stream !== undefined) return { state: "open", stream };
    if (id > this.#highest) return IDLE;
    return CLOSED[this.#closedHow(id)];
  }

  /**
   * The open stream `id`, without telling idle from closed: for a caller
   * that only needs the stream.
   *
   * @param id A stream id.
   * @returns The stream, or `undefined` when it is not open.
   */
  get(id: number): S | undefined {
    return this.#open.get(id);
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
    const at = this.#closedNext;
    this.#closedIds[at] = id;
    // Stored one up: 0 marks a slot never written.
    this.#closedHows[at] = HOWS.indexOf(how) + 1;
    this.#closedNext = (at + 1) % REMEMBERED_CLOSED_STREAMS;
  }

  /** How a closed id closed, if it is still remembered. */
  #closedHow(id: number): ClosedHow | "forgotten" {
    // An id closes once, so at most one slot holds it.
    const ids = this.#closedIds;
    for (let i = 0; i < ids.length; i++) {
      if (ids[i] === id && this.#closedHows[i] !== 0) {
        return HOWS[this.#closedHows[i] - 1];
      }
    }
    return "forgotten";
  }
}
