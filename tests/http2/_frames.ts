/**
 * Frame helpers for the HTTP/2 codec tests: raw frames built by hand (not
 * by the serializers under test), and a check for typed errors.
 */

import assert from "node:assert/strict";
import type { RawFrame } from "../../src/http2/frame_header.ts";
import { errorCodeName } from "../../src/http2/error_codes.ts";
import { type ErrorScope, Http2Error } from "../../src/http2/http2_error.ts";
import { concat, hex } from "./_bytes.ts";

/** A raw frame; `payload` as hex. */
export function raw(
  type: number,
  flags: number,
  streamId: number,
  payload = "",
): RawFrame {
  return { type, flags, streamId, payload: hex(payload) };
}

/** A frame's wire bytes, header written by hand. */
export function wire(frame: RawFrame, reservedBit = false): Uint8Array {
  const { payload, streamId } = frame;
  const header = Uint8Array.of(
    payload.length >>> 16,
    (payload.length >>> 8) & 0xff,
    payload.length & 0xff,
    frame.type,
    frame.flags,
    (streamId >>> 24) | (reservedBit ? 0x80 : 0),
    (streamId >>> 16) & 0xff,
    (streamId >>> 8) & 0xff,
    streamId & 0xff,
  );
  return concat(header, payload);
}

/** The error expected: its code's name, its scope, its reason. */
export interface WantError {
  code: string;
  scope: ErrorScope;
  reason: string;
}

/** Assert that `result` is the `Http2Error` described. */
export function assertError(
  result: unknown,
  want: WantError,
  streamId = 0,
): void {
  assert.ok(result instanceof Http2Error, `an Http2Error, not ${result}`);
  assert.deepEqual(
    {
      code: errorCodeName(result.code),
      scope: result.scope,
      reason: result.message,
      streamId: result.streamId,
    },
    { ...want, streamId: want.scope === "stream" ? streamId : 0 },
  );
}

/** A parse case: a raw frame and the frame (bytes as hex) or error wanted. */
export interface ParseCase {
  name: string;
  frame: RawFrame;
  want: Record<string, unknown> | WantError;
}

/** A parsed frame with every byte array shown as hex, for deepEqual. */
export function readable(frame: object): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(frame).map(([key, value]) => [
      key,
      value instanceof Uint8Array
        ? Array.from(value, (b) => b.toString(16).padStart(2, "0")).join("")
        : value,
    ]),
  );
}

/** One Deno.test per case: `parse` must give exactly `want`. */
export function testParseCases(
  subject: string,
  parse: (frame: RawFrame) => unknown,
  cases: ParseCase[],
): void {
  for (const { name, frame, want } of cases) {
    Deno.test(`${subject} ${name}`, () => {
      const result = parse(frame);
      if ("reason" in want) {
        assertError(result, want as WantError, frame.streamId);
      } else {
        assert.ok(!(result instanceof Http2Error), `unexpected ${result}`);
        assert.deepEqual(readable(result as object), want);
      }
    });
  }
}
