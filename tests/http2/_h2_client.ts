/**
 * An HTTP/2 client over the in-memory connection, for the connection tests:
 * it sends frames built with the codec's serializers (tested on their own)
 * and reads what the server writes as parsed frames, header blocks decoded.
 * Every wait is on the server's next write or its close, never a sleep; a
 * wait that sees neither for a long time fails the test instead of hanging.
 */

import { ConnectionTracker } from "../../src/http1/connection_tracker.ts";
import type { ServeHandler } from "../../src/http1/handler.ts";
import { resolveLimits, type ServeLimits } from "../../src/http1/limits.ts";
import { CONNECTION_PREFACE } from "../../src/http2/connection_preface.ts";
import { encodeDataFrame } from "../../src/http2/frame_data.ts";
import type { RawFrame } from "../../src/http2/frame_header.ts";
import { encodeHeadersFrame } from "../../src/http2/frame_headers.ts";
import { FrameReader } from "../../src/http2/frame_reader.ts";
import {
  encodeSettingsAckFrame,
  encodeSettingsFrame,
} from "../../src/http2/frame_settings.ts";
import { FLAG, FRAME_TYPE } from "../../src/http2/frame_types.ts";
import type { HeaderField } from "../../src/http2/hpack/field_representation.ts";
import { HpackDecoder } from "../../src/http2/hpack/hpack_decoder.ts";
import { HpackEncoder } from "../../src/http2/hpack/hpack_encoder.ts";
import { errorCodeName } from "../../src/http2/error_codes.ts";
import {
  type Http2Limits,
  resolveHttp2Limits,
} from "../../src/http2/http2_limits.ts";
import { Http2Error } from "../../src/http2/http2_error.ts";
import { parseFrame } from "../../src/http2/parse_frame.ts";
import { serveHttp2Connection } from "../../src/http2/serve_http2_connection.ts";
import type { SettingsEntry } from "../../src/http2/settings.ts";
import type { AccessLogEntry } from "../../src/http1/access_log_entry.ts";
import { MockConn } from "../../support/mock_conn.ts";
import { concat } from "./_bytes.ts";

/** No write and no close for this long fails the test (a hang, a bug). */
const STUCK_MS = 10_000;

/** A MockConn that wakes waiters on each write, and can stop taking any. */
class WatchedConn extends MockConn {
  /**
   * When set, writes wait until `resumeWrites()` or the close: a client
   * that stopped reading.
   */
  stallWrites = false;
  #waiters: (() => void)[] = [];
  #stalled: { data: Uint8Array; done: PromiseWithResolvers<number> }[] = [];

