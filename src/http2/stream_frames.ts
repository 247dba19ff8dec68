/**
 * The frames of client streams, judged by the stream's state (RFC 9113
 * §5.1): HEADERS that open a stream (or carry its trailers), DATA against
 * both receive windows, RST_STREAM, a stream's WINDOW_UPDATE, PRIORITY.
 * Each bad frame gets the error RFC 9113 names: a stream error where only
 * its stream is wrong, a connection error where the connection's state is.
 *
 * @module
 */

import { ERROR_CODE } from "./error_codes.ts";
import type { ContinuationFrame } from "./frame_continuation.ts";
import type { DataFrame } from "./frame_data.ts";
import type { HeadersFrame } from "./frame_headers.ts";
import type { RstStreamFrame } from "./frame_rst_stream.ts";
import type { WindowUpdateFrame } from "./frame_window_update.ts";
import type { AssembledBlock } from "./header_block.ts";
import type { DecodedFieldBlock } from "./hpack/hpack_decoder.ts";
import type { Http2Connection } from "./http2_connection.ts";
import { connectionError, Http2Error } from "./http2_error.ts";
import { Http2RequestBody } from "./http2_request_body.ts";
import { Http2Stream } from "./http2_stream.ts";
import type { Frame } from "./parse_frame.ts";
import {
  checkRequestFields,
  checkTrailerFields,
  type Http2RequestHead,
} from "./request_fields.ts";
import { engineStatus, serveStream } from "./serve_stream.ts";
import { MAX_WINDOW_SIZE } from "./settings.ts";

/**
 * Act on a frame of a stream, or on a stream error a frame parsed into.
 *
 * @param connection The connection.
 * @param frame The frame, or its stream error (a HEADERS frame's carries
 *   the frame, whose block must still be decoded, §4.3).
 * @returns A connection error to end with, or `null`.
 */
export function receiveStreamFrame(
  connection: Http2Connection,
  frame: Frame | Http2Error,
): Http2Error | null {
  if (frame instanceof Http2Error) {
    if (frame.frame?.kind !== "headers") {
      return connection.streams.error(frame.streamId, frame.code);
    }
    connection.blockErrorCode = frame.code;
    frame = frame.frame;
  }
  switch (frame.kind) {
    case "headers":
      return receiveHeaders(connection, frame);
    case "continuation":
      return receiveContinuation(connection, frame);
    case "data":
      return receiveData(connection, frame);
    case "rst_stream":
      return receiveRstStream(connection, frame);
    case "window_update":
      return receiveWindowUpdate(connection, frame);
    case "priority":
      // Deprecated (§5.3.2) and ignored; a frame that does nothing.
      return connection.floods("empty");
  }
  return null;
}

function receiveHeaders(
  connection: Http2Connection,
  frame: HeadersFrame,
): Http2Error | null {
  const result = connection.blocks.start(frame);
  if (result === null) {
    connection.blockChanged();
    return null;
  }
  return result instanceof Http2Error
    ? result
    : receiveBlock(connection, result);
}

function receiveContinuation(
  connection: Http2Connection,
  frame: ContinuationFrame,
): Http2Error | null {
  if (frame.fragment.length === 0 && !frame.endHeaders) {
    const flood = connection.floods("empty");
    if (flood !== null) return flood;
  }
  const result = connection.blocks.continue(frame);
  if (result === null) return null;
  connection.blockChanged();
  return result instanceof Http2Error
    ? result
    : receiveBlock(connection, result);
}

/** A whole field block: decoded always, whatever becomes of its stream. */
function receiveBlock(
  connection: Http2Connection,
  { headers, block }: AssembledBlock,
): Http2Error | null {
  const code = connection.blockErrorCode;
  connection.blockErrorCode = -1;
  // §4.3: every block changes the HPACK state, even one that is refused.
  const decoded = connection.decoder.decode(block);
  if (decoded instanceof Http2Error) return decoded;
  const id = headers.streamId;
  const found = connection.streams.table.lookup(id);
  if (found.state === "idle") {
    return openStream(connection, headers, decoded, code);
  }
  if (found.state === "open") {
    const stream = found.stream;
    if (stream.reset) return null; // reset by us: ignored (§5.1)
    if (code !== -1) return connection.streams.error(id, code);
    return receiveTrailers(connection, stream, headers, decoded);
  }
  switch (found.how) {
    case "reset-sent":
      return null; // §5.1: frames after our RST_STREAM are ignored
    case "reset-received":
      return connection.streams.error(id, ERROR_CODE.STREAM_CLOSED);
    case "ended":
      return connectionError(
        ERROR_CODE.STREAM_CLOSED,
        "HEADERS on a closed stream",
      );
    default:
      // §5.1.1: a lower id than one used, never opened or long closed.
      return connectionError(
        ERROR_CODE.PROTOCOL_ERROR,
        "Stream id reused or out of order",
      );
  }
}

