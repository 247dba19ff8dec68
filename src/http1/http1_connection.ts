/**
 * One HTTP/1.1 connection as an object: its socket and reader, the server's
 * options, the client's address, the deadline the tracker enforces,
 * and the access-log reports. {@linkcode Http1Connection.serve} is the
 * connection task: read a head, parse it, answer it (from a fast lane, or
 * through the handler), and go round again while the connection persists.
 *
 * @module
 */

import { errorResponseBytes } from "../http/error_response.ts";
import {
  askFastLaneAgain,
  FAST_LANE,
  type FastLane,
  type FastLaneCarrier,
  isFastLaneCandidate,
} from "../http/fast_lane.ts";
import {
  fastLaneBytes,
  keepAliveReuse,
  keptCopy,
} from "../http/fast_lane_response.ts";
import { accessLogEntry, type SentAnswer } from "./access_log_entry.ts";
import { BufferedReader } from "./buffered_reader.ts";
import type { Conn } from "./conn.ts";
import type { TrackedConnection } from "./connection_tracker.ts";
import type { ServeHandler } from "./handler.ts";
import type { IdleKind, IdleLinks } from "./idle_connections.ts";
import {
  isPrefaceHead,
  type PriorKnowledgeHandoff,
} from "./prior_knowledge.ts";
import { PreviousHead } from "./previous_head.ts";
import type { ReadWatch, RequestBodyOptions } from "./request_body.ts";
import { type RequestHead, RequestParseError } from "./request_head.ts";
import type { ConnectionOptions } from "./serve_connection.ts";
import { serveRequest } from "./serve_request.ts";
import type { TurnState } from "./turn_gate.ts";
import { writeAll, type WriteWatch } from "./write_all.ts";

/** After an error response: how long and how much to read before closing. */
const LINGER_MS = 2_000;
const LINGER_BYTES = 256 * 1024;
const INITIAL_BUFFER_BYTES = 4096;
/**
 * Busy connections (ones answering requests, not idle or stalled ones) above
 * which connections take turns. Below it the runtime's own order was fair
 * enough (p99 2 ms at 128 connections) and a turn's timer would only idle
 * the server (a third of the throughput lost at 50 connections).
 */
const FAIR_MIN_CONNECTIONS = 128;

/** What the current deadline guards; decides how a timeout answers. */
type Phase = "head" | "body" | "send";

/**
 * One connection and everything its task needs. Tracked by the server's
 * {@linkcode ConnectionOptions.tracker}: it calls `timeout()` once
 * `deadline` passes, shutdown calls `close()`.
 */
