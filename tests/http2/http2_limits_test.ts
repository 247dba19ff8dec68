/**
 * resolveHttp2Limits(): defaults filled in, and every value HTTP/2 cannot
 * carry refused at `serve()` time with a RangeError that names it.
 */

import assert from "node:assert/strict";
import {
  DEFAULT_HTTP2_LIMITS,
  resolveHttp2Limits,
} from "../../src/http2/http2_limits.ts";

Deno.test("resolveHttp2Limits() fills in every default", () => {
  assert.deepEqual(resolveHttp2Limits(), DEFAULT_HTTP2_LIMITS);
  assert.deepEqual(resolveHttp2Limits({ maxConcurrentStreams: 7 }), {
    ...DEFAULT_HTTP2_LIMITS,
    maxConcurrentStreams: 7,
  });
});

Deno.test("resolveHttp2Limits() accepts each range's ends", () => {
  const low = resolveHttp2Limits({
    maxConcurrentStreams: 1,
    initialWindowBytes: 1,
    connectionWindowBytes: 65_535,
    maxFrameBytes: 16_384,
  });
  assert.deepEqual(low, {
    maxConcurrentStreams: 1,
    initialWindowBytes: 1,
    connectionWindowBytes: 65_535,
    maxFrameBytes: 16_384,
  });
  const high = resolveHttp2Limits({
    initialWindowBytes: 2 ** 31 - 1,
    connectionWindowBytes: 2 ** 31 - 1,
    maxFrameBytes: 2 ** 24 - 1,
  });
  assert.equal(high.maxFrameBytes, 2 ** 24 - 1);
  assert.equal(high.initialWindowBytes, 2 ** 31 - 1);
});

const refused: [string, Record<string, number>, RegExp][] = [
  ["no streams", { maxConcurrentStreams: 0 }, /maxConcurrentStreams: "0"/],
  ["a fraction", { initialWindowBytes: 1.5 }, /initialWindowBytes: "1.5"/],
  ["a window over 2^31-1", { initialWindowBytes: 2 ** 31 }, /2147483647/],
  [
    "a connection window below 65535 (RFC 9113 §6.9.2)",
    { connectionWindowBytes: 65_534 },
    /connectionWindowBytes: "65534" \(expected an integer from 65535/,
  ],
  ["a frame size below 2^14", { maxFrameBytes: 16_383 }, /maxFrameBytes/],
  ["a frame size over 2^24-1", { maxFrameBytes: 2 ** 24 }, /maxFrameBytes/],
  ["NaN", { maxFrameBytes: NaN }, /maxFrameBytes: "NaN"/],
];

for (const [name, options, message] of refused) {
  Deno.test(`resolveHttp2Limits() refuses ${name}`, () => {
    assert.throws(() => resolveHttp2Limits(options), {
      name: "RangeError",
      message,
    });
  });
}
