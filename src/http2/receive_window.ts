/**
 * One receive window (RFC 9113 §5.2, §6.9): how many flow-controlled bytes
 * the peer may still send, and the credit to give back as the handler
 * consumes what came. Credit goes back in few, large WINDOW_UPDATEs: once a
 * quarter of the window has been consumed, or at once when the peer is
 * down to its last quarter, so a sender never waits on credit held back.
 *
 * @module
 */

/** A connection's or a stream's receive window. */
export class ReceiveWindow {
  /** The window's size: what the peer may have in flight, unread. */
  readonly size: number;
  #available: number;
  #unreturned = 0;

  /**
   * @param size The window's size, in bytes.
   * @param available What the peer may send now: `size`, or the 65,535
   *   every window starts with until a larger one is granted.
   */
  constructor(size: number, available: number = size) {
    this.size = size;
    this.#available = available;
  }

  /** Bytes the peer may still send before it must wait for credit. */
  get available(): number {
    return this.#available;
  }

  /**
   * Count a flow-controlled frame that arrived (padding included, §6.1).
   *
   * @param bytes Its flow-controlled length.
   * @returns `false` when it is more than the peer was allowed: a
   *   FLOW_CONTROL_ERROR (§6.9.1); nothing is counted then.
   */
  receive(bytes: number): boolean {
    if (bytes > this.#available) return false;
    this.#available -= bytes;
    return true;
  }

  /**
   * Note `bytes` consumed (read by the handler, or dropped), and decide
   * whether to give the credit back now.
   *
   * @param bytes Bytes consumed.
   * @returns The WINDOW_UPDATE increment to send now (counted as granted),
   *   or `0` to wait for more.
   */
  consume(bytes: number): number {
    this.#unreturned += bytes;
    const credit = this.#unreturned;
    if (credit === 0) return 0;
    const quarter = this.size / 4;
    if (credit < quarter && this.#available > quarter) return 0;
    this.#unreturned = 0;
    this.#available += credit;
    return credit;
  }

  /**
   * Grant credit outright, as the WINDOW_UPDATE that raises a connection's
   * window from 65,535 to its size does.
   *
   * @param increment The bytes granted.
   */
  grant(increment: number): void {
    this.#available += increment;
  }

  /**
   * Move the window by a change of SETTINGS_INITIAL_WINDOW_SIZE, once the
   * peer has acknowledged it (§6.9.2). It may go below zero: the peer then
   * waits for credit.
   *
   * @param delta The new initial size minus the one in force before.
   */
  adjust(delta: number): void {
    this.#available += delta;
  }
}
