/**
 * The set of open connections: for shutdown (close the idle ones, wait for
 * the busy ones) and for timeouts, which one shared sweep enforces instead of
 * a timer per request.
 *
 * @module
 */

import { TurnGate } from "./turn_gate.ts";

/**
 * Requests a busy connection answers per turn. Measured at 256 connections
 * (bench/RESULTS.md): 2 gave the lowest p99 at full throughput; 1 cost a
 * third of the throughput, 4 tripled the p99.
 */
const FAIR_TURN_REQUESTS = 2;

/** One connection as the tracker sees it. */
export interface TrackedConnection {
  /** When the current wait times out (ms since epoch), `0` for never. */
  deadline: number;
  /** `true` while waiting for a request that has not started to arrive. */
  idle: boolean;
  /** Called by the sweep once `deadline` has passed. */
  timeout(): void;
  /** The sweep tick in which this connection last answered a request. */
  activeTick?: number;
  /** The tick before that one, so a close can leave both counts. */
  previousActiveTick?: number;
  /** Close now. */
  close(): void;
}

/** Tracks open connections, sweeps their deadlines, and drives shutdown. */
export class ConnectionTracker {
  /** `true` once shutdown has begun: no connection starts another request. */
  shuttingDown = false;
  /** Turns between busy connections (see turn_gate.ts). */
  readonly turns: TurnGate = new TurnGate(FAIR_TURN_REQUESTS);
  readonly #connections = new Set<TrackedConnection>();
  readonly #sweepMs: number;
  #timer: ReturnType<typeof setInterval> | undefined;
  #drained: PromiseWithResolvers<void> | undefined;
  #tick = 0;
  #activeNow = 0;
  #activePrevious = 0;

  /**
   * @param sweepMs How often deadlines are checked: the precision of every
   *   timeout.
   */
  constructor(sweepMs: number) {
    this.#sweepMs = sweepMs;
  }

  /** Open connections. */
  get size(): number {
    return this.#connections.size;
  }

  /** Start tracking a connection. */
  add(connection: TrackedConnection): void {
    this.#connections.add(connection);
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.sweep(), this.#sweepMs);
    }
  }

  /** Stop tracking a connection (it has closed). */
  delete(connection: TrackedConnection): void {
    if (!this.#connections.delete(connection)) return;
    // A closed connection competes for nothing: it leaves the busy counts.
    const previous = this.#tick - 1;
    if (connection.activeTick === this.#tick) this.#activeNow--;
    if (
      connection.activeTick === previous ||
      connection.previousActiveTick === previous
    ) {
      this.#activePrevious--;
    }
    if (this.#connections.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
      this.#drained?.resolve();
      this.#drained = undefined;
    }
  }

  /**
   * Connections that answered a request in this sweep period or the last:
   * the ones competing for turns. Idle and stalled connections, however
   * many, are not counted.
   */
  get busy(): number {
    return Math.max(this.#activeNow, this.#activePrevious);
  }

  /** Note that `connection` just answered a request. */
  markActive(connection: TrackedConnection): void {
    if (connection.activeTick !== this.#tick) {
      connection.previousActiveTick = connection.activeTick;
      connection.activeTick = this.#tick;
      this.#activeNow++;
    }
  }

  /** Time out every connection whose deadline has passed. */
  sweep(now: number = Date.now()): void {
    this.#activePrevious = this.#activeNow;
    this.#activeNow = 0;
    this.#tick++;
    for (const connection of this.#connections) {
      if (connection.deadline !== 0 && connection.deadline <= now) {
        connection.deadline = 0;
        connection.timeout();
      }
    }
  }

  /** Begin shutdown: idle connections close now, busy ones after their response. */
  beginShutdown(): void {
    this.shuttingDown = true;
    for (const connection of this.#connections) {
      if (connection.idle) connection.close();
    }
  }

  /** Close every connection, busy or not. */
  closeAll(): void {
    for (const connection of this.#connections) connection.close();
  }

  /** Resolves once no connection is open. */
  drained(): Promise<void> {
    if (this.#connections.size === 0) return Promise.resolve();
    this.#drained ??= Promise.withResolvers<void>();
    return this.#drained.promise;
  }
}
