import assert from "node:assert/strict";
import type { AccessLogEntry } from "../src/http1/access_log_entry.ts";
import { serve } from "../src/serve.ts";
import { bytes, exchange } from "../support/raw_http.ts";

const HOST = "127.0.0.1";

Deno.test("serve() reports each answered request to onResponse", async () => {
  const entries: AccessLogEntry[] = [];
  let wanted = 0;
  let notify = () => {};
  const server = serve(
    (request) =>
      new URL(request.url).pathname === "/missing"
        ? new Response("nope", { status: 404 })
        : new Response("hello"),
    {
      hostname: HOST,
      port: 0,
      onListen() {},
      onResponse(entry) {
        entries.push(entry);
        if (entries.length === wanted) notify();
      },
    },
  );
  const seen = (n: number) =>
    new Promise<void>((resolve) => {
      wanted = n;
      notify = resolve;
      if (entries.length >= n) resolve();
    });
  try {
    const response = await fetch(`http://${HOST}:${server.addr.port}/a?b=1`, {
      headers: { "user-agent": "probe/1", referer: "http://x/" },
    });
    await response.text();
    await seen(1);
    const [entry] = entries;
    assert.equal(entry.method, "GET");
    assert.equal(entry.target, "/a?b=1");
    assert.equal(entry.httpVersion, "HTTP/1.1");
    assert.equal(entry.status, 200);
    assert.equal(entry.bodyBytes, 5);
    assert.equal(entry.userAgent, "probe/1");
    assert.equal(entry.referer, "http://x/");
    assert.ok(entry.durationMs >= 0);
    assert.equal((entry.remoteAddr as Deno.NetAddr).hostname, HOST);

    await (await fetch(`http://${HOST}:${server.addr.port}/missing`)).text();
    await seen(2);
    assert.equal(entries[1].status, 404);

    // A request the engine refuses is reported too, without a method.
    await exchange(
      { hostname: HOST, port: server.addr.port, transport: "tcp" },
      "GET / HTTP/1.1\r\nHost: a\r\nbad header\r\n\r\n",
    );
    await seen(3);
    assert.equal(entries[2].status, 400);
    assert.equal(entries[2].method, "");
    assert.equal(entries[2].requestLine, "GET / HTTP/1.1");
  } finally {
    await server.shutdown();
  }
});

Deno.test("serve() counts the bytes sent of a response the client cut short", async () => {
  const chunk = new Uint8Array(64 * 1024);
  let sent = 0;
  const reported = Promise.withResolvers<AccessLogEntry>();
  const server = serve(
    () =>
      new Response(
        new ReadableStream<Uint8Array>({
          pull(controller) {
            // An endless body: only the client going away ends it.
            sent += chunk.length;
            controller.enqueue(chunk);
          },
        }),
      ),
    {
      hostname: HOST,
      port: 0,
      onListen() {},
      onResponse: (entry) => reported.resolve(entry),
    },
  );
  const conn = await Deno.connect({ hostname: HOST, port: server.addr.port });
  try {
    await conn.write(
      new TextEncoder().encode("GET / HTTP/1.1\r\nHost: a\r\n\r\n"),
    );
    const buffer = new Uint8Array(64 * 1024);
    let received = 0;
    while (received < 1024 * 1024) {
      const n = await conn.read(buffer);
      if (n === null) break;
      received += n;
    }
  } finally {
    conn.close();
  }
  const entry = await reported.promise;
  await server.shutdown();
  assert.equal(entry.status, 200);
  assert.ok(entry.bodyBytes >= 1024 * 1024 - 64 * 1024, `${entry.bodyBytes}`);
  assert.ok(entry.bodyBytes <= sent);
});

Deno.test("serve() reports a refused request with its request line escaped and cut short", async () => {
  const entries: AccessLogEntry[] = [];
  let notify = () => {};
  const server = serve(() => new Response("never"), {
    hostname: HOST,
    port: 0,
    onListen() {},
    onResponse(entry) {
      entries.push(entry);
      notify();
    },
  });
  const to = {
    hostname: HOST,
    port: server.addr.port,
    transport: "tcp" as const,
  };
  const reported = async (request: string | Uint8Array) => {
    const seen = new Promise<void>((resolve) => notify = resolve);
    await exchange(to, request);
    await seen;
    return entries.at(-1)!;
  };
  try {
    const forged = await reported(
      bytes('GET /a\rb"\\\xff\x00 HTTP/1.1\nX: "forged"\r\nHost: a\r\n\r\n'),
    );
    assert.equal(forged.status, 400);
    assert.equal(
      forged.requestLine,
      "GET /a\\x0Db\\x22\\x5C\\xFF\\x00 HTTP/1.1\\x0AX: \\x22forged\\x22",
    );
    // Printable ASCII only, and no quote: nothing can end a field or a line.
    assert.match(forged.requestLine, /^[\x20\x21\x23-\x7e]*$/);
    const huge = await reported(
      `GET /${"a".repeat(20_000)} HTTP/1.1\r\nHost: a\r\n\r\n`,
    );
    assert.equal(huge.status, 414);
    assert.equal(huge.requestLine, `GET /${"a".repeat(248)}...`);
  } finally {
    await server.shutdown();
  }
});
