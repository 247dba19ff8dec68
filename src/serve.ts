/**
 * `serve()`: listen, accept in a loop, hand each connection to a task that is
 * not awaited (HTTP/1.1 or HTTP/2: `dispatch_connection.ts`), and shut down
 * gracefully.
 *
 * @module
 */

import { unsupportedDeno } from "./http/deno_version.ts";
import { beginServing } from "./http/serve_lifecycle.ts";
import type { AccessLogEntry } from "./http1/access_log_entry.ts";
import { ConnectionTracker } from "./http1/connection_tracker.ts";
import type { ServeHandler } from "./http1/handler.ts";
import { resolveLimits, type ServeLimits } from "./http1/limits.ts";
import { type Http2Limits, resolveHttp2Limits } from "./http2/http2_limits.ts";
import { connectionDispatcher } from "./dispatch_connection.ts";
import { type ProtocolOptions, resolveProtocols } from "./protocol_options.ts";

/** Options of {@linkcode serve}; names follow `Deno.serve` where they overlap. */
export interface ServeOptions<Addr extends Deno.Addr = Deno.NetAddr>
  extends ServeLimits, Http2Limits, ProtocolOptions {
  /**
   * The port to listen on; `0` picks a free one.
   *
   * @default {8000}
   */
  port?: number;
  /**
   * The interface to listen on, as `Deno.serve`'s.
   *
   * @default {"0.0.0.0"}
   */
  hostname?: string;
  /** Listen on this unix socket path instead of TCP. */
  path?: string;
  /** TLS: a PEM certificate chain (with `key`), as for `Deno.listenTls`. */
  cert?: string;
  /** TLS: the PEM private key (with `cert`). */
  key?: string;
  /**
   * Let several listeners (workers, processes) share the port (Linux, BSD).
   *
   * @default {false}
   */
  reusePort?: boolean;
  /**
   * Serve on this listener (TCP, TLS or unix) instead of opening one. The
   * server owns it from then on and closes it on shutdown.
   */
  listener?: Deno.Listener;
  /** Aborting it shuts the server down, as `shutdown()` does. */
  signal?: AbortSignal;
  /**
   * Called once listening. The default prints `Listening on <url>`, as
   * `Deno.serve` does.
   */
  onListen?: (addr: Addr) => void;
  /**
   * Turns an error thrown by the handler into the response sent. The default
   * logs the error to stderr and answers a generic 500; the client never
   * sees the error.
   */
  onError?: (error: unknown) => Response | Promise<Response>;
  /**
   * Told about every answered request once its response is written, for
   * access logs: method, target, status, body bytes, duration. Errors it
   * throws are ignored; it is never awaited.
   */
  onResponse?: (entry: AccessLogEntry) => void;
}

/** A running server, as returned by {@linkcode serve}. */
export interface Server<Addr extends Deno.Addr = Deno.NetAddr>
  extends AsyncDisposable {
  /** The address the server listens on (with the real port when `0` was asked). */
  readonly addr: Addr;
  /** Resolves once the server has stopped and every connection has closed. */
  readonly finished: Promise<void>;
  /**
   * Stop accepting, close idle keep-alive connections, let in-flight
   * responses finish (up to `shutdownTimeoutMs`, then close them too). A
   * file handler with `liveReload` ends its event streams at once.
   *
   * @returns Resolves as `finished` does.
   */
  shutdown(): Promise<void>;
}

const MAX_ACCEPT_BACKOFF_MS = 1000;

/**
 * Serve HTTP/1.1 and HTTP/2 with `handler` until shut down.
 *
 * Each accepted connection gets its own task, not awaited: a slow client or
 * a slow handler never holds up another connection. HTTP/2 is served over
 * TLS to clients that choose it with ALPN, and on cleartext to clients that
 * open with its preface (h2c with prior knowledge); see
 * {@linkcode ProtocolOptions}.
 *
 * @param handler A `Deno.ServeHandler`-shaped function.
 * @param options Where to listen, limits, hooks.
 * @returns The running server.
 * @throws {RangeError} When a limit is invalid.
 * @throws {TypeError} When `cert` comes without `key` or the reverse, or
 *   `http2` or `h2c` is not a boolean.
 * @throws {Error} On a Deno older than berth supports (2.9.5); the message
 *   names the version to install.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { serve } from "@berth/berth";
 *
 * const server = serve(() => new Response("hello"), {
 *   hostname: "127.0.0.1",
 *   port: 0,
 *   onListen() {},
 * });
 * const response = await fetch(`http://127.0.0.1:${server.addr.port}/`);
 * assert.equal(await response.text(), "hello");
 * await server.shutdown();
 * ```
 */
