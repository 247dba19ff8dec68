/**
 * What a stream's HEADERS carry before the scheduler encodes them: fields
 * for the connection's HPACK encoder, or blocks already encoded without
 * touching any table (a fast-lane answer's), which only need the size
 * update the encoder may owe in front of them (RFC 7541 §4.2).
 *
 * @module
 */

import type { HeaderField } from "./hpack/field_representation.ts";
import type { HpackEncoder } from "./hpack/hpack_encoder.ts";

/**
 * State-independent blocks (`encodeStatelessBlock()`), in order: they mean
 * the same whatever the peer's dynamic table holds, so they can be made
 * once and concatenated.
 */
export interface StatelessHead {
  /** The blocks, joined in this order. */
  readonly stateless: readonly Uint8Array[];
}

/** A response's fields as queued on its stream. */
export type StreamHead = HeaderField[] | StatelessHead;

/**
 * Encode a stream's head as one field block, in the order blocks go out.
 *
 * @param encoder The connection's encoder.
 * @param head The fields, or the blocks already made.
 * @returns The field block.
 */
export function encodeStreamHead(
  encoder: HpackEncoder,
  head: StreamHead,
): Uint8Array {
  if (Array.isArray(head)) return encoder.encode(head);
  // A size update owed must start the next block, whoever made it.
  const update = encoder.takeSizeUpdate();
  let length = update.length;
  for (const part of head.stateless) length += part.length;
  const block = new Uint8Array(length);
  block.set(update);
  let at = update.length;
  for (const part of head.stateless) {
    block.set(part, at);
    at += part.length;
  }
  return block;
}
