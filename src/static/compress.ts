/**
 * On-the-fly gzip with the built-in `CompressionStream`.
 *
 * @module
 */

import { isCompressible } from "./media_types.ts";

/**
 * Smallest body worth compressing on the fly: below about 1 KiB, gzip's
 * framing and the CPU cost outweigh the bytes saved.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MIN_COMPRESS_BYTES, shouldCompress } from "./compress.ts";
 *
 * assert.equal(shouldCompress("text/plain", MIN_COMPRESS_BYTES), true);
 * ```
 */
export const MIN_COMPRESS_BYTES = 1024;

/**
 * Whether a body should be gzipped on the fly: a compressible type and at
 * least {@linkcode MIN_COMPRESS_BYTES} long.
 *
 * @param contentTypeValue The `Content-Type` that will be sent.
 * @param size The identity body length.
 * @returns `true` when compressing pays off.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { shouldCompress } from "./compress.ts";
 *
 * assert.equal(shouldCompress("text/css", 50_000), true);
 * assert.equal(shouldCompress("text/css", 100), false);
 * assert.equal(shouldCompress("image/png", 50_000), false);
 * ```
 */
export function shouldCompress(
  contentTypeValue: string,
  size: number,
): boolean {
  return size >= MIN_COMPRESS_BYTES && isCompressible(contentTypeValue);
}

/**
 * Gzip a stream. Cancelling the result cancels the source (so a file being
 * read is closed on client abort).
 *
 * @param source The identity body.
 * @returns The gzip-coded body.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gzipStream } from "./compress.ts";
 *
 * const coded = gzipStream(new Response("hello").body!);
 * const blob = await new Response(coded).blob();
 * const plain = blob.stream().pipeThrough(new DecompressionStream("gzip"));
 * assert.equal(await new Response(plain).text(), "hello");
 * ```
 */
export function gzipStream(
  source: ReadableStream<Uint8Array>,
): ReadableStream<Uint8Array> {
  // The DOM typings declare the writable side as BufferSource; bytes fit.
  const gzip = new CompressionStream("gzip") as unknown as ReadableWritablePair<
    Uint8Array,
    Uint8Array
  >;
  return source.pipeThrough(gzip);
}

/**
 * Gzip bytes in memory (for small files whose coded form is cached, so it
 * gets an exact `Content-Length`).
 *
 * @param bytes The identity body.
 * @returns The gzip-coded bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gzipBytes } from "./compress.ts";
 *
 * const coded = await gzipBytes(new TextEncoder().encode("hello"));
 * assert.deepEqual(coded.subarray(0, 2), new Uint8Array([0x1f, 0x8b]));
 * ```
 */
export async function gzipBytes(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
