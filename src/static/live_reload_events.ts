/**
 * Live reload's event stream (`text/event-stream`, the WHATWG HTML
 * standard's server-sent events): what tells the open pages that files
 * changed.
 *
 * - Changes are heard only while a page listens: the first stream starts
 *   listening, the last one to go stops it. When the handler watches its
 *   root (`site_watch.ts`), its watch's reports are shared, so the root is
 *   watched once; otherwise (not served by `serve()`, `watch: false`,
 *   watching failed or refused) the stream watches it itself
 *   (`ChangeWatcher`).
 * - Changes are debounced: an editor's save is several events; a batch
 *   ends after `quietMs` without one (or `maxWaitMs` after it began), and
 *   becomes one event — `css` when only stylesheets changed, else `reload`
 *   (`live_reload_changes.ts`). Lost events mean `reload`.
 * - Before pages are told, the handler forgets what it cached (`forget`),
 *   so the pages fetch what is on disk now.
 * - A comment every `heartbeatMs` keeps proxies from closing an idle
 *   stream, and finds streams whose page went away (the write fails).
 * - {@linkcode LiveReloadEvents.close} ends every stream (`serve()`'s
 *   shutdown calls it): pages reconnect to the next server by themselves.
 *
 * @module
 */

import {
  type ChangeFeed,
  type ChangeHandlers,
  ChangeWatcher,
} from "./change_watcher.ts";
import { addPageChanges, type PageChanges } from "./live_reload_changes.ts";
import { responseInit, statusResponse } from "./status_response.ts";

/** Timing of the stream; the defaults suit a person saving files. */
export interface LiveReloadTiming {
  /**
   * A batch of changes ends after this long without another.
   *
   * @default {100}
   */
  quietMs?: number;
  /**
   * …or this long after it began, however busy the folder.
   *
   * @default {1000}
   */
  maxWaitMs?: number;
  /**
   * A comment is sent this often to every stream.
   *
   * @default {20000}
   */
  heartbeatMs?: number;
}

/** What the stream needs of the handler. */
export interface LiveReloadSite {
  /** The folder to watch: the root, absolute. */
  root: string;
  /** The URL path segments the root is served under (`urlRoot`). */
  mount: readonly string[];
  /** Forget cached files, before pages are told to fetch them again. */
  forget: () => void;
  /** Told, once per kind, of a watch that could not start or stopped. */
  warn: (message: string) => void;
  /**
   * Share the handler's own watch of the root, if it watches now (paths
   * reported under `root`); `null`, or absent, when it does not: then the
   * stream watches the root itself.
   */
  subscribe?: (handlers: ChangeHandlers) => ChangeFeed | null;
}

const DEFAULT_TIMING: Required<LiveReloadTiming> = {
  quietMs: 100,
  maxWaitMs: 1000,
  heartbeatMs: 20_000,
};

const encoder = new TextEncoder();
/** A comment line: ignored by pages, enough to keep a proxy's timer off. */
const HEARTBEAT = encoder.encode(": heartbeat\n\n");
/** How long a page waits before reconnecting (the default is ~3 s). */
const RETRY = "retry: 1000\n";

type Client = ReadableStreamDefaultController<Uint8Array>;
type Timer = ReturnType<typeof setTimeout>;

/**
 * The event stream of one handler: its clients, the watch, the batch of
 * changes being gathered.
 */
export class LiveReloadEvents {
  readonly #site: LiveReloadSite;
  readonly #timing: Required<LiveReloadTiming>;
  readonly #clients = new Set<Client>();
  /** This server's own token: a page that sees another one reloads. */
  readonly #instance = crypto.randomUUID().slice(0, 8);
  /** Batches sent so far: part of the version pages compare. */
  #sent = 0;
  /** What reports changes while a page listens, or `null`. */
  #feed: ChangeFeed | null = null;
  /** The last watch being closed, for whoever waits for the release. */
  #released: Promise<void> = Promise.resolve();
  #batch: PageChanges | null = null;
  #batches = 0;
  #quietTimer: Timer | undefined;
  #maxTimer: Timer | undefined;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  readonly #warned = new Set<string>();

  /**
   * @param site The root, its mount point and the handler's hooks.
   * @param timing Debounce and heartbeat (see {@linkcode LiveReloadTiming}).
   */
  constructor(site: LiveReloadSite, timing: LiveReloadTiming = {}) {
    this.#site = site;
    this.#timing = { ...DEFAULT_TIMING, ...timing };
  }

  /** How many pages listen now. */
  get clients(): number {
    return this.#clients.size;
  }

  /** Batches of changes ended so far, those of noise alone too. */
  get batches(): number {
    return this.#batches;
  }

