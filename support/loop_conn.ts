/**
 * An in-memory connection for measuring the engine's own work per request:
 * it sends the same few request heads again and again, and costs the same
 * whatever the engine does.
 *
 * @module
 */

import type { Conn } from "../src/http1/conn.ts";

const loopback = (port: number): Deno.NetAddr => ({
  transport: "tcp",
  hostname: "127.0.0.1",
  port,
});

/**
 * A client that sends `heads` in turn, `count` in all, each in a read of
 * its own as a client waiting for each answer would, then ends; writes are
 * taken whole. Its promises are made once, so its own work is the same
 * whatever the engine does.
 */
export class LoopConn implements Conn {
  readonly remoteAddr: Deno.NetAddr = loopback(40000);
  readonly localAddr: Deno.NetAddr = loopback(18000);
  /** Writes taken: one per answer when each fits one write. */
  answered = 0;
  #left: number;
  #next = 0;
  readonly #heads: readonly Uint8Array[];
  /** A resolved promise of each head's length. */
  readonly #readDone = new Map<number, Promise<number>>();
  readonly #end: Promise<null> = Promise.resolve(null);
  #written: Promise<number> = Promise.resolve(0);
  #writtenLength = 0;

  /**
   * @param heads The request heads to send, in turn.
   * @param count How many requests to send in all.
   */
  constructor(heads: readonly Uint8Array[], count: number) {
    this.#heads = heads;
    this.#left = count;
    for (const head of heads) {
      this.#readDone.set(head.length, Promise.resolve(head.length));
    }
  }

  /** The next head, whole. */
  read(buffer: Uint8Array): Promise<number | null> {
    if (this.#left-- <= 0) return this.#end;
    const head = this.#heads[this.#next];
    this.#next = (this.#next + 1) % this.#heads.length;
    buffer.set(head);
    return this.#readDone.get(head.length)!;
  }

  /** Take all of `data`. */
  write(data: Uint8Array): Promise<number> {
    this.answered++;
    if (data.length !== this.#writtenLength) {
      this.#writtenLength = data.length;
      this.#written = Promise.resolve(data.length);
    }
    return this.#written;
  }

  /** Nothing to shut. */
  closeWrite(): Promise<void> {
    return Promise.resolve();
  }

  /** Nothing to close. */
  close(): void {}
}
