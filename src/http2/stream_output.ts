/**
 * What one stream has to send, waiting for its turn on the connection: the
 * response's fields until they are encoded, body bytes until the windows
 * let them go, whether END_STREAM follows them, and a RST_STREAM to send
 * after them. The body's reader fills it and waits while it is full; the
 * scheduler (`send_scheduler.ts`) empties it into frames.
 *
 * @module
 */

import type { StreamHead } from "./stream_head.ts";

/**
 * Body bytes a stream may hold unsent before its body's reader waits: a
 * stream holds at most this plus one chunk, however slowly its client reads.
 */
export const STREAM_BUFFER_BYTES = 16 * 1024;

/** One stream's outgoing frames, before they are frames. */
export class StreamOutput {
  /** The stream. */
  readonly streamId: number;
  /** The peer's window for this stream; negative after a SETTINGS cut it. */
  sendWindow: number;
  /** The response's fields, until the scheduler encodes them. */
  head: StreamHead | null = null;
  /** Whether END_STREAM follows what is queued. */
  ending = false;
  /**
   * A RST_STREAM code to send once END_STREAM is out, or at once when no
   * END_STREAM is to come; `-1` for none.
   */
  resetCode = -1;
  /** Whether the HEADERS frame went into a write. */
  headSent = false;
  /** Whether END_STREAM (or the RST_STREAM) went into a write. */
  finished = false;
  /** Body bytes put into DATA frames so far. */
  bodyBytesSent = 0;
  /**
   * When this stream began waiting for its own window with data to send
   * (ms since epoch), `0` while it is not.
   */
  stalledSince = 0;
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  #room: PromiseWithResolvers<void> | null = null;
  #aborted = false;

  /**
   * @param streamId The stream.
   * @param sendWindow The peer's initial window for it.
   */
  constructor(streamId: number, sendWindow: number) {
    this.streamId = streamId;
    this.sendWindow = sendWindow;
  }

  /** Body bytes queued, not yet in a frame. */
  get buffered(): number {
    return this.#buffered;
  }

  /** Whether nothing more will be queued: ended or aborted. */
  get aborted(): boolean {
    return this.#aborted;
  }

  /** Whether a frame could go out now, windows permitting for DATA. */
  get hasWork(): boolean {
    return !this.finished && !this.#aborted &&
      (this.head !== null || this.#buffered > 0 || this.ending ||
        this.resetCode >= 0);
  }

  /**
   * Queue a body chunk.
   *
   * @param chunk Bytes the output may keep until they are written.
   */
  push(chunk: Uint8Array): void {
    if (this.#aborted || chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
  }

  /**
   * Wait until the queue has room, or the output is aborted.
   *
   * @returns `null` when there is room now (no promise to await).
   */
  room(): Promise<void> | null {
    if (this.#buffered < STREAM_BUFFER_BYTES || this.#aborted) return null;
    this.#room ??= Promise.withResolvers<void>();
    return this.#room.promise;
  }

  /**
   * Take up to `max` queued bytes, from the first chunk only.
   *
   * @param max The most bytes to take (≥ 1).
   * @returns A view of them.
   */
  take(max: number): Uint8Array {
    const first = this.#chunks[0];
    let taken: Uint8Array;
    if (first.length <= max) {
      this.#chunks.shift();
      taken = first;
    } else {
      taken = first.subarray(0, max);
      this.#chunks[0] = first.subarray(max);
    }
    this.#buffered -= taken.length;
    this.bodyBytesSent += taken.length;
    if (this.#buffered < STREAM_BUFFER_BYTES) this.#wake();
    return taken;
  }

  /** Size of the next piece `take()` would give, windows aside. */
  get nextChunkBytes(): number {
    return this.#chunks[0]?.length ?? 0;
  }

  /** Drop everything queued and queue nothing more; a waiter wakes. */
  abort(): void {
    this.#aborted = true;
    this.#chunks = [];
    this.#buffered = 0;
    this.head = null;
    this.#wake();
  }

  #wake(): void {
    const room = this.#room;
    this.#room = null;
    room?.resolve();
  }
}
