/**
 * `serve()` tells a handler that carries `ON_SHUTDOWN` when its shutdown
 * begins, so a response that never ends by itself (an event stream) can be
 * ended; `finished` waits for what the handler still releases.
 */
import assert from "node:assert/strict";
import { ON_SHUTDOWN } from "../src/http/on_shutdown.ts";
import { serve } from "../src/serve.ts";

const HOST = "127.0.0.1";
const encoder = new TextEncoder();

Deno.test("serve() calls the handler's ON_SHUTDOWN once as shutdown begins; finished waits for it", async () => {
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
      [ON_SHUTDOWN]: () => {
        calls++;
        for (const stream of streams) stream.close();
        return released.promise.then(() => void order.push("released"));
      },
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
  assert.deepEqual(order, ["released", "finished"]);
  await server.shutdown();
  assert.equal(calls, 1, "told once");
});

Deno.test("serve() shuts down as before with a handler without ON_SHUTDOWN, or one whose hook fails", async () => {
  for (
    const handler of [
      () => new Response("plain"),
      Object.assign(() => new Response("failing hook"), {
        [ON_SHUTDOWN]: () => Promise.reject(new Error("not this")),
      }),
      Object.assign(() => new Response("throwing hook"), {
        [ON_SHUTDOWN]: () => {
          throw new Error("not this either");
        },
      }),
    ]
  ) {
    const server = serve(handler, { hostname: HOST, port: 0, onListen() {} });
    const response = await fetch(`http://${HOST}:${server.addr.port}/`);
    await response.text();
    await server.shutdown();
  }
});
