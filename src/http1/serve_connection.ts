/**
 * The connection task: read a head, parse it, stream the body, call the
 * handler, write the response, and go round again while the connection
 * persists. It never throws: whatever happens stays on this connection.
 *
 * @module
 */

import { errorResponse, errorResponseBytes } from "../http/error_response.ts";
import { FAST_LANE, type FastLaneCarrier } from "../http/fast_lane.ts";
import { fastLaneBytes } from "../http/fast_lane_response.ts";
import { httpDate } from "../http/http_date.ts";
import { type AccessLogEntry, accessLogEntry } from "./access_log_entry.ts";
import { BufferedReader, type HeadSpan } from "./buffered_reader.ts";
import type { Conn } from "./conn.ts";
import type {
  ConnectionTracker,
  IdleKind,
  TrackedConnection,
} from "./connection_tracker.ts";
import { HandlerInfo, type ServeHandler } from "./handler.ts";
import type { ResolvedLimits } from "./limits.ts";
import { parseRequestHead } from "./parse_request_head.ts";
import { type ReadWatch, RequestBody } from "./request_body.ts";
import { type RequestHead, RequestParseError } from "./request_head.ts";
import type { TurnState } from "./turn_gate.ts";
import { ResponseBodyError } from "./response_body_error.ts";
import { writeAll, type WriteWatch } from "./write_all.ts";
import { writeResponse } from "./write_response.ts";

/** What a connection task needs besides the connection and the handler. */
export interface ConnectionOptions {
  /** The limits, defaults filled in. */
  limits: ResolvedLimits;
  /** Shared by every connection of a server: shutdown and timeouts. */
  tracker: ConnectionTracker;
  /** Turns a handler error into the response to send. */
  onError: (error: unknown) => Response | Promise<Response>;
  /** Told about every answered request (access logs); never awaited. */
  onResponse?: (entry: AccessLogEntry) => void;
}

const encoder = new TextEncoder();
const CONTINUE = encoder.encode("HTTP/1.1 100 Continue\r\n\r\n");
/** Unread body bytes worth reading to keep a connection; past it, close. */
const MAX_DRAIN_BYTES = 256 * 1024;
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

/** Methods a `Request` cannot carry; the engine answers them itself. */
const UNSUPPORTED_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);
/** Methods `new Request()` upper-cases (Fetch's "normalize a method"). */
const NORMALIZED_METHODS = new Set([
  "DELETE",
  "GET",
  "HEAD",
  "OPTIONS",
  "POST",
  "PUT",
]);

/**
 * `get` is not `GET` (RFC 9110 §9.1: methods are case-sensitive), yet
 * `new Request()` would turn it into `GET`; such a method is unknown here.
 */
function isMiscasedMethod(method: string): boolean {
  if (NORMALIZED_METHODS.has(method)) return false;
  const upper = method.toUpperCase();
  return upper !== method && NORMALIZED_METHODS.has(upper);
}

/**
 * Serve HTTP/1.1 requests on one connection until it closes.
 *
 * @param conn The connection; closed when this resolves.
 * @param handler The request handler.
 * @param options Limits, tracker and error hook.
 * @returns Resolves (never rejects) once the connection is closed.
 */
