/**
 * The supervisor: N worker threads, each with its own accept loop on an
 * SO_REUSEPORT listener, so the kernel spreads connections across cores.
 * The main thread starts them, restarts one that dies (a bounded number of
 * times), forwards a graceful shutdown, and writes their access log.
 *
 * @module
 */

import { shareContainmentLock } from "../static/pinned_directory.ts";
import type { ServerConfig } from "./start_server.ts";
import type { FromWorker, ToWorker } from "./worker_protocol.ts";

/** What the supervisor needs of a worker (a `Worker` has it). */
export interface WorkerLike {
  /** Send a message to the worker. */
  postMessage(message: ToWorker): void;
  /** Stop the worker at once. */
  terminate(): void;
  /** Messages from the worker. */
  onmessage: ((event: MessageEvent<FromWorker>) => void) | null;
  /** An error the worker did not handle (it is dead then). */
  onerror: ((event: ErrorEvent) => void) | null;
}

/** Starts worker number `id`. */
export type SpawnWorker = (id: number) => WorkerLike;

/** Options of {@linkcode Supervisor}. */
export interface SupervisorOptions {
  /** How many workers. */
  count: number;
  /** The server config; its port may be `0` (the first worker picks one). */
  config: ServerConfig;
  /** Access log text from the workers (whole lines). */
  onLog: (text: string) => void;
  /** Messages for stderr: worker errors, deaths and restarts. */
  onError: (message: string) => void;
  /**
   * Starts a worker; the default starts `worker_main.ts` as a module Web
   * Worker with the main thread's permissions.
   */
  spawn?: SpawnWorker;
  /**
   * Most restarts within `restartWindowMs`; one more and the supervisor
   * gives up.
   *
   * @default {5}
   */
  maxRestarts?: number;
  /**
   * The window for `maxRestarts`, in ms.
   *
   * @default {60000}
   */
  restartWindowMs?: number;
  /** The clock, in ms. For tests. */
  now?: () => number;
}

/**
 * The platforms where SO_REUSEPORT spreads connections across listeners
 * (Deno sets it only there).
 *
 * @param os `Deno.build.os`.
 * @returns Whether `--workers` can share a port.
 */
export function reusePortBalances(os: typeof Deno.build.os): boolean {
  return os === "linux" || os === "android";
}

/**
 * Whether this Deno lets `Deno.listen` set SO_REUSEPORT. Deno 2.9 keeps it
 * behind `--unstable-net` (or `"unstable": ["net"]` in deno.json) and, when
 * it is missing, ends the process on the spot rather than throwing, so it
 * must be known beforehand. `Deno.listenDatagram` is exposed under the same
 * flag, which makes it the witness.
 *
 * @returns `true` when `reusePort: true` is allowed.
 */
export function reusePortAllowed(): boolean {
  return typeof (Deno as { listenDatagram?: unknown }).listenDatagram ===
    "function";
}

/** The worker entry module, for permission checks and the default spawn. */
export const WORKER_MODULE: URL = new URL("./worker_main.ts", import.meta.url);

function defaultSpawn(id: number): WorkerLike {
  return new Worker(WORKER_MODULE, {
    type: "module",
    name: `berth worker ${id}`,
  }) as unknown as WorkerLike;
}

type SlotState = "starting" | "listening" | "stopping" | "done";

interface Slot {
  id: number;
  worker: WorkerLike;
  state: SlotState;
  ready: PromiseWithResolvers<Deno.NetAddr>;
}

/**
 * Runs and watches N worker threads.
 */
export class Supervisor {
  readonly #options: SupervisorOptions;
  readonly #spawn: SpawnWorker;
  readonly #maxRestarts: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #slots = new Map<number, Slot>();
  readonly #restarts: number[] = [];
  readonly #gaveUp = Promise.withResolvers<string>();
  #port = 0;
  #started = false;
  #stopping = false;
  #allDone: PromiseWithResolvers<void> | undefined;

  /**
   * Make a supervisor; nothing starts before {@linkcode Supervisor.start}.
   *
   * @param options See {@linkcode SupervisorOptions}.
   */
  constructor(options: SupervisorOptions) {
    this.#options = options;
    this.#spawn = options.spawn ?? defaultSpawn;
    this.#maxRestarts = options.maxRestarts ?? 5;
    this.#windowMs = options.restartWindowMs ?? 60_000;
    this.#now = options.now ?? (() => performance.now());
  }

  /**
   * Resolves with a one-line reason when workers died more than
   * `maxRestarts` times within the window and the supervisor stopped
   * restarting them. Never rejects; never resolves otherwise.
   */
  get gaveUp(): Promise<string> {
    return this.#gaveUp.promise;
  }

  /** How many workers are serving now. */
  get serving(): number {
    let n = 0;
    for (const slot of this.#slots.values()) {
      if (slot.state === "listening") n++;
    }
    return n;
  }

