import assert from "node:assert/strict";
import { serve } from "../src/serve.ts";
import { bytes, RawClient } from "../support/raw_http.ts";

Deno.test("RawClient reads every byte value as itself (latin1, not windows-1252)", async () => {
  const all = new Uint8Array(256).map((_, i) => i);
  const server = serve(() => new Response(all), {
    hostname: "127.0.0.1",
    port: 0,
    onListen() {},
  });
  try {
    using client = await RawClient.connect({
      hostname: "127.0.0.1",
      port: server.addr.port,
    });
    await client.send("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    const response = await client.readResponse();
    assert.deepEqual(bytes(response.body), all);
  } finally {
    await server.shutdown();
  }
});