export async function serveConnection<Addr extends Deno.Addr = Deno.NetAddr>(
  conn: Conn,
  handler: ServeHandler<Addr>,
  options: ConnectionOptions,
): Promise<void> {
  const { limits, tracker } = options;
  // A handler may carry a fast lane (see src/fast_lane.ts).
  const fastLane = (handler as FastLaneCarrier)[FAST_LANE];
  const state = new ConnectionState(conn, tracker, limits);
  tracker.add(state);
  try {
    if (tracker.shuttingDown) return;
    const reader = new BufferedReader(
      conn,
      INITIAL_BUFFER_BYTES,
      limits.maxHeaderBytes + INITIAL_BUFFER_BYTES,
    );
    if (
      tracker.size > limits.maxConnections &&
      !tracker.makeRoom(limits.maxConnections)
    ) {
      // Every other connection is busy. Lingering, not abrupt: closing with
      // the request unread would reset the connection, and the client might
      // never see the 503.
      await rejectAndClose(conn, reader, state, 503);
      return;
    }
    const remoteAddr = conn.remoteAddr as Addr;
    const scheme = isTls(conn) ? "https://" : "http://";
    let first = true;
    while (true) {
      // Pipelined heads are already buffered: no wait, no promise.
      let span = reader.scanHead(limits.maxHeaderBytes);
      if (span === null) span = await waitForHead(reader, state, limits, first);
      first = false;
      if (span === null) return;
      let head: RequestHead | RequestParseError = span as RequestParseError;
      // Where the request line starts: a refusal is logged with it.
      let lineStart = reader.start;
      if (!(span instanceof RequestParseError)) {
        lineStart = span.start;
        head = parseRequestHead(reader.buffer, span.start, span.end, limits);
        reader.start = span.end;
      }
      if (head instanceof RequestParseError) {
        const received = reader.buffer.subarray(lineStart, reader.end);
        report(
          options,
          remoteAddr,
          received,
          performance.now(),
          head.status,
          0,
        );
        await rejectAndClose(conn, reader, state, head.status);
        return;
      }
      const fast = fastLane !== undefined && isFastLaneCandidate(head)
        ? fastLane(head, Date.now())
        : undefined;
      let keepAlive: boolean;
      if (fast !== undefined) {
        keepAlive = head.keepAlive && !tracker.shuttingDown;
        const startedAt = options.onResponse ? performance.now() : 0;
        const bytes = fastLaneBytes(fast, keepAlive);
        // One write in the common case; loop only on a partial write.
        state.sendWatch.arm();
        const n = await conn.write(bytes);
        state.sendWatch.disarm();
        if (n < bytes.length) {
          await writeAll(conn, bytes.subarray(n), state.sendWatch);
        }
        if (fast.body !== null) {
          await writeAll(conn, fast.body, state.sendWatch);
        }
        report(
          options,
          remoteAddr,
          head,
          startedAt,
          fast.status,
          fast.bodyBytes,
        );
      } else {
        keepAlive = await serveRequest(
          conn,
          reader,
          head,
          scheme,
          remoteAddr,
          handler,
          options,
          state,
        );
      }
      if (!keepAlive || tracker.shuttingDown) return;
      tracker.markActive(state);
      if (tracker.busy > FAIR_MIN_CONNECTIONS) {
        // Fairness: with many busy connections the runtime serves the ones
        // just served again first (p99 over 100 ms at 256 connections); a
        // connection that has had its turn waits for the next, so every
        // other ready connection runs first. See turn_gate.ts.
        const wait = tracker.turns.served(state.turn);
        if (wait !== null) await wait;
      }
    }
  } catch {
    // A network error (reset, broken pipe, closed by a timeout) ends this
    // connection and nothing else.
  } finally {
    state.close();
    tracker.delete(state);
  }
}

/** A GET or HEAD with no body, origin-form, HTTP/1.1: what a fast lane takes. */
function isFastLaneCandidate(head: RequestHead): boolean {
  return head.contentLength === 0 && head.minorVersion === 1 &&
    (head.method === "GET" || head.method === "HEAD") &&
    head.target.charCodeAt(0) === 0x2f; // "/"
}

/** Tell `onResponse` about an answered request; its errors stay with it. */
function report(
  options: ConnectionOptions,
  remoteAddr: Deno.Addr,
  head: RequestHead | Uint8Array,
  startedAt: number,
  status: number,
  bodyBytes: number,
): void {
  if (options.onResponse === undefined) return;
  try {
    options.onResponse(
      accessLogEntry(remoteAddr, head, startedAt, status, bodyBytes),
    );
  } catch {
    // A failing logger must not take the connection down.
  }
}

