/**
 * Which protocols `serve()` speaks besides HTTP/1.1: HTTP/2 over TLS (ALPN
 * `h2`) and h2c with prior knowledge on cleartext, with their defaults and
 * validation.
 *
 * @module
 */

/** Options of `serve()` that choose the protocols; HTTP/1.1 is always on. */
export interface ProtocolOptions {
  /**
   * HTTP/2. Over TLS (`cert` and `key`): offer `h2` before `http/1.1` in
   * ALPN (RFC 9113 §3.2) and serve the connections that choose it with
   * HTTP/2; the others, and clients that offer no ALPN, get HTTP/1.1 (on a
   * TLS `listener` passed in, its own ALPN list decides what is offered).
   * On cleartext: h2c, as `h2c` says. `false` is HTTP/1.1 only, everywhere.
   *
   * @default {true}
   */
  http2?: boolean;
  /**
   * h2c with prior knowledge (RFC 9113 §3.3), on cleartext TCP and unix
   * sockets, unless `http2` is `false`: a connection that opens with HTTP/2's connection preface is
   * served with HTTP/2, as proxies and load balancers speak it to their
   * origins. There is no `Upgrade: h2c` (RFC 9113 dropped it). Off, the
   * preface is answered as an HTTP/1.1 request for version 2.0: 505.
   *
   * @default {true}
   */
  h2c?: boolean;
}

/** The protocol options with every default filled in. */
export type ResolvedProtocols = Required<ProtocolOptions>;

/** The defaults: HTTP/2 wherever a client asks for it. */
export const DEFAULT_PROTOCOLS: Readonly<ResolvedProtocols> = Object.freeze({
  http2: true,
  h2c: true,
});

/**
 * Fill in defaults and reject what is not a boolean, at `serve()` time.
 *
 * @param options The caller's protocol options.
 * @returns Every option, validated.
 * @throws {TypeError} When one is neither `true`, `false` nor `undefined`.
 */
export function resolveProtocols(
  options: ProtocolOptions = {},
): ResolvedProtocols {
  const protocols = { ...DEFAULT_PROTOCOLS };
  for (
    const key of Object.keys(DEFAULT_PROTOCOLS) as (keyof ResolvedProtocols)[]
  ) {
    const value = options[key];
    if (value === undefined) continue;
    if (typeof value !== "boolean") {
      throw new TypeError(
        `Invalid ${key}: "${String(value)}" (expected true or false)`,
      );
    }
    protocols[key] = value;
  }
  return protocols;
}
