/**
 * The handler contract: the same shape as `Deno.ServeHandler`, so one handler
 * runs on berth's engine, on `Deno.serve`, under `deno serve` and on Deploy.
 *
 * @module
 */

/** What the engine tells a handler besides the request. */
export interface ServeHandlerInfo<Addr extends Deno.Addr = Deno.NetAddr> {
  /** The client's address. */
  remoteAddr: Addr;
  /**
   * Settles when the response has been written: resolves once the whole body
   * went out, rejects with `Deno.errors.Interrupted` when the client left
   * first.
   */
  completed: Promise<void>;
}

/** A Web-standard request handler, as `Deno.ServeHandler`. */
export type ServeHandler<Addr extends Deno.Addr = Deno.NetAddr> = (
  request: Request,
  info: ServeHandlerInfo<Addr>,
) => Response | Promise<Response>;

/** Handler info whose `completed` promise is made only when asked for. */
export class HandlerInfo<Addr extends Deno.Addr = Deno.NetAddr>
  implements ServeHandlerInfo<Addr> {
  /** The client's address. */
  readonly remoteAddr: Addr;
  #completed: PromiseWithResolvers<void> | undefined;
  #outcome: "pending" | "done" | "failed" = "pending";

  /** @param remoteAddr The client's address. */
  constructor(remoteAddr: Addr) {
    this.remoteAddr = remoteAddr;
  }

  /** Settles when the response has been written (see {@linkcode ServeHandlerInfo}). */
  get completed(): Promise<void> {
    if (this.#completed === undefined) {
      this.#completed = Promise.withResolvers<void>();
      // Marked handled: a handler that never looks must not see an
      // unhandled rejection.
      this.#completed.promise.catch(() => {});
      this.#settle();
    }
    return this.#completed.promise;
  }

  /** Record how the response went. */
  finish(ok: boolean): void {
    if (this.#outcome !== "pending") return;
    this.#outcome = ok ? "done" : "failed";
    this.#settle();
  }

  #settle(): void {
    if (this.#completed === undefined || this.#outcome === "pending") return;
    if (this.#outcome === "done") this.#completed.resolve();
    else {
      this.#completed.reject(
        new Deno.errors.Interrupted("The response was not fully delivered"),
      );
    }
  }
}
