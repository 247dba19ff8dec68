/**
 * The supervisor, with fake workers: start order and ports, failures,
 * restarts and their bound, graceful shutdown and its deadline. (The real
 * threads are exercised through the CLI in workers_cli_test.ts.)
 */
import assert from "node:assert/strict";
import { parseArgs } from "../../src/cli/parse_args.ts";
import { serverConfig } from "../../src/cli/start_server.ts";
import {
  reusePortBalances,
  Supervisor,
  type SupervisorOptions,
  type WorkerLike,
} from "../../src/cli/workers.ts";
import type { FromWorker, ToWorker } from "../../src/cli/worker_protocol.ts";

/** How a fake worker answers `start`. */
type Behavior = (worker: FakeWorker, port: number) => FromWorker | null;

const listens: Behavior = (_, port) => ({
  type: "listening",
  hostname: "127.0.0.1",
  port: port === 0 ? 4000 : port,
});

class FakeWorker implements WorkerLike {
  onmessage: ((event: MessageEvent<FromWorker>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  received: ToWorker[] = [];
  terminated = false;
  readonly id: number;
  readonly behavior: Behavior;
  /** Answer `shutdown` with `stopped`. */
  stops = true;

  constructor(id: number, behavior: Behavior) {
    this.id = id;
    this.behavior = behavior;
  }

  postMessage(message: ToWorker): void {
    this.received.push(message);
    queueMicrotask(() => {
      if (message.type === "start") {
        const reply = this.behavior(this, message.config.listen.port);
        if (reply !== null) this.emit(reply);
      } else if (this.stops) {
        this.emit({ type: "stopped" });
      }
    });
  }

  terminate(): void {
    this.terminated = true;
  }

  emit(message: FromWorker): void {
    this.onmessage?.(new MessageEvent("message", { data: message }));
  }

  /** An uncaught error, as the Worker object reports it. */
  fail(message: string): ErrorEvent {
    const event = new ErrorEvent("error", { message, cancelable: true });
    this.onerror?.(event);
    return event;
  }
}

function setup(
  count: number,
  behavior: (id: number, generation: number) => Behavior = () => listens,
  options: Partial<SupervisorOptions> = {},
) {
  const spawned: FakeWorker[] = [];
  const logs: string[] = [];
  const errors: string[] = [];
  const generations = new Map<number, number>();
  const supervisor = new Supervisor({
    count,
    config: serverConfig(parseArgs(["--port", "0"])),
    onLog: (text) => logs.push(text),
    onError: (message) => errors.push(message),
    spawn(id) {
      const generation = (generations.get(id) ?? 0) + 1;
      generations.set(id, generation);
      const worker = new FakeWorker(id, behavior(id, generation));
      spawned.push(worker);
      return worker;
    },
    ...options,
  });
  return { supervisor, spawned, logs, errors };
}

function started(worker: FakeWorker) {
  const start = worker.received[0];
  assert.equal(start.type, "start");
  return start;
}

/** Let queued microtasks (fake replies) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

Deno.test("Supervisor starts the first worker on port 0, the others on its port", async () => {
  const { supervisor, spawned } = setup(3);
  const addr = await supervisor.start();
  assert.deepEqual(addr, {
    transport: "tcp",
    hostname: "127.0.0.1",
    port: 4000,
  });
  assert.deepEqual(spawned.map((w) => w.id), [1, 2, 3]);
  const starts = spawned.map(started);
  assert.deepEqual(starts.map((s) => s.id), [1, 2, 3]);
  assert.deepEqual(starts.map((s) => s.config.listen.port), [0, 4000, 4000]);
  assert.ok(starts.every((s) => s.config.listen.reusePort));
  assert.equal(supervisor.serving, 3);
  await supervisor.shutdown(1000);
});

Deno.test("Supervisor forwards log text and prefixes worker errors", async () => {
  const { supervisor, spawned, logs, errors } = setup(2);
  await supervisor.start();
  spawned[1].emit({ type: "log", text: "GET / 200 1 B 0.1 ms\n" });
  spawned[0].emit({ type: "error", message: "error serving GET /x: boom" });
  assert.deepEqual(logs, ["GET / 200 1 B 0.1 ms\n"]);
  assert.deepEqual(errors, ["worker 1: error serving GET /x: boom"]);
  await supervisor.shutdown(1000);
});

Deno.test("Supervisor.start() fails with the worker's reason and stops the rest", async () => {
  const { supervisor, spawned } = setup(
    3,
    (id) =>
      id === 2
        ? () => ({ type: "failed", message: "Port 4000 is already in use" })
        : listens,
  );
  await assert.rejects(
    supervisor.start(),
    /^Error: Port 4000 is already in use$/,
  );
  assert.ok(spawned.every((w) => w.terminated));
});

Deno.test("Supervisor restarts a worker that crashed, on the same port", async () => {
  const { supervisor, spawned, errors } = setup(2);
  await supervisor.start();
  spawned[1].emit({ type: "crashed", message: "Error: boom" });
  await settle();
  assert.ok(spawned[1].terminated);
  assert.equal(spawned.length, 3);
  const restart = started(spawned[2]);
  assert.equal(restart.id, 2);
  assert.equal(restart.config.listen.port, 4000);
  assert.deepEqual(errors, ["worker 2 died (Error: boom); restarting it"]);
  assert.equal(supervisor.serving, 2);
  // The dead worker's late messages are ignored.
  spawned[1].emit({ type: "log", text: "late\n" });
  await supervisor.shutdown(1000);
});

Deno.test("Supervisor restarts a worker whose error reached the main thread", async () => {
  const { supervisor, spawned } = setup(1);
  await supervisor.start();
  const event = spawned[0].fail("Uncaught Error: load failed");
  assert.ok(event.defaultPrevented, "the error must not end the process");
  await settle();
  assert.equal(spawned.length, 2);
  assert.equal(supervisor.serving, 1);
  await supervisor.shutdown(1000);
});

Deno.test("Supervisor gives up after too many restarts within the window", async () => {
  const now = 0; // the clock stands still: every restart is in the window
  const { supervisor, spawned } = setup(2, (id, generation) =>
    // Worker 2 fails to start again after its first crash.
    id === 2 && generation > 1
      ? () => ({ type: "failed", message: "Port 4000 is already in use" })
      : listens, { maxRestarts: 3, restartWindowMs: 60_000, now: () => now });
  await supervisor.start();
  let gaveUp: string | undefined;
  supervisor.gaveUp.then((reason) => gaveUp = reason);
  spawned[1].emit({ type: "crashed", message: "Error: boom" });
  await settle();
  await supervisor.gaveUp;
  assert.match(
    gaveUp!,
    /^worker 2 died \(Port 4000 is already in use\); 3 restarts within 60 s already, giving up$/,
  );
  assert.equal(spawned.length, 2 + 3, "three restarts, then none");
  assert.equal(supervisor.serving, 1, "worker 1 still serves");
  await supervisor.shutdown(1000);
});

Deno.test("Supervisor's restart budget is per window", async () => {
  let now = 0;
  const { supervisor, spawned } = setup(1, () => listens, {
    maxRestarts: 1,
    restartWindowMs: 1000,
    now: () => now,
  });
  await supervisor.start();
  let gaveUp = false;
  supervisor.gaveUp.then(() => gaveUp = true);
  for (let i = 0; i < 3; i++) {
    spawned.at(-1)!.emit({ type: "crashed", message: "Error: boom" });
    await settle();
    now += 1000; // each crash in a new window
  }
  assert.equal(gaveUp, false);
  assert.equal(spawned.length, 4);
  spawned.at(-1)!.emit({ type: "crashed", message: "Error: boom" });
  await settle();
  spawned.at(-1)!.emit({ type: "crashed", message: "Error: boom" });
  await settle();
  assert.equal(gaveUp, true);
  await supervisor.shutdown(1000);
});

Deno.test("Supervisor.shutdown() asks every worker and waits for each to stop", async () => {
  const { supervisor, spawned } = setup(2);
  await supervisor.start();
  spawned[0].stops = false;
  const done = supervisor.shutdown(60_000);
  await settle();
  assert.ok(spawned.every((w) => w.received.at(-1)?.type === "shutdown"));
  assert.ok(spawned[1].terminated, "stopped, then terminated");
  assert.ok(!spawned[0].terminated, "still finishing its responses");
  spawned[0].emit({ type: "stopped" });
  await done;
  assert.ok(spawned[0].terminated);
});

Deno.test("Supervisor.shutdown() terminates a worker that does not stop in time", async () => {
  const { supervisor, spawned } = setup(2);
  await supervisor.start();
  spawned[1].stops = false;
  await supervisor.shutdown(10);
  assert.ok(spawned.every((w) => w.terminated));
});

Deno.test("Supervisor does not restart workers while shutting down", async () => {
  const { supervisor, spawned } = setup(2);
  await supervisor.start();
  spawned[0].stops = false;
  const done = supervisor.shutdown(60_000);
  spawned[0].emit({ type: "crashed", message: "Error: late" });
  await done;
  assert.equal(spawned.length, 2);
});

Deno.test("reusePortBalances() is Linux only", () => {
  assert.equal(reusePortBalances("linux"), true);
  assert.equal(reusePortBalances("android"), true);
  for (const os of ["darwin", "windows", "freebsd"] as const) {
    assert.equal(reusePortBalances(os), false);
  }
});
