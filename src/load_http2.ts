/**
 * HTTP/2's engine, loaded on the first connection that speaks it (ALPN
 * `h2`, or the h2c preface): its modules are a quarter of berth's code, and
 * code loaded costs memory (issue #14), so a server that only ever speaks
 * HTTP/1.1 never loads them. A connection that arrives while they load
 * waits for them, tracked meanwhile as a busy connection: it counts
 * against `maxConnections`, a forced close closes it, and the connection
 * task it becomes is tracked with no gap between.
 *
 * @module
 */

import type { Conn } from "./http1/conn.ts";
import type { ConnectionTracker } from "./http1/connection_tracker.ts";
import type { serveHttp2Connection } from "./http2/serve_http2_connection.ts";
import { PendingConnection } from "./pending_connection.ts";

/** HTTP/2's connection entry, as its module exports it. */
export type ServeHttp2Connection = typeof serveHttp2Connection;

/** Loads {@linkcode ServeHttp2Connection}; tests pass their own. */
export type LoadHttp2 = () => Promise<ServeHttp2Connection>;

/**
 * Import HTTP/2's modules. A literal specifier, so `deno compile` and
 * `deno publish` see the module and ship it.
 *
 * @returns HTTP/2's connection entry.
 */
export async function importHttp2(): Promise<ServeHttp2Connection> {
  return (await import("./http2/serve_http2_connection.ts"))
    .serveHttp2Connection;
}

/**
 * One server's HTTP/2 engine: loaded once, on first use, then handed out
 * at once.
 */
export class Http2Engine {
  readonly #load: LoadHttp2;
  #loaded: ServeHttp2Connection | undefined;
  #loading: Promise<ServeHttp2Connection | undefined> | undefined;

  /** @param load How to load the engine; {@linkcode importHttp2} by default. */
  constructor(load: LoadHttp2 = importHttp2) {
    this.#load = load;
  }

  /**
   * Serve `conn` with the engine: at once when it is loaded, else once it
   * is, with `conn` tracked meanwhile. A connection closed while waiting
   * (a forced close), or whose engine failed to load, is closed and never
   * served.
   *
   * @param conn The connection to hand to HTTP/2.
   * @param tracker The server's tracker.
   * @param serve Starts the connection's task with the engine.
   * @returns Resolves (never rejects) once the connection is closed.
   */
  serve(
    conn: Conn,
    tracker: ConnectionTracker,
    serve: (engine: ServeHttp2Connection) => Promise<void>,
  ): Promise<void> {
    const loaded = this.#loaded;
    if (loaded !== undefined) return serve(loaded);
    return this.#serveOnceLoaded(conn, tracker, serve);
  }

  async #serveOnceLoaded(
    conn: Conn,
    tracker: ConnectionTracker,
    serve: (engine: ServeHttp2Connection) => Promise<void>,
  ): Promise<void> {
    // No deadline: loading from the package does not stall.
    const waiting = new PendingConnection(conn, 0);
    tracker.add(waiting);
    const engine = await (this.#loading ??= this.#load().then(
      (loaded) => this.#loaded = loaded,
      () => {
        this.#loading = undefined; // The next connection tries again.
        return undefined;
      },
    ));
    // The connection leaves the tracker as its task starts, which tracks
    // it at once: no gap between, and it is never counted twice.
    tracker.delete(waiting);
    if (engine === undefined || waiting.closed) {
      waiting.close();
      return;
    }
    return await serve(engine);
  }
}
