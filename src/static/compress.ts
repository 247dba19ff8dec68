/**
 * On-the-fly gzip with the built-in `CompressionStream`.
 *
 * @module
 */

import { isCompressible } from "./media_types.ts";

/**
 * Smallest body worth compressing on the fly: below about 1 KiB, gzip's
 * framing and the CPU cost outweigh the bytes saved.
 */
export const MIN_COMPRESS_BYTES = 1024;

/**
 * Whether a body should be gzipped on the fly: a compressible type and at
 * least {@linkcode MIN_COMPRESS_BYTES} long.
 *
 * @param contentTypeValue The `Content-Type` that will be sent.
 * @param size The identity body length.
 * @returns `true` when compressing pays off.
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
 */
export async function gzipBytes(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
