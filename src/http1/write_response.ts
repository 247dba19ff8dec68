/**
 * A `Response` onto the wire (RFC 9112 §4, §6), in four steps: build the
 * head (`response_head.ts`), probe the body (`probe_body.ts`), choose the
 * framing from what is known about the body, and write: the whole body with
 * its head in one `write` when it is small and all there, else stream it
 * with backpressure (`stream_body.ts`).
 *
 * @module
 */

import { COALESCE_MAX_BYTES } from "../http/encode_head.ts";
import { answerBuffers } from "./answer_buffers.ts";
import type { Conn } from "./conn.ts";
import { knownLength, probeBody } from "./probe_body.ts";
import { ResponseBodyError } from "./response_body_error.ts";
import { ResponseHead } from "./response_head.ts";
import { streamBody } from "./stream_body.ts";
import { writeAll, type WriteWatch } from "./write_all.ts";

/** What the writer needs to know about the request being answered. */
export interface ResponseContext {
  /** `true` for HEAD: headers as for GET, no body (RFC 9110 §9.3.2). */
  isHead: boolean;
  /** The request's minor version; 0 means HTTP/1.0 framing rules. */
  minorVersion: 0 | 1;
  /** Whether the connection may persist, before looking at the response. */
  keepAlive: boolean;
  /**
   * Aborted when the connection closes: a body stalled waiting for its next
   * chunk is then cancelled instead of waited on forever.
   */
  signal?: AbortSignal;
  /**
   * Kept up to date with the body bytes written so far, so that a response
   * cut short by the client is still counted in access logs.
   */
  progress?: { bodyBytes: number };
  /** Arms the connection's send deadline around each write. */
  watch?: WriteWatch;
}

/** How a response went out. */
export interface WriteResult {
  /** Whether the connection may carry another request. */
  keepAlive: boolean;
  /** Body bytes written (not counting framing). */
  bodyBytes: number;
}

/**
 * Serialize and write `response` as the answer to one request.
 *
 * Framing (RFC 9112 §6.1, §6.3): no body for HEAD, 1xx, 204 and 304; a body
 * whose size is known gets `Content-Length` (the handler's, when it set one,
 * is enforced: a body that ends short or runs long closes the connection);
 * otherwise chunked for HTTP/1.1 and close-delimited for HTTP/1.0.
 *
 * @param conn Where to write.
 * @param response The handler's answer.
 * @param context What the request allows.
 * @returns Whether the connection may persist, and the body bytes written.
 * @throws {ResponseBodyError} when the body failed before anything was
 *   written (the caller can still answer 500); any other error means the
 *   connection is broken and must close.
 */
export async function writeResponse(
  conn: Conn,
  response: Response,
  context: ResponseContext,
): Promise<WriteResult> {
  const head = new ResponseHead(response, context.keepAlive);
  const body = response.body;
  if (body !== null && (response.bodyUsed || body.locked)) {
    // Nothing written yet: the caller can still answer 500.
    throw new ResponseBodyError("Response body already used or locked");
  }
  const status = head.status;
  if (
    body === null || context.isHead || status < 200 || status === 204 ||
    status === 304
  ) {
    return await writeBodiless(conn, head, body, context);
  }
  const probe = await probeBody(body, head.declaredLength, context.signal);
  const first = probe.first;
  if (probe.isWhole) {
    // The whole body is known: one write, exact Content-Length.
    const bodyBytes = first?.length ?? 0;
    head.addLength(bodyBytes);
    // The head never goes out alone: with the body, or its first part (a
    // head in a segment of its own costs the client a wake-up).
    const embed = Math.min(bodyBytes, COALESCE_MAX_BYTES);
    // A reused buffer: every byte of it is this answer's.
    const bytes = head.encode(context.minorVersion, embed, answerBuffers);
    if (first !== null) {
      bytes.set(
        embed === bodyBytes ? first : first.subarray(0, embed),
        bytes.length - embed,
      );
    }
    await writeShelved(conn, bytes, context.watch);
    if (first !== null && embed < bodyBytes) {
      await writeAll(conn, first.subarray(embed), context.watch);
    }
    return { keepAlive: head.keepAlive, bodyBytes };
  }
  // A live stream: framing by the handler's Content-Length, else chunked
  // (HTTP/1.1) or connection close (HTTP/1.0).
  head.frameStream(context.minorVersion);
  return await streamBody(conn, head, probe, context);
}

/**
 * A response that sends no body: HEAD, 1xx, 204, 304, or a null body. HEAD
 * and 304 still describe the representation GET would send.
 */
async function writeBodiless(
  conn: Conn,
  head: ResponseHead,
  body: ReadableStream<Uint8Array> | null,
  context: ResponseContext,
): Promise<WriteResult> {
  const status = head.status;
  const sendsNone = context.isHead || status < 200 || status === 204 ||
    status === 304;
  let length = head.declaredLength;
  if (
    context.isHead && body !== null && length < 0 && status >= 200 &&
    status !== 204 && status !== 304
  ) {
    // RFC 9110 §9.3.2: HEAD gets the headers GET would, Content-Length
    // included when GET would send one (an in-memory body).
    length = await knownLength(body);
  } else if (body !== null) await body.cancel().catch(() => {});
  if (!sendsNone) head.addLength(0);
  else if (length >= 0 && (context.isHead || status === 304)) {
    head.addLength(length);
  }
  const bytes = head.encode(context.minorVersion, 0, answerBuffers);
  await writeShelved(conn, bytes, context.watch);
  return { keepAlive: head.keepAlive, bodyBytes: 0 };
}

/**
 * Write an answer taken from `answerBuffers` whole, then give its buffer
 * back: only once the write has settled, and not after a failed write.
 */
async function writeShelved(
  conn: Conn,
  bytes: Uint8Array,
  watch: WriteWatch | undefined,
): Promise<void> {
  try {
    await writeAll(conn, bytes, watch);
  } catch (error) {
    answerBuffers.forget(bytes);
    throw error;
  }
  answerBuffers.give(bytes); // written: the runtime holds it no more
}