/** Per-connection state the tracker's sweep and shutdown act on. */
class ConnectionState implements TrackedConnection {
  deadline = 0;
  /** Where this connection stands in the current turn (fairness). */
  turn: TurnState = { turn: -1, served: 0 };
  /** Set through `setIdle`, which also tells the tracker. */
  idle = false;
  closed = false;
  /** What the current deadline guards; decides how a timeout answers. */
  phase: "head" | "body" | "send" = "head";
  /** `true` once the current response's first byte was written. */
  responding = false;
  /** Arms `bodyTimeoutMs` around each request-body read. */
  readonly bodyWatch: ReadWatch;
  /** Arms `sendTimeoutMs` around each write that may wait on the client. */
  readonly sendWatch: WriteWatch;
  /** The same for a response's writes; its first write marks `responding`. */
  readonly responseWatch: WriteWatch;
  /** Aborted on close: a response body waiting for its next chunk stops. */
  #closing: AbortController | undefined;
  readonly #conn: Conn;
  readonly #tracker: ConnectionTracker;

  constructor(conn: Conn, tracker: ConnectionTracker, limits: ResolvedLimits) {
    this.#conn = conn;
    this.#tracker = tracker;
    const disarm = () => {
      this.deadline = 0;
    };
    this.bodyWatch = {
      arm: () => {
        this.phase = "body";
        this.deadline = Date.now() + limits.bodyTimeoutMs;
      },
      disarm,
    };
    const armSend = () => {
      this.phase = "send";
      this.deadline = Date.now() + limits.sendTimeoutMs;
    };
    this.sendWatch = { arm: armSend, disarm };
    this.responseWatch = {
      arm: () => {
        this.responding = true;
        armSend();
      },
      disarm,
      pending: null,
    };
  }

  /** Idle for `kind` (the tracker may close it to make room), or busy. */
  setIdle(kind: IdleKind | null): void {
    this.#tracker.setIdle(this, kind);
  }

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

  timeout(): void {
    if (this.closed) return;
    if (
      this.idle || this.phase === "send" ||
      (this.phase === "body" && this.responding)
    ) {
      // Nothing to say, or a response is already on the wire: a 408 now
      // would be read as part of it. Closing is the answer.
      this.close();
      return;
    }
    // A head or a body that did not arrive in time: RFC 9110 §15.5.9.
    writeAll(this.#conn, errorResponseBytes(408)).catch(() => {}).finally(
      () => this.close(),
    );
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.#conn.close();
    } catch {
      // Already closed by the peer or the runtime.
    }
    // Closed is closed, even if a handler or a body stream that ignores the
    // connection is still running: shutdown's `finished` must not wait on it.
    this.#tracker.delete(this);
    this.#closing?.abort(
      new Deno.errors.Interrupted("The connection was closed"),
    );
  }
}

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

/**
 * Read until a whole head is buffered, under the keep-alive deadline (no
 * byte yet) and then the header deadline (slowloris).
 *
 * @returns The head's span, a refusal, or `null` on a clean end of stream.
 */
async function waitForHead(
  reader: BufferedReader,
  state: ConnectionState,
  limits: ResolvedLimits,
  first: boolean,
): Promise<HeadSpan | RequestParseError | null> {
  // Idle while no byte of a request has come: at maxConnections, such a
  // connection may be closed to make room (see ConnectionTracker.makeRoom).
  if (nothingStarted(reader)) state.setIdle(first ? "new" : "keep-alive");
  state.phase = "head";
  state.deadline = Date.now() +
    (state.idle && !first
      ? limits.keepAliveTimeoutMs
      : limits.headersTimeoutMs);
  try {
    while (true) {
      if (!await reader.fill()) {
        if (state.idle) return null; // at most a stray CR: a clean end
        return new RequestParseError(400, "Incomplete request head");
      }
      // Scan first: it drops empty lines before a request line (RFC 9112
      // §2.2), and a connection that only got those is still idle.
      const found = reader.scanHead(limits.maxHeaderBytes);
      if (found !== null) return found;
      if (state.idle && !nothingStarted(reader)) {
        state.setIdle(null);
        state.deadline = Date.now() + limits.headersTimeoutMs;
      }
    }
  } finally {
    state.setIdle(null);
    state.deadline = 0;
  }
}

/**
 * Answer a request the engine refuses, then close without losing the answer:
 * shut our side, read what the client still sends for a moment, then close
 * (an abrupt close with unread input would reset the connection and the
 * client might never see the status).
 */
