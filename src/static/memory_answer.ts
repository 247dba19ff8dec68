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
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { FileEntry } from "./file_cache.ts";
 * import { MemoryAnswer, responseOf } from "./memory_answer.ts";
 *
 * const body = new TextEncoder().encode("hi");
 * const identity = {
 *   path: "/srv/a.txt", coding: null, size: 2, mtimeMs: 0, dev: 1, ino: 1,
 *   etag: null, bytes: body,
 * };
 * const entry: FileEntry = {
 *   kind: "file", key: identity.path, realPath: identity.path, name: "a.txt",
 *   contentType: "text/plain; charset=utf-8", identity, siblings: [],
 *   gzip: null, checkedAt: 0,
 * };
 * const answer = new MemoryAnswer(new Response(body), entry, identity, body);
 * assert.equal(await responseOf(answer).text(), "hi");
 * ```
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
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type FileAnswer, responseOf } from "./memory_answer.ts";
 *
 * const answer: FileAnswer = new Response(null, { status: 304 });
 * assert.equal(responseOf(answer).status, 304);
 * ```
 */
export type FileAnswer = Response | MemoryAnswer;

/**
 * The response of an answer.
 *
 * @param answer What answering with a file gave.
 * @returns Its response.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { responseOf } from "./memory_answer.ts";
 *
 * const response = new Response("x");
 * assert.equal(responseOf(response), response);
 * ```
 */
export function responseOf(answer: FileAnswer): Response {
  return answer instanceof MemoryAnswer ? answer.response : answer;
}
