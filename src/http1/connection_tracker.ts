/**
 * The set of open connections: for shutdown (close the idle ones, wait for
 * the busy ones), for timeouts, which one shared sweep enforces instead of
 * a timer per request (idle connections are also closed at their deadline,
 * on one timer: see idle_connections.ts), and for `maxConnections`, which
 * closes idle connections to make room before it turns a new one away.
 *
 * @module
 */

import {
  type IdleConnection,
  IdleConnections,
  type IdleKind,
} from "./idle_connections.ts";
import { TurnGate } from "./turn_gate.ts";

/**
 * Requests a busy connection answers per turn. Measured at 256 connections
 * (bench/RESULTS.md): 2 gave the lowest p99 at full throughput; 1 cost a
 * third of the throughput, 4 tripled the p99.
 */
const FAIR_TURN_REQUESTS = 2;

/** One connection as the tracker sees it. */
export interface TrackedConnection extends IdleConnection {
  /**
   * `true` while waiting for a request that has not started to arrive, or
   * lingering; set through {@linkcode ConnectionTracker.setIdle}.
   */
  idle: boolean;
  /** The sweep tick in which this connection last answered a request. */
  activeTick?: number;
  /** The tick before that one, so a close can leave both counts. */
  previousActiveTick?: number;
  /** Close now. */
  close(): void;
  /**
   * Begin a graceful end, when the protocol has one that is more than
   * closing when idle: an HTTP/2 connection sends GOAWAY at once, lets its
   * streams finish, then closes. Without it, shutdown closes the
   * connection once idle.
   */
  shutdown?(): void;
}

/** Tracks open connections, sweeps their deadlines, and drives shutdown. */
export class ConnectionTracker {
  /** `true` once shutdown has begun: no connection starts another request. */
  shuttingDown = false;
  /** Turns between busy connections (see turn_gate.ts). */
  readonly turns: TurnGate = new TurnGate(FAIR_TURN_REQUESTS);
  readonly #connections = new Set<TrackedConnection>();
  /** The idle ones, by kind: whom to close for room, and when. */
  readonly #idle = new IdleConnections<TrackedConnection>();
  readonly #sweepMs: number;
  #timer: ReturnType<typeof setInterval> | undefined;
  #drained: PromiseWithResolvers<void> | undefined;
  #tick = 0;
  #activeNow = 0;
  #activePrevious = 0;

  /**
   * @param sweepMs How often deadlines are checked: the precision of every
   *   timeout but an idle connection's, which is met on time.
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
    if (connection.idle) this.#idle.delete(connection);
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
      this.#idle.stop();
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

  /**
   * Note that `connection` became idle (it goes to the end of its kind's
   * queue, and times out at its `deadline`, which must be set first) or,
   * with `null`, busy.
   *
   * @param connection A tracked connection.
   * @param kind Why it is idle, or `null` once it is busy.
   */
  setIdle(connection: TrackedConnection, kind: IdleKind | null): void {
    if (connection.idle) this.#idle.delete(connection);
    connection.idle = kind !== null;
    if (kind !== null && this.#connections.has(connection)) {
      this.#idle.add(connection, kind);
    }
  }

  /**
   * Make room for connections over `maxConnections` by closing idle ones:
   * lingering first, then keep-alive, then new ones, each kind the one
   * idle longest first. A busy connection is never closed, so no response
   * is cut. Each close costs O(1); there are as many as connections over
   * the cap, which is one per new connection (the previous one's 503, if
   * any, lingers and goes first).
   *
   * @param maxConnections The most connections to keep open.
   * @returns `true` when at most `maxConnections` are open now.
   */
  makeRoom(maxConnections: number): boolean {
    while (this.#connections.size > maxConnections) {
      const idle = this.#idle.leastUseful();
      if (idle === undefined) return false;
      idle.close();
      this.delete(idle);
    }
    return true;
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

  /**
   * Begin shutdown: idle connections close now, busy ones after their
   * response; one with its own graceful end (HTTP/2's GOAWAY) is told to
   * begin it.
   */
  beginShutdown(): void {
    this.shuttingDown = true;
    for (const connection of this.#connections) {
      if (connection.shutdown !== undefined) connection.shutdown();
      else if (connection.idle) connection.close();
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
