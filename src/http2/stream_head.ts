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
 * A field block as it goes into a batch: one array, or parts that are
 * framed back to back as if joined (no copy to join them first).
 */
export type FieldBlockParts = Uint8Array | readonly Uint8Array[];

/**
 * Encode a stream's head as one field block, in the order blocks go out.
 *
 * @param encoder The connection's encoder.
 * @param head The fields, or the blocks already made.
 * @returns The field block; for blocks already made, the parts themselves
 *   (behind any size update owed), which the caller must not change.
 */
export function encodeStreamHead(
  encoder: HpackEncoder,
  head: StreamHead,
): FieldBlockParts {
  if (Array.isArray(head)) return encoder.encode(head);
  // A size update owed must start the next block, whoever made it.
  const update = encoder.takeSizeUpdate();
  return update.length === 0 ? head.stateless : [update, ...head.stateless];
}

/**
 * The parts of a field block joined into one array (a copy unless there
 * is one part).
 *
 * @param block The block, or its parts.
 * @returns One array.
 */
export function joinFieldBlock(block: FieldBlockParts): Uint8Array {
  if (block instanceof Uint8Array) return block;
  if (block.length === 1) return block[0];
  let length = 0;
  for (const part of block) length += part.length;
  const joined = new Uint8Array(length);
  let at = 0;
  for (const part of block) {
    joined.set(part, at);
    at += part.length;
  }
  return joined;
}
