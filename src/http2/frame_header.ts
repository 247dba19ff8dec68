/**
 * The 9-byte frame header (RFC 9113 §4.1): a 24-bit length, the type, the
 * flags, a reserved bit and a 31-bit stream id.
 *
 * @module
 */

/** Bytes in a frame header. */
export const FRAME_HEADER_BYTES = 9;

/** A frame header's fields. */
export interface FrameHeader {
  /** The payload's length in bytes (the header not included). */
  length: number;
  /** The frame type (`FRAME_TYPE`), or any other value to ignore. */
  type: number;
  /** The flags byte. */
  flags: number;
  /** The stream id; 0 for the connection. */
  streamId: number;
}

/** A frame as read off the wire: its header and payload, not yet parsed. */
export interface RawFrame {
  /** The frame type. */
  type: number;
  /** The flags byte. */
  flags: number;
  /** The stream id, the reserved bit cleared. */
  streamId: number;
  /** The payload; it may be a view into the bytes read. */
  payload: Uint8Array;
}

/**
 * Read a frame header at `offset`. The reserved bit is ignored, as
 * RFC 9113 §4.1 requires of receivers.
 *
 * @param bytes Holds at least 9 bytes from `offset`.
 * @param offset Where the header starts.
 * @returns The header's fields.
 */
export function readFrameHeader(
  bytes: Uint8Array,
  offset: number,
): FrameHeader {
  return {
    length: (bytes[offset] << 16) | (bytes[offset + 1] << 8) |
      bytes[offset + 2],
    type: bytes[offset + 3],
    flags: bytes[offset + 4],
    streamId: readUint31(bytes, offset + 5),
  };
}

/**
 * Write a frame header at `offset`, the reserved bit unset (§4.1).
 *
 * @param target Has room for 9 bytes from `offset`.
 * @param offset Where the header starts.
 * @param header The fields to write.
 */
export function writeFrameHeader(
  target: Uint8Array,
  offset: number,
  header: FrameHeader,
): void {
  const { length } = header;
  target[offset] = length >>> 16;
  target[offset + 1] = length >>> 8;
  target[offset + 2] = length;
  target[offset + 3] = header.type;
  target[offset + 4] = header.flags;
  writeUint32(target, offset + 5, header.streamId & 0x7fffffff);
}

/**
 * A new frame: its header and room for `length` payload bytes after it.
 *
 * @param header The frame's header; `length` is the payload's.
 * @returns A buffer of `9 + header.length` bytes, the header written.
 */
export function allocateFrame(header: FrameHeader): Uint8Array {
  const frame = new Uint8Array(FRAME_HEADER_BYTES + header.length);
  writeFrameHeader(frame, 0, header);
  return frame;
}

/**
 * Read 31 bits at `offset`, the top (reserved or flag) bit cleared.
 *
 * @param bytes Holds at least 4 bytes from `offset`.
 * @param offset Where the value starts.
 * @returns The value (0 to 2^31-1).
 */
export function readUint31(bytes: Uint8Array, offset: number): number {
  return readUint32(bytes, offset) & 0x7fffffff;
}

/**
 * Read a big-endian 32-bit unsigned integer at `offset`.
 *
 * @param bytes Holds at least 4 bytes from `offset`.
 * @param offset Where the value starts.
 * @returns The value (0 to 2^32-1).
 */
export function readUint32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] << 24) | (bytes[offset + 1] << 16) |
    (bytes[offset + 2] << 8) | bytes[offset + 3]) >>> 0;
}

/**
 * Write a big-endian 32-bit unsigned integer at `offset`.
 *
 * @param target Has room for 4 bytes from `offset`.
 * @param offset Where the value starts.
 * @param value The value (0 to 2^32-1).
 */
export function writeUint32(
  target: Uint8Array,
  offset: number,
  value: number,
): void {
  target[offset] = value >>> 24;
  target[offset + 1] = value >>> 16;
  target[offset + 2] = value >>> 8;
  target[offset + 3] = value;
}
