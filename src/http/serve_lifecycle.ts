/**
 * How `serve()` tells a handler about its life with a server, in one hook:
 * the server starts serving with it, and the handler answers with the two
 * moments it wants to hear of after that.
 *
 * - Serving starts: the handler may hold resources for as long as a server
 *   uses it (the file handler watches its root). A watch keeps the process
 *   alive, so it must live exactly as long as a server that will end it.
 * - Shutdown begins: the server stopped accepting, and the handler ends the
 *   responses that would never end by themselves (live reload's event
 *   streams); a graceful shutdown waits for every response in flight, and
 *   would otherwise wait for those until `shutdownTimeoutMs`. Go's
 *   `http.Server.RegisterOnShutdown` exists for the same reason.
 * - Stopped: the server stopped and every connection closed; the handler
 *   releases what serving held.
 *
 * The server's `finished` waits for what both moments return. The handler
 * carries the hook, so nothing registers it; under `Deno.serve` the
 * property is simply never looked at. The engine and the file handler both
 * import this module and never each other.
 *
 * @module
 */

/** The property under which a handler carries its {@linkcode OnServe}. */
export const ON_SERVE: unique symbol = Symbol.for("berth.onServe");

/** What a handler hears from one server after that server began serving. */
export interface ServeLifecycle {
  /**
   * The server's shutdown began: it no longer accepts. Called at most once;
   * `finished` waits for the promise returned, if any. Must not throw.
   */
  shuttingDown(): void | Promise<void>;
  /**
   * The server stopped and every connection closed (after
   * {@linkcode ServeLifecycle.shuttingDown} when there was a shutdown).
   * Called once; `finished` waits for the promise returned. Must not throw.
   */
  stopped(): Promise<void>;
}

/**
 * Called by `serve()` once, when it starts serving with the handler, before
 * it accepts a connection.
 */
export type OnServe = () => ServeLifecycle;

/** A handler that may carry an {@linkcode OnServe} hook. */
export interface ServeAware {
  /** Told when a server starts serving with the handler. */
  readonly [ON_SERVE]?: OnServe;
}

/** A lifecycle whose calls never throw and whose promises never reject. */
export type SettledLifecycle = {
  [moment in keyof ServeLifecycle]: () => Promise<void>;
};

/** What a handler without the hook hears: nothing. */
const UNAWARE: SettledLifecycle = {
  shuttingDown: () => Promise.resolve(),
  stopped: () => Promise.resolve(),
};

/**
 * Tell a handler that a server starts serving with it.
 *
 * @param handler The handler given to `serve()`.
 * @returns The lifecycle to tell it the rest through; its calls never throw
 *   and their promises never reject (a handler's failure is its own).
 */
export function beginServing(handler: unknown): SettledLifecycle {
  const hook = (handler as ServeAware)[ON_SERVE];
  if (hook === undefined) return UNAWARE;
  let lifecycle: ServeLifecycle;
  try {
    lifecycle = hook();
  } catch {
    return UNAWARE;
  }
  return {
    shuttingDown: () => settle(() => lifecycle.shuttingDown()),
    stopped: () => settle(() => lifecycle.stopped()),
  };
}

/** What `call` returns, as a promise that never rejects. */
async function settle(call: () => void | Promise<void>): Promise<void> {
  try {
    await call();
  } catch {
    // The handler's failure: the server stops all the same.
  }
}