async function rejectAndClose(
  conn: Conn,
  reader: BufferedReader,
  state: ConnectionState,
  status: number,
): Promise<void> {
  await writeAll(conn, errorResponseBytes(status), state.sendWatch);
  await lingeringClose(conn, reader, state);
}

async function lingeringClose(
  conn: Conn,
  reader: BufferedReader,
  state: ConnectionState,
): Promise<void> {
  try {
    await conn.closeWrite();
  } catch {
    return;
  }
  // Idle, so the sweep and shutdown close it quietly, and a new connection
  // may take its place.
  state.setIdle("lingering");
  state.deadline = Date.now() + LINGER_MS;
  let budget = LINGER_BYTES;
  reader.start = reader.end;
  while (budget > 0 && !state.closed) {
    const n = await reader.skip(budget);
    if (n === 0) break;
    budget -= n;
  }
}

/** Serve one parsed request; resolves to whether the connection persists. */
async function serveRequest<Addr extends Deno.Addr>(
  conn: Conn,
  reader: BufferedReader,
  head: RequestHead,
  scheme: string,
  remoteAddr: Addr,
  handler: ServeHandler<Addr>,
  options: ConnectionOptions,
  state: ConnectionState,
): Promise<boolean> {
  const { limits, tracker } = options;
  const method = head.method;
  const startedAt = options.onResponse === undefined ? 0 : performance.now();
  if (head.contentLength > limits.maxBodyBytes) {
    report(options, remoteAddr, head, startedAt, 413, 0);
    await rejectAndClose(conn, reader, state, 413);
    return false;
  }
  if (UNSUPPORTED_METHODS.has(method) || isMiscasedMethod(method)) {
    // A Request cannot represent these (or would change them): CONNECT
    // never tunnels, TRACE never echoes (RFC 9110 §9.3.6, §9.3.8), and `get`
    // is an unknown method, not GET (501, RFC 9110 §9.1).
    report(options, remoteAddr, head, startedAt, 501, 0);
    await rejectAndClose(conn, reader, state, 501);
    return false;
  }
  if (head.target === "*") {
    // RFC 9110 §9.3.7: OPTIONS * asks about the server as a whole. Its body,
    // if any, is never read here: keeping the connection would parse that
    // body as the next request (smuggling), so close instead.
    const keepAlive = head.keepAlive && head.contentLength === 0 &&
      !tracker.shuttingDown;
    await writeAll(conn, optionsStarResponse(keepAlive), state.sendWatch);
    report(options, remoteAddr, head, startedAt, 204, 0);
    if (!keepAlive) await lingeringClose(conn, reader, state);
    return keepAlive;
  }

  let continueSent = false;
  const body = head.contentLength === 0 ? null : new RequestBody(
    reader,
    head.contentLength,
    {
      maxBodyBytes: limits.maxBodyBytes,
      maxTrailerBytes: limits.maxHeaderBytes,
    },
    head.expectContinue
      ? () => {
        // Once the final response has started, a 100 would land inside it;
        // before that, the response's first write waits for the 100 to be
        // out whole (responseWatch.pending).
        if (state.responding) return Promise.resolve();
        continueSent = true;
        const write = writeAll(conn, CONTINUE, state.sendWatch);
        state.responseWatch.pending = write.then(() => {}, () => {});
        return write;
      }
      : undefined,
    state.bodyWatch,
  );

  const info = new HandlerInfo(remoteAddr);
  let response: Response;
  const request = buildRequest(head, scheme, body);
  if (request === null) {
    report(options, remoteAddr, head, startedAt, 400, 0);
    await rejectAndClose(conn, reader, state, 400);
    return false;
  }
  try {
    response = await handler(request, info);
    if (!(response instanceof Response)) {
      throw new TypeError("The handler did not return a Response");
    }
    if (response.type === "error") {
      // Response.error() has status 0: no status line can carry it.
      throw new TypeError("The handler returned a network error");
    }
  } catch (error) {
    if (body !== null && body.errorStatus !== 0) {
      // The body broke its framing or limit: the connection is unusable.
      body.detach();
      info.finish(false);
      report(options, remoteAddr, head, startedAt, body.errorStatus, 0);
      await rejectAndClose(conn, reader, state, body.errorStatus);
      return false;
    }
    response = await errorToResponse(options, error);
  }

  // RFC 9110 §10.1.1: a final response sent before 100 (Continue) leaves
  // the client free to send the body or not (curl waits for the 100 and
  // then sends nothing). Waiting for a body that may never come would hang,
  // and taking the next request's bytes for it would desync. A body already
  // buffered whole has come: it is drained and the connection kept (as
  // nginx does). Otherwise the response says `Connection: close` (RFC 9112
  // §9.6) and what the client still sends is read away.
  const bodyUncertain = head.expectContinue && body !== null &&
    !body.started && !body.isBufferedWhole(MAX_DRAIN_BYTES);
  const progress = { bodyBytes: 0 };
  const context = {
    signal: state.signal,
    progress,
    watch: state.responseWatch,
    isHead: method === "HEAD",
    minorVersion: head.minorVersion,
    keepAlive: head.keepAlive && !tracker.shuttingDown && !bodyUncertain &&
      !(body !== null && body.errorStatus !== 0),
  };
  let result;
  try {
    result = await writeResponse(conn, response, context);
  } catch (error) {
    if (!(error instanceof ResponseBodyError)) {
      info.finish(false);
      body?.detach();
      report(
        options,
        remoteAddr,
        head,
        startedAt,
        response.status,
        progress.bodyBytes,
      );
      throw error;
    }
    try {
      response = await errorToResponse(options, error);
      result = await writeResponse(conn, response, context);
    } catch (writeError) {
      // Settle `completed` whichever way the connection ends.
      info.finish(false);
      body?.detach();
      throw writeError;
    }
  }
  state.responding = false;
  state.responseWatch.pending = null;
  info.finish(true);
  report(
    options,
    remoteAddr,
    head,
    startedAt,
    response.status,
    result.bodyBytes,
  );
  if (body !== null) {
    if (bodyUncertain && !continueSent) {
      // The client may send the body anyway; read it away before closing
      // so the close does not reset the connection under the response.
      await lingeringClose(conn, reader, state);
      return false;
    }
    if (body.errorStatus !== 0) {
      await lingeringClose(conn, reader, state);
      return false;
    }
    if (!await body.drain(MAX_DRAIN_BYTES)) {
      if (result.keepAlive) await lingeringClose(conn, reader, state);
      return false;
    }
  }
  return result.keepAlive;
}

