/**
 * One stream's request through the handler and back: the answers the
 * engine gives itself (as the HTTP/1.1 engine gives them), a fast-lane
 * answer when the handler's lane has one (`serve_fast_lane.ts`), the `Request`
 * with its streamed body and abort signal, the handler's errors through
 * `onError`, and the response queued on the stream.
 *
 * @module
 */

import { errorResponse, errorToResponse } from "../http/error_response.ts";
import { isUnservableMethod } from "../http1/build_request.ts";
import type { ServeHandler } from "../http1/handler.ts";
import type { ResolvedLimits } from "../http1/limits.ts";
import { ResponseBodyError } from "../http1/response_body_error.ts";
import type { FastLane } from "../http/fast_lane.ts";
import { ERROR_CODE } from "./error_codes.ts";
import type { Http2Stream } from "./http2_stream.ts";
import type { Http2RequestHead } from "./request_fields.ts";
import { type ResponseTarget, sendResponse } from "./send_response.ts";
import { askFastLane, sendFastLaneAnswer } from "./serve_fast_lane.ts";

/** What a stream needs from its connection. */
export interface StreamServer {
  /** The request handler. */
  readonly handler: ServeHandler<Deno.Addr>;
  /** The shared limits. */
  readonly limits: ResolvedLimits;
  /** Turns a handler error into the response to send. */
  readonly onError: (error: unknown) => Response | Promise<Response>;
  /** The handler's fast lane, when it offers one. */
  readonly fastLane: FastLane | undefined;
  /** Where the stream's response goes. */
  target(stream: Http2Stream): ResponseTarget;
  /** The handler's part is over: its response is queued, or never will be. */
  handled(stream: Http2Stream): void;
}

/**
 * The status the engine answers a request with itself, without the
 * handler: 413 for a body declared too large, 501 for a method a `Request`
 * cannot carry, 204 for `OPTIONS *` (RFC 9110 §9.3.7).
 *
 * @param head The request.
 * @param limits The limits.
 * @returns The status, or `0` when the handler answers.
 */
export function engineStatus(
  head: Http2RequestHead,
  limits: ResolvedLimits,
): number {
  if (head.contentLength > limits.maxBodyBytes) return 413;
  if (isUnservableMethod(head.method)) return 501;
  if (head.path === "*") return 204;
  return 0;
}

/**
 * Answer one stream. Never throws: what goes wrong resets the stream.
 *
 * @param server The connection.
 * @param stream The stream; its `head` is set unless `status` is.
 * @param status A status the engine answers with itself, or `0`.
 */
export async function serveStream(
  server: StreamServer,
  stream: Http2Stream,
  status: number,
): Promise<void> {
  const target = server.target(stream);
  try {
    const lane = server.fastLane;
    let fast = status === 0 && lane !== undefined
      ? askFastLane(lane, stream)
      : undefined;
    // Awaited only when the lane asked to wait: a hit queues at once.
    if (fast instanceof Promise) fast = await fast;
    if (fast !== undefined && sendFastLaneAnswer(target, fast)) return;
    let response = status === 0
      ? await callHandler(server, stream)
      : engineResponse(status);
    if (stream.reset) {
      await response.body?.cancel().catch(() => {});
      return;
    }
    stream.responseHeaders = response.headers;
    try {
      await sendResponse(target, response);
    } catch (error) {
      if (!(error instanceof ResponseBodyError) || stream.reset) throw error;
      response = await errorToResponse(server.onError, error);
      stream.responseHeaders = response.headers;
      await sendResponse(target, response);
    }
  } catch {
    if (!stream.reset) target.reset(ERROR_CODE.INTERNAL_ERROR);
  } finally {
    server.handled(stream);
  }
}

/** The handler's response; a 500 (or the body's status) when it fails. */
async function callHandler(
  server: StreamServer,
  stream: Http2Stream,
): Promise<Response> {
  const head = stream.head!;
  const request = buildRequest(head, stream);
  if (request === null) return errorResponse(400);
  try {
    const response = await server.handler(request, stream.info);
    if (!(response instanceof Response)) {
      throw new TypeError("The handler did not return a Response");
    }
    if (response.type === "error") {
      throw new TypeError("The handler returned a network error");
    }
    return response;
  } catch (error) {
    // A body that broke its limit or its deadline says what to answer.
    const bodyStatus = stream.body?.error?.status ?? 0;
    if (bodyStatus !== 0) return errorResponse(bodyStatus);
    return await errorToResponse(server.onError, error);
  }
}

/** The engine's own answer for `status`. */
function engineResponse(status: number): Response {
  return status === 204
    ? new Response(null, { status })
    : errorResponse(status);
}

/**
 * The handler's `Request`: the URL from `:scheme`, `:authority` and
 * `:path` (as the HTTP/1.1 engine takes an absolute-form target), the
 * body streamed, the signal aborted when the stream is reset.
 */
function buildRequest(
  head: Http2RequestHead,
  stream: Http2Stream,
): Request | null {
  const url = `${head.scheme}://${head.authority || "localhost"}${head.path}`;
  const names = head.headerNames;
  const values = head.headerValues;
  const headers: [string, string][] = new Array(names.length);
  for (let i = 0; i < names.length; i++) headers[i] = [names[i], values[i]];
  try {
    return new Request(url, {
      method: head.method,
      headers,
      body: stream.body?.stream ?? null,
      signal: stream.signal,
      // @ts-ignore: `duplex` is required for a streamed body; the DOM lib
      // of some TypeScript versions does not list it.
      duplex: "half",
    });
  } catch {
    return null;
  }
}
