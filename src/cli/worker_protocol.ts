/**
 * The messages between the supervisor (main thread) and a worker thread.
 *
 * 1. main → `start` (the worker's id, its server config, and the lock that
 *    makes the workers' directory windows take turns: see
 *    `src/static/pinned_directory.ts`)
 * 2. worker → `listening` (its address) or `failed` (why, and it closes)
 * 3. worker → `log` (batched access log lines) and `error` (for stderr)
 *    while serving
 * 4. main → `shutdown`; worker → `stopped` once its server has finished
 *    (graceful, up to the shutdown timeout), and it closes
 *
 * A worker with an uncaught error posts `crashed` and closes; the
 * supervisor starts another in its place.
 *
 * @module
 */

import type { ServerConfig } from "./start_server.ts";

/** From the main thread to a worker. */
export type ToWorker =
  | {
    type: "start";
    id: number;
    config: ServerConfig;
    containmentLock: SharedArrayBuffer;
  }
  | { type: "shutdown" };

/** From a worker to the main thread. */
export type FromWorker =
  | { type: "listening"; hostname: string; port: number }
  | { type: "failed"; message: string }
  | { type: "log"; text: string }
  | { type: "error"; message: string }
  | { type: "crashed"; message: string }
  | { type: "stopped" };