/** HEADERS on an idle stream: a request, refused or served. */
function openStream(
  connection: Http2Connection,
  headers: HeadersFrame,
  decoded: DecodedFieldBlock,
  code: number,
): Http2Error | null {
  const id = headers.streamId;
  const { limits } = connection;
  const streams = connection.streams.table;
  if (id % 2 === 0) {
    // §5.1.1: clients open odd-numbered streams.
    return connectionError(ERROR_CODE.PROTOCOL_ERROR, "Even stream id");
  }
  if (connection.peerGoneAway) {
    return connectionError(
      ERROR_CODE.PROTOCOL_ERROR,
      "New stream after the client's GOAWAY",
    );
  }
  if (connection.refusesStreams()) {
    // §6.8: above the GOAWAY's last stream id, a stream is not processed.
    streams.skip(id, "reset-sent");
    return null;
  }
  if (code !== -1) {
    streams.skip(id, "reset-sent");
    return connection.streams.error(id, code);
  }
  if (streams.size >= connection.http2.maxConcurrentStreams) {
    // §5.1.2: refused, safe to retry. A client that knew the limit and
    // still passes it again and again is flooding.
    streams.skip(id, "reset-sent");
    return connection.streams.error(
      id,
      ERROR_CODE.REFUSED_STREAM,
      connection.settingsAcked,
    );
  }
  let status = 0;
  const checked = decoded.overLimit === null
    ? checkRequestFields(decoded.names, decoded.values, limits)
    : null;
  if (checked === null) {
    status = 431; // the list passed maxHeaderBytes or maxHeaderCount
  } else if (checked.kind === "refused") {
    if (checked.status === 0) {
      // §8.1.1: a malformed request is a stream error.
      streams.skip(id, "reset-sent");
      return connection.streams.error(id, ERROR_CODE.PROTOCOL_ERROR);
    }
    status = checked.status;
  } else if (headers.endStream && checked.contentLength > 0) {
    // §8.1.1: no DATA can follow to make up the content-length.
    streams.skip(id, "reset-sent");
    return connection.streams.error(id, ERROR_CODE.PROTOCOL_ERROR);
  }
  const window = connection.receiveWindowStart();
  const stream = new Http2Stream(id, {
    sendWindow: connection.peer.initialWindowSize,
    receiveWindow: window.size,
    receiveAvailable: window.available,
    remoteAddr: connection.remoteAddr,
    startedAt: connection.reportsStreams ? performance.now() : 0,
  });
  stream.remoteEnded = headers.endStream;
  if (checked?.kind === "request") {
    stream.head = checked;
    status = engineStatus(checked, limits);
    const method = checked.method;
    if (
      !headers.endStream && status === 0 && method !== "GET" &&
      method !== "HEAD"
    ) {
      stream.body = requestBody(connection, stream, checked);
    }
  }
  connection.streams.open(stream);
  void serveStream(connection.streams, stream, status);
  return null;
}

/** The body a stream's DATA feeds, and how it reports to the connection. */
function requestBody(
  connection: Http2Connection,
  stream: Http2Stream,
  head: Http2RequestHead,
): Http2RequestBody {
  const { bodyTimeoutMs, maxBodyBytes } = connection.limits;
  return new Http2RequestBody({
    contentLength: head.contentLength,
    maxBodyBytes,
    // Sent when the handler first reads, as the HTTP/1.1 engine sends it:
    // a handler that answers without reading never asks for the body.
    beforeFirstRead: head.expectContinue
      ? () => connection.streams.sendContinue(stream)
      : undefined,
    onConsumed: (bytes) => connection.streams.consumed(stream, bytes),
    watch: {
      arm: () => {
        stream.bodyDeadline = Date.now() + bodyTimeoutMs;
        connection.armAt(stream.bodyDeadline);
      },
      disarm: () => {
        stream.bodyDeadline = 0;
      },
    },
  });
}

/** HEADERS on an open stream: its trailers, which end it (§8.1). */
function receiveTrailers(
  connection: Http2Connection,
  stream: Http2Stream,
  headers: HeadersFrame,
  decoded: DecodedFieldBlock,
): Http2Error | null {
  const id = stream.id;
  if (stream.remoteEnded) {
    // §5.1: half-closed (remote) takes no more HEADERS.
    return connection.streams.error(id, ERROR_CODE.STREAM_CLOSED);
  }
  if (
    !headers.endStream || decoded.overLimit !== null ||
    checkTrailerFields(decoded.names, decoded.values) !== null
  ) {
    return connection.streams.error(id, ERROR_CODE.PROTOCOL_ERROR);
  }
  return endRemote(connection, stream);
}

