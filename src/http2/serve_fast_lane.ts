/**
 * A stream answered from the handler's fast lane (`src/http/fast_lane.ts`),
 * as the HTTP/1.1 engine answers a connection's request from it: no
 * `Request`, no `Response`. The lane is asked with the decoded fields as
 * they are; its answer's field list (`src/http/fast_lane_fields.ts`) is
 * encoded once as a state-independent HPACK block and kept with it, so a
 * hit costs a `date` block (one per second) and a copy into the HEADERS
 * frame; the body goes out from the handler's own buffer, through the
 * stream's output and its windows like any other.
 *
 * @module
 */

import {
  askFastLaneAgain,
  type FastLane,
  type FastLaneRequest,
  isFastLaneCandidate,
} from "../http/fast_lane.ts";
import type { FastLaneFieldList } from "../http/fast_lane_fields.ts";
import type { FastLaneResponse } from "../http/fast_lane_response.ts";
import { httpDate } from "../http/http_date.ts";
import { encodeStatelessBlock } from "./hpack/encode_stateless_block.ts";
import type { HeaderField } from "./hpack/field_representation.ts";
import type { Http2Stream } from "./http2_stream.ts";
import type { ResponseTarget } from "./send_response.ts";

/**
 * Ask the lane about a stream's request, if it is one the lane takes (as
 * HTTP/1.1 decides: GET or HEAD, no body, an origin-form path).
 *
 * @param lane The handler's fast lane.
 * @param stream The stream, its request checked.
 * @returns The answer; a promise of it (or of none) when the lane asked to
 *   wait; `undefined` for the ordinary path.
 */
export function askFastLane(
  lane: FastLane,
  stream: Http2Stream,
): FastLaneResponse | Promise<FastLaneResponse | undefined> | undefined {
  const head = stream.head!;
  // The client may still send DATA until it ends the stream: a body, then.
  const length = stream.remoteEnded ? 0 : head.contentLength;
  if (!isFastLaneCandidate(head.method, head.path, length)) return undefined;
  const request: FastLaneRequest = {
    method: head.method,
    target: head.path,
    headerNames: head.headerNames,
    headerValues: head.headerValues,
  };
  const answer = lane(request, Date.now());
  return answer instanceof Promise
    ? askFastLaneAgain(lane, request, answer)
    : answer;
}

/**
 * Queue a lane's answer on its stream: the kept block and `date` as the
 * HEADERS, then the body (not for HEAD) and END_STREAM.
 *
 * @param target The stream and its connection.
 * @param answer The lane's answer.
 * @returns `false` when the answer has no field list (the ordinary path
 *   answers), else `true`.
 */
export function sendFastLaneAnswer(
  target: ResponseTarget,
  answer: FastLaneResponse,
): boolean {
  const list = answer.fieldList;
  if (list === undefined) return false;
  const { stream } = target;
  if (stream.reset) return true;
  list.encoded ??= encodeFieldList(list);
  stream.status = list.status;
  stream.explain = answer.explain ?? "";
  const output = stream.output;
  output.head = { stateless: [list.encoded, dateBlock(Date.now())] };
  if (!target.isHead && list.body !== null) output.push(list.body);
  output.ending = true;
  target.wake();
  return true;
}

/**
 * A fast-lane answer's field list as a state-independent block: `:status`,
 * the fields (a `set-cookie` never indexed, as `responseFields()` sends
 * it), then `content-length`. No longer than `fieldListBlockBound()`.
 *
 * @param list The answer's fields.
 * @returns The block, without `date`.
 */
export function encodeFieldList(list: FastLaneFieldList): Uint8Array {
  const fields: HeaderField[] = [{ name: ":status", value: `${list.status}` }];
  for (let i = 0; i < list.names.length; i++) {
    const name = list.names[i];
    fields.push({
      name,
      value: list.values[i],
      neverIndex: name === "set-cookie",
    });
  }
  if (list.contentLength >= 0) {
    fields.push({ name: "content-length", value: `${list.contentLength}` });
  }
  return encodeStatelessBlock(fields);
}

let dateSecond = -1;
let dateBytes: Uint8Array = new Uint8Array(0);

/** `date` for the second of `nowMs`, as a state-independent block. */
function dateBlock(nowMs: number): Uint8Array {
  const second = Math.floor(nowMs / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateBytes = encodeStatelessBlock([
      { name: "date", value: httpDate(nowMs) },
    ]);
  }
  return dateBytes;
}
