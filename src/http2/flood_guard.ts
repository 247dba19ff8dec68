/**
 * Per-connection bounds on frames that cost the server work without moving
 * a request forward: a peer past one of them is told ENHANCE_YOUR_CALM
 * (RFC 9113 §7, §10.5) and the connection closes. Each bound is a token
 * bucket: a burst of `count` events, refilled at `count` per `periodMs`, so
 * a burst is caught however it falls across a clock boundary, and a client
 * that slows down is never punished for its past.
 *
 * @module
 */

/** A token bucket: `count` events at once, refilled at `count` per `periodMs`. */
export class RateBudget {
  readonly #count: number;
  readonly #periodMs: number;
  #tokens: number;
  #last: number;

  /**
   * @param count The burst allowed, and the refill per period.
   * @param periodMs The period, in ms.
   * @param now The clock's reading now (ms, monotonic).
   */
  constructor(count: number, periodMs: number, now: number) {
    this.#count = count;
    this.#periodMs = periodMs;
    this.#tokens = count;
    this.#last = now;
  }

  /**
   * Spend one token.
   *
   * @param now The clock's reading now (ms, monotonic).
   * @returns `false` when none was left: the bound is passed.
   */
  take(now: number): boolean {
    const elapsed = Math.max(0, now - this.#last);
    this.#last = now;
    this.#tokens = Math.min(
      this.#count,
      this.#tokens + elapsed * this.#count / this.#periodMs,
    );
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

/** One bound: a burst of `count` events, refilled at `count` per `periodMs`. */
export interface RateBound {
  /** Events allowed in a burst, and per period. */
  readonly count: number;
  /** The period, in ms. */
  readonly periodMs: number;
}

/**
 * The bounds, by what they count:
 *
 * - `resets`: streams that did no work: reset by the client before their
 *   response ended, reset by the server for an error, or refused once the
 *   client knew the limit (rapid reset, CVE-2023-44487; RST floods,
 *   CVE-2019-9514). 200 per 30 s, as Netty's default.
 * - `acks`: PING and SETTINGS frames, each of which the server must
 *   acknowledge (CVE-2019-9512, CVE-2019-9515).
 * - `empty`: frames that carry nothing: DATA without data or END_STREAM,
 *   CONTINUATION without fragment or END_HEADERS, PRIORITY, and frames of
 *   unknown types (CVE-2019-9518).
 */
export const FLOOD_BOUNDS: Readonly<Record<FloodKind, RateBound>> = Object
  .freeze({
    resets: { count: 200, periodMs: 30_000 },
    acks: { count: 100, periodMs: 10_000 },
    empty: { count: 1000, periodMs: 10_000 },
  });

/** What a bound counts (see {@linkcode FLOOD_BOUNDS}). */
export type FloodKind = "resets" | "acks" | "empty";

/**
 * Control frames queued for a peer that does not read them: past this, it
 * is flooding (each PING and SETTINGS asks for an answer, each bad frame a
 * RST_STREAM) and the connection ends.
 */
export const MAX_QUEUED_CONTROL_FRAMES = 1000;

/** One connection's flood bounds. */
export class FloodGuard {
  readonly #budgets: Record<FloodKind, RateBudget>;

  /** @param now The clock's reading now (ms, monotonic). */
  constructor(now: number = performance.now()) {
    const budget = ({ count, periodMs }: RateBound) =>
      new RateBudget(count, periodMs, now);
    this.#budgets = {
      resets: budget(FLOOD_BOUNDS.resets),
      acks: budget(FLOOD_BOUNDS.acks),
      empty: budget(FLOOD_BOUNDS.empty),
    };
  }

  /**
   * Count one event of `kind`.
   *
   * @param kind What happened.
   * @param now The clock's reading now (ms, monotonic).
   * @returns `true` when this event passes the bound: the peer floods.
   */
  floods(kind: FloodKind, now: number = performance.now()): boolean {
    return !this.#budgets[kind].take(now);
  }
}
