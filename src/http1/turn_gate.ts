/**
 * Fairness between busy keep-alive connections: turns of a few requests
 * each, with one shared timer between turns.
 *
 * Deno hands completed reads to JavaScript in the order its I/O machinery
 * produces them, and with a couple of hundred busy connections that order
 * favours the ones that were just served: measured here, a bare
 * read → write loop at 256 connections had a p99 of 137–155 ms against
 * 7.5 ms for `Deno.serve` (bench/RESULTS.md). A connection that yields on
 * its own timer (`setTimeout(0)` every few requests) helped only 3–4×: it
 * comes back about a millisecond later, out of step with the others.
 *
 * So turns are shared. A turn ends when one timer fires; each connection
 * answers at most `requestsPerTurn` requests in a turn, then waits for the
 * next one. Connections whose requests arrive later in the turn are served
 * before the early ones go again, which bounds how long any ready request
 * waits. One timer per turn — not one per connection — keeps the cost flat,
 * and the gate only engages above a number of busy connections, because a
 * timer's millisecond would otherwise idle a lightly loaded server.
 *
 * @module
 */

/**
 * Where a connection stands in the current turn.
 */
export interface TurnState {
  /** The turn in which `served` was counted. */
  turn: number;
  /** Requests answered in that turn. */
  served: number;
}

/**
 * Turns shared by the connections of one server.
 */
export class TurnGate {
  /** Requests a connection answers per turn. */
  readonly requestsPerTurn: number;
  #turn = 0;
  #waiting = 0;
  /**
   * Resolved when the current turn ends; one for everyone waiting, so a
   * wait costs no promise of its own (made by the first to wait, with the
   * timer).
   */
  #nextTurn: PromiseWithResolvers<void> | undefined;
  readonly #endTurn = () => {
    const next = this.#nextTurn!;
    this.#nextTurn = undefined;
    this.#waiting = 0;
    this.#turn++;
    next.resolve();
  };

  /** @param requestsPerTurn Requests a connection answers per turn. */
  constructor(requestsPerTurn: number) {
    if (!Number.isInteger(requestsPerTurn) || requestsPerTurn < 1) {
      throw new RangeError("requestsPerTurn must be a positive integer");
    }
    this.requestsPerTurn = requestsPerTurn;
  }

  /** The current turn's number, counting from 0. */
  get turn(): number {
    return this.#turn;
  }

  /** Connections waiting for the next turn. */
  get waiting(): number {
    return this.#waiting;
  }

  /**
   * Count one answered request against the connection's turn.
   *
   * @param state The connection's turn state, updated here.
   * @returns `null` to go on now, or a promise to await: it resolves when
   *   the next turn begins.
   */
  served(state: TurnState): Promise<void> | null {
    if (state.turn !== this.#turn) {
      state.turn = this.#turn;
      state.served = 0;
    }
    if (++state.served < this.requestsPerTurn) return null;
    this.#waiting++;
    if (this.#nextTurn === undefined) {
      this.#nextTurn = Promise.withResolvers<void>();
      setTimeout(this.#endTurn, 0);
    }
    return this.#nextTurn.promise;
  }
}
