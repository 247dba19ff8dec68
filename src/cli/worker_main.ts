/**
 * A worker thread's entry point: it receives its config from the supervisor,
 * runs its own accept loop on an SO_REUSEPORT listener, sends its access
 * log lines to the main thread in batches, and stops gracefully when told.
 *
 * Started by `workers.ts` as a module Web Worker; see `worker_protocol.ts`.
 *
 * @module
 */

import type { Server } from "../serve.ts";
import { adoptContainmentLock } from "../static/pinned_directory.ts";
import { describeListenError } from "./listen_error.ts";
import { listenTarget, type Reporter, startServer } from "./start_server.ts";
import type { FromWorker, ToWorker } from "./worker_protocol.ts";

/** The part of a worker's global scope used here (typed without the worker lib). */
interface WorkerScope {
  postMessage(message: FromWorker): void;
  close(): void;
  addEventListener(
    type: "message",
    listener: (event: MessageEvent<ToWorker>) => void,
  ): void;
  addEventListener(type: "error", listener: (event: ErrorEvent) => void): void;
  addEventListener(
    type: "unhandledrejection",
    listener: (event: PromiseRejectionEvent) => void,
  ): void;
}

const scope = globalThis as unknown as WorkerScope;

let server: Server<Deno.Addr> | undefined;
let pending: string[] = [];
let flushTimer: ReturnType<typeof setTimeout> | undefined;

function post(message: FromWorker): void {
  try {
    scope.postMessage(message);
  } catch {
    // The main thread is gone; nothing left to tell.
  }
}

function flushLog(): void {
  clearTimeout(flushTimer);
  flushTimer = undefined;
  if (pending.length === 0) return;
  post({ type: "log", text: pending.join("") });
  pending = [];
}

const reporter: Reporter = {
  access(line) {
    pending.push(line + "\n");
    // One message per turn of the event loop, not one per request.
    flushTimer ??= setTimeout(flushLog, 0);
  },
  error(message) {
    post({ type: "error", message });
  },
};

function messageOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(
    error,
  );
}

function crash(error: unknown): void {
  flushLog();
  post({ type: "crashed", message: messageOf(error) });
  scope.close();
}

scope.addEventListener("error", (event) => {
  event.preventDefault();
  crash(event.error ?? event.message);
});
scope.addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  crash(event.reason);
});

scope.addEventListener("message", async (event) => {
  const message = event.data;
  if (message.type === "start") {
    const { id, config } = message;
    adoptContainmentLock(message.containmentLock);
    try {
      server = startServer(config, reporter, id);
    } catch (error) {
      post({
        type: "failed",
        message: describeListenError(error, listenTarget(config)),
      });
      scope.close();
      return;
    }
    const addr = server.addr as Deno.NetAddr;
    post({ type: "listening", hostname: addr.hostname, port: addr.port });
  } else if (message.type === "shutdown") {
    await server?.shutdown();
    flushLog();
    post({ type: "stopped" });
    scope.close();
  }
});
