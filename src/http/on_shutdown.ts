/**
 * How `serve()` tells a handler that it is shutting down, so that the
 * handler can end the responses that would never end by themselves (live
 * reload's event streams): a graceful shutdown waits for every response in
 * flight, and would otherwise wait for those until `shutdownTimeoutMs`.
 * Go's `http.Server.RegisterOnShutdown` exists for the same reason; here
 * the handler carries the hook, so the server needs no call to register it.
 *
 * @module
 */

/**
 * The property under which a handler carries its {@linkcode OnShutdown}.
 */
export const ON_SHUTDOWN: unique symbol = Symbol.for("berth.onShutdown");

/**
 * Called once by `serve()` when its shutdown begins, after it stopped
 * accepting; the server's `finished` waits for the promise returned (what
 * the handler still has to release). Must not throw.
 */
export type OnShutdown = () => Promise<void>;

/** A handler that may carry an {@linkcode OnShutdown} hook. */
export interface ShutdownAware {
  /** Told when a server serving with it begins to shut down. */
  readonly [ON_SHUTDOWN]?: OnShutdown;
}

/**
 * Tell a handler that the server serving with it is shutting down.
 *
 * @param handler The handler given to `serve()`.
 * @returns Resolves once the handler released what it holds (at once for a
 *   handler without the hook); never rejects.
 */
export function notifyShutdown(handler: unknown): Promise<void> {
  const hook = (handler as ShutdownAware)[ON_SHUTDOWN];
  if (hook === undefined) return Promise.resolve();
  try {
    return hook().catch(() => {});
  } catch {
    return Promise.resolve();
  }
}
