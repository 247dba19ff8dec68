/**
 * serveHttp2Connection() on the in-memory connection: the preface and the
 * SETTINGS exchange, requests through the handler with streamed bodies and
 * flow-controlled WINDOW_UPDATEs, responses within the client's windows and
 * frame size, concurrent streams, PING, GOAWAY, and the access log.
 */

import assert from "node:assert/strict";
import { H2Client } from "./_h2_client.ts";

Deno.test("serveHttp2Connection() answers a GET", async () => {
  const client = new H2Client((request) =>
    new Response(`hello ${new URL(request.url).pathname}`)
  );
  try {
    const settings = await client.handshake();
    assert.deepEqual(settings, ["3=100", "4=65536", "6=16384"]);
    client.request(1, "GET", "/a");
    const response = await client.response(1);
    assert.equal(response.status, 200);
    assert.equal(response.body, "hello /a");
  } finally {
    await client.close();
  }
});
