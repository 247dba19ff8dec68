/**
 * The header fields the engine owns on the wire: whatever a handler sets for
 * them, the engine decides what is sent.
 *
 * @module
 */

/**
 * Hop-by-hop fields (RFC 9110 §7.6.1): they describe this one connection,
 * so only the engine, which manages it, may send them. The engine reads a
 * handler's `Connection: close` as a wish to close; it drops the rest.
 */
export const HOP_BY_HOP_FIELDS: ReadonlySet<string> = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "proxy-connection",
  "upgrade",
]);

/**
 * Every field the engine writes itself: the hop-by-hop ones, the framing
 * (`Content-Length`) and `Date`. A pre-serialized answer (the fast lane's)
 * never carries them from a recorded response; it gets them as the engine
 * would write them.
 */
export const ENGINE_FIELDS: ReadonlySet<string> = new Set([
  ...HOP_BY_HOP_FIELDS,
  "content-length",
  "date",
]);
