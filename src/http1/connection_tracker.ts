/**
 * The set of open connections: for shutdown (close the idle ones, wait for
 * the busy ones), for timeouts, which one shared sweep enforces instead of
 * a timer per request, and for `maxConnections`, which closes idle
 * connections to make room before it turns a new one away.
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

/**
 * Why a connection is idle, least useful first: which one is closed when
 * room is needed.
 *
 * - `"lingering"`: answered and closing, only reading away what the client
 *   still sends.
 * - `"keep-alive"`: between requests (RFC 9112 §9.6 lets a server close it
 *   at any time).
 * - `"new"`: open but not a byte of a request yet.
 */
export type IdleKind = "lingering" | "keep-alive" | "new";

/** The kinds, least useful first. */
const IDLE_ORDER: readonly IdleKind[] = ["lingering", "keep-alive", "new"];

/** One connection as the tracker sees it. */
export interface TrackedConnection {
  /** When the current wait times out (ms since epoch), `0` for never. */
  deadline: number;
  /**
   * `true` while waiting for a request that has not started to arrive, or
   * lingering; set through {@linkcode ConnectionTracker.setIdle}.
   */
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
  /**
   * The idle connections by kind, in `IDLE_ORDER`. A `Set` keeps insertion
   * order, so each one's first member has been idle longest: finding whom
   * to close is O(1), not a scan of every connection.
   */
  readonly #idle: Set<TrackedConnection>[] = IDLE_ORDER.map(() => new Set());
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
    if (connection.idle) this.#dequeue(connection);
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

  /**
   * Note that `connection` became idle (it goes to the end of its kind's
   * queue) or, with `null`, busy.
   *
   * @param connection A tracked connection.
   * @param kind Why it is idle, or `null` once it is busy.
   */
  setIdle(connection: TrackedConnection, kind: IdleKind | null): void {
    if (connection.idle) this.#dequeue(connection);
    connection.idle = kind !== null;
    if (kind !== null && this.#connections.has(connection)) {
      this.#idle[IDLE_ORDER.indexOf(kind)].add(connection);
    }
  }

  #dequeue(connection: TrackedConnection): void {
    for (let i = 0; i < this.#idle.length; i++) {
      if (this.#idle[i].delete(connection)) return;
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
      const idle = this.#leastUseful();
      if (idle === undefined) return false;
      idle.close();
      this.delete(idle);
    }
    return true;
  }

  #leastUseful(): TrackedConnection | undefined {
    for (let i = 0; i < this.#idle.length; i++) {
      for (const connection of this.#idle[i]) return connection;
    }
    return undefined;
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