export class Http1Connection<Addr extends Deno.Addr = Deno.NetAddr>
  implements TrackedConnection {
  /** When the current wait times out (ms since epoch), `0` for never. */
  deadline = 0;
  /** Set through `setIdle`, which also tells the tracker. */
  idle = false;
  /** Its place among the idle ones; the tracker's idle queues set it. */
  idleLinks: IdleLinks | undefined = undefined;
  closed = false;
  /** Where this connection stands in the current turn (fairness). */
  turn: TurnState = { turn: -1, served: 0 };
  phase: Phase = "head";
  /** `true` once the current response's first byte was written. */
  responding = false;
  /**
   * `true` while what the handler left of the body is read away after the
   * whole response was written: a timeout then has nothing to answer.
   */
  draining = false;
  /** `true` once the current request's 100 (Continue) was written. */
  continueSent = false;
  readonly conn: Conn;
  readonly reader: BufferedReader;
  readonly handler: ServeHandler<Addr>;
  readonly options: ConnectionOptions;
  readonly remoteAddr: Addr;
  /** `http://` or `https://`, for the request URL. */
  readonly scheme: string;
  /** Arms `bodyTimeoutMs` around each request-body read. */
  readonly bodyWatch: ReadWatch;
  /** Arms `sendTimeoutMs` around each write that may wait on the client. */
  readonly sendWatch: WriteWatch;
  /** The same for a response's writes; its first write marks `responding`. */
  readonly responseWatch: WriteWatch;
  readonly #fastLane: FastLane | undefined;
  /** The last head, which the next one may repeat (see previous_head.ts). */
  readonly #previousHead = new PreviousHead();
  /** Aborted on close: a response body waiting for its next chunk stops. */
  #closing: AbortController | undefined;
  #bodyOptions: RequestBodyOptions | undefined;
  /**
   * Where an HTTP/1.0 keep-alive client's fast-lane answers that keep no
   * copy of their own (`keptCopy`) get their `Connection` field, made on
   * its first such answer that fits and reused
   * (see `keepAliveReuse`): at most `FAST_LANE_REUSE_MAX_BYTES` more for
   * such a connection, none for others.
   */
  #keepAliveAnswer: Uint8Array | null = null;
  /** Served by HTTP/2 from its preface on: not this object's to close. */
  #handedOver = false;
  /**
   * Set once a timeout ended the exchange in stages (see `timeout()`):
   * settles when the 408, if one is due, is written and our side shut.
   * From then on nothing read is served and nothing more is written; the
   * serve task reads away and closes.
   */
  #timedOut: Promise<void> | null = null;
  /**
   * When the body read in flight times out, `0` for none. Kept apart from
   * `#sendDeadline`: a handler that streams its response while it reads
   * the body (an echo) has both in flight, and each must hold.
   */
  #bodyDeadline = 0;
  /** When the write in flight times out, `0` for none. */
  #sendDeadline = 0;

  /**
   * @param conn The connection; closed when `serve()` resolves.
   * @param handler The request handler (and its fast lane, if it has one).
   * @param options Limits, tracker and hooks.
   */
  constructor(
    conn: Conn,
    handler: ServeHandler<Addr>,
    options: ConnectionOptions,
  ) {
    this.conn = conn;
    this.handler = handler;
    this.options = options;
    // A handler may carry a fast lane (see src/http/fast_lane.ts).
    this.#fastLane = (handler as FastLaneCarrier)[FAST_LANE];
    const limits = options.limits;
    this.reader = new BufferedReader(
      conn,
      INITIAL_BUFFER_BYTES,
      limits.maxHeaderBytes + INITIAL_BUFFER_BYTES,
    );
    this.remoteAddr = conn.remoteAddr as Addr;
    this.scheme = isTls(conn) ? "https://" : "http://";
    this.bodyWatch = {
      arm: () => {
        this.#refuseAfterTimeout();
        this.#bodyDeadline = Date.now() + limits.bodyTimeoutMs;
        this.#watchEarliest();
      },
      disarm: () => {
        this.#refuseAfterTimeout();
        this.#bodyDeadline = 0;
        this.#watchEarliest();
      },
    };
    const armSend = () => {
      this.#refuseAfterTimeout();
      this.#sendDeadline = Date.now() + limits.sendTimeoutMs;
      this.#watchEarliest();
    };
    const disarmSend = () => {
      this.#refuseAfterTimeout();
      this.#sendDeadline = 0;
      this.#watchEarliest();
    };
    this.sendWatch = { arm: armSend, disarm: disarmSend };
    this.responseWatch = {
      arm: () => {
        this.responding = true;
        armSend();
      },
      disarm: disarmSend,
      pending: null,
    };
  }

  /**
   * Serve requests until the connection closes. It never throws: whatever
   * happens stays on this connection.
   *
   * @returns Resolves once the connection is closed.
   */
  async serve(): Promise<void> {
    const { limits, tracker } = this.options;
    const reader = this.reader;
    const fastLane = this.#fastLane;
    tracker.add(this);
    try {
      if (tracker.shuttingDown) return;
      if (
        tracker.size > limits.maxConnections &&
        !tracker.makeRoom(limits.maxConnections)
      ) {
        // Every other connection is busy. Lingering, not abrupt: closing with
        // the request unread would reset the connection, and the client might
        // never see the 503.
        await this.rejectAndClose(503);
        return;
      }
      let first = true;
      while (true) {
        // Pipelined heads are already buffered: no wait, no promise.
        let headEnd = reader.scanHeadEnd(limits.maxHeaderBytes);
        if (headEnd === null) {
          // Read until a whole head is buffered: inline, not a method, so
          // the wait every request makes costs no promise of its own.
          let endedIdle = false;
          this.#beginHeadWait(first);
          try {
            while (headEnd === null) {
              // `reader.fill()`, inline: one promise per read, not two.
              const room = reader.room();
              if (room === null || !reader.filled(await this.conn.read(room))) {
                endedIdle = this.idle;
                break;
              }
              headEnd = reader.scanHeadEnd(limits.maxHeaderBytes);
              if (headEnd === null) {
                if (this.#timedOut !== null) break; // answered 408: linger
                this.#headMayHaveStarted();
              }
            }
          } finally {
            if (this.#timedOut === null) {
              this.setIdle(null);
              this.deadline = 0;
            }
          }
          // A head that came after a timeout's 408 is not served.
          if (this.#timedOut !== null) {
            await this.#lingerAfterTimeout();
            return;
          }
          if (headEnd === null) {
            if (endedIdle) return; // at most a stray CR: a clean end
            headEnd = new RequestParseError(400, "Incomplete request head");
          }
        }
        if (headEnd instanceof RequestParseError) {
          await this.#refuseHead(headEnd, reader.start);
          return;
        }
        const headStart = reader.start;
        const head = this.#previousHead.parse(
          reader.buffer,
          headStart,
          headEnd,
          limits,
        );
        reader.start = headEnd;
        if (head instanceof RequestParseError) {
          // h2c with prior knowledge (see prior_knowledge.ts).
          const handOff = this.options.priorKnowledge;
          if (
            first && handOff !== undefined &&
            isPrefaceHead(reader.buffer, headStart, headEnd)
          ) {
            await this.#handOver(handOff, headStart);
            return;
          }
          await this.#refuseHead(head, headStart);
          return;
        }
        first = false;
        const startedAt = this.options.onResponse ? performance.now() : 0;
        // One clock read for a fast answer's `Date` and its send deadline;
        // none without a lane (the ordinary path reads its own).
        const nowMs = fastLane === undefined ? 0 : Date.now();
        let fast = fastLane !== undefined &&
            isFastLaneCandidate(head.method, head.target, head.contentLength)
          ? fastLane(head, nowMs)
          : undefined;
        let answeredAt = nowMs;
        if (fast instanceof Promise) {
          fast = await askFastLaneAgain(fastLane!, head, fast);
          answeredAt = Date.now();
        }
        let keepAlive: boolean;
        if (fast !== undefined) {
          // Inline, not a method: the hottest path awaits no extra promise.
          keepAlive = head.keepAlive && !tracker.shuttingDown;
          // A copy with `Connection` kept on the answer when its producer
          // counted it (see `keptCopy`), else made for this request.
          const bytes = !keepAlive
            ? keptCopy(fast, "close") ?? fastLaneBytes(fast, "close")
            : head.minorVersion === 0
            ? keptCopy(fast, "keep-alive") ?? fastLaneBytes(
              fast,
              "keep-alive",
              this.#keepAliveAnswer = keepAliveReuse(
                this.#keepAliveAnswer,
                fast,
              ),
            )
            : fast.head;
          // One write in the common case; loop only on a partial write.
          // Armed as `sendWatch.arm()` would, without another clock read.
          this.phase = "send";
          this.deadline = answeredAt + limits.sendTimeoutMs;
          // Counted while written: the answer's bytes stay as they are
          // until then (see `renewFastLaneResponse`); a failed write leaves
          // it counted, which only keeps it unchanged.
          fast.writes++;
          const n = await this.conn.write(bytes);
          this.deadline = 0; // never after a timeout's 408: no check
          if (n < bytes.length) {
            await writeAll(this.conn, bytes.subarray(n), this.sendWatch);
          }
          fast.writes--;
          if (fast.body !== null) {
            await writeAll(this.conn, fast.body, this.sendWatch);
          }
          this.report(head, startedAt, fast);
        } else {
          keepAlive = await serveRequest(this, head);
        }
        if (!keepAlive || tracker.shuttingDown) return;
        tracker.markActive(this);
        if (tracker.busy > FAIR_MIN_CONNECTIONS) {
          // Fairness: with many busy connections the runtime serves the ones
          // just served again first (p99 over 100 ms at 256 connections); a
          // connection that has had its turn waits for the next, so every
          // other ready connection runs first. See turn_gate.ts.
          const wait = tracker.turns.served(this.turn);
          if (wait !== null) await wait;
        }
      }
    } catch {
      // A network error (reset, broken pipe, closed by a timeout) ends this
      // connection and nothing else. So does a read or write refused after
      // a timeout's 408: what the client still sends is read away first.
      if (this.#timedOut !== null) await this.#lingerAfterTimeout();
    } finally {
      if (!this.#handedOver) this.close();
      tracker.delete(this);
    }
  }

  /** Give the connection to HTTP/2, with what was read from `start` on. */
  #handOver(handOff: PriorKnowledgeHandoff, start: number): Promise<void> {
    const received = this.reader.buffer.slice(start, this.reader.end);
    this.#handedOver = true;
    this.options.tracker.delete(this); // HTTP/2 tracks it anew: counted once
    return handOff(this.conn, received);
  }

  /**
   * Tell `onResponse` about an answered request; its errors stay with it.
   *
   * @param head The parsed head, or the bytes of one that did not parse.
   * @param startedAt `performance.now()` when the head arrived.
   * @param sent What was sent: status, body bytes, and where its
   *   explanation is, if any.
   */
  report(
    head: RequestHead | Uint8Array,
    startedAt: number,
    sent: SentAnswer,
  ): void {
    const onResponse = this.options.onResponse;
    if (onResponse === undefined) return;
    try {
      const remoteAddr = this.remoteAddr;
      onResponse(accessLogEntry(head, { remoteAddr, startedAt, sent }));
    } catch {
      // A failing logger must not take the connection down.
    }
  }

  /**
   * How the current request's body is read on this connection: the limits,
   * the body deadline, and for `Expect: 100-continue` the 100 before the
   * first read (`continueSent` starts over for this request).
   *
   * @param expectContinue Whether the client waits for a 100 (Continue).
   * @returns The options for a `RequestBody`.
   */
  bodyOptions(expectContinue: boolean): RequestBodyOptions {
    const limits = this.options.limits;
    // The same object for every request that expects no 100.
    const plain = this.#bodyOptions ??= {
      maxBodyBytes: limits.maxBodyBytes,
      maxTrailerBytes: limits.maxHeaderBytes,
      watch: this.bodyWatch,
    };
    this.continueSent = false;
    if (!expectContinue) return plain;
    return { ...plain, beforeFirstRead: () => this.#sendContinue() };
  }

  #sendContinue(): Promise<void> {
    // Once the final response has started, a 100 would land inside it;
    // before that, the response's first write waits for the 100 to be out
    // whole (responseWatch.pending).
    if (this.responding) return Promise.resolve();
    this.continueSent = true;
    const write = writeAll(this.conn, CONTINUE, this.sendWatch);
    this.responseWatch.pending = write.then(() => {}, () => {});
    return write;
  }

  /**
   * Answer a request the engine refuses, then close without losing the
   * answer: shut our side, read what the client still sends for a moment,
   * then close (an abrupt close with unread input would reset the
   * connection and the client might never see the status).
   *
   * @param status The status to answer.
   */
  async rejectAndClose(status: number): Promise<void> {
    await writeAll(this.conn, errorResponseBytes(status), this.sendWatch);
    await this.lingeringClose();
  }

  /** Shut our side, then read away what the client still sends, briefly. */
  async lingeringClose(): Promise<void> {
    try {
      await this.conn.closeWrite();
    } catch {
      return;
    }
    this.#beginLinger();
    await this.#readAway();
  }

  /**
   * Idle as "lingering" until `LINGER_MS` from now: its deadline, shutdown
   * or a new connection needing room close it quietly.
   */
  #beginLinger(): void {
    // The deadline first: the tracker times idle connections by it.
    this.deadline = Date.now() + LINGER_MS;
    this.setIdle("lingering");
  }

  /** Discard what the client sends: up to `LINGER_BYTES`, until closed. */
  async #readAway(): Promise<void> {
    let budget = LINGER_BYTES;
    const reader = this.reader;
    reader.start = reader.end;
    while (budget > 0 && !this.closed) {
      const n = await reader.skip(budget);
      if (n === 0) break;
      budget -= n;
    }
  }

  /**
   * The serve task's end after a timeout's 408: once the 408 is out and
   * our side shut, read away what the client still sends (within the
   * linger's bounds, set when the 408 began). Never throws.
   */
  async #lingerAfterTimeout(): Promise<void> {
    await this.#timedOut;
    try {
      await this.#readAway();
    } catch {
      // Reset, or closed by the linger deadline: done either way.
    }
  }

  /**
   * Give the tracker the earlier of the body and send deadlines, and the
   * phase that says how it times out. Only the watched reads and writes
   * of the ordinary path use the two; the head wait, the fast lane and a
   * linger set `deadline` themselves, never while one is armed.
   */
  #watchEarliest(): void {
    const body = this.#bodyDeadline;
    const send = this.#sendDeadline;
    if (body !== 0 && (send === 0 || body <= send)) {
      this.phase = "body";
      this.deadline = body;
    } else {
      this.phase = "send";
      this.deadline = send;
    }
  }

  /**
   * After a timeout ended the exchange, a watched read or write fails: the
   * handler never gets a body byte sent after it, and no second status
   * follows a 408. (A check on the ordinary path only; the fast lane never
   * runs after a timeout.)
   */
  #refuseAfterTimeout(): void {
    if (this.#timedOut !== null) {
      throw new Deno.errors.TimedOut("The request timed out");
    }
  }

  /** Idle for `kind` (the tracker may close it to make room), or busy. */
  setIdle(kind: IdleKind | null): void {
    this.options.tracker.setIdle(this, kind);
  }

  /**
   * Bytes this connection keeps between answers to copy its HTTP/1.0
   * keep-alive fast-lane answers into: 0, or at most
   * `FAST_LANE_REUSE_MAX_BYTES`.
   */
  get keepAliveReuseBytes(): number {
    return this.#keepAliveAnswer?.length ?? 0;
  }

  /** Aborted when the connection closes. */
  get signal(): AbortSignal {
    // Made on first use: connections served only by the fast lane never
    // need one.
    this.#closing ??= new AbortController();
    if (this.closed) {
      this.#closing?.abort(
        new Deno.errors.Interrupted("The connection was closed"),
      );
    }
    return this.#closing.signal;
  }

  /** Called by the tracker once `deadline` has passed. */
  timeout(): void {
    if (this.closed) return;
    if (
      this.idle || this.phase === "send" ||
      (this.phase === "body" && (this.responding || this.#sendDeadline !== 0))
    ) {
      // Nothing to say, or a response (or a 100 Continue) is on its way: a
      // 408 now would be read as part of it. Closing is the answer.
      this.close();
      return;
    }
    if (this.draining) {
      // The whole response is out; a 408 would be a second answer to one
      // request. Closed in stages all the same (RFC 9112 §9.6), so a reset
      // does not drop the response before the client reads it: the drain
      // ends refused, and the serve task reads away the rest.
      this.#beginLinger();
      this.#timedOut = this.conn.closeWrite().catch(() => this.close());
      return;
    }
    // A head or a body that did not arrive in time: RFC 9110 §15.5.9.
    // Closed in stages, as after any refusal (RFC 9112 §9.6): closing with
    // the client's input unread would reset the connection, and the reset
    // can drop the 408 before the client reads it. The serve task is
    // waiting on a read meanwhile; it reads away the rest (see
    // `#lingerAfterTimeout`). Lingering from now: the linger deadline
    // bounds the 408's own write too, for a client that does not read.
    this.#beginLinger();
    this.#timedOut = writeAll(this.conn, errorResponseBytes(408))
      .then(() => this.conn.closeWrite())
      .catch(() => this.close());
  }

  /** Close now; a response body waiting on its next chunk stops. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.conn.close();
    } catch {
      // Already closed by the peer or the runtime.
    }
    // Closed is closed, even if a handler or a body stream that ignores the
    // connection is still running: shutdown's `finished` must not wait on it.
    this.options.tracker.delete(this);
    this.#closing?.abort(
      new Deno.errors.Interrupted("The connection was closed"),
    );
  }

  /** Log and answer a head the engine refuses, then close. */
  async #refuseHead(
    error: RequestParseError,
    lineStart: number,
  ): Promise<void> {
    const received = this.reader.buffer.subarray(lineStart, this.reader.end);
    this.report(received, performance.now(), {
      status: error.status,
      bodyBytes: 0,
    });
    await this.rejectAndClose(error.status);
  }

  /**
   * Begin waiting for a head, under the keep-alive deadline (no byte yet)
   * or the header deadline (slowloris). Idle while no byte of a request has
   * come: at maxConnections, such a connection may be closed to make room
   * (see ConnectionTracker.makeRoom).
   *
   * @param first Whether no request came on the connection yet.
   */
  #beginHeadWait(first: boolean): void {
    const limits = this.options.limits;
    const idle = nothingStarted(this.reader);
    this.phase = "head";
    // The deadline first: the tracker closes an idle connection by it.
    this.deadline = Date.now() +
      (idle && !first ? limits.keepAliveTimeoutMs : limits.headersTimeoutMs);
    if (idle) this.setIdle(first ? "new" : "keep-alive");
  }

  /**
   * After a read that left the head incomplete: once a byte of a request
   * has come, the connection is busy, under the header deadline. Scanned
   * first: it drops empty lines before a request line (RFC 9112 §2.2), and
   * a connection that only got those is still idle.
   */
  #headMayHaveStarted(): void {
    if (this.idle && !nothingStarted(this.reader)) {
      this.setIdle(null);
      this.deadline = Date.now() + this.options.limits.headersTimeoutMs;
    }
  }
}

const CONTINUE = new TextEncoder().encode("HTTP/1.1 100 Continue\r\n\r\n");

/**
 * A GET or HEAD with no body, in origin form: what a fast lane takes, for
 * HTTP/1.1 and HTTP/1.0 alike (an HTTP/1.0 client that asked for
 * keep-alive gets it said back, as on the ordinary path).
 */
function isTls(conn: Conn): boolean {
  return typeof (conn as Partial<Deno.TlsConn>).handshake === "function";
}

/**
 * Whether what is buffered is no request yet: nothing, or the CR of an empty
 * line whose LF is still on the way (empty lines before a request line are
 * ignored, RFC 9112 §2.2; `scanHead` drops the whole ones).
 */
function nothingStarted(reader: BufferedReader): boolean {
  return reader.buffered === 0 ||
    (reader.buffered === 1 && reader.buffer[reader.start] === 0x0d);
}
