/**
 * A small Chrome DevTools Protocol client for the end-to-end tests, with no
 * dependencies: `Deno.Command` starts headless Chromium and Deno's own
 * `WebSocket` speaks CDP to it.
 *
 * - {@linkcode findChromium} says where Chromium is, or `null` (tests skip).
 * - {@linkcode Browser.launch} starts it on a fresh profile and connects.
 * - {@linkcode Browser.newPage} opens a tab and attaches to it (flat
 *   sessions: one socket, commands tagged with a `sessionId`).
 * - {@linkcode Page.send} sends a command and resolves with its result;
 *   {@linkcode Page.waitForEvent} resolves with an event's params. Both are
 *   bounded: they reject with a message naming what was awaited.
 * - {@linkcode Browser.close} closes the browser, waits for the process,
 *   and removes the profile.
 *
 * Events are kept in order, so a test can take a {@linkcode Page.mark}
 * before acting and then wait for an event that may already have come.
 *
 * @module
 */

/** How long a command or an awaited event may take before it rejects. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** The flags every launch uses (plus the profile folder and `about:blank`). */
export const CHROMIUM_FLAGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-default-apps",
  "--mute-audio",
  "--autoplay-policy=no-user-gesture-required",
  // Containers often have a small /dev/shm; Chromium crashes when it fills.
  "--disable-dev-shm-usage",
  // Belt and braces: no host name resolves except the loopback address.
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
  "--remote-debugging-port=0",
];

/** A CDP event as received: its method, params and session. */
export interface CdpEvent {
  /** The event name, e.g. `"Page.lifecycleEvent"`. */
  method: string;
  /** The event's parameters. */
  params: Record<string, unknown>;
  /** The session it belongs to; absent for browser-level events. */
  sessionId?: string;
}

// deno-lint-ignore no-explicit-any
type Json = any;

