/**
 * One HTTP/2 connection as an object, as `Http1Connection` is one HTTP/1.1
 * connection: its socket and frame reader, HPACK state, settings, streams,
 * writer, flood bounds, deadlines and reports. {@linkcode Http2Connection.serve}
 * is the connection task: our SETTINGS first (RFC 9113 §3.4), then read
 * frames and act on each (`connection_frames.ts`, `stream_frames.ts`)
 * until the connection ends. Each stream's handler runs on its own, not
 * awaited (`serve_stream.ts`).
 *
 * @module
 */

import type { Conn } from "../http1/conn.ts";
import type { TrackedConnection } from "../http1/connection_tracker.ts";
import type { ServeHandler } from "../http1/handler.ts";
import type { ResolvedLimits } from "../http1/limits.ts";
import type { ConnectionOptions } from "../http1/serve_connection.ts";
import { streamLogEntry } from "./access_log_entry.ts";
import {
  actOnDeadlines,
  type ConnectionDeadlines,
  earliestDeadline,
} from "./connection_deadlines.ts";
import { DEFAULT_WINDOW, receiveFrame } from "./connection_frames.ts";
import { ConnectionStreams } from "./connection_streams.ts";
import { ERROR_CODE } from "./error_codes.ts";
import {
  FloodGuard,
  type FloodKind,
  MAX_QUEUED_CONTROL_FRAMES,
} from "./flood_guard.ts";
import { encodeGoAwayFrame } from "./frame_goaway.ts";
import { FrameReader } from "./frame_reader.ts";
import { encodeSettingsFrame } from "./frame_settings.ts";
import { encodeWindowUpdateFrame } from "./frame_window_update.ts";
import { HeaderBlockAssembler } from "./header_block.ts";
import { HpackDecoder } from "./hpack/hpack_decoder.ts";
import { HpackEncoder } from "./hpack/hpack_encoder.ts";
import type { Http2Stream } from "./http2_stream.ts";
import { connectionError, Http2Error } from "./http2_error.ts";
import {
  DEFAULT_HTTP2_LIMITS,
  type ResolvedHttp2Limits,
} from "./http2_limits.ts";
import { ReceiveWindow } from "./receive_window.ts";
import { SendScheduler } from "./send_scheduler.ts";
import { encodeStreamHead } from "./stream_head.ts";
import {
  type Http2Settings,
  INITIAL_SETTINGS,
  SETTING,
  type SettingsEntry,
} from "./settings.ts";

/** One read: a frame of the default largest size and its header. */
const READ_BUFFER_BYTES = 16 * 1024 + 9;
/** After the last frame: how long to read away what the client sends. */
const LINGER_MS = 2_000;

/** What an HTTP/2 connection task needs besides the connection and handler. */
export interface Http2ConnectionOptions extends ConnectionOptions {
  /** HTTP/2's own limits, defaults filled in (`resolveHttp2Limits()`). */
  http2?: ResolvedHttp2Limits;
  /**
   * Bytes already read from the connection, the preface first: what the
   * HTTP/1.1 engine read before it saw an h2c prior-knowledge preface.
   */
  initialBytes?: Uint8Array;
}

/**
 * One HTTP/2 connection and everything its task needs. Tracked as an
 * HTTP/1.1 connection is: the tracker calls `timeout()` once `deadline`
 * passes, `shutdown()` when the server stops, `close()` to end it now.
 */