async function errorToResponse(
  options: ConnectionOptions,
  error: unknown,
): Promise<Response> {
  try {
    const response = await options.onError(error);
    if (response instanceof Response && response.type !== "error") {
      return response;
    }
  } catch {
    // An onError that fails still leaves the client a generic 500.
  }
  return errorResponse(500);
}

function optionsStarResponse(keepAlive: boolean): Uint8Array {
  return encoder.encode(
    `HTTP/1.1 204 No Content\r\ndate: ${httpDate()}\r\n` +
      (keepAlive ? "" : "connection: close\r\n") + "\r\n",
  );
}

/** Build the handler's `Request`; `null` when the URL cannot be formed. */
function buildRequest(
  head: RequestHead,
  scheme: string,
  body: RequestBody | null,
): Request | null {
  const target = head.target;
  const url = target.charCodeAt(0) === 0x2f // "/"
    ? scheme + (head.host === "" ? "localhost" : head.host) + target
    : target;
  // Pairs, not Headers.append: a third cheaper to build a Request from.
  const names = head.headerNames;
  const values = head.headerValues;
  const headers: [string, string][] = new Array(names.length);
  for (let i = 0; i < names.length; i++) headers[i] = [names[i], values[i]];
  try {
    const hasBody = body !== null && head.method !== "GET" &&
      head.method !== "HEAD";
    return new Request(url, {
      method: head.method,
      headers,
      body: hasBody ? body.stream : null,
      // @ts-ignore: `duplex` is required for a streamed body; the DOM lib
      // of some TypeScript versions does not list it.
      duplex: "half",
    });
  } catch {
    return null;
  }
}