interface Pending {
  method: string;
  resolve(value: Json): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

interface Waiter {
  method: string;
  sessionId: string | undefined;
  predicate: (params: Json) => boolean;
  resolve(value: Json): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/** Options of {@linkcode Page.waitForEvent}. */
export interface WaitOptions {
  /** Only events whose params satisfy it. */
  predicate?: (params: Json) => boolean;
  /** Also match events received since this {@linkcode Page.mark}. */
  since?: number;
  /** @default {DEFAULT_TIMEOUT_MS} */
  timeoutMs?: number;
}

/**
 * Where Chromium is: `$BERTH_CHROMIUM` when set (so the skip path can be
 * tried with a missing file), else `/usr/bin/chromium`, else `chromium` on
 * `PATH`.
 *
 * @returns The executable's path, or `null` when there is none.
 */
export function findChromium(): string | null {
  const override = readEnv("BERTH_CHROMIUM");
  if (override !== undefined) return isFile(override) ? override : null;
  if (isFile("/usr/bin/chromium")) return "/usr/bin/chromium";
  for (const dir of (readEnv("PATH") ?? "").split(":")) {
    if (dir !== "" && isFile(`${dir}/chromium`)) return `${dir}/chromium`;
  }
  return null;
}

function readEnv(name: string): string | undefined {
  const { state } = Deno.permissions.querySync({ name: "env", variable: name });
  return state === "granted" ? Deno.env.get(name) : undefined;
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/**
 * Race `promise` against a timer that rejects with `message`; the timer is
 * always cleared.
 */
async function withTimeout<T>(
  promise: Promise<T>,
  timeoutMs: number,
  message: string,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${message} (after ${timeoutMs} ms)`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Mark a promise as handled, so that one taken before an action and awaited
 * after it cannot crash the test runner if it rejects in between (a failed
 * action, a closed browser): awaiting it still throws.
 */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/** A headless Chromium and the CDP connection to it. */
export class Browser {
  readonly #child: Deno.ChildProcess;
  readonly #profile: string;
  readonly #socket: WebSocket;
  readonly #socketClosed: Promise<void>;
  readonly #stderrDone: Promise<void>;
  readonly #stderrTail: () => string;
  readonly #pending = new Map<number, Pending>();
  readonly #waiters = new Set<Waiter>();
  readonly #events: CdpEvent[] = [];
  #nextId = 1;
  #closed = false;

  private constructor(
    child: Deno.ChildProcess,
    profile: string,
    socket: WebSocket,
    socketClosed: Promise<void>,
    stderrDone: Promise<void>,
    stderrTail: () => string,
  ) {
    this.#child = child;
    this.#profile = profile;
    this.#socket = socket;
    this.#socketClosed = socketClosed;
    this.#stderrDone = stderrDone;
    this.#stderrTail = stderrTail;
    socket.onmessage = (event) => this.#onMessage(String(event.data));
    socketClosed.then(() =>
      this.#failAll(new Error("the DevTools connection closed"))
    );
  }

  /**
   * Start Chromium headless on a fresh profile and connect to it.
   *
   * @param path The Chromium executable.
   * @param options `timeoutMs`: how long it may take to print its DevTools
   *   URL; `flags`: more command-line flags (`--ignore-certificate-errors`).
   * @returns The connected browser; close it with {@linkcode Browser.close}.
   */
  static async launch(
    path: string,
    options: { timeoutMs?: number; flags?: readonly string[] } = {},
  ): Promise<Browser> {
    const { timeoutMs = DEFAULT_TIMEOUT_MS, flags = [] } = options;
    const profile = await Deno.makeTempDir({ prefix: "berth-e2e-chromium-" });
    const child = new Deno.Command(path, {
      args: [
        ...CHROMIUM_FLAGS,
        ...flags,
        `--user-data-dir=${profile}`,
        "about:blank",
      ],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();

    // Read stderr to its end, always (a full pipe would stall Chromium),
    // keeping a tail for error messages and resolving the DevTools URL.
    let tail = "";
    let resolveUrl!: (url: string | null) => void;
    const urlFound = new Promise<string | null>((r) => resolveUrl = r);
    const stderrDone = (async () => {
      let pending = "";
      for await (
        const chunk of child.stderr.pipeThrough(new TextDecoderStream())
      ) {
        tail = (tail + chunk).slice(-4000);
        pending += chunk;
        const match = pending.match(/DevTools listening on (ws:\/\/\S+)/);
        if (match) resolveUrl(match[1]);
        pending = pending.slice(pending.lastIndexOf("\n") + 1);
      }
      resolveUrl(null);
    })();

    let socket: WebSocket | undefined;
    try {
      const url = await withTimeout(
        urlFound,
        timeoutMs,
        "Chromium did not print its DevTools URL",
      );
      if (url === null) throw new Error("Chromium exited before listening");
      if (!url.startsWith("ws://127.0.0.1:")) {
        throw new Error(`Chromium listens on an unexpected address: ${url}`);
      }
      socket = new WebSocket(url);
      const opened = new Promise<void>((resolve, reject) => {
        socket!.onopen = () => resolve();
        socket!.onerror = () =>
          reject(new Error(`could not connect to ${url}`));
      });
      const closed = new Promise<void>((resolve) => {
        socket!.onclose = () => resolve();
      });
      await withTimeout(opened, timeoutMs, "the DevTools socket did not open");
      return new Browser(
        child,
        profile,
        socket,
        closed,
        stderrDone,
        () => tail,
      );
    } catch (error) {
      if (socket !== undefined) {
        const closed = new Promise((r) => socket!.onclose = r);
        socket.close();
        if (socket.readyState !== WebSocket.CLOSED) await closed;
      }
      child.kill("SIGKILL");
      await child.status;
      await stderrDone;
      await Deno.remove(profile, { recursive: true });
      throw new Error(
        `${(error as Error).message}; Chromium's stderr:\n${tail}`,
        { cause: error },
      );
    }
  }