/** The client's END_STREAM: its side of the stream is done. */
function endRemote(
  connection: Http2Connection,
  stream: Http2Stream,
): Http2Error | null {
  stream.remoteEnded = true;
  const output = stream.output;
  if (!output.finished && output.resetCode === ERROR_CODE.NO_ERROR) {
    output.resetCode = -1; // no need to ask the client to stop now
  }
  if (stream.body?.end() === "length-mismatch") {
    return connection.streams.error(stream.id, ERROR_CODE.PROTOCOL_ERROR);
  }
  return null;
}

/** DATA: counted against both windows, then to the body or dropped. */
function receiveData(
  connection: Http2Connection,
  frame: DataFrame,
): Http2Error | null {
  const { streamId: id, flowControlledLength: length, data } = frame;
  const found = connection.streams.table.lookup(id);
  if (found.state === "idle") {
    return connectionError(ERROR_CODE.PROTOCOL_ERROR, "DATA on an idle stream");
  }
  if (!connection.window.receive(length)) {
    return connectionError(
      ERROR_CODE.FLOW_CONTROL_ERROR,
      "DATA past the connection window",
    );
  }
  if (data.length === 0 && !frame.endStream) {
    const flood = connection.floods("empty");
    if (flood !== null) return flood;
  }
  if (found.state === "closed") {
    // §6.9: flow control counts DATA on closed streams too.
    connection.streams.consumed(null, length);
    if (found.how === "reset-sent") return null;
    if (found.how === "ended") {
      return connectionError(
        ERROR_CODE.STREAM_CLOSED,
        "DATA on a closed stream",
      );
    }
    return connection.streams.error(id, ERROR_CODE.STREAM_CLOSED);
  }
  const stream = found.stream;
  if (stream.reset || stream.remoteEnded) {
    connection.streams.consumed(null, length);
    return stream.reset
      ? null
      : connection.streams.error(id, ERROR_CODE.STREAM_CLOSED);
  }
  if (!stream.receiveWindow.receive(length)) {
    connection.streams.consumed(null, length);
    return connection.streams.error(id, ERROR_CODE.FLOW_CONTROL_ERROR);
  }
  const body = stream.body;
  if (body === null || body.error !== null) {
    connection.streams.consumed(stream, length); // no one reads it
  } else {
    // Padding is credited at once; the data as the handler reads it.
    connection.streams.consumed(stream, length - data.length);
    // A copy: `data` is a view of the read buffer, which is reused.
    const input = body.push(data.slice());
    if (input !== "ok") connection.streams.consumed(stream, data.length);
    if (input === "length-mismatch") {
      return connection.streams.error(id, ERROR_CODE.PROTOCOL_ERROR);
    }
    if (input === "too-large") {
      connection.streams.consumed(stream, body.discard());
    }
  }
  return frame.endStream ? endRemote(connection, stream) : null;
}

/** RST_STREAM: the client gives up a stream. */
function receiveRstStream(
  connection: Http2Connection,
  frame: RstStreamFrame,
): Http2Error | null {
  const found = connection.streams.table.lookup(frame.streamId);
  if (found.state === "idle") {
    return connectionError(
      ERROR_CODE.PROTOCOL_ERROR,
      "RST_STREAM on an idle stream",
    );
  }
  if (found.state === "closed" || found.stream.reset) return null;
  // Rapid reset (CVE-2023-44487): the stream keeps its place against the
  // concurrency limit until its handler returns, and every reset counts.
  const flood = connection.floods("resets");
  if (flood !== null) return flood;
  connection.streams.reset(found.stream, frame.errorCode, true);
  return null;
}

/** A stream's WINDOW_UPDATE (§6.9.1). */
function receiveWindowUpdate(
  connection: Http2Connection,
  frame: WindowUpdateFrame,
): Http2Error | null {
  const found = connection.streams.table.lookup(frame.streamId);
  if (found.state === "idle") {
    return connectionError(
      ERROR_CODE.PROTOCOL_ERROR,
      "WINDOW_UPDATE on an idle stream",
    );
  }
  if (found.state === "closed" || found.stream.reset) return null;
  const output = found.stream.output;
  if (output.sendWindow + frame.increment > MAX_WINDOW_SIZE) {
    return connection.streams.error(
      frame.streamId,
      ERROR_CODE.FLOW_CONTROL_ERROR,
    );
  }
  output.sendWindow += frame.increment;
  connection.scheduler.wake(output);
  return null;
}
