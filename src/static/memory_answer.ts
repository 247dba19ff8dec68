/**
 * What answering with a file gives the handler: a `Response`, or — for a
 * full 200 to a GET from cached bytes — a {@linkcode MemoryAnswer}, which
 * carries what the fast lane needs to remember it.
 *
 * @module
 */

import type { FileEntry, Representation } from "./file_cache.ts";

/**
 * A full 200 to a GET whose body is a representation's cached bytes: the
 * response, with what the fast lane needs to replay it (see
 * `StaticFastLane.record`). Every other answer is a plain `Response`.
 */
export class MemoryAnswer {
  /**
   * @param response The response (its headers may still change).
   * @param entry The cache entry answered with.
   * @param rep The representation whose bytes are the body.
   * @param body The body: `rep.bytes` when answered.
   */
  constructor(
    readonly response: Response,
    readonly entry: FileEntry,
    readonly rep: Representation,
    readonly body: Uint8Array,
  ) {}
}

/**
 * What answering with a file gives: a response, or one the fast lane may
 * remember ({@linkcode MemoryAnswer}).
 */
export type FileAnswer = Response | MemoryAnswer;

/**
 * The response of an answer.
 *
 * @param answer What answering with a file gave.
 * @returns Its response.
 */
export function responseOf(answer: FileAnswer): Response {
  return answer instanceof MemoryAnswer ? answer.response : answer;
}