export class Http2Connection implements TrackedConnection {
  /** The earliest of this connection's deadlines (ms since epoch), or `0`. */
  deadline = 0;
  /** Set through the tracker: no stream open, or lingering. */
  idle = false;
  /** `true` once the socket is closed. */
  closed = false;
  /** The shared limits. */
  readonly limits: ResolvedLimits;
  /** HTTP/2's own limits. */
  readonly http2: ResolvedHttp2Limits;
  /** The client's address. */
  readonly remoteAddr: Deno.Addr;
  /** The client's streams, from open to closed. */
  readonly streams: ConnectionStreams;
  /** Splits the bytes read into frames. */
  readonly frames: FrameReader = new FrameReader({ expectPreface: true });
  /** Joins HEADERS and CONTINUATION frames. */
  readonly blocks: HeaderBlockAssembler;
  /** Decodes the client's field blocks, in order. */
  readonly decoder: HpackDecoder;
  /** Encodes our field blocks, in the order they go out. */
  readonly encoder: HpackEncoder = new HpackEncoder();
  /** The one writer. */
  readonly scheduler: SendScheduler;
  /** The client's DATA against the connection's window. */
  readonly window: ReceiveWindow;
  /** The deadlines besides the streams' own. */
  readonly deadlines: ConnectionDeadlines = {
    idle: 0,
    settings: 0,
    write: 0,
    linger: 0,
    block: 0,
  };
  /** The client's settings. */
  peer: Http2Settings = { ...INITIAL_SETTINGS };
  /** Whether the client's first SETTINGS frame came (§3.4). */
  sawSettings = false;
  /** Whether the client acknowledged our SETTINGS. */
  settingsAcked = false;
  /** Whether a GOAWAY went out: no stream starts from here. */
  goAwaySent = false;
  /** The client sent GOAWAY: it opens no more streams. */
  peerGoneAway = false;
  /** Whether answered streams are reported (`onResponse` is set). */
  readonly reportsStreams: boolean;
  /** A stream error to answer once the block in progress is decoded; -1. */
  blockErrorCode = -1;
  readonly #conn: Conn;
  readonly #options: Http2ConnectionOptions;
  readonly #guard = new FloodGuard();
  #everOpened = false;
  #ending = false;

  /**
   * @param conn The connection; closed when `serve()` resolves.
   * @param handler The request handler.
   * @param options Limits, tracker, hooks, and HTTP/2's own limits.
   */
  constructor(
    conn: Conn,
    handler: ServeHandler<Deno.Addr>,
    options: Http2ConnectionOptions,
  ) {
    this.#conn = conn;
    this.#options = options;
    const limits = this.limits = options.limits;
    const http2 = this.http2 = options.http2 ?? DEFAULT_HTTP2_LIMITS;
    this.remoteAddr = conn.remoteAddr;
    this.reportsStreams = options.onResponse !== undefined;
    this.decoder = new HpackDecoder({
      maxHeaderListSize: limits.maxHeaderBytes,
      // The pseudo-header fields come on top of the regular ones.
      maxFieldCount: limits.maxHeaderCount + 4,
    });
    // A block as sent may be larger than the list it decodes to (a Huffman
    // code is up to 30 bits a byte): room enough that an oversized list is
    // answered 431, not cut off with the connection.
    this.blocks = new HeaderBlockAssembler(
      Math.max(2 * limits.maxHeaderBytes, http2.maxFrameBytes),
    );
    this.window = new ReceiveWindow(
      http2.connectionWindowBytes,
      DEFAULT_WINDOW,
    );
    this.streams = new ConnectionStreams(this, {
      handler,
      limits,
      onError: options.onError,
    });
    this.scheduler = new SendScheduler(conn, {
      encodeHead: (head) => encodeStreamHead(this.encoder, head),
      finished: (output) => this.streams.finished(output),
      failed: () => this.close(),
      stalled: (since) => this.armAt(since + limits.sendTimeoutMs),
    }, {
      arm: () =>
        this.armAt(this.deadlines.write = Date.now() + limits.sendTimeoutMs),
      disarm: () => {
        this.deadlines.write = 0;
      },
    });
  }

  /**
   * Serve streams until the connection ends. It never throws: whatever
   * happens stays on this connection.
   *
   * @returns Resolves once the connection is closed.
   */
  async serve(): Promise<void> {
    const { tracker } = this.#options;
    const { maxConnections } = this.limits;
    tracker.add(this);
    try {
      if (tracker.shuttingDown) return;
      this.#sendPreface();
      if (tracker.size > maxConnections && !tracker.makeRoom(maxConnections)) {
        // Every other connection is busy: no stream is processed here.
        this.goAway(ERROR_CODE.REFUSED_STREAM, "Too many connections");
        this.end();
      } else {
        this.#updateIdle();
      }
      await this.#readLoop();
    } catch {
      // A network error or a close by a deadline ends this connection.
    } finally {
      this.close();
    }
  }

