/**
 * serveHttp2Connection() on a real socket, against Node's HTTP/2 client
 * (`node:http2`, cleartext with prior knowledge): GET, HEAD, a POST body
 * that outgrows the stream window, and many streams at once.
 */

import assert from "node:assert/strict";
import http2 from "node:http2";
import { ConnectionTracker } from "../../src/http1/connection_tracker.ts";
import type { ServeHandler } from "../../src/http1/handler.ts";
import { resolveLimits } from "../../src/http1/limits.ts";
import { resolveHttp2Limits } from "../../src/http2/http2_limits.ts";
import { serveHttp2Connection } from "../../src/http2/serve_http2_connection.ts";

/** A listener on 127.0.0.1 that serves HTTP/2 on each connection. */
function listen(handler: ServeHandler) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const tracker = new ConnectionTracker(100);
  const tasks: Promise<void>[] = [];
  const accepting = (async () => {
    try {
      while (true) {
        const conn = await listener.accept();
        tasks.push(serveHttp2Connection(conn, handler, {
          limits: resolveLimits(),
          http2: resolveHttp2Limits(),
          tracker,
          onError: () => new Response("oops", { status: 500 }),
        }));
      }
    } catch {
      // The listener closed.
    }
  })();
  return {
    url: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    async close() {
      listener.close();
      await accepting;
      await Promise.all(tasks);
    },
  };
}

interface NodeResponse {
  status: number;
  headers: http2.IncomingHttpHeaders;
  body: string;
}

/** One request on a Node client session. */
function request(
  session: http2.ClientHttp2Session,
  headers: http2.OutgoingHttpHeaders,
  body?: Uint8Array | string,
): Promise<NodeResponse> {
  return new Promise((resolve, reject) => {
    const stream = session.request(headers, { endStream: body === undefined });
    let status = 0;
    let responseHeaders: http2.IncomingHttpHeaders = {};
    const chunks: Uint8Array[] = [];
    stream.on("response", (h) => {
      responseHeaders = h;
      status = Number(h[":status"]);
    });
    stream.on("data", (chunk: Uint8Array) => chunks.push(chunk));
    stream.on("end", () =>
      resolve({
        status,
        headers: responseHeaders,
        body: new TextDecoder().decode(
          chunks.reduce((all, c) => {
            const next = new Uint8Array(all.length + c.length);
            next.set(all);
            next.set(c, all.length);
            return next;
          }, new Uint8Array(0)),
        ),
      }));
    stream.on("error", reject);
    if (body !== undefined) stream.end(body);
  });
}

/** Close a session and wait until it is gone. */
function closeSession(session: http2.ClientHttp2Session): Promise<void> {
  return new Promise((resolve) => session.close(() => resolve()));
}

Deno.test("serveHttp2Connection() serves node:http2: GET, HEAD, POST, concurrent streams", async () => {
  const server = listen(async (request) => {
    const url = new URL(request.url);
    if (request.method === "POST") {
      const bytes = new Uint8Array(await request.arrayBuffer());
      const sum = bytes.reduce((a, b) => (a + b) % 65521, 0);
      return new Response(`${bytes.length} bytes, sum ${sum}`);
    }
    if (url.pathname === "/big") {
      return new Response(new Uint8Array(200_000).fill(97));
    }
    return new Response(`path ${url.pathname}`, {
      headers: { "x-method": request.method },
    });
  });
  const session = http2.connect(server.url);
  try {
    const get = await request(session, { ":path": "/a", ":method": "GET" });
    assert.equal(get.status, 200);
    assert.equal(get.body, "path /a");
    assert.equal(get.headers["content-length"], "7");
    assert.equal(get.headers["x-method"], "GET");

    const head = await request(session, { ":path": "/a", ":method": "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.body, "");
    assert.equal(head.headers["content-length"], "7");
    assert.equal(head.headers["x-method"], "HEAD");

    // Larger than the stream window (64 KiB) and the connection's
    // (256 KiB): it arrives only if credit comes back as the handler reads.
    const upload = new Uint8Array(300_000).map((_, i) => i % 251);
    const sum = upload.reduce((a, b) => (a + b) % 65521, 0);
    const post = await request(
      session,
      { ":path": "/up", ":method": "POST" },
      upload,
    );
    assert.equal(post.body, `300000 bytes, sum ${sum}`);

    const big = await request(session, { ":path": "/big", ":method": "GET" });
    assert.equal(big.body.length, 200_000);

    const many = await Promise.all(
      Array.from(
        { length: 50 },
        (_, i) => request(session, { ":path": `/s${i}`, ":method": "GET" }),
      ),
    );
    assert.deepEqual(
      many.map((r) => r.body),
      many.map((_, i) => `path /s${i}`),
    );
  } finally {
    await closeSession(session);
    await server.close();
  }
});
