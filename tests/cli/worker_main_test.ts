/**
 * worker_main.ts in a real Web Worker, speaking the supervisor's protocol.
 * (Without SO_REUSEPORT: this test process has no --unstable-net.)
 */
import assert from "node:assert/strict";
import { parseArgs } from "../../src/cli/parse_args.ts";
import { serverConfig } from "../../src/cli/start_server.ts";
import { WORKER_MODULE } from "../../src/cli/workers.ts";
import type { FromWorker, ToWorker } from "../../src/cli/worker_protocol.ts";

/** A worker whose messages can be awaited one by one. */
class TestWorker {
  readonly worker = new Worker(WORKER_MODULE, { type: "module" });
  readonly #queue: FromWorker[] = [];
  #wake: (() => void) | undefined;

  constructor() {
    this.worker.onmessage = (event: MessageEvent<FromWorker>) => {
      this.#queue.push(event.data);
      this.#wake?.();
    };
  }

  post(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  /** The next message of `type` (others before it are returned too). */
  async next(type: FromWorker["type"]): Promise<FromWorker[]> {
    const seen: FromWorker[] = [];
    while (true) {
      while (this.#queue.length > 0) {
        const message = this.#queue.shift()!;
        seen.push(message);
        if (message.type === type) return seen;
      }
      await new Promise<void>((resolve) => this.#wake = resolve);
    }
  }
}

Deno.test("worker_main: start, serve, log to the main thread, stop", async () => {
  const worker = new TestWorker();
  try {
    const config = serverConfig(parseArgs(["--port", "0", "-v"]));
    worker.post({
      type: "start",
      id: 7,
      config,
      containmentLock: new SharedArrayBuffer(4),
    });
    const listening = (await worker.next("listening")).at(-1)!;
    assert.equal(listening.type, "listening");
    assert.ok(listening.type === "listening" && listening.port > 0);
    const response = await fetch(`http://127.0.0.1:${listening.port}/`);
    assert.equal(response.status, 200);
    await response.body?.cancel();
    const log = (await worker.next("log")).at(-1)!;
    assert.ok(log.type === "log");
    assert.match(log.text, /^GET \/ 200 \d+ B .* worker 7\n$/);
    worker.post({ type: "shutdown" });
    await worker.next("stopped");
  } finally {
    worker.worker.terminate();
  }
});

Deno.test("worker_main: a port in use is reported as failed", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const worker = new TestWorker();
  try {
    const config = serverConfig(
      parseArgs(["--port", String(listener.addr.port)]),
    );
    worker.post({
      type: "start",
      id: 1,
      config,
      containmentLock: new SharedArrayBuffer(4),
    });
    const failed = (await worker.next("failed")).at(-1)!;
    assert.deepEqual(failed, {
      type: "failed",
      message:
        `Port ${listener.addr.port} is already in use; choose another with --port`,
    });
  } finally {
    worker.worker.terminate();
  }
});