  /** Our SETTINGS (the server's preface) and the connection's window. */
  #sendPreface(): void {
    const { http2, limits, scheduler } = this;
    const entries: SettingsEntry[] = [
      { id: SETTING.MAX_CONCURRENT_STREAMS, value: http2.maxConcurrentStreams },
      { id: SETTING.INITIAL_WINDOW_SIZE, value: http2.initialWindowBytes },
    ];
    if (http2.maxFrameBytes !== INITIAL_SETTINGS.maxFrameSize) {
      entries.push({ id: SETTING.MAX_FRAME_SIZE, value: http2.maxFrameBytes });
    }
    if (Number.isFinite(limits.maxHeaderBytes)) {
      // Advisory (§6.5.2): a client that heeds it never sends what gets 431.
      entries.push({
        id: SETTING.MAX_HEADER_LIST_SIZE,
        value: limits.maxHeaderBytes,
      });
    }
    scheduler.queueControl(encodeSettingsFrame(entries));
    const raise = http2.connectionWindowBytes - DEFAULT_WINDOW;
    if (raise > 0) {
      scheduler.queueControl(encodeWindowUpdateFrame(0, raise));
      this.window.grant(raise);
    }
    // §6.5.3: an acknowledgement not received in time is a SETTINGS_TIMEOUT.
    this.armAt(this.deadlines.settings = Date.now() + limits.headersTimeoutMs);
  }

  /**
   * Read until the client's side ends or the connection closes. An end of
   * input ends the connection: an HTTP/2 client does not half-close one it
   * still waits on, and no WINDOW_UPDATE could come for answers under way.
   */
  async #readLoop(): Promise<void> {
    const initial = this.#options.initialBytes;
    if (initial !== undefined && initial.length > 0) this.#take(initial);
    const buffer = new Uint8Array(READ_BUFFER_BYTES);
    while (!this.closed) {
      const n = await this.#conn.read(buffer);
      if (n === null) return;
      // Frames are acted on before the next read: the views into `buffer`
      // they lend are dead by then, and it can be read into again.
      if (!this.#ending) this.#take(buffer.subarray(0, n));
    }
  }

  /** Act on every whole frame in `bytes` (and what came before it). */
  #take(bytes: Uint8Array): void {
    const frames = this.frames;
    frames.push(bytes);
    while (!this.#ending && !this.closed) {
      const raw = frames.next();
      if (raw === null) return;
      let error = raw instanceof Http2Error ? raw : receiveFrame(this, raw);
      if (
        error === null &&
        this.scheduler.controlBacklog > MAX_QUEUED_CONTROL_FRAMES
      ) {
        // Every PING, SETTINGS and bad frame asks for an answer, and the
        // client reads none of them.
        error = connectionError(
          ERROR_CODE.ENHANCE_YOUR_CALM,
          "Too many frames unanswered",
        );
      }
      if (error !== null) {
        this.connectionError(error);
        return;
      }
    }
  }

  /**
   * Count an event against its flood bound.
   *
   * @param kind What happened.
   * @returns ENHANCE_YOUR_CALM past the bound, else `null`.
   */
  floods(kind: FloodKind): Http2Error | null {
    if (!this.#guard.floods(kind)) return null;
    return connectionError(ERROR_CODE.ENHANCE_YOUR_CALM, `Too many ${kind}`);
  }

  /**
   * What a new stream's receive window starts at.
   *
   * @returns Our window size, and what the client may send on it now:
   *   65,535 at least until our SETTINGS are acknowledged.
   */
  receiveWindowStart(): { size: number; available: number } {
    const size = this.http2.initialWindowBytes;
    const available = this.settingsAcked
      ? size
      : Math.max(size, DEFAULT_WINDOW);
    return { size, available };
  }

  /**
   * Whether new streams are turned away: after a GOAWAY either way, or
   * when the server shuts down.
   *
   * @returns `true` when no stream may start.
   */
  refusesStreams(): boolean {
    if (this.#options.tracker.shuttingDown) this.goAway(ERROR_CODE.NO_ERROR);
    return this.goAwaySent || this.#ending;
  }

  /**
   * Send GOAWAY (§6.8) naming the last stream processed. A graceful one
   * (NO_ERROR) goes once; an error may follow it.
   *
   * @param code The RFC 9113 §7 error code.
   * @param reason Debug data for an error (never secrets).
   */
  goAway(code: number, reason = ""): void {
    if (this.goAwaySent && code === ERROR_CODE.NO_ERROR) return;
    this.goAwaySent = true;
    const debug = new TextEncoder().encode(reason);
    this.scheduler.queueControl(
      encodeGoAwayFrame(this.streams.lastStreamId, code, debug),
    );
  }

  /**
   * A connection error (§5.4.1): GOAWAY with its code, every stream
   * dropped, then the connection closes.
   *
   * @param error The error.
   */
  connectionError(error: Http2Error): void {
    if (this.#ending) return;
    this.goAway(error.code, error.message);
    this.streams.abortAll("Connection error");
    this.end();
  }

  /**
   * Called by the tracker when the server shuts down: GOAWAY now, the
   * streams under way finish, then the connection closes.
   */
  shutdown(): void {
    if (this.closed || this.#ending) return;
    this.goAway(ERROR_CODE.NO_ERROR);
    if (this.streams.table.size === 0 && this.blocks.streamId === 0) {
      this.end();
    }
  }

  /**
   * End the connection: write what is queued (the GOAWAY last), shut our
   * side, and read away what the client still sends for a moment, so that
   * closing does not reset the connection under the last frames.
   */
  end(): void {
    if (this.#ending || this.closed) return;
    this.#ending = true;
    this.deadlines.idle = 0;
    this.#options.tracker.setIdle(this, null);
    this.#linger().catch(() => this.close());
  }

  async #linger(): Promise<void> {
    await this.scheduler.flushed();
    this.scheduler.stop();
    if (this.closed) return;
    await this.#conn.closeWrite();
    this.armAt(this.deadlines.linger = Date.now() + LINGER_MS);
    this.#options.tracker.setIdle(this, "lingering");
  }

  /** A stream opened: busy from here. */
  opened(): void {
    this.#everOpened = true;
    this.#updateIdle();
  }

  /** The last open stream closed: idle, or the end after a GOAWAY. */
  emptied(): void {
    if (this.goAwaySent || this.peerGoneAway) this.end();
    else this.#updateIdle();
  }

  /**
   * Tell `onResponse` about an answered stream; its errors stay with it.
   *
   * @param stream The stream, closed.
   */
  report(stream: Http2Stream): void {
    const onResponse = this.#options.onResponse;
    if (onResponse === undefined) return;
    try {
      onResponse(streamLogEntry(stream, this.remoteAddr));
    } catch {
      // A failing logger must not take the connection down.
    }
  }

  /**
   * A field block began or ended: it holds the connection busy, and must
   * be whole within `headersTimeoutMs`.
   */
  blockChanged(): void {
    this.deadlines.block = 0;
    if (this.blocks.streamId !== 0) {
      this.armAt(
        this.deadlines.block = Date.now() + this.limits.headersTimeoutMs,
      );
    }
    this.#updateIdle();
  }

  /** Idle when no stream is open and no field block is in progress. */
  #updateIdle(): void {
    if (this.closed || this.#ending) return;
    const idle = this.streams.table.size === 0 && this.blocks.streamId === 0;
    if (idle === this.idle) return;
    const tracker = this.#options.tracker;
    if (!idle) {
      this.deadlines.idle = 0;
      tracker.setIdle(this, null);
      return;
    }
    const { keepAliveTimeoutMs, headersTimeoutMs } = this.limits;
    const timeoutMs = this.#everOpened ? keepAliveTimeoutMs : headersTimeoutMs;
    this.armAt(this.deadlines.idle = Date.now() + timeoutMs);
    tracker.setIdle(this, this.#everOpened ? "keep-alive" : "new");
  }

  /**
   * Make sure `timeout()` is called at `at` or later.
   *
   * @param at A deadline, in ms since the epoch.
   */
  armAt(at: number): void {
    if (this.deadline === 0 || at < this.deadline) this.deadline = at;
  }

  /** Called by the tracker once `deadline` has passed. */
  timeout(): void {
    if (this.closed) return;
    actOnDeadlines(this, Date.now());
    if (!this.closed) this.deadline = earliestDeadline(this);
  }

  /** Close now; every stream still open is dropped. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.#conn.close();
    } catch {
      // Already closed by the peer or the runtime.
    }
    this.scheduler.stop();
    this.streams.abortAll("The connection was closed");
    this.#options.tracker.delete(this);
  }
}
