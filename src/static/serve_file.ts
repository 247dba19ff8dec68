/**
 * `serveFile()`: a drop-in for `@std/http`'s function of the same name.
 *
 * @module
 */

import { resolve } from "node:path";
import type { EtagAlgorithm } from "./etag.ts";
import { loadEntry } from "./file_entry.ts";
import { respondWithFile } from "./file_response.ts";
import { cacheControlFor } from "./cache_control.ts";
import { ALLOWED_METHODS, fsErrorStatus } from "./static_handler.ts";
import { statusResponse } from "./status_response.ts";

/**
 * Options for {@linkcode serveFile}, as in `@std/http`'s `ServeFileOptions`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { serveFile, type ServeFileOptions } from "./serve_file.ts";
 *
 * const options: ServeFileOptions = { etagAlgorithm: "SHA-1" };
 * const response = await serveFile(new Request("http://localhost/"), "./missing.txt", options);
 * assert.equal(response.status, 404);
 * await response.body?.cancel();
 * ```
 */
export interface ServeFileOptions {
  /**
   * The hash used for the ETag.
   *
   * @default {"SHA-256"}
   */
  etagAlgorithm?: EtagAlgorithm;
  /**
   * A `Deno.stat` result for the file. Accepted for compatibility; berth
   * stats the file itself so the validators always describe the bytes sent.
   *
   * @default {undefined}
   */
  fileInfo?: Deno.FileInfo;
}

/**
 * Answer a request with one file, like `@std/http`'s `serveFile`: the path
 * is used as given (no root, no dotfile rule — the caller chose it), with
 * berth's full HTTP semantics: media type, strong ETag, `Last-Modified`,
 * preconditions, ranges and multipart ranges, on-the-fly gzip, HEAD.
 * Missing files and directories are 404, unreadable ones 403; methods other
 * than GET and HEAD get 405 (`OPTIONS` 204).
 *
 * @param request The request to answer.
 * @param filePath The file to send.
 * @param options See {@linkcode ServeFileOptions}.
 * @returns The response.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { serveFile } from "./serve_file.ts";
 *
 * const path = await Deno.makeTempFile({ suffix: ".json" });
 * try {
 *   await Deno.writeTextFile(path, '{"ok":true}');
 *   const response = await serveFile(new Request("http://localhost/data"), path);
 *   assert.equal(response.headers.get("content-type"), "application/json; charset=utf-8");
 *   assert.deepEqual(await response.json(), { ok: true });
 * } finally {
 *   await Deno.remove(path);
 * }
 * ```
 */
export async function serveFile(
  request: Request,
  filePath: string,
  options: ServeFileOptions = {},
): Promise<Response> {
  const response = await answer(request, filePath, options);
  response.headers.set("x-content-type-options", "nosniff");
  return response;
}

async function answer(
  request: Request,
  filePath: string,
  options: ServeFileOptions,
): Promise<Response> {
  const method = request.method;
  if (method === "OPTIONS") {
    return statusResponse(204, method, { allow: ALLOWED_METHODS });
  }
  if (method !== "GET" && method !== "HEAD") {
    return statusResponse(405, method, { allow: ALLOWED_METHODS });
  }
  const path = resolve(filePath);
  for (let attempt = 0; attempt < 2; attempt++) {
    let entry;
    try {
      entry = await loadEntry(path, undefined, {
        root: null,
        rootReal: null,
        followSymlinks: "always",
        dotfiles: true,
        precompressed: false,
        etag: true,
        etagAlgorithm: options.etagAlgorithm ?? "SHA-256",
        now: 0,
      });
    } catch (error) {
      const status = fsErrorStatus(error);
      if (status === null) throw error;
      return statusResponse(status, method);
    }
    if (entry?.kind !== "file") return statusResponse(404, method);
    let response: Response | null;
    try {
      response = await respondWithFile(request, entry, {
        cache: null,
        maxInMemoryBytes: 1024 * 1024,
        gzip: true,
        cacheControl: cacheControlFor(undefined, entry.name, entry.contentType),
        maxRanges: 16,
      });
    } catch (error) {
      const status = fsErrorStatus(error);
      if (status === null) throw error;
      return statusResponse(status, method);
    }
    if (response !== null) return response;
  }
  return statusResponse(503, method, { "retry-after": "1" });
}
