/**
 * `serve()` and a handler carrying `ON_SERVE`: told when a server starts
 * serving with it; told as the shutdown begins, so a response that never
 * ends by itself (an event stream) can be ended; told once the server
 * stopped and every connection closed; and `finished` waits for what both
 * return.
 */

import assert from "node:assert/strict";
import { ON_SERVE } from "../src/http/serve_lifecycle.ts";
import { serve } from "../src/serve.ts";
import { connectTo, RawClient } from "../support/raw_http.ts";

const HOST = "127.0.0.1";
const encoder = new TextEncoder();

Deno.test("serve() tells a handler carrying ON_SERVE it serves, and that it stopped after the last connection closed", async () => {
  const said: string[] = [];
  let stopCalled!: () => void;
  const stopping = new Promise<void>((resolve) => stopCalled = resolve);
  let release!: () => void;
  const released = new Promise<void>((resolve) => release = resolve);
  const handler = Object.assign(() => new Response("hi"), {
    [ON_SERVE]: () => {
      said.push("serving");
      return {
        shuttingDown: () => void said.push("shutting down"),
        stopped: () => {
          said.push("stopped");
          stopCalled();
          return released;
        },
      };
    },
  });
  const server = serve(handler, {
    hostname: HOST,
    port: 0,
    onListen() {},
  });
  let finished = false;
  server.finished.then(() => finished = true);
  const client = await RawClient.connect(connectTo(server.addr));
  try {
    assert.deepEqual(said, ["serving"]);
    await client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    assert.equal((await client.readResponse()).status, 200);
    const shutdown = server.shutdown();
    assert.deepEqual(said, ["serving", "shutting down"]);
    // Shutdown closes the keep-alive connection and tells the handler…
    assert.equal(await client.readToEnd(), "");
    await stopping;
    assert.deepEqual(said, ["serving", "shutting down", "stopped"]);
    // …and `finished` waits for its release: still pending once every
    // promise callback queued so far has run (a timer runs after them).
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.equal(finished, false, "finished waits for the release");
    release();
    await shutdown;
    assert.equal(finished, true);
  } finally {
    client.close();
  }
});

Deno.test("serve() tells a handler once as shutdown begins, before the responses in flight end; finished waits for it", async () => {
  const streams = new Set<ReadableStreamDefaultController<Uint8Array>>();
  let calls = 0;
  const order: string[] = [];
  const released = Promise.withResolvers<void>();
  const handler = Object.assign(
    () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(encoder.encode("data: open\n\n"));
            streams.add(controller);
          },
        }),
        { headers: { "content-type": "text/event-stream" } },
      ),
    {
      [ON_SERVE]: () => ({
        shuttingDown: () => {
          calls++;
          for (const stream of streams) stream.close();
          return released.promise.then(() => void order.push("released"));
        },
        stopped: () => Promise.resolve(void order.push("stopped")),
      }),
    },
  );
  const server = serve(handler, {
    hostname: HOST,
    port: 0,
    onListen() {},
    shutdownTimeoutMs: 120_000,
  });
  const response = await fetch(`http://${HOST}:${server.addr.port}/`);
  const reader = response.body!.getReader();
  await reader.read();
  assert.equal(calls, 0);
  const stopped = server.shutdown().then(() => void order.push("finished"));
  assert.equal(calls, 1);
  // The stream ended cleanly, long before shutdownTimeoutMs.
  assert.equal((await reader.read()).done, true);
  released.resolve();
  await stopped;
  assert.deepEqual(order, ["released", "stopped", "finished"]);
  await server.shutdown();
  assert.equal(calls, 1, "told once");
});

Deno.test("serve() shuts down as before with a handler without ON_SERVE, or one whose hook or moments fail", async () => {
  const failing = () => Promise.reject(new Error("not this"));
  const throwing = () => {
    throw new Error("not this either");
  };
  for (
    const handler of [
      () => new Response("plain"),
      Object.assign(() => new Response("failing moments"), {
        [ON_SERVE]: () => ({ shuttingDown: failing, stopped: failing }),
      }),
      Object.assign(() => new Response("throwing moments"), {
        [ON_SERVE]: () => ({ shuttingDown: throwing, stopped: throwing }),
      }),
      Object.assign(() => new Response("throwing hook"), {
        [ON_SERVE]: throwing,
      }),
    ]
  ) {
    const server = serve(handler, { hostname: HOST, port: 0, onListen() {} });
    const response = await fetch(`http://${HOST}:${server.addr.port}/`);
    await response.text();
    await server.shutdown();
  }
});