  /**
   * Answer a GET or HEAD for the stream: `200 text/event-stream`,
   * `Cache-Control: no-store`, the `hello` event first. Once closed, the
   * stream ends after its first event, so the page retries (the next
   * server answers). 503 when the root cannot be watched: the page stops
   * trying (`EventSource` does not retry an error status).
   *
   * @param request The request.
   * @returns The answer.
   */
  respond(request: Request): Response {
    const headers = new Headers({
      "content-type": "text/event-stream",
      "cache-control": "no-store",
    });
    if (request.method === "HEAD") {
      return new Response(null, responseInit(200, headers));
    }
    if (!this.#closed && this.#feed === null && !this.#listen()) {
      return statusResponse(503, request.method, { "retry-after": "1" });
    }
    const hello = this.#event("hello", {});
    let client: Client;
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        client = controller;
        controller.enqueue(encoder.encode(RETRY + hello));
        if (this.#closed) controller.close();
        else this.#join(controller);
      },
      cancel: () => this.#leave(client),
    });
    return new Response(body, responseInit(200, headers));
  }

  /**
   * End every stream and stop watching, for good: what `serve()`'s
   * shutdown asks for. Pages reconnect by themselves.
   *
   * @returns Resolves once the watch is released.
   */
  close(): Promise<void> {
    this.#closed = true;
    this.#endAll();
    return this.#released;
  }

  /**
   * Resolves once the last watch stopped has released its resource: for
   * tests, after the last page went.
   *
   * @returns The promise.
   */
  released(): Promise<void> {
    return this.#released;
  }

  /**
   * Hear of changes: through the handler's watch, else through a watch of
   * its own; `false` (said once) when the root cannot be watched.
   */
  #listen(): boolean {
    const root = this.#site.root;
    try {
      // Watchers report paths under the root as given or its real path.
      const roots = [root, Deno.realPathSync(root)];
      const handlers: ChangeHandlers = {
        changed: (paths) =>
          this.#gather((batch) =>
            addPageChanges(batch, paths, { roots, mount: this.#site.mount })
          ),
        lost: () => this.#gather((batch) => batch.reload = true),
        failed: (error) => this.#failed(error),
      };
      this.#feed = this.#site.subscribe?.(handlers) ??
        new ChangeWatcher(root, handlers);
      return true;
    } catch (error) {
      this.#warnOnce(
        "start",
        `live reload: cannot watch ${root} (${errorText(error)}); ` +
          "pages will not reload",
      );
      return false;
    }
  }

  #join(client: Client): void {
    this.#clients.add(client);
    this.#heartbeat ??= setInterval(
      () => this.#broadcast(HEARTBEAT),
      this.#timing.heartbeatMs,
    );
  }

  #leave(client: Client): void {
    this.#clients.delete(client);
    if (this.#clients.size === 0) this.#stop();
  }

  /** No page listens (or the watch failed): stop watching and timing. */
  #stop(): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    this.#endBatch();
    const feed = this.#feed;
    this.#feed = null;
    if (feed !== null) {
      const previous = this.#released;
      const closing = feed.close();
      this.#released = Promise.all([previous, closing]).then(() => {});
    }
  }

  /** Add to the batch, and end it once quiet (or once it is old). */
  #gather(add: (batch: PageChanges) => void): void {
    if (this.#feed === null) return;
    if (this.#batch === null) {
      this.#batch = { reload: false, stylesheets: new Set() };
      this.#maxTimer = setTimeout(() => this.#send(), this.#timing.maxWaitMs);
    }
    add(this.#batch);
    clearTimeout(this.#quietTimer);
    this.#quietTimer = setTimeout(() => this.#send(), this.#timing.quietMs);
  }

  #endBatch(): PageChanges | null {
    clearTimeout(this.#quietTimer);
    clearTimeout(this.#maxTimer);
    this.#quietTimer = this.#maxTimer = undefined;
    const batch = this.#batch;
    this.#batch = null;
    return batch;
  }

  /** Tell every page what the batch means (nothing, when only noise). */
  #send(): void {
    const batch = this.#endBatch();
    this.#batches++;
    if (batch === null || (!batch.reload && batch.stylesheets.size === 0)) {
      return;
    }
    this.#site.forget();
    this.#sent++;
    const event = batch.reload
      ? this.#event("reload", {})
      : this.#event("css", { paths: [...batch.stylesheets] });
    this.#broadcast(encoder.encode(event));
  }

  /** An event, with the version pages compare on reconnecting. */
  #event(type: string, data: Record<string, unknown>): string {
    const version = `${this.#instance}.${this.#sent}`;
    return `event: ${type}\ndata: ${JSON.stringify({ version, ...data })}\n\n`;
  }

  #broadcast(bytes: Uint8Array): void {
    for (const client of this.#clients) {
      try {
        client.enqueue(bytes);
      } catch {
        // Its stream is gone; its cancel said so, or will.
        this.#leave(client);
      }
    }
  }

  /** The watch stopped on an error: end the streams; pages reconnect. */
  #failed(error: unknown): void {
    this.#warnOnce(
      "failed",
      `live reload: watching ${this.#site.root} stopped (${
        errorText(error)
      }); it starts again as pages reconnect`,
    );
    this.#endAll();
  }

  /** End every stream (pages reconnect), and so the watch. */
  #endAll(): void {
    for (const client of this.#clients) {
      try {
        client.close();
      } catch {
        // Already errored: its page is gone.
      }
    }
    this.#clients.clear();
    this.#stop();
  }

  #warnOnce(kind: string, message: string): void {
    if (this.#warned.has(kind)) return;
    this.#warned.add(kind);
    this.#site.warn(message);
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