  /**
   * Start the workers: the first on the configured port (so `0` becomes a
   * real one), then the others on that port.
   *
   * @returns The address they share.
   * @throws {Error} With a one-line message when a worker cannot start
   *   (port in use, …); every worker is stopped then.
   */
  async start(): Promise<Deno.NetAddr> {
    let addr: Deno.NetAddr;
    try {
      addr = await this.#startSlot(1, this.#options.config.listen.port).ready
        .promise;
      this.#port = addr.port;
      const rest = [];
      for (let id = 2; id <= this.#options.count; id++) {
        rest.push(this.#startSlot(id, this.#port).ready.promise);
      }
      await Promise.all(rest);
    } catch (error) {
      for (const slot of this.#slots.values()) this.#kill(slot);
      throw error;
    }
    this.#started = true;
    return addr;
  }

  /**
   * Stop every worker gracefully: each stops accepting and lets its
   * in-flight responses finish; those still running after `timeoutMs` are
   * terminated.
   *
   * @param timeoutMs How long to wait for the workers.
   */
  async shutdown(timeoutMs: number): Promise<void> {
    if (!this.#stopping) {
      this.#stopping = true;
      this.#allDone = Promise.withResolvers<void>();
      for (const slot of this.#slots.values()) {
        if (slot.state === "done") continue;
        slot.state = "stopping";
        try {
          slot.worker.postMessage({ type: "shutdown" });
        } catch {
          this.#kill(slot);
        }
      }
      this.#checkAllDone();
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    try {
      await Promise.race([this.#allDone!.promise, deadline]);
    } finally {
      clearTimeout(timer);
      for (const slot of this.#slots.values()) this.#kill(slot);
    }
  }

  #startSlot(id: number, port: number): Slot {
    const worker = this.#spawn(id);
    const slot: Slot = {
      id,
      worker,
      state: "starting",
      ready: Promise.withResolvers<Deno.NetAddr>(),
    };
    // Marked handled: a restart's failure is dealt with in #died.
    slot.ready.promise.catch(() => {});
    this.#slots.set(id, slot);
    worker.onmessage = (event) => this.#onMessage(slot, event.data);
    worker.onerror = (event) => {
      // Keep the error in the worker: without this it would end the process.
      event.preventDefault();
      this.#died(slot, event.message);
    };
    const listen = { ...this.#options.config.listen, port, reusePort: true };
    worker.postMessage({
      type: "start",
      id,
      config: { ...this.#options.config, listen },
      // One working directory for all threads: their windows take turns.
      containmentLock: shareContainmentLock(),
    });
    return slot;
  }

  #onMessage(slot: Slot, message: FromWorker): void {
    if (this.#slots.get(slot.id) !== slot) return; // a replaced worker
    switch (message.type) {
      case "log":
        this.#options.onLog(message.text);
        break;
      case "error":
        this.#options.onError(`worker ${slot.id}: ${message.message}`);
        break;
      case "listening":
        if (slot.state === "starting") slot.state = "listening";
        slot.ready.resolve({
          transport: "tcp",
          hostname: message.hostname,
          port: message.port,
        });
        break;
      case "failed":
        this.#died(slot, message.message);
        break;
      case "crashed":
        this.#died(slot, message.message);
        break;
      case "stopped":
        this.#kill(slot);
        this.#checkAllDone();
        break;
    }
  }

  #died(slot: Slot, reason: string): void {
    if (slot.state === "done") return;
    const wasStarting = slot.state === "starting";
    this.#kill(slot);
    slot.ready.reject(new Error(reason));
    if (this.#stopping) {
      this.#checkAllDone();
      return;
    }
    // During start(), the caller reports the failure.
    if (!this.#started) return;
    const now = this.#now();
    while (
      this.#restarts.length > 0 && now - this.#restarts[0] >= this.#windowMs
    ) {
      this.#restarts.shift();
    }
    if (this.#restarts.length >= this.#maxRestarts) {
      this.#gaveUp.resolve(
        `worker ${slot.id} died (${reason}); ${this.#restarts.length} restarts within ${
          Math.round(this.#windowMs / 1000)
        } s already, giving up`,
      );
      return;
    }
    this.#restarts.push(now);
    this.#options.onError(
      `worker ${slot.id} ${
        wasStarting ? "failed to start" : "died"
      } (${reason}); restarting it`,
    );
    const next = this.#startSlot(slot.id, this.#port);
    next.ready.promise.catch(() => {}); // #died handles a failed restart
  }

  #kill(slot: Slot): void {
    if (slot.state === "done") return;
    slot.state = "done";
    slot.worker.onmessage = null;
    slot.worker.onerror = null;
    try {
      slot.worker.terminate();
    } catch {
      // Already gone.
    }
  }

  #checkAllDone(): void {
    if (this.#allDone === undefined) return;
    for (const slot of this.#slots.values()) {
      if (slot.state !== "done") return;
    }
    this.#allDone.resolve();
  }
}
