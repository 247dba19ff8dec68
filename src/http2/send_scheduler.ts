/**
 * The one writer of an HTTP/2 connection. Control frames (SETTINGS and PING
 * acknowledgements, WINDOW_UPDATE, RST_STREAM, GOAWAY) go first; then the
 * streams with something to send take turns, one frame each per round, so
 * a large body never holds back a small answer and no stream starves
 * another. DATA frames respect the peer's SETTINGS_MAX_FRAME_SIZE and both
 * send windows (RFC 9113 §5.2, §6.9). Frames are gathered into batches of
 * about 64 KiB, framed into one reused buffer (`send_batch.ts`), and each
 * batch is one write, under the send deadline.
 *
 * Header blocks are encoded here, when their turn comes: HPACK's dynamic
 * table must see blocks in the order the peer will (RFC 9113 §4.3), and
 * that is the order they go into batches.
 *
 * @module
 */

import type { Conn } from "../http1/conn.ts";
import { writeAll, type WriteWatch } from "../http1/write_all.ts";
import { encodeRstStreamFrame } from "./frame_rst_stream.ts";
import { FLAG, FRAME_TYPE } from "./frame_types.ts";
import { SendBatch } from "./send_batch.ts";
import { INITIAL_SETTINGS } from "./settings.ts";
import type { FieldBlockParts, StreamHead } from "./stream_head.ts";
import type { StreamOutput } from "./stream_output.ts";

/** A batch grows until it passes this many bytes. */
const BATCH_BYTES = 64 * 1024;

const EMPTY = new Uint8Array(0);

/** What the scheduler needs from its connection. */
export interface SchedulerHooks {
  /** Encode a response's fields with the connection's HPACK encoder. */
  encodeHead(head: StreamHead): FieldBlockParts;
  /** A stream's END_STREAM or final RST_STREAM was written. */
  finished(output: StreamOutput): void;
  /** A write failed: the connection is broken. */
  failed(error: unknown): void;
  /** A stall began: call the connection's timeout at `deadline` or later. */
  stalled(since: number): void;
}

/** The connection's writer and its stream scheduler. */
export class SendScheduler {
  /** The peer's window for the whole connection (RFC 9113 §6.9.1). */
  connectionWindow: number = INITIAL_SETTINGS.initialWindowSize;
  /** The peer's SETTINGS_MAX_FRAME_SIZE. */
  maxFrameSize: number = INITIAL_SETTINGS.maxFrameSize;
  /**
   * Since when streams with data have waited on the connection window
   * (ms since epoch); `0` while none does.
   */
  connectionStalledSince = 0;
  readonly #conn: Conn;
  readonly #hooks: SchedulerHooks;
  readonly #watch: WriteWatch;
  #control: Uint8Array[] = [];
  readonly #batch = new SendBatch();
  /** Streams that can send now, in turn order. */
  #ready = new Set<StreamOutput>();
  /** Streams with data that wait for the connection window. */
  #blocked = new Set<StreamOutput>();
  /** The streams whose END_STREAM is in the batch being written. */
  readonly #finished: StreamOutput[] = [];
  #running = false;
  #stopped = false;
  #idle: PromiseWithResolvers<void> | null = null;

  /**
   * @param conn Where to write.
   * @param hooks The connection's side.
   * @param watch Arms the send deadline around each write.
   */
  constructor(conn: Conn, hooks: SchedulerHooks, watch: WriteWatch) {
    this.#conn = conn;
    this.#hooks = hooks;
    this.#watch = watch;
  }

  /** Control frames queued, not yet written. */
  get controlBacklog(): number {
    return this.#control.length;
  }

