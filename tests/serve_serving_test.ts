/**
 * `serve()` and a handler carrying `SERVING`: told when a server starts
 * serving with it, released once that server has stopped and every
 * connection has closed, and `finished` waits for the release.
 */

import assert from "node:assert/strict";
import { SERVING } from "../src/http/fast_lane.ts";
import { serve } from "../src/serve.ts";
import { connectTo, RawClient } from "../support/raw_http.ts";

Deno.test("serve() tells a handler carrying SERVING it serves, and releases it after the last connection closed", async () => {
  const said: string[] = [];
  let stopCalled!: () => void;
  const stopping = new Promise<void>((resolve) => stopCalled = resolve);
  let release!: () => void;
  const released = new Promise<void>((resolve) => release = resolve);
  const handler = Object.assign(() => new Response("hi"), {
    [SERVING]: () => {
      said.push("serving");
      return () => {
        said.push("stopped");
        stopCalled();
        return released;
      };
    },
  });
  const server = serve(handler, {
    hostname: "127.0.0.1",
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
    // Shutdown closes the keep-alive connection and releases the handler…
    assert.equal(await client.readToEnd(), "");
    await stopping;
    assert.deepEqual(said, ["serving", "stopped"]);
    // …and `finished` waits for the release: still pending once every
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