  /**
   * Send a command and wait for its result.
   *
   * @param method The CDP method, e.g. `"Target.createTarget"`.
   * @param params Its parameters.
   * @param sessionId The page session, or none for the browser.
   * @param timeoutMs How long to wait for the answer.
   * @returns The command's result.
   */
  send(
    method: string,
    params: Record<string, unknown> = {},
    sessionId?: string,
    timeoutMs: number = DEFAULT_TIMEOUT_MS,
  ): Promise<Json> {
    if (this.#closed) {
      return Promise.reject(new Error(`${method}: the browser is closed`));
    }
    const id = this.#nextId++;
    return handled(
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          this.#pending.delete(id);
          reject(new Error(`${method}: no answer after ${timeoutMs} ms`));
        }, timeoutMs);
        this.#pending.set(id, { method, resolve, reject, timer });
        this.#socket.send(JSON.stringify({ id, method, params, sessionId }));
      }),
    );
  }

  /**
   * How many events have been received: pass it as `since` to
   * {@linkcode Browser.waitForEvent} to also match events that arrive
   * between now and the call.
   *
   * @returns The current position in the event log.
   */
  mark(): number {
    return this.#events.length;
  }

  /**
   * Wait for an event.
   *
   * @param method The event name.
   * @param sessionId The session it must belong to (`undefined`: browser).
   * @param options A predicate, a `since` mark, a timeout.
   * @returns The event's params.
   */
  waitForEvent(
    method: string,
    sessionId: string | undefined,
    options: WaitOptions = {},
  ): Promise<Json> {
    const predicate = options.predicate ?? (() => true);
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (options.since !== undefined) {
      for (const event of this.#events.slice(options.since)) {
        if (
          event.method === method && event.sessionId === sessionId &&
          predicate(event.params)
        ) {
          return Promise.resolve(event.params);
        }
      }
    }
    if (this.#closed) {
      return Promise.reject(new Error(`${method}: the browser is closed`));
    }
    return handled(
      new Promise((resolve, reject) => {
        const waiter: Waiter = {
          method,
          sessionId,
          predicate,
          resolve,
          reject,
          timer: setTimeout(() => {
            this.#waiters.delete(waiter);
            reject(new Error(`no ${method} event after ${timeoutMs} ms`));
          }, timeoutMs),
        };
        this.#waiters.add(waiter);
      }),
    );
  }

  /**
   * The events received so far for a session (`undefined`: browser).
   *
   * @param sessionId The session.
   * @returns Them, oldest first.
   */
  events(sessionId: string | undefined): CdpEvent[] {
    return this.#events.filter((event) => event.sessionId === sessionId);
  }

  /**
   * Open a tab on `about:blank`, attach to it, and enable the domains the
   * tests use: Page (with lifecycle events), Network (cache disabled, so
   * every load reaches the server) and Runtime.
   *
   * @returns The page.
   */
  async newPage(): Promise<Page> {
    const { targetId } = await this.send("Target.createTarget", {
      url: "about:blank",
    });
    const { sessionId } = await this.send("Target.attachToTarget", {
      targetId,
      flatten: true,
    });
    const page = new Page(this, targetId, sessionId);
    await page.send("Page.enable");
    await page.send("Page.setLifecycleEventsEnabled", { enabled: true });
    await page.send("Network.enable");
    await page.send("Network.setCacheDisabled", { cacheDisabled: true });
    await page.send("Runtime.enable");
    return page;
  }

  /**
   * Close the browser: ask it to quit, close the socket, wait for the
   * process (killing it if it does not exit in time), drain its stderr, and
   * remove the profile. Safe to call twice.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.send("Browser.close", {}, undefined, 5_000);
    } catch {
      // It may close the socket before answering; the process is killed
      // below if it did not quit.
    }
    this.#closed = true;
    if (this.#socket.readyState !== WebSocket.CLOSED) this.#socket.close();
    await this.#socketClosed;
    this.#failAll(new Error("the browser was closed"));
    try {
      await withTimeout(this.#child.status, 10_000, "Chromium did not quit");
    } catch {
      this.#child.kill("SIGKILL");
      await this.#child.status;
    }
    await this.#stderrDone;
    await Deno.remove(this.#profile, { recursive: true });
  }

  /** The last few kB Chromium printed on stderr, for failure messages. */
  get stderr(): string {
    return this.#stderrTail();
  }

  #onMessage(text: string): void {
    const message = JSON.parse(text);
    if (typeof message.id === "number") {
      const pending = this.#pending.get(message.id);
      if (pending === undefined) return;
      this.#pending.delete(message.id);
      clearTimeout(pending.timer);
      if (message.error) {
        pending.reject(
          new Error(
            `${pending.method}: ${message.error.message} (${message.error.code})`,
          ),
        );
      } else {
        pending.resolve(message.result);
      }
      return;
    }
    const event: CdpEvent = {
      method: message.method,
      params: message.params ?? {},
      sessionId: message.sessionId,
    };
    this.#events.push(event);
    for (const waiter of this.#waiters) {
      if (
        waiter.method === event.method &&
        waiter.sessionId === event.sessionId &&
        waiter.predicate(event.params)
      ) {
        this.#waiters.delete(waiter);
        clearTimeout(waiter.timer);
        waiter.resolve(event.params);
      }
    }
  }

  #failAll(error: Error): void {
    for (const [id, pending] of this.#pending) {
      this.#pending.delete(id);
      clearTimeout(pending.timer);
      pending.reject(new Error(`${pending.method}: ${error.message}`));
    }
    for (const waiter of this.#waiters) {
      this.#waiters.delete(waiter);
      clearTimeout(waiter.timer);
      waiter.reject(new Error(`${waiter.method}: ${error.message}`));
    }
  }
}

