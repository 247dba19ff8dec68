/**
 * A connection's deadlines, and what each one does when it passes. The
 * tracker knows one deadline per connection (the earliest); when it
 * passes, everything due is acted on and the next one is set.
 *
 * - linger: the GOAWAY is out and the client had its moment: close.
 * - write: one write waited `sendTimeoutMs` on a client that stopped
 *   reading the socket: close (nothing more can be said to it).
 * - idle: no stream for `keepAliveTimeoutMs` (`headersTimeoutMs` before
 *   the first): GOAWAY(NO_ERROR) and close.
 * - settings: our SETTINGS not acknowledged within `headersTimeoutMs`:
 *   SETTINGS_TIMEOUT (RFC 9113 §6.5.3).
 * - block: a field block not whole within `headersTimeoutMs` (the
 *   slowloris of HTTP/2): ENHANCE_YOUR_CALM.
 * - the connection's send window shut for `sendTimeoutMs` while data
 *   waits: ENHANCE_YOUR_CALM.
 * - a stream's body read waiting `bodyTimeoutMs`: the read fails with
 *   408, as on HTTP/1.1.
 * - a stream's send window shut for `sendTimeoutMs`: that stream alone is
 *   reset (CANCEL).
 *
 * @module
 */

import { ERROR_CODE } from "./error_codes.ts";
import type { Http2Connection } from "./http2_connection.ts";
import { connectionError, type Http2Error } from "./http2_error.ts";
import { RequestBodyError } from "./http2_request_body.ts";

/** A connection's own deadlines, in ms since the epoch; `0` when unarmed. */
export interface ConnectionDeadlines {
  /** Idle with no stream: closes at this time. */
  idle: number;
  /** Our SETTINGS must be acknowledged by then. */
  settings: number;
  /** The write under way must be done by then. */
  write: number;
  /** Lingering after the GOAWAY ends then. */
  linger: number;
  /** The field block in progress must be whole by then. */
  block: number;
}

/**
 * Act on every deadline of `connection` that has passed by `now`.
 *
 * @param connection The connection.
 * @param now The time, in ms since the epoch.
 */
export function actOnDeadlines(connection: Http2Connection, now: number): void {
  const due = (at: number) => at !== 0 && at <= now;
  const { deadlines } = connection;
  const { sendTimeoutMs } = connection.limits;
  if (due(deadlines.linger) || due(deadlines.write)) {
    connection.close();
    return;
  }
  if (connection.idle && due(deadlines.idle)) {
    connection.goAway(ERROR_CODE.NO_ERROR);
    connection.end();
    return;
  }
  const fault = connectionFault(connection, now);
  if (fault !== null) {
    connection.connectionError(fault);
    return;
  }
  const streams = connection.streams;
  for (const stream of [...streams.table.values()]) {
    if (due(stream.bodyDeadline)) {
      stream.bodyDeadline = 0;
      stream.body?.fail(new RequestBodyError(408, "Request body timed out"));
    }
    const { stalledSince, sendWindow, buffered } = stream.output;
    if (
      stalledSince !== 0 && sendWindow <= 0 && buffered > 0 &&
      due(stalledSince + sendTimeoutMs)
    ) {
      // The client gave this stream no window for the whole send timeout:
      // the stream is given up, the connection kept.
      streams.reset(stream, ERROR_CODE.CANCEL);
    }
  }
}

/** The connection error a passed deadline calls for, or `null`. */
function connectionFault(
  connection: Http2Connection,
  now: number,
): Http2Error | null {
  const { deadlines, scheduler } = connection;
  if (deadlines.settings !== 0 && deadlines.settings <= now) {
    return connectionError(
      ERROR_CODE.SETTINGS_TIMEOUT,
      "SETTINGS not acknowledged",
    );
  }
  if (deadlines.block !== 0 && deadlines.block <= now) {
    return connectionError(
      ERROR_CODE.ENHANCE_YOUR_CALM,
      "Field block not whole in time",
    );
  }
  const stalled = scheduler.connectionStalledSince;
  if (stalled !== 0 && stalled + connection.limits.sendTimeoutMs <= now) {
    return connectionError(
      ERROR_CODE.ENHANCE_YOUR_CALM,
      "Connection window shut too long",
    );
  }
  return null;
}

/**
 * The earliest deadline still pending on `connection`.
 *
 * @param connection The connection.
 * @returns It, in ms since the epoch, or `0` when none is.
 */
export function earliestDeadline(connection: Http2Connection): number {
  const { deadlines, scheduler } = connection;
  const { sendTimeoutMs } = connection.limits;
  let next = Infinity;
  const take = (at: number) => {
    if (at !== 0 && at < next) next = at;
  };
  take(deadlines.idle);
  take(deadlines.settings);
  take(deadlines.write);
  take(deadlines.linger);
  take(deadlines.block);
  const stalled = scheduler.connectionStalledSince;
  if (stalled !== 0) take(stalled + sendTimeoutMs);
  for (const stream of connection.streams.table.values()) {
    take(stream.bodyDeadline);
    const since = stream.output.stalledSince;
    if (since !== 0) take(since + sendTimeoutMs);
  }
  return next === Infinity ? 0 : next;
}
