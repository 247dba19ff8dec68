/**
 * A handler's `Response` into one stream's output: the fields, then the
 * body with backpressure (each chunk waits for room in the output, which
 * empties as the peer's windows allow), then END_STREAM. In-memory bodies
 * get an exact `content-length`; a live body gets the handler's, held to
 * it (RFC 9113 §8.1.1: a mismatch would make the response malformed, so
 * the stream is reset instead). HEAD, 204 and 304 send no body (RFC 9110
 * §6.4.1), HEAD and 304 with the length GET would have.
 *
 * @module
 */

import {
  type BodyProbe,
  knownLength,
  PENDING,
  probeBody,
  untilAborted,
} from "../http1/probe_body.ts";
import { ResponseBodyError } from "../http1/response_body_error.ts";
import { ERROR_CODE } from "./error_codes.ts";
import type { HeaderField } from "./hpack/field_representation.ts";
import type { Http2Stream } from "./http2_stream.ts";
import { responseFields } from "./response_fields.ts";

/** Where a response goes, and how the connection is told. */
export interface ResponseTarget {
  /** The stream answered. */
  readonly stream: Http2Stream;
  /** Whether the request was HEAD. */
  readonly isHead: boolean;
  /** The stream's output has something new to send. */
  wake(): void;
  /** End the stream with RST_STREAM `code`: its response cannot finish. */
  reset(code: number): void;
}

/**
 * Queue `response` on the target's stream. Resolves once all of it is
 * queued (END_STREAM included), or the stream was reset.
 *
 * @param target The stream and its connection.
 * @param response The handler's answer.
 * @throws {ResponseBodyError} When the body failed before anything was
 *   queued: the caller can still answer 500.
 */
export async function sendResponse(
  target: ResponseTarget,
  response: Response,
): Promise<void> {
  const { stream } = target;
  const { fields, declaredLength } = responseFields(response);
  const body = response.body;
  if (body !== null && (response.bodyUsed || body.locked)) {
    throw new ResponseBodyError("Response body already used or locked");
  }
  const status = response.status;
  const sendsNone = target.isHead || status === 204 || status === 304;
  if (body === null || sendsNone) {
    let length = declaredLength;
    const describesGet = status !== 204 && status !== 304;
    if (target.isHead && body !== null && length < 0 && describesGet) {
      length = await knownLength(body); // what GET would frame (§9.3.2)
    } else if (body !== null) await body.cancel().catch(() => {});
    // A null body is an empty one; HEAD and 304 describe GET's.
    if (!sendsNone) length = 0;
    else if (status === 204) length = -1;
    queueHead(target, fields, length);
    stream.output.ending = true;
    target.wake();
    return;
  }
  const probe = await probeBody(body, declaredLength, stream.signal);
  if (probe.isWhole) {
    const first = probe.first;
    queueHead(target, fields, first?.length ?? 0);
    if (first !== null) stream.output.push(first);
    stream.output.ending = true;
    target.wake();
    return;
  }
  queueHead(target, fields, declaredLength);
  await streamBody(target, probe, declaredLength);
}

/** The response's fields, `content-length` added when it is known. */
function queueHead(
  target: ResponseTarget,
  fields: HeaderField[],
  length: number,
): void {
  if (length >= 0) {
    fields.push({ name: "content-length", value: String(length) });
  }
  target.stream.status = Number(fields[0].value);
  target.stream.output.head = fields;
}

/**
 * The rest of a live body: each chunk queued, then a wait for room. A body
 * that fails, or does not match its declared length, resets the stream.
 */
async function streamBody(
  target: ResponseTarget,
  probe: BodyProbe,
  declaredLength: number,
): Promise<void> {
  const { output, signal } = target.stream;
  let chunk: Uint8Array | null = probe.first;
  let pending = probe.second === PENDING ? probe.secondRead : null;
  let queued = probe.second === PENDING ? null : probe.second;
  probe.first = null;
  let written = 0;
  try {
    while (chunk !== null) {
      if (declaredLength >= 0 && written + chunk.length > declaredLength) {
        // Never more than declared: the stream ends in a reset instead.
        throw new Error("Response body longer than its content-length");
      }
      output.push(chunk);
      written += chunk.length;
      target.wake();
      const room = output.room();
      if (room !== null) await room;
      if (output.aborted) {
        await probe.cancel().catch(() => {});
        return;
      }
      if (queued !== null) {
        chunk = queued;
        queued = null;
      } else {
        chunk = await untilAborted(pending ?? probe.read(), signal);
        pending = null;
      }
    }
    if (declaredLength >= 0 && written !== declaredLength) {
      throw new Error("Response body shorter than its content-length");
    }
    output.ending = true;
    target.wake();
  } catch (error) {
    probe.cancel(error).catch(() => {});
    // The fields are queued (perhaps sent): only a reset is left.
    if (!output.aborted) target.reset(ERROR_CODE.INTERNAL_ERROR);
  }
}
