/**
 * A server's idle connections, by kind: which one to close first when room
 * is needed, and a close that lands at each one's deadline, on one timer.
 *
 * Every connection of a kind waits the same timeout (keep-alive, headers or
 * linger), so a kind's queue is in the order its deadlines fall, and the
 * timer only ever waits for the earliest head. Going idle or busy costs a
 * few field writes (an intrusive list) and one comparison; the timer is
 * re-armed only when it fires or an earlier deadline joins, so under steady
 * traffic it fires about once per timeout however many connections come and
 * go. A deadline
 * that joins out of order (a clock step) is still met by the tracker's
 * sweep, as every other deadline is.
 *
 * Why on time: a proxy that reuses an idle upstream connection races the
 * server's close (RFC 9112 §9.3.1), and is told to keep its own idle timeout
 * below the server's. That rule holds only if the server closes at its
 * timeout, not somewhere in the sweep period after it.
 *
 * @module
 */

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

/**
 * Where a connection stands in its kind's queue: the links of an intrusive
 * list, owned by {@linkcode IdleConnections} (made on the first `add`).
 * Going idle or busy on every request then costs a few field writes, not a
 * hash set's add and delete (and the set's rehashing as members churn).
 */
export interface IdleLinks {
  /** The queue it is in (an index in the kinds' order), `-1` for none. */
  queue: number;
  /** The one queued before it, `null` at the head. */
  previous: IdleConnection | null;
  /** The one queued after it, `null` at the tail. */
  next: IdleConnection | null;
}

/** An idle connection as its queue sees it. */
export interface IdleConnection {
  /** When its wait times out (ms since epoch), `0` for never. */
  deadline: number;
  /** Called once `deadline` has passed; `deadline` is `0` by then. */
  timeout(): void;
  /** Its place in a queue; set by {@linkcode IdleConnections} only. */
  idleLinks?: IdleLinks;
}

/** The idle connections of one server, each kind in its own queue. */
export class IdleConnections<C extends IdleConnection = IdleConnection> {
  /**
   * One queue per kind, in `IDLE_ORDER`, oldest first: each one's head has
   * been idle longest (and times out first), so finding whom to close, or
   * whose deadline comes next, is O(1), as are joining and leaving.
   */
  readonly #heads: (C | null)[] = IDLE_ORDER.map(() => null);
  readonly #tails: (C | null)[] = IDLE_ORDER.map(() => null);
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When the timer fires (ms since epoch); `Infinity` when unarmed. */
  #timerAt = Infinity;
  readonly #expire = () => this.#expireDue();

  /**
   * Queue `connection` as idle for `kind`, behind the others of its kind.
   * Set its `deadline` first: the timer is armed by it.
   *
   * @param connection A connection that is not queued (one that is leaves
   *   its queue first).
   * @param kind Why it is idle.
   */
  add(connection: C, kind: IdleKind): void {
    const links = connection.idleLinks ??= {
      queue: -1,
      previous: null,
      next: null,
    };
    if (links.queue !== -1) this.delete(connection);
    const queue = IDLE_ORDER.indexOf(kind);
    const tail = this.#tails[queue];
    links.queue = queue;
    links.previous = tail;
    links.next = null;
    if (tail === null) this.#heads[queue] = connection;
    else tail.idleLinks!.next = connection;
    this.#tails[queue] = connection;
    const deadline = connection.deadline;
    if (deadline < this.#timerAt && deadline !== 0) this.#arm(deadline);
  }

  /**
   * Take `connection` out of its queue (it is busy or closed now).
   *
   * @param connection A connection, queued or not.
   */
  delete(connection: C): void {
    const links = connection.idleLinks;
    if (links === undefined || links.queue === -1) return;
    const { previous, next, queue } = links;
    if (previous === null) this.#heads[queue] = next as C | null;
    else previous.idleLinks!.next = next;
    if (next === null) this.#tails[queue] = previous as C | null;
    else next.idleLinks!.previous = previous;
    links.queue = -1;
    links.previous = links.next = null;
  }

  /**
   * The connection to close first for room: lingering, then keep-alive,
   * then new, each kind the one idle longest.
   *
   * @returns It, or `undefined` when none is idle.
   */
  leastUseful(): C | undefined {
    for (const head of this.#heads) {
      if (head !== null) return head;
    }
    return undefined;
  }

  /** Stop the timer (no connection is open); `add` starts it again. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
  }

  #arm(at: number): void {
    clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(this.#expire, Math.max(0, at - Date.now()));
  }

  /** Time out each queue's heads that are due, then wait for the next. */
  #expireDue(): void {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    const now = Date.now();
    let next = Infinity;
    for (let queue = 0; queue < this.#heads.length; queue++) {
      let connection = this.#heads[queue];
      while (connection !== null) {
        const after = connection.idleLinks!.next as C | null;
        const deadline = connection.deadline;
        if (deadline > now) {
          if (deadline < next) next = deadline;
          break; // the rest of this queue is due later
        }
        if (deadline !== 0) { // 0: timed out already, closing
          connection.deadline = 0;
          connection.timeout(); // usually closes it: it leaves the queue
        }
        // Whoever the timeout closed, the walk goes on from a queued one.
        connection = after === null || after.idleLinks!.queue === queue
          ? after
          : this.#heads[queue];
      }
    }
    if (next < this.#timerAt) this.#arm(next);
  }
}