export function serve<Addr extends Deno.Addr = Deno.NetAddr>(
  handler: ServeHandler<Addr>,
  options: ServeOptions<Addr> = {},
): Server<Addr> {
  const unsupported = unsupportedDeno(Deno.version.deno);
  if (unsupported !== null) throw new Error(unsupported);
  if (typeof handler !== "function") {
    throw new TypeError("serve() needs a handler function");
  }
  const limits = resolveLimits(options);
  const http2 = resolveHttp2Limits(options);
  const protocols = resolveProtocols(options);
  if ((options.cert === undefined) !== (options.key === undefined)) {
    throw new TypeError("TLS needs both cert and key");
  }
  const listener = options.listener ?? listen(options, protocols.http2);
  const addr = listener.addr as Addr;
  const sweepMs = Math.max(
    10,
    Math.min(
      1000,
      Math.floor(
        Math.min(
          limits.headersTimeoutMs,
          limits.keepAliveTimeoutMs,
          limits.bodyTimeoutMs,
          limits.sendTimeoutMs,
        ) / 4,
      ),
    ),
  );
  const tracker = new ConnectionTracker(sweepMs);
  const onError = options.onError ?? defaultOnError;
  const serveAccepted = connectionDispatcher(handler, {
    connection: { limits, tracker, onError, onResponse: options.onResponse },
    http2,
    protocols,
  });

  let closing = false;
  let deadline: ReturnType<typeof setTimeout> | undefined;
  let wakeBackoff: (() => void) | undefined;
  /** What the handler still releases once told of the shutdown. */
  let handlerStopped: Promise<void> | undefined;

  const acceptLoop = async () => {
    let backoffMs = 0;
    while (!closing) {
      try {
        for await (const conn of listener) {
          backoffMs = 0;
          // Not awaited: this is what makes the server concurrent.
          serveAccepted(conn);
        }
        return; // the listener was closed
      } catch (error) {
        if (closing) return;
        // EMFILE, ECONNABORTED…: the server goes on after a pause, as
        // Go's net/http does (5 ms doubling to 1 s).
        backoffMs = backoffMs === 0
          ? 5
          : Math.min(backoffMs * 2, MAX_ACCEPT_BACKOFF_MS);
        if (backoffMs === 5) {
          // deno-lint-ignore no-console
          console.error(`berth: accept failed, retrying: ${String(error)}`);
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, backoffMs);
          wakeBackoff = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wakeBackoff = undefined;
      }
    }
  };

  // A handler may hold resources while served (the file handler watches
  // its root): released once every connection has closed.
  const lifecycle = beginServing(handler);
  const onAbort = () => void shutdown();
  const finished = (async () => {
    await acceptLoop();
    await tracker.drained();
    clearTimeout(deadline);
    options.signal?.removeEventListener("abort", onAbort);
    await handlerStopped;
    await lifecycle.stopped();
  })();

  function shutdown(): Promise<void> {
    if (!closing) {
      closing = true;
      try {
        listener.close();
      } catch {
        // Already closed.
      }
      wakeBackoff?.();
      tracker.beginShutdown();
      // Responses that never end by themselves (event streams) end now,
      // instead of holding the shutdown until its deadline.
      handlerStopped = lifecycle.shuttingDown();
      if (tracker.size > 0) {
        deadline = setTimeout(
          () => tracker.closeAll(),
          limits.shutdownTimeoutMs,
        );
      }
    }
    return finished;
  }

  if (options.signal?.aborted) {
    shutdown();
  } else {
    options.signal?.addEventListener("abort", onAbort, { once: true });
  }
  (options.onListen ?? defaultOnListen)(addr);

  return {
    addr,
    finished,
    shutdown,
    [Symbol.asyncDispose]: shutdown,
  };
}

function listen(
  options: Pick<
    ServeOptions,
    "path" | "hostname" | "port" | "cert" | "key" | "reusePort"
  >,
  http2: boolean,
): Deno.Listener {
  if (options.path !== undefined) {
    return Deno.listen({ transport: "unix", path: options.path });
  }
  const hostname = options.hostname ?? "0.0.0.0";
  const port = options.port ?? 8000;
  if (options.cert !== undefined && options.key !== undefined) {
    return Deno.listenTls(
      {
        hostname,
        port,
        cert: options.cert,
        key: options.key,
        // RFC 9113 §3.2, RFC 7301: "h2" preferred, "http/1.1" for the rest.
        alpnProtocols: http2 ? ["h2", "http/1.1"] : ["http/1.1"],
        reusePort: options.reusePort,
      } as Deno.ListenTlsOptions & Deno.TlsCertifiedKeyPem,
    );
  }
  return Deno.listen({ hostname, port, reusePort: options.reusePort });
}

/**
 * The URL a listener answers on, for banners and logs.
 *
 * @param addr The listener's address.
 * @param secure Whether it speaks TLS.
 * @returns `http://host:port/` (IPv6 in brackets) or `unix:/path`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { listenUrl } from "@berth/berth";
 *
 * // What an `onListen` callback would print.
 * assert.equal(
 *   listenUrl({ transport: "tcp", hostname: "::1", port: 8443 }, true),
 *   "https://[::1]:8443/",
 * );
 * assert.equal(listenUrl({ transport: "unix", path: "/run/berth.sock" }), "unix:/run/berth.sock");
 * ```
 */
export function listenUrl(addr: Deno.Addr, secure = false): string {
  if (addr.transport === "unix" || addr.transport === "unixpacket") {
    return `unix:${addr.path}`;
  }
  if (addr.transport === "tcp" || addr.transport === "udp") {
    const host = addr.hostname.includes(":")
      ? `[${addr.hostname}]`
      : addr.hostname;
    return `${secure ? "https" : "http"}://${host}:${addr.port}/`;
  }
  return String(addr.transport);
}

function defaultOnListen(addr: Deno.Addr): void {
  // deno-lint-ignore no-console
  console.log(`Listening on ${listenUrl(addr)}`);
}

function defaultOnError(error: unknown): Response {
  // deno-lint-ignore no-console
  console.error(error);
  return new Response("Internal Server Error\n", {
    status: 500,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}
