/**
 * The engine's named limits, their defaults, and their validation.
 *
 * @module
 */

/**
 * Every limit the engine enforces. Each is an option of `serve()`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { serve } from "@berth/berth";
 *
 * const server = serve(async (request) => new Response(await request.text()), {
 *   hostname: "127.0.0.1",
 *   port: 0,
 *   maxBodyBytes: 4,
 *   onListen() {},
 * });
 * try {
 *   const url = `http://127.0.0.1:${server.addr.port}/`;
 *   const response = await fetch(url, { method: "POST", body: "too long" });
 *   assert.equal(response.status, 413);
 *   await response.body?.cancel();
 * } finally {
 *   await server.shutdown();
 * }
 * ```
 */
export interface ServeLimits {
  /**
   * Largest request head (request line and header fields) in bytes; over it
   * → 431 (or 414 while still in the request line).
   *
   * @default {16384}
   */
  maxHeaderBytes?: number;
  /**
   * Longest request-target in bytes; over it → 414.
   *
   * @default {8192}
   */
  maxRequestTargetBytes?: number;
  /**
   * Most header fields in one request; more → 431.
   *
   * @default {100}
   */
  maxHeaderCount?: number;
  /**
   * Largest request body in bytes; over it → 413 and close. `Infinity`
   * lifts the limit.
   *
   * @default {1048576}
   */
  maxBodyBytes?: number;
  /**
   * Time allowed for a whole request head to arrive, from its first byte
   * (or from the connection's start); over it → 408 and close. This is the
   * slowloris guard.
   *
   * @default {10000}
   */
  headersTimeoutMs?: number;
  /**
   * Time allowed between two reads of a request body; over it → 408 (or a
   * close, once the response has started). A client that stalls mid-upload
   * cannot hold a connection.
   *
   * @default {30000}
   */
  bodyTimeoutMs?: number;
  /**
   * Time one write may wait for the client to read; over it the connection
   * closes. A client that stops reading a download cannot hold a connection
   * (or the file it streams) forever.
   *
   * @default {30000}
   */
  sendTimeoutMs?: number;
  /**
   * How long an idle keep-alive connection is kept; then it closes quietly.
   *
   * @default {5000}
   */
  keepAliveTimeoutMs?: number;
  /**
   * Most connections open at once. A new connection over it is served in
   * the place of an idle one, closed quietly: lingering after its response
   * first, then idle between requests, then silent since it opened, the
   * longest idle of its kind first. A busy connection is never closed for
   * it: when all are busy, the new one is answered 503 with
   * `Connection: close` and closed.
   *
   * @default {10000}
   */
  maxConnections?: number;
  /**
   * How long `shutdown()` lets in-flight responses run before it closes
   * their connections.
   *
   * @default {10000}
   */
  shutdownTimeoutMs?: number;
}

/** The limits with every default filled in. */
export type ResolvedLimits = Required<ServeLimits>;

/** The defaults, chosen after nginx, Node.js and Go's `net/http`. */
export const DEFAULT_LIMITS: Readonly<ResolvedLimits> = Object.freeze({
  maxHeaderBytes: 16 * 1024,
  maxRequestTargetBytes: 8 * 1024,
  maxHeaderCount: 100,
  maxBodyBytes: 1024 * 1024,
  headersTimeoutMs: 10_000,
  bodyTimeoutMs: 30_000,
  sendTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 10_000,
  shutdownTimeoutMs: 10_000,
});

/**
 * Fill in defaults and reject nonsense early, at `serve()` time.
 *
 * @param options The caller's limits.
 * @returns Every limit, validated.
 * @throws {RangeError} When a limit is not a positive number.
 */
export function resolveLimits(options: ServeLimits = {}): ResolvedLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof ResolvedLimits)[]) {
    const value = options[key];
    if (value === undefined) continue;
    if (typeof value !== "number" || Number.isNaN(value) || value <= 0) {
      throw new RangeError(
        `Invalid ${key}: "${String(value)}" (expected a positive number)`,
      );
    }
    limits[key] = value;
  }
  if (limits.maxRequestTargetBytes > limits.maxHeaderBytes) {
    limits.maxRequestTargetBytes = limits.maxHeaderBytes;
  }
  return limits;
}
