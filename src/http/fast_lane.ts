/**
 * The one narrow seam between the engine and a handler that can answer
 * some requests from pre-serialized bytes, skipping `Request` and `Response`
 * objects altogether. The engine (`src/http1/`) and the file handler
 * (`src/static/`) both import this folder and never each other; how an
 * answer is laid out on the wire is in `fast_lane_response.ts`.
 *
 * A handler offers a fast lane by carrying a function under
 * {@linkcode FAST_LANE}. The engine asks it first for every GET or HEAD
 * without a body; `undefined` means "take the ordinary path", and a promise
 * means "what would answer this is being made: ask again once it settles"
 * (the engine asks once more, then takes the ordinary path; see
 * {@linkcode askFastLaneAgain}). Under `Deno.serve` the property is simply
 * never looked at, and the handler answers every request itself.
 *
 * @module
 */

import type { FastLaneResponse } from "./fast_lane_response.ts";

/** The property under which a handler carries its {@linkcode FastLane}. */
export const FAST_LANE: unique symbol = Symbol.for("berth.fastLane");

/** What the fast lane sees of a request: the parsed head, nothing built. */
export interface FastLaneRequest {
  /** `GET` or `HEAD`. */
  readonly method: string;
  /** The raw origin-form request-target, query included. */
  readonly target: string;
  /** Field names, lowercased, parallel to `headerValues`. */
  readonly headerNames: readonly string[];
  /** Field values. */
  readonly headerValues: readonly string[];
}

/**
 * Answer a request from memory, or return `undefined` to let the ordinary
 * path (a `Request` to the handler) answer it, or a promise to be asked
 * again once it settles: an answer for the request is being made (a file
 * it would answer with is loading), and waiting for it costs less than
 * making another. Must be synchronous, cheap, and must never answer
 * differently from the handler; a promise it returns must settle.
 */
export type FastLane = (
  request: FastLaneRequest,
  nowMs: number,
) => FastLaneResponse | Promise<void> | undefined;

/**
 * What the engine does with a fast lane's promise: wait for it, then ask
 * the lane once more. Once only: a second promise, like a promise that
 * rejects, means the ordinary path.
 *
 * @param lane The fast lane that returned `wait`.
 * @param request The request it was asked about.
 * @param wait What it returned.
 * @returns The lane's answer, or `undefined` for the ordinary path.
 */
export async function askFastLaneAgain(
  lane: FastLane,
  request: FastLaneRequest,
  wait: Promise<void>,
): Promise<FastLaneResponse | undefined> {
  try {
    await wait;
  } catch {
    return undefined;
  }
  const again = lane(request, Date.now());
  return again instanceof Promise ? undefined : again;
}

/**
 * Whether the fast lane is asked about a request at all: a GET or HEAD
 * with no body, for an origin-form target. Both engines ask it the same.
 *
 * @param method The request method.
 * @param target The request-target (`:path` in HTTP/2).
 * @param contentLength The body's length: `0` for none, `-1` when a body
 *   of unknown length may follow.
 * @returns `true` when the lane is to be asked.
 */
export function isFastLaneCandidate(
  method: string,
  target: string,
  contentLength: number,
): boolean {
  return contentLength === 0 && (method === "GET" || method === "HEAD") &&
    target.charCodeAt(0) === 0x2f; // "/"
}

/** A handler that may carry a fast lane. */
export interface FastLaneCarrier {
  /** The fast lane, when the handler offers one. */
  readonly [FAST_LANE]?: FastLane;
}
