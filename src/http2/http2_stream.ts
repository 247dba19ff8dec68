/**
 * One client stream as the connection keeps it (RFC 9113 §5.1): its
 * request body and receive window, its output and the peer's window for
 * it, the handler's info and abort signal, its deadlines, and where it
 * stands — whether the client has ended its side, whether the handler is
 * done, whether either side reset it.
 *
 * @module
 */

import { HandlerInfo } from "../http1/handler.ts";
import {
  type Http2RequestBody,
  RequestBodyError,
} from "./http2_request_body.ts";
import { ReceiveWindow } from "./receive_window.ts";
import type { Http2RequestHead } from "./request_fields.ts";
import { StreamOutput } from "./stream_output.ts";

/** How a stream starts. */
export interface StreamStart {
  /** The peer's SETTINGS_INITIAL_WINDOW_SIZE: its window for our DATA. */
  sendWindow: number;
  /** Our SETTINGS_INITIAL_WINDOW_SIZE: the window for the client's DATA. */
  receiveWindow: number;
  /** What the client may send at once (more than our setting until acked). */
  receiveAvailable: number;
  /** The client's address, for the handler's info. */
  remoteAddr: Deno.Addr;
  /**
   * `performance.now()` when its field block arrived, for access logs;
   * `0` when no one reports streams (the clock is not read for nothing).
   */
  startedAt: number;
}

/** One client stream. */
export class Http2Stream {
  /** The stream id. */
  readonly id: number;
  /** What it has to send. */
  readonly output: StreamOutput;
  /** The client's DATA against our window. */
  readonly receiveWindow: ReceiveWindow;
  /** What the handler is told besides the request. */
  readonly info: HandlerInfo<Deno.Addr>;
  /** `performance.now()` when its field block arrived; `0` unreported. */
  readonly startedAt: number;
  /** The request, once its fields passed the checks. */
  head: Http2RequestHead | null = null;
  /** Its body, fed by DATA frames; `null` when none is kept. */
  body: Http2RequestBody | null = null;
  /** The client sent END_STREAM (or the stream was reset). */
  remoteEnded = false;
  /** The handler has returned and its response is all queued, or failed. */
  handled = false;
  /** Its END_STREAM (and any RST_STREAM after it) was written. */
  delivered = false;
  /** Reset, by either side: nothing more is sent or taken. */
  reset = false;
  /** Reset by the client (RST_STREAM received). */
  resetByPeer = false;
  /** The response's status, once one is queued (access logs). */
  status = 0;
  /** The response's fields, where `Berth-Explain` is read (access logs). */
  responseHeaders: Headers | undefined;
  /** A fast-lane answer's `Berth-Explain` words (access logs), or `""`. */
  explain = "";
  /** When the handler's wait for body data times out; `0` when none. */
  bodyDeadline = 0;
  #abort: AbortController | undefined;

  /**
   * @param id The stream id.
   * @param start Windows and the client's address.
   */
  constructor(id: number, start: StreamStart) {
    this.id = id;
    this.output = new StreamOutput(id, start.sendWindow);
    this.receiveWindow = new ReceiveWindow(
      start.receiveWindow,
      start.receiveAvailable,
    );
    this.info = new HandlerInfo(start.remoteAddr);
    this.startedAt = start.startedAt;
  }

  /**
   * Aborted when the stream is reset or the connection closes: the
   * request's signal, and what stops a response body waiting on its next
   * chunk.
   */
  get signal(): AbortSignal {
    this.#abort ??= new AbortController();
    return this.#abort.signal;
  }

  /**
   * End the stream where it stands: the body fails, the output is
   * dropped, the handler's signal aborts and `completed` rejects.
   *
   * @param reason Why, for the body's and the signal's error.
   * @returns Body bytes received and never read: credit the connection
   *   may give back.
   */
  abort(reason: string): number {
    if (this.reset) return 0;
    this.reset = true;
    this.remoteEnded = true;
    this.bodyDeadline = 0;
    this.output.abort();
    this.info.finish(false);
    this.#abort?.abort(new Deno.errors.Interrupted(reason));
    const body = this.body;
    if (body === null) return 0;
    body.fail(new RequestBodyError(0, reason));
    return body.discard();
  }

  /** Whether the stream can leave the table: handled, and delivered or reset. */
  get done(): boolean {
    return this.handled && (this.reset || this.delivered);
  }
}
