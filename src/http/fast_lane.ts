/**
 * The one narrow seam between the engine and a handler that can answer
 * some requests from pre-serialized bytes, skipping `Request` and `Response`
 * objects altogether. The engine (`src/http1/`) and the file handler
 * (`src/static/`) both import this folder and never each other; how an
 * answer is laid out on the wire is in `fast_lane_response.ts`.
 *
 * A handler offers a fast lane by carrying a function under
 * {@linkcode FAST_LANE}. The engine asks it first for every GET or HEAD
 * without a body; `undefined` means "take the ordinary path". Under
 * `Deno.serve` the property is simply never looked at, and the handler
 * answers every request itself.
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
 * path (a `Request` to the handler) answer it. Must be synchronous, cheap,
 * and must never answer differently from the handler.
 */
export type FastLane = (
  request: FastLaneRequest,
  nowMs: number,
) => FastLaneResponse | undefined;

/** A handler that may carry a fast lane. */
export interface FastLaneCarrier {
  /** The fast lane, when the handler offers one. */
  readonly [FAST_LANE]?: FastLane;
}