  /**
   * Queue a control frame, ahead of every stream's frames.
   *
   * @param frame The frame's bytes.
   */
  queueControl(frame: Uint8Array): void {
    if (this.#stopped) return;
    this.#control.push(frame);
    this.#start();
  }

  /**
   * A stream has something new to send (fields, data, its end, a reset),
   * or its window grew.
   *
   * @param output The stream's output.
   */
  wake(output: StreamOutput): void {
    if (this.#stopped || !output.hasWork) return;
    if (this.#blocked.has(output) && this.connectionWindow <= 0) return;
    this.#blocked.delete(output);
    this.#ready.add(output);
    this.#start();
  }

  /**
   * The peer's connection window grew (WINDOW_UPDATE on stream 0).
   *
   * @param increment The credit added.
   */
  addConnectionWindow(increment: number): void {
    this.connectionWindow += increment;
    if (this.connectionWindow <= 0) return;
    this.connectionStalledSince = 0;
    for (const output of this.#blocked) this.#ready.add(output);
    this.#blocked.clear();
    this.#start();
  }

  /**
   * Forget a stream (it was reset or the connection closes).
   *
   * @param output The stream's output.
   */
  remove(output: StreamOutput): void {
    this.#ready.delete(output);
    this.#blocked.delete(output);
    if (this.#blocked.size === 0) this.connectionStalledSince = 0;
  }

  /**
   * Resolves once everything queued has been written (or the scheduler
   * stopped): for a GOAWAY that must go out before the close.
   */
  flushed(): Promise<void> {
    if (!this.#running && !this.#hasWork()) return Promise.resolve();
    this.#idle ??= Promise.withResolvers<void>();
    return this.#idle.promise;
  }

  /** Write nothing more; `flushed()` resolves. */
  stop(): void {
    this.#stopped = true;
    this.#control = [];
    this.#ready.clear();
    this.#blocked.clear();
    this.#settleIdle();
  }

  #hasWork(): boolean {
    return this.#control.length > 0 || this.#ready.size > 0;
  }

  #start(): void {
    if (this.#running) return;
    this.#running = true;
    // A microtask later: the frames the connection queues while it handles
    // one read all go into the first batch.
    queueMicrotask(() => this.#run());
  }

  async #run(): Promise<void> {
    try {
      // One list, emptied after each write: no array per batch.
      const finished = this.#finished;
      while (!this.#stopped) {
        if (!this.#build(finished)) break;
        await writeAll(this.#conn, this.#batch.view(), this.#watch);
        for (let i = 0; i < finished.length; i++) {
          this.#hooks.finished(finished[i]);
        }
        finished.length = 0;
      }
    } catch (error) {
      this.stop();
      this.#hooks.failed(error);
    } finally {
      this.#finished.length = 0;
      this.#running = false;
      // Work queued by a `finished` hook after the last build.
      if (!this.#stopped && this.#hasWork()) this.#start();
      else this.#settleIdle();
    }
  }

  #settleIdle(): void {
    const idle = this.#idle;
    this.#idle = null;
    idle?.resolve();
  }

  /**
   * Gather the next batch: control frames, then the streams in turn.
   *
   * @returns Whether the batch holds anything to write.
   */
  #build(finished: StreamOutput[]): boolean {
    const batch = this.#batch;
    batch.clear();
    for (const frame of this.#control) batch.append(frame);
    this.#control = [];
    // One frame per stream per turn: a stream still ready is added again,
    // behind the others, and this loop over the live set reaches it again
    // after them (a Set's iteration visits entries added during it).
    for (const output of this.#ready) {
      if (batch.length >= BATCH_BYTES) break;
      this.#ready.delete(output);
      this.#emit(output, finished);
      if (output.hasWork && this.#canSend(output)) this.#ready.add(output);
    }
    return batch.length > 0;
  }

  /**
   * Whether `output` can send a frame now; if it waits for a window, it is
   * noted as stalled (its own window) or blocked (the connection's).
   */
  #canSend(output: StreamOutput): boolean {
    if (output.head !== null || output.buffered === 0) return true;
    if (output.sendWindow <= 0) {
      if (output.stalledSince === 0) {
        output.stalledSince = Date.now();
        this.#hooks.stalled(output.stalledSince);
      }
      return false;
    }
    if (this.connectionWindow <= 0) {
      this.#blocked.add(output);
      if (this.connectionStalledSince === 0) {
        this.connectionStalledSince = Date.now();
        this.#hooks.stalled(this.connectionStalledSince);
      }
      return false;
    }
    return true;
  }

  /** Frame the stream's next frame (or frames, for a header block). */
  #emit(output: StreamOutput, finished: StreamOutput[]): void {
    const id = output.streamId;
    const batch = this.#batch;
    if (output.head !== null) {
      const block = this.#hooks.encodeHead(output.head);
      output.head = null;
      output.headSent = true;
      const endStream = output.ending && output.buffered === 0;
      batch.fieldBlock(id, block, endStream, this.maxFrameSize);
      if (endStream) this.#finish(output, finished);
      return;
    }
    if (output.buffered > 0) {
      if (!this.#canSend(output)) return;
      output.stalledSince = 0;
      const length = Math.min(
        this.maxFrameSize,
        output.sendWindow,
        this.connectionWindow,
        output.nextChunkBytes,
      );
      const data = output.take(length);
      output.sendWindow -= length;
      this.connectionWindow -= length;
      const last = output.ending && output.buffered === 0;
      batch.frame(FRAME_TYPE.DATA, last ? FLAG.END_STREAM : 0, id, data);
      if (last) this.#finish(output, finished);
      return;
    }
    if (output.ending) {
      // The body ended after its last bytes were sent: an empty DATA frame
      // carries END_STREAM (not flow-controlled, §6.9).
      batch.frame(FRAME_TYPE.DATA, FLAG.END_STREAM, id, EMPTY);
      this.#finish(output, finished);
      return;
    }
    if (output.resetCode >= 0) this.#finish(output, finished);
  }

  /** END_STREAM is in the batch: the RST_STREAM asked for goes after it. */
  #finish(output: StreamOutput, finished: StreamOutput[]): void {
    output.finished = true;
    if (output.resetCode >= 0) {
      this.#batch.append(
        encodeRstStreamFrame(output.streamId, output.resetCode),
      );
    }
    finished.push(output);
  }
}
