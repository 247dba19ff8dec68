/**
 * Streaming a file, or ranges of it, with bounded memory.
 *
 * @module
 */

import type { BodyPart } from "./multipart_byteranges.ts";

/**
 * What a file stream reads from: positional reads, and a close. A
 * {@linkcode Descriptor} is one.
 */
export interface FileSource {
  /**
   * Read into `buffer` from `position`.
   *
   * @param buffer Where to read to.
   * @param position The offset in the file.
   * @returns How many bytes were read; `0` at the end of the file.
   */
  read(buffer: Uint8Array, position: number): Promise<number>;
  /** Release the file. */
  close(): void;
}

/**
 * Options for {@linkcode createFileStream}.
 */
export interface FileStreamOptions {
  /**
   * Largest chunk read from the file at a time.
   *
   * @default {65536}
   */
  chunkSize?: number;
}

/**
 * The default chunk size: 64 KiB.
 */
export const DEFAULT_CHUNK_SIZE: number = 64 * 1024;

/**
 * A pull-based stream over an open file: nothing is read until the consumer
 * asks (backpressure), so memory stays at about two chunks however large the
 * file. The stream owns the file and closes it when the last byte is read,
 * on a read error, and when the consumer cancels (client abort). A file that
 * shrinks mid-send errors the stream rather than sending fewer bytes than
 * the `Content-Length` promised.
 *
 * @param file An open file (a `Descriptor`); the stream takes ownership of it.
 * @param parts What to send: byte ranges of the file and literal bytes.
 * @param options Chunk size.
 * @returns The body stream.
 */
export function createFileStream(
  file: FileSource,
  parts: readonly BodyPart[],
  options: FileStreamOptions = {},
): ReadableStream<Uint8Array> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  let index = 0;
  let position = -1; // read offset within the current range; -1 = not seeked
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    try {
      file.close();
    } catch {
      // Already closed: nothing to release.
    }
  };
  // Skip finished ranges and close as soon as nothing is left to read, so
  // the file is released with the last chunk rather than one pull later.
  const advance = () => {
    while (index < parts.length) {
      const part = parts[index];
      if (part instanceof Uint8Array) return;
      if (position >= 0 && position > part.end) {
        index++;
        position = -1;
        continue;
      }
      return;
    }
  };
  const hasFileWorkLeft = () => {
    for (let i = index; i < parts.length; i++) {
      if (!(parts[i] instanceof Uint8Array)) return true;
    }
    return false;
  };
  // A byte stream: a consumer with a BYOB reader (berth's engine) lends one
  // buffer and gets it back chunk after chunk, so a long body allocates
  // nothing per chunk; a default reader gets `chunkSize` buffers.
  return new ReadableStream({
    type: "bytes",
    autoAllocateChunkSize: chunkSize,
    async pull(controller) {
      try {
        advance();
        if (index >= parts.length) {
          close();
          controller.close();
          controller.byobRequest?.respond(0);
          return;
        }
        const part = parts[index];
        if (part instanceof Uint8Array) {
          index++;
          // Enqueueing transfers a buffer: send a copy, the part may be shared.
          controller.enqueue(part.slice());
        } else {
          if (position < 0) position = part.start;
          const want = part.end + 1 - position;
          const request = controller.byobRequest;
          const view = request?.view;
          const target = view
            ? new Uint8Array(
              view.buffer,
              view.byteOffset,
              Math.min(view.byteLength, want),
            )
            : new Uint8Array(Math.min(chunkSize, want));
          const n = await file.read(target, position);
          if (n === 0) throw new Error("file shrank while being sent");
          position += n;
          if (request) request.respond(n);
          else controller.enqueue(target.subarray(0, n));
        }
        advance();
        if (!hasFileWorkLeft()) close();
        if (index >= parts.length) controller.close();
      } catch (error) {
        close();
        controller.error(error);
      }
    },
    cancel() {
      close();
    },
  }, { highWaterMark: 0 });
}
