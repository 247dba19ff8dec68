/**
 * A connection's streams from open to closed: the table, the credit their
 * request bodies give back, resets either way, and the moment each leaves
 * the table — once its handler is done and its response ended or reset.
 * A stream the client resets keeps its place until its handler returns, so
 * resets cannot run more handlers than the concurrency limit (rapid reset,
 * CVE-2023-44487).
 *
 * @module
 */

import {
  FAST_LANE,
  type FastLane,
  type FastLaneCarrier,
} from "../http/fast_lane.ts";
import type { ServeHandler } from "../http1/handler.ts";
import type { ResolvedLimits } from "../http1/limits.ts";
import { ERROR_CODE } from "./error_codes.ts";
import type { FloodKind } from "./flood_guard.ts";
import { encodeRstStreamFrame } from "./frame_rst_stream.ts";
import { encodeWindowUpdateFrame } from "./frame_window_update.ts";
import { encodeHeadersFrame } from "./frame_headers.ts";
import { encodeStatelessBlock } from "./hpack/encode_stateless_block.ts";
import type { HpackEncoder } from "./hpack/hpack_encoder.ts";
import { connectionError, type Http2Error } from "./http2_error.ts";
import type { Http2Stream } from "./http2_stream.ts";
import type { ReceiveWindow } from "./receive_window.ts";
import type { SendScheduler } from "./send_scheduler.ts";
import type { ResponseTarget } from "./send_response.ts";
import type { StreamServer } from "./serve_stream.ts";
import {
  encodeStreamHead,
  joinFieldBlock,
  type StatelessHead,
} from "./stream_head.ts";
import type { StreamOutput } from "./stream_output.ts";
import { type ClosedHow, StreamTable } from "./stream_table.ts";

/** 100 (Continue): state-independent, so made once for every connection. */
const CONTINUE_HEAD: StatelessHead = {
  stateless: [encodeStatelessBlock([{ name: ":status", value: "100" }])],
};

/** What the streams need from their connection. */
export interface StreamsHost {
  /** The connection's writer. */
  readonly scheduler: SendScheduler;
  /** The connection's HPACK encoder, for a 100 (Continue). */
  readonly encoder: HpackEncoder;
  /** The connection's receive window. */
  readonly window: ReceiveWindow;
  /** Count an event against its flood bound: ENHANCE_YOUR_CALM past it. */
  floods(kind: FloodKind): Http2Error | null;
  /** A stream opened: the connection is busy. */
  opened(): void;
  /** The last open stream closed. */
  emptied(): void;
  /** A stream that was answered closed: tell `onResponse`. */
  report(stream: Http2Stream): void;
}

/** What the handlers of the streams are given. */
export interface StreamsServing {
  /** The request handler. */
  readonly handler: ServeHandler<Deno.Addr>;
  /** The shared limits. */
  readonly limits: ResolvedLimits;
  /** Turns a handler error into the response to send. */
  readonly onError: (error: unknown) => Response | Promise<Response>;
}

/** The streams of one connection. */
export class ConnectionStreams implements StreamServer {
  /** The request handler. */
  readonly handler: ServeHandler<Deno.Addr>;
  /** The shared limits. */
  readonly limits: ResolvedLimits;
  /** Turns a handler error into the response to send. */
  readonly onError: (error: unknown) => Response | Promise<Response>;
  /** The handler's fast lane, when it offers one. */
  readonly fastLane: FastLane | undefined;
  /** Open streams and the memory of closed ones. */
  readonly table: StreamTable<Http2Stream> = new StreamTable();
  /** The highest stream processed: what a GOAWAY names (§6.8). */
  lastStreamId = 0;
  readonly #host: StreamsHost;

  /**
   * @param host The connection.
   * @param serving The handler, the limits and `onError`.
   */
  constructor(host: StreamsHost, serving: StreamsServing) {
    this.#host = host;
    this.handler = serving.handler;
    this.limits = serving.limits;
    this.onError = serving.onError;
    this.fastLane = (serving.handler as FastLaneCarrier)[FAST_LANE];
  }

  /**
   * Open a stream: it counts against the concurrency limit from here.
   *
   * @param stream A stream just built for an idle id.
   */
  open(stream: Http2Stream): void {
    this.table.open(stream.id, stream);
    this.lastStreamId = stream.id;
    this.#host.opened();
  }

  /**
   * Note flow-controlled bytes consumed: read by the handler, dropped, or
   * padding. Credit goes back to the connection's window, and to the
   * stream's while the client may still send on it.
   *
   * @param stream The stream, or `null` for the connection's window only.
   * @param bytes The bytes consumed.
   */
  consumed(stream: Http2Stream | null, bytes: number): void {
    if (bytes === 0) return;
    const { scheduler, window } = this.#host;
    const increment = window.consume(bytes);
    if (increment > 0) {
      scheduler.queueControl(encodeWindowUpdateFrame(0, increment));
    }
    if (stream === null || stream.remoteEnded) return;
    const streamIncrement = stream.receiveWindow.consume(bytes);
    if (streamIncrement > 0) {
      scheduler.queueControl(
        encodeWindowUpdateFrame(stream.id, streamIncrement),
      );
    }
  }

