/**
 * HTTP/2's own limits: what a connection advertises in its SETTINGS and the
 * flow-control windows it grants, with their defaults and validation. The
 * limits HTTP/1.1 and HTTP/2 share (`maxHeaderBytes`, `maxBodyBytes`, the
 * timeouts) stay in `src/http1/limits.ts` and mean the same here.
 *
 * @module
 */

import {
  MAX_MAX_FRAME_SIZE,
  MAX_WINDOW_SIZE,
  MIN_MAX_FRAME_SIZE,
} from "./settings.ts";

/** The limits only HTTP/2 has. Each is a named option with a default. */
export interface Http2Limits {
  /**
   * SETTINGS_MAX_CONCURRENT_STREAMS: requests a client may have in flight
   * on one connection; one more is refused with REFUSED_STREAM (the client
   * may retry it). A stream the client resets keeps its place until its
   * handler returns, so resetting streams cannot start more handlers than
   * this (rapid reset, CVE-2023-44487).
   *
   * @default {100}
   */
  maxConcurrentStreams?: number;
  /**
   * SETTINGS_INITIAL_WINDOW_SIZE: request-body bytes a client may send on
   * one stream before the handler has read them. Credit is returned
   * (WINDOW_UPDATE) as the handler reads.
   *
   * @default {65536}
   */
  initialWindowBytes?: number;
  /**
   * The connection's receive window: request-body bytes all the streams of
   * one connection may have buffered, unread by their handlers. At least
   * 65535, the window every connection starts with (RFC 9113 §6.9.2).
   *
   * @default {262144}
   */
  connectionWindowBytes?: number;
  /**
   * SETTINGS_MAX_FRAME_SIZE: the largest frame payload accepted, 16384 to
   * 16777215; a larger frame is a FRAME_SIZE_ERROR.
   *
   * @default {16384}
   */
  maxFrameBytes?: number;
}

/** The HTTP/2 limits with every default filled in. */
export type ResolvedHttp2Limits = Required<Http2Limits>;

/** The defaults: 100 streams as nginx and Go; windows that bound memory. */
export const DEFAULT_HTTP2_LIMITS: Readonly<ResolvedHttp2Limits> = Object
  .freeze({
    maxConcurrentStreams: 100,
    initialWindowBytes: 64 * 1024,
    connectionWindowBytes: 256 * 1024,
    maxFrameBytes: MIN_MAX_FRAME_SIZE,
  });

/** Each limit's valid range, inclusive. */
const RANGES: Record<keyof ResolvedHttp2Limits, [number, number]> = {
  maxConcurrentStreams: [1, MAX_WINDOW_SIZE],
  initialWindowBytes: [1, MAX_WINDOW_SIZE],
  connectionWindowBytes: [65_535, MAX_WINDOW_SIZE],
  maxFrameBytes: [MIN_MAX_FRAME_SIZE, MAX_MAX_FRAME_SIZE],
};

/**
 * Fill in defaults and reject values HTTP/2 cannot carry, at `serve()` time.
 *
 * @param options The caller's HTTP/2 limits.
 * @returns Every limit, validated.
 * @throws {RangeError} When a limit is not an integer in its range.
 */
export function resolveHttp2Limits(
  options: Http2Limits = {},
): ResolvedHttp2Limits {
  const limits = { ...DEFAULT_HTTP2_LIMITS };
  for (const key of Object.keys(RANGES) as (keyof ResolvedHttp2Limits)[]) {
    const value = options[key];
    if (value === undefined) continue;
    const [min, max] = RANGES[key];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(
        `Invalid ${key}: "${
          String(value)
        }" (expected an integer from ${min} to ${max})`,
      );
    }
    limits[key] = value;
  }
  return limits;
}
