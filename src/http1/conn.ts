/**
 * The narrow connection type the engine needs: a `Deno.Conn` satisfies it, and
 * so does the in-memory mock the tests use.
 *
 * @module
 */

/** A byte stream the engine reads requests from and writes responses to. */
export interface Conn {
  /** Read into `buffer`; resolves to the byte count, or `null` at end of stream. */
  read(buffer: Uint8Array): Promise<number | null>;
  /** Write some of `data`; resolves to how many bytes were written. */
  write(data: Uint8Array): Promise<number>;
  /** Shut down the writing side, so the peer sees end of stream. */
  closeWrite(): Promise<void>;
  /** Close both directions and release the resource. */
  close(): void;
  /** The peer's address. */
  readonly remoteAddr: Deno.Addr;
  /** This side's address. */
  readonly localAddr: Deno.Addr;
}