  override write(data: Uint8Array): Promise<number> {
    if (this.stallWrites && !this.closed) {
      // The engine reuses its buffer only after a write resolves.
      const done = Promise.withResolvers<number>();
      this.#stalled.push({ data, done });
      return done.promise;
    }
    const written = super.write(data);
    for (const wake of this.#waiters.splice(0)) wake();
    return written;
  }

  /** The client reads again: the writes that waited take place, in order. */
  resumeWrites(): void {
    this.stallWrites = false;
    for (const { data, done } of this.#stalled.splice(0)) {
      this.write(data).then(done.resolve, done.reject);
    }
  }

  override close(): void {
    super.close();
    for (const { done } of this.#stalled.splice(0)) {
      done.reject(new Deno.errors.BrokenPipe("closed"));
    }
  }

  override closeWrite(): Promise<void> {
    for (const wake of this.#waiters.splice(0)) wake();
    return super.closeWrite();
  }

  /** Resolves at the next write (or shutdown of our side), or the close. */
  async written(): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        new Promise<void>((resolve) => this.#waiters.push(resolve)),
        this.whenClosed,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error("The server neither wrote nor closed")),
            STUCK_MS,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A frame the server sent, its field block decoded. */
export interface ServerFrame {
  /** The frame type's name: `HEADERS`, `DATA`, `GOAWAY`… */
  type: string;
  /** The stream. */
  streamId: number;
  /** The raw frame. */
  raw: RawFrame;
  /** HEADERS: the fields, `name: value` (after CONTINUATION, joined). */
  fields?: string[];
  /** HEADERS, DATA: END_STREAM. */
  endStream?: boolean;
  /** RST_STREAM, GOAWAY: the error code's name. */
  code?: string;
  /** GOAWAY: the last stream id. */
  lastStreamId?: number;
  /** DATA: the content, as text. */
  text?: string;
}

/** A response as the server sent it on one stream. */
export interface StreamResponse {
  /** `:status`, or 0 when none came. */
  status: number;
  /** The regular fields, `name: value`. */
  fields: string[];
  /** The body, as text. */
  body: string;
  /** The RST_STREAM code's name that ended it, if one did. */
  reset?: string;
}

const TYPE_NAMES = Object.fromEntries(
  Object.entries(FRAME_TYPE).map(([name, type]) => [type, name]),
);
const decoder = new TextDecoder();

/** Options of {@link H2Client.start}. */
export interface StartOptions {
  /** Engine limits. */
  limits?: ServeLimits;
  /** HTTP/2 limits. */
  http2?: Http2Limits;
  /** The tracker's sweep period. */
  sweepMs?: number;
  /** Told about each answered stream. */
  onResponse?: (entry: AccessLogEntry) => void;
  /** Turns a handler error into a response. */
  onError?: (error: unknown) => Response | Promise<Response>;
  /** Bytes the server is given as already read. */
  initialBytes?: Uint8Array;
  /** Share another client's server tracker (and its connection count). */
  tracker?: ConnectionTracker;
}

/** The client side of one mock connection, and the server task on it. */
export class H2Client {
  /** The connection, as the server sees it. */
  readonly conn: WatchedConn = new WatchedConn([], { holdOpen: true });
  /** The server's tracker. */
  readonly tracker: ConnectionTracker;
  /** Resolves once the server task is done. */
  readonly served: Promise<void>;
  /** Encodes our field blocks. */
  readonly encoder: HpackEncoder = new HpackEncoder();
  readonly #decoder = new HpackDecoder({
    maxHeaderListSize: 1 << 20,
    maxFieldCount: 10_000,
  });
  readonly #reader = new FrameReader({ maxFrameSize: 2 ** 24 - 1 });
  #consumed = 0;
  #block: { streamId: number; endStream: boolean; parts: Uint8Array[] } | null =
    null;
  readonly #queue: ServerFrame[] = [];

  /**
   * Start the server task on a new mock connection.
   *
   * @param handler The handler.
   * @param options Limits and hooks.
   */
  constructor(handler: ServeHandler, options: StartOptions = {}) {
    this.tracker = options.tracker ??
      new ConnectionTracker(options.sweepMs ?? 1000);
    this.served = serveHttp2Connection(this.conn, handler, {
      limits: resolveLimits(options.limits),
      http2: resolveHttp2Limits(options.http2),
      tracker: this.tracker,
      onError: options.onError ?? (() => new Response("oops", { status: 500 })),
      onResponse: options.onResponse,
      initialBytes: options.initialBytes,
    });
  }

  /** Send bytes as the client. */
  send(...frames: Uint8Array[]): void {
    this.conn.push(concat(...frames));
  }

  /**
   * Send the preface and our SETTINGS, read the server's SETTINGS (and the
   * WINDOW_UPDATE that may follow), acknowledge them, and read the
   * acknowledgement of ours.
   *
   * @param settings Our SETTINGS entries.
   * @returns The server's SETTINGS entries, as `id=value`.
   */
  async handshake(settings: SettingsEntry[] = []): Promise<string[]> {
    this.send(CONNECTION_PREFACE, encodeSettingsFrame(settings));
    const serverSettings = await this.expect("SETTINGS");
    this.send(encodeSettingsAckFrame());
    let next = await this.next();
    if (next?.type === "WINDOW_UPDATE") next = await this.next();
    if (next?.type !== "SETTINGS" || !(next.raw.flags & FLAG.ACK)) {
      throw new Error(`Expected SETTINGS ACK, got ${next?.type}`);
    }
    const payload = serverSettings.raw.payload;
    const entries: string[] = [];
    for (let at = 0; at < payload.length; at += 6) {
      const view = new DataView(payload.buffer, payload.byteOffset + at, 6);
      entries.push(`${view.getUint16(0)}=${view.getUint32(2)}`);
    }
    return entries;
  }

  /**
   * A HEADERS frame for a request.
   *
   * @param streamId The stream.
   * @param fields `name: value` pairs as arrays.
   * @param endStream Whether no body follows.
   * @returns The frame's bytes.
   */
  headers(
    streamId: number,
    fields: [string, string][],
    endStream = true,
  ): Uint8Array {
    const block = this.encoder.encode(
      fields.map(([name, value]): HeaderField => ({ name, value })),
    );
    return encodeHeadersFrame(streamId, block, { endStream });
  }

  /**
   * Send a request's HEADERS (and its body, if any, in one DATA frame).
   *
   * @param streamId The stream.
   * @param method The method.
   * @param path The path.
   * @param body The body, or `null`.
   */
  request(
    streamId: number,
    method: string,
    path: string,
    body: string | null = null,
  ): void {
    const fields = requestFields(method, path);
    const frames = [this.headers(streamId, fields, body === null)];
    if (body !== null) {
      frames.push(
        encodeDataFrame(streamId, new TextEncoder().encode(body), {
          endStream: true,
        }),
      );
    }
    this.send(...frames);
  }

  /**
   * The next frame the server sent, waiting for it.
   *
   * @returns It, or `null` once the server closed (or shut its side)
   *   with nothing more.
   */
  async next(): Promise<ServerFrame | null> {
    while (true) {
      const queued = this.#queue.shift();
      if (queued !== undefined) return queued;
      if (this.#readWritten()) continue;
      if (this.conn.closed || this.conn.writeClosed) return null;
      await this.conn.written();
    }
  }

  /**
   * The next frame, which must be of `type`.
   *
   * @param type The frame type's name.
   * @returns The frame.
   */
  async expect(type: string): Promise<ServerFrame> {
    const frame = await this.next();
    if (frame?.type !== type) {
      throw new Error(`Expected ${type}, got ${describe(frame)}`);
    }
    return frame;
  }

  /**
   * Frames until one matches, returning those before it and the match.
   *
   * @param match What to wait for.
   * @returns The frames seen, the match last; ends early at the close.
   */
  async until(match: (frame: ServerFrame) => boolean): Promise<ServerFrame[]> {
    const seen: ServerFrame[] = [];
    while (true) {
      const frame = await this.next();
      if (frame === null) return seen;
      seen.push(frame);
      if (match(frame)) return seen;
    }
  }

  /**
   * Read one stream's response to its end (END_STREAM or RST_STREAM);
   * frames of other streams are kept for later `response()` calls.
   *
   * @param streamId The stream.
   * @returns What it carried.
   */
  async response(streamId: number): Promise<StreamResponse> {
    const result: StreamResponse = { status: 0, fields: [], body: "" };
    const others: ServerFrame[] = [];
    try {
      while (true) {
        const frame = await this.next();
        if (frame === null) throw new Error(`Stream ${streamId} never ended`);
        if (frame.streamId !== streamId) {
          others.push(frame);
          continue;
        }
        if (frame.type === "HEADERS") {
          for (const field of frame.fields!) {
            if (field.startsWith(":status: ")) {
              result.status = Number(field.slice(9));
            } else result.fields.push(field);
          }
        } else if (frame.type === "DATA") result.body += frame.text;
        else if (frame.type === "RST_STREAM") {
          result.reset = frame.code;
          return result;
        }
        if (frame.endStream) return result;
      }
    } finally {
      this.#queue.unshift(...others);
    }
  }

  /** End the client's side and wait for the server task to finish. */
  async close(): Promise<void> {
    this.conn.end();
    await this.served;
  }

  /** Parse what the server wrote since last time; `true` if any. */
  #readWritten(): boolean {
    const output = this.conn.outputBytes;
    if (output.length === this.#consumed) return false;
    this.#reader.push(output.subarray(this.#consumed));
    this.#consumed = output.length;
    for (
      let raw = this.#reader.next();
      raw !== null;
      raw = this.#reader.next()
    ) {
      if (raw instanceof Http2Error) throw raw;
      this.#take({ ...raw, payload: raw.payload.slice() });
    }
    return true;
  }

  #take(raw: RawFrame): void {
    const type = TYPE_NAMES[raw.type] ?? `TYPE_${raw.type}`;
    const frame = parseFrame(raw);
    if (frame instanceof Http2Error) throw frame;
    const out: ServerFrame = { type, streamId: raw.streamId, raw };
    switch (frame.kind) {
      case "headers":
        this.#block = {
          streamId: frame.streamId,
          endStream: frame.endStream,
          parts: [frame.fragment],
        };
        if (!frame.endHeaders) return;
        break;
      case "continuation":
        this.#block!.parts.push(frame.fragment);
        if (!frame.endHeaders) return;
        out.type = "HEADERS";
        break;
      case "data":
        out.endStream = frame.endStream;
        out.text = decoder.decode(frame.data);
        break;
      case "rst_stream":
        out.code = errorCodeName(frame.errorCode);
        break;
      case "goaway":
        out.code = errorCodeName(frame.errorCode);
        out.lastStreamId = frame.lastStreamId;
        out.text = decoder.decode(frame.debugData);
        break;
    }
    const block = this.#block;
    if (out.type === "HEADERS" && block !== null) {
      const decoded = this.#decoder.decode(concat(...block.parts));
      if (decoded instanceof Http2Error) throw decoded;
      out.fields = decoded.names.map((name, i) =>
        `${name}: ${decoded.values[i]}`
      );
      out.endStream = block.endStream;
      this.#block = null;
    }
    this.#queue.push(out);
  }
}

/** A request's fields: pseudo-header fields for `method` and `path`. */
export function requestFields(
  method: string,
  path: string,
): [string, string][] {
  return [
    [":method", method],
    [":scheme", "http"],
    [":authority", "localhost"],
    [":path", path],
  ];
}

/** A frame in one line, for failure messages. */
export function describe(frame: ServerFrame | null): string {
  if (frame === null) return "the close";
  const code = frame.code ? ` ${frame.code}` : "";
  return `${frame.type} ${frame.streamId}${code}`;
}