/** The result of {@linkcode Page.navigate}. */
export interface Navigation {
  /** The HTTP status of the document. */
  status: number;
  /** Its media type, as Chromium saw it. */
  mimeType: string;
}

/** One tab, reached through a flat session of its {@linkcode Browser}. */
export class Page {
  /** The browser it belongs to. */
  readonly browser: Browser;
  /** Its target id. */
  readonly targetId: string;
  /** The session commands are sent on. */
  readonly sessionId: string;

  /**
   * @param browser The browser.
   * @param targetId The tab's target id.
   * @param sessionId The attached session.
   */
  constructor(browser: Browser, targetId: string, sessionId: string) {
    this.browser = browser;
    this.targetId = targetId;
    this.sessionId = sessionId;
  }

  /**
   * Send a command on this page's session.
   *
   * @param method The CDP method.
   * @param params Its parameters.
   * @param timeoutMs How long to wait for the answer.
   * @returns The command's result.
   */
  send(
    method: string,
    params: Record<string, unknown> = {},
    timeoutMs?: number,
  ): Promise<Json> {
    return this.browser.send(method, params, this.sessionId, timeoutMs);
  }

  /**
   * A position in the event log; see {@linkcode Browser.mark}.
   *
   * @returns The position.
   */
  mark(): number {
    return this.browser.mark();
  }

  /**
   * Wait for an event of this page.
   *
   * @param method The event name.
   * @param options A predicate, a `since` mark, a timeout.
   * @returns The event's params.
   */
  waitForEvent(method: string, options: WaitOptions = {}): Promise<Json> {
    return this.browser.waitForEvent(method, this.sessionId, options);
  }

  /**
   * This page's events so far.
   *
   * @returns Them, oldest first.
   */
  events(): CdpEvent[] {
    return this.browser.events(this.sessionId);
  }

  /**
   * Navigate and wait for the new document's `load`.
   *
   * @param url Where to go.
   * @returns The document's status and media type.
   * @throws {Error} When the navigation fails (network error, timeout).
   */
  async navigate(url: string): Promise<Navigation> {
    const since = this.mark();
    const result = await this.send("Page.navigate", { url });
    if (result.errorText) {
      throw new Error(`navigating to ${url} failed: ${result.errorText}`);
    }
    const loaderId: string = result.loaderId;
    await this.waitForEvent("Page.lifecycleEvent", {
      since,
      predicate: (e) => e.name === "load" && e.loaderId === loaderId,
    });
    // The document's request id is its loader id.
    const { response } = await this.waitForEvent("Network.responseReceived", {
      since,
      predicate: (e) => e.requestId === loaderId,
    });
    return { status: response.status, mimeType: response.mimeType };
  }

  /**
   * Evaluate a JavaScript expression in the page, awaiting a promise it
   * returns, and return its value (which must be JSON-serializable).
   *
   * @param expression The expression.
   * @param timeoutMs How long it may take.
   * @returns Its value.
   * @throws {Error} With the page's exception when it throws or rejects.
   */
  async evaluate<T = Json>(expression: string, timeoutMs?: number): Promise<T> {
    const result = await this.send("Runtime.evaluate", {
      expression,
      returnByValue: true,
      awaitPromise: true,
    }, timeoutMs);
    if (result.exceptionDetails) {
      const details = result.exceptionDetails;
      throw new Error(
        `in the page: ${details.exception?.description ?? details.text}`,
      );
    }
    return result.result.value as T;
  }
}
