/**
 * The ordinary path for one parsed request: refuse what the engine must,
 * stream the body, call the handler, write its response, and settle what
 * the handler left of the body. The fast lane, when it answers, skips all
 * of this.
 *
 * @module
 */

import { errorToResponse } from "../http/error_response.ts";
import { httpDate } from "../http/http_date.ts";
import { buildRequest, isUnservableMethod } from "./build_request.ts";
import { HandlerInfo } from "./handler.ts";
import type { Http1Connection } from "./http1_connection.ts";
import { RequestBody } from "./request_body.ts";
import type { RequestHead } from "./request_head.ts";
import { ResponseBodyError } from "./response_body_error.ts";
import { writeAll } from "./write_all.ts";
import {
  type ResponseContext,
  writeResponse,
  type WriteResult,
} from "./write_response.ts";

/** Unread body bytes worth reading to keep a connection; past it, close. */
const MAX_DRAIN_BYTES = 256 * 1024;
const encoder = new TextEncoder();

/**
 * Serve one parsed request through the handler.
 *
 * @param connection The connection it came on.
 * @param head The parsed head; the reader is positioned after it.
 * @returns Whether the connection persists.
 * @throws When the connection broke; the connection task then closes it.
 */
export async function serveRequest<Addr extends Deno.Addr>(
  connection: Http1Connection<Addr>,
  head: RequestHead,
): Promise<boolean> {
  const options = connection.options;
  const startedAt = options.onResponse === undefined ? 0 : performance.now();
  if (head.contentLength > options.limits.maxBodyBytes) {
    return await refuse(connection, head, startedAt, 413);
  }
  if (isUnservableMethod(head.method)) {
    return await refuse(connection, head, startedAt, 501);
  }
  if (head.target === "*") {
    return await answerOptionsStar(connection, head, startedAt);
  }

  const body = head.contentLength === 0 ? null : new RequestBody(
    connection.reader,
    head.contentLength,
    connection.bodyOptions(head.expectContinue),
  );
  const info = new HandlerInfo(connection.remoteAddr);
  let response: Response;
  const request = buildRequest(head, connection.scheme, body);
  if (request === null) return await refuse(connection, head, startedAt, 400);
  try {
    response = await connection.handler(request, info);
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
      return await refuse(connection, head, startedAt, body.errorStatus);
    }
    response = await errorToResponse(options.onError, error);
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
  const context: ResponseContext = {
    signal: connection.signal,
    progress,
    watch: connection.responseWatch,
    isHead: head.method === "HEAD",
    minorVersion: head.minorVersion,
    keepAlive: head.keepAlive && !options.tracker.shuttingDown &&
      !bodyUncertain && !(body !== null && body.errorStatus !== 0),
  };
  let result: WriteResult;
  try {
    result = await writeResponse(connection.conn, response, context);
  } catch (error) {
    if (!(error instanceof ResponseBodyError)) {
      info.finish(false);
      body?.detach();
      const sent = progress.bodyBytes;
      connection.report(head, startedAt, {
        status: response.status,
        bodyBytes: sent,
        headers: response.headers,
      });
      throw error;
    }
    try {
      response = await errorToResponse(options.onError, error);
      result = await writeResponse(connection.conn, response, context);
    } catch (writeError) {
      // Settle `completed` whichever way the connection ends.
      info.finish(false);
      body?.detach();
      throw writeError;
    }
  }
  connection.responding = false;
  connection.responseWatch.pending = null;
  info.finish(true);
  connection.report(head, startedAt, {
    status: response.status,
    bodyBytes: result.bodyBytes,
    headers: response.headers,
  });
  if (body === null) return result.keepAlive;
  return await settleBody(connection, body, bodyUncertain, result.keepAlive);
}

/** Log and answer a request the engine refuses, then close. */
async function refuse<Addr extends Deno.Addr>(
  connection: Http1Connection<Addr>,
  head: RequestHead,
  startedAt: number,
  status: number,
): Promise<false> {
  connection.report(head, startedAt, { status, bodyBytes: 0 });
  await connection.rejectAndClose(status);
  return false;
}

/**
 * RFC 9110 §9.3.7: `OPTIONS *` asks about the server as a whole. Its body,
 * if any, is never read here: keeping the connection would parse that body
 * as the next request (smuggling), so the connection closes instead.
 */
async function answerOptionsStar<Addr extends Deno.Addr>(
  connection: Http1Connection<Addr>,
  head: RequestHead,
  startedAt: number,
): Promise<boolean> {
  const keepAlive = head.keepAlive && head.contentLength === 0 &&
    !connection.options.tracker.shuttingDown;
  const bytes = encoder.encode(
    `HTTP/1.1 204 No Content\r\ndate: ${httpDate()}\r\n` +
      (keepAlive ? "" : "connection: close\r\n") + "\r\n",
  );
  await writeAll(connection.conn, bytes, connection.sendWatch);
  connection.report(head, startedAt, { status: 204, bodyBytes: 0 });
  if (!keepAlive) await connection.lingeringClose();
  return keepAlive;
}

/**
 * After the response: read away what the handler left of the body, or close
 * when it cannot be (broken framing, too much left, a client that may or
 * may not send it).
 *
 * @returns Whether the connection persists.
 */
async function settleBody<Addr extends Deno.Addr>(
  connection: Http1Connection<Addr>,
  body: RequestBody,
  bodyUncertain: boolean,
  keepAlive: boolean,
): Promise<boolean> {
  if (bodyUncertain && !connection.continueSent) {
    // The client may send the body anyway; read it away before closing
    // so the close does not reset the connection under the response. The
    // handler may no longer read it: the linger's deadline stays the one.
    body.detach();
    await connection.lingeringClose();
    return false;
  }
  if (body.errorStatus !== 0) {
    await connection.lingeringClose();
    return false;
  }
  let drained: boolean;
  connection.draining = true;
  try {
    drained = await body.drain(MAX_DRAIN_BYTES);
  } finally {
    connection.draining = false;
  }
  if (!drained) {
    if (keepAlive) await connection.lingeringClose();
    return false;
  }
  return keepAlive;
}
