/**
 * HTTP/2 frame types and flags (RFC 9113 §6, §11.2).
 *
 * @module
 */

/** The frame types RFC 9113 §6 defines; others are ignored (§4.1, §5.5). */
export const FRAME_TYPE = {
  /** §6.1: a stream's content. */
  DATA: 0x0,
  /** §6.2: opens a stream; carries a field block fragment. */
  HEADERS: 0x1,
  /** §6.3: deprecated stream priority. */
  PRIORITY: 0x2,
  /** §6.4: ends a stream at once. */
  RST_STREAM: 0x3,
  /** §6.5: connection configuration. */
  SETTINGS: 0x4,
  /** §6.6: announces a server push (never sent to a server). */
  PUSH_PROMISE: 0x5,
  /** §6.7: liveness and round trips. */
  PING: 0x6,
  /** §6.8: ends the connection, naming the last stream processed. */
  GOAWAY: 0x7,
  /** §6.9: flow-control credit. */
  WINDOW_UPDATE: 0x8,
  /** §6.10: the rest of a field block. */
  CONTINUATION: 0x9,
} as const;

/** The frame flags RFC 9113 §6 defines; unknown flags are ignored (§4.1). */
export const FLAG = {
  /** DATA, HEADERS: the sender's last frame on the stream. */
  END_STREAM: 0x1,
  /** SETTINGS, PING: an acknowledgement. */
  ACK: 0x1,
  /** HEADERS, PUSH_PROMISE, CONTINUATION: the field block is complete. */
  END_HEADERS: 0x4,
  /** DATA, HEADERS, PUSH_PROMISE: a Pad Length byte and padding. */
  PADDED: 0x8,
  /** HEADERS: the priority fields are present. */
  PRIORITY: 0x20,
} as const;

/** The largest stream id, and the largest flow-control window (2^31-1). */
export const MAX_STREAM_ID = 0x7fffffff;
