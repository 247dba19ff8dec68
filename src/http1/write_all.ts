/**
 * Writing bytes to a connection whole, under the connection's send deadline.
 *
 * @module
 */

import type { Conn } from "./conn.ts";

/** Told when a write starts waiting on the client, and when it is done. */
export interface WriteWatch {
  /** A write is about to wait on the client. */
  arm(): void;
  /** The write is done. */
  disarm(): void;
  /** A write that must end before this one starts (a 100 Continue). */
  pending?: Promise<void> | null;
}

/**
 * Write all of `data`, looping over partial writes.
 *
 * @param conn Where to write.
 * @param data The bytes.
 * @param watch Arms the connection's send deadline around each write.
 */
export async function writeAll(
  conn: Conn,
  data: Uint8Array,
  watch?: WriteWatch,
): Promise<void> {
  if (watch?.pending) await watch.pending;
  let offset = 0;
  while (offset < data.length) {
    watch?.arm();
    offset += await conn.write(offset === 0 ? data : data.subarray(offset));
    watch?.disarm();
  }
}
