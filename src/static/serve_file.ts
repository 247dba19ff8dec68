/**
 * `serveFile()`: a drop-in for `@std/http`'s function of the same name.
 *
 * @module
 */

import { resolve } from "node:path";
import type { FileEntry } from "./file_cache.ts";
import {
  describeOpened,
  loadEntry,
  type LoadEntryOptions,
} from "./file_entry.ts";
import { responseOf } from "./memory_answer.ts";
import { respondWithCurrentFile } from "./respond_with_current_file.ts";
import { cacheControlFor } from "./cache_control.ts";
import { STD_CONVENTIONS } from "./answer_conventions.ts";
import { ALLOWED_METHODS } from "./cors.ts";
import { fsErrorStatus } from "./fs_error_status.ts";
import { statusResponse } from "./status_response.ts";
import { asStdAnswer, stdEtagAlgorithm } from "./std_answer.ts";

/**
 * Options for {@linkcode serveFile}, as in `@std/http`'s `ServeFileOptions`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { serveFile } from "@berth/berth";
 *
 * const path = await Deno.makeTempFile();
 * try {
 *   await Deno.writeTextFile(path, "hello");
 *   const options = { etagAlgorithm: "SHA-1" } as const;
 *   const first = await serveFile(new Request("http://localhost/a"), path, options);
 *   await first.body?.cancel();
 *   // A client revalidating its copy with the ETag gets no body again.
 *   const headers = { "if-none-match": first.headers.get("etag")! };
 *   const again = await serveFile(new Request("http://localhost/a", { headers }), path, options);
 *   assert.equal(again.status, 304);
 * } finally {
 *   await Deno.remove(path);
 * }
 * ```
 */
export interface ServeFileOptions {
  /**
   * The hash behind the ETag: a Web Crypto name (`"SHA-1"`, `"SHA-256"`,
   * `"SHA-384"`, `"SHA-512"`, or `{ name }`, any case), or `"fnv1a"`.
   *
   * @default {"SHA-256"}
   */
  etagAlgorithm?: AlgorithmIdentifier;
  /**
   * A `Deno.stat` result for the file. Accepted for compatibility; berth
   * stats the file itself so the validators always describe the bytes sent.
   *
   * @default {undefined}
   */
  fileInfo?: Deno.FileInfo;
  /**
   * Not in std (which never compresses): gzip a compressible file on the
   * fly for a client that accepts it.
   *
   * @default {false}
   */
  compress?: boolean;
}

/**
 * Answer a request with one file, like `@std/http`'s `serveFile`: the path
 * is used as given (no root, no dotfile rule — the caller chose it), with
 * berth's full HTTP semantics: media type, strong ETag, `Last-Modified`,
 * preconditions, ranges and multipart ranges, HEAD, and gzip only with
 * `compress`. Answers are written as std writes them (see `serveDir`).
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
 * import { serveFile } from "@berth/berth";
 *
 * const path = await Deno.makeTempFile({ suffix: ".json" });
 * try {
 *   await Deno.writeTextFile(path, '{"ok":true}');
 *   const response = await serveFile(new Request("http://localhost/data"), path);
 *   assert.equal(response.headers.get("content-type"), "application/json; charset=UTF-8");
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
  return await asStdAnswer(request, response, { cors: false });
}

/** Bodies up to this size are read whole; larger ones stream. */
const MAX_IN_MEMORY_BYTES = 1024 * 1024;

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
  // The caller chose the path: no containment, symlinks followed.
  const loadOptions: LoadEntryOptions = {
    containment: { kind: "anywhere", root: "", rootReal: "", dotfiles: true },
    precompressed: false,
    etag: true,
    etagAlgorithm: stdEtagAlgorithm(options.etagAlgorithm),
    now: 0,
    readBytesUpTo: MAX_IN_MEMORY_BYTES,
  };
  const notFound = () => statusResponse(404, method);
  const find = async (): Promise<FileEntry | Response> => {
    try {
      const entry = await loadEntry(path, undefined, loadOptions);
      return entry?.kind === "file" ? entry : notFound();
    } catch (error) {
      const status = fsErrorStatus(error);
      if (status === null) throw error;
      return statusResponse(status, method);
    }
  };
  const entry = await find();
  if (entry instanceof Response) return entry;
  try {
    const answer = await respondWithCurrentFile(request, entry, {
      options: (current) => ({
        cache: null,
        maxInMemoryBytes: MAX_IN_MEMORY_BYTES,
        gzip: options.compress ?? false,
        cacheControl: cacheControlFor(
          undefined,
          current.name,
          current.contentType,
        ),
        maxRanges: 16,
        emptyFileRanges: STD_CONVENTIONS.emptyFileRanges,
      }),
      changed() {},
      find,
      describe: (current, file) => describeOpened(current, file, loadOptions),
      gone: notFound,
    });
    // Nothing is kept between calls: there is no fast lane to tell.
    return responseOf(answer);
  } catch (error) {
    const status = fsErrorStatus(error);
    if (status === null) throw error;
    return statusResponse(status, method);
  }
}