  /**
   * Reset a stream where it stands: RST_STREAM `code` goes out (unless
   * the client reset it), what it holds is dropped.
   *
   * @param stream An open stream.
   * @param code The RFC 9113 §7 error code.
   * @param byPeer Whether the client reset it.
   */
  reset(stream: Http2Stream, code: number, byPeer = false): void {
    if (stream.reset) return;
    const scheduler = this.#host.scheduler;
    if (!byPeer) scheduler.queueControl(encodeRstStreamFrame(stream.id, code));
    stream.resetByPeer = byPeer;
    // The stream's window is gone with it: only the connection's credit.
    this.consumed(null, stream.abort(`Stream reset (${code})`));
    scheduler.remove(stream.output);
    this.settle(stream);
  }

  /**
   * A stream error (§5.4.2): RST_STREAM `code`. On an idle stream, where no
   * RST_STREAM may go (§6.4), a connection error instead.
   *
   * @param id The stream.
   * @param code The RFC 9113 §7 error code.
   * @param counted Whether it counts against the reset bound (a client
   *   that provokes resets without end is flooding, CVE-2019-9514).
   * @returns A connection error to end with, or `null`.
   */
  error(id: number, code: number, counted = true): Http2Error | null {
    const found = this.table.lookup(id);
    if (found.state === "idle") {
      return connectionError(code, "Stream error on an idle stream");
    }
    const flood = counted ? this.#host.floods("resets") : null;
    if (flood !== null) return flood;
    if (found.state === "open") this.reset(found.stream, code);
    else this.#host.scheduler.queueControl(encodeRstStreamFrame(id, code));
    return null;
  }

  /**
   * Send 100 (Continue) to a client that waits for it before sending its
   * body (RFC 9110 §10.1.1): HEADERS without END_STREAM, ahead of the final
   * response's (RFC 9113 §8.1). It goes out as a control frame, so ahead of
   * final fields queued but not yet written; once those are written, a 100
   * would come after them, and none is sent. Its block is encoded now, in
   * the order it goes out, so it carries a size update the encoder owes
   * (RFC 7541 §4.2): the blocks encoded before it are in earlier writes,
   * those encoded after it follow the control frames.
   *
   * @param stream An open stream whose handler began reading its body.
   */
  sendContinue(stream: Http2Stream): void {
    if (stream.reset || stream.output.headSent) return;
    const { encoder, scheduler } = this.#host;
    const block = joinFieldBlock(encodeStreamHead(encoder, CONTINUE_HEAD));
    scheduler.queueControl(encodeHeadersFrame(stream.id, block));
  }

  /** @inheritdoc */
  target(stream: Http2Stream): ResponseTarget {
    return new StreamTarget(this, stream);
  }

  /**
   * A stream's output has something new to send.
   *
   * @param stream An open stream.
   */
  wake(stream: Http2Stream): void {
    const output = stream.output;
    if (output.ending && !stream.remoteEnded && output.resetCode < 0) {
      // §8.1: a complete response may end the request early; the client
      // is asked to stop sending, without error.
      output.resetCode = ERROR_CODE.NO_ERROR;
    }
    this.#host.scheduler.wake(output);
  }

  /** @inheritdoc */
  handled(stream: Http2Stream): void {
    stream.handled = true;
    this.settle(stream);
  }

  /**
   * A stream's END_STREAM (and any RST_STREAM after it) went out.
   *
   * @param output The stream's output.
   */
  finished(output: StreamOutput): void {
    const stream = this.table.get(output.streamId);
    if (stream === undefined) return;
    stream.delivered = true;
    stream.info.finish(true);
    if (output.resetCode >= 0 && !stream.remoteEnded) {
      // The RST_STREAM(NO_ERROR) after the response: what the client was
      // still sending is dropped.
      this.consumed(null, stream.abort("Response complete"));
    }
    this.settle(stream);
  }

  /**
   * Take a stream out of the table once it is done (handled, and ended or
   * reset), remembering how it closed.
   *
   * @param stream A stream.
   */
  settle(stream: Http2Stream): void {
    if (!stream.done || this.table.get(stream.id) !== stream) return;
    let how: ClosedHow = "ended";
    if (stream.resetByPeer) how = "reset-received";
    else if (stream.reset || stream.output.resetCode >= 0) how = "reset-sent";
    this.table.close(stream.id, how);
    this.#host.scheduler.remove(stream.output);
    if (stream.status !== 0) this.#host.report(stream);
    if (this.table.size === 0) this.#host.emptied();
  }

  /**
   * Drop every open stream where it stands (the connection is ending).
   *
   * @param reason Why, for the handlers' signals and bodies.
   */
  abortAll(reason: string): void {
    for (const stream of this.table.values()) {
      stream.abort(reason);
      this.#host.scheduler.remove(stream.output);
    }
  }
}

/** Where one stream's response goes: one object, no closures per stream. */
class StreamTarget implements ResponseTarget {
  readonly stream: Http2Stream;
  readonly isHead: boolean;
  readonly #streams: ConnectionStreams;

  constructor(streams: ConnectionStreams, stream: Http2Stream) {
    this.#streams = streams;
    this.stream = stream;
    this.isHead = stream.head?.method === "HEAD";
  }

  wake(): void {
    this.#streams.wake(this.stream);
  }

  reset(code: number): void {
    this.#streams.reset(this.stream, code);
  }
}
