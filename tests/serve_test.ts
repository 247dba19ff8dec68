/**
 * `serve()` on real sockets: `fetch` for normal traffic, raw sockets for
 * pipelining and malformed input, and the concurrency guarantees. No test
 * measures time or sleeps to synchronize: ordering is asserted through
 * promises the tests control.
 */

import assert from "node:assert/strict";
import { unsupportedDeno } from "../src/http/deno_version.ts";
import { withDenoVersion } from "./_pretend_deno.ts";
import { serve, type ServeOptions, type Server } from "../src/serve.ts";
import type { ServeHandler } from "../src/http1/handler.ts";
import {
  connectTo,
  exchange,
  parseResponses,
  RawClient,
} from "../support/raw_http.ts";

const HOST = "127.0.0.1";

/** Start a server on a free port, silently. */
function start(
  handler: ServeHandler,
  options: ServeOptions = {},
): Server & { url: string } {
  const server = serve(handler, {
    hostname: HOST,
    port: 0,
    onListen() {},
    ...options,
  });
  return Object.assign(server, {
    url: `http://${HOST}:${server.addr.port}`,
  });
}

async function app(request: Request): Promise<Response> {
  const url = new URL(request.url);
  switch (url.pathname) {
    case "/echo":
      return new Response(`${request.method} ${await request.text()}`);
    case "/length":
      return new Response(String((await request.arrayBuffer()).byteLength));
    case "/n":
      return new Response(url.search.slice(1));
    default:
      return new Response("hello");
  }
}

/**
 * Assert that nothing serves `port` any more. A connect that races the
 * listener's close can land in the kernel's backlog and be reset instead of
 * refused; either way no byte of HTTP comes back.
 */
async function assertRefused(port: number): Promise<void> {
  let conn: Deno.Conn;
  try {
    conn = await Deno.connect({ hostname: HOST, port });
  } catch (error) {
    assert.ok(
      error instanceof Deno.errors.ConnectionRefused ||
        error instanceof Deno.errors.ConnectionReset,
      `refused, got ${error}`,
    );
    return;
  }
  try {
    await conn.write(
      new TextEncoder().encode("GET / HTTP/1.1\r\nHost: a\r\n\r\n"),
    )
      .catch(() => 0);
    const n = await conn.read(new Uint8Array(64)).catch(() => null);
    assert.equal(n, null, "a connection after shutdown got an answer");
  } finally {
    conn.close();
  }
}

/** Fetch and read the whole body (a body left unread leaks a resource). */
async function get(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(url, init);
  return {
    status: response.status,
    text: await response.text(),
    headers: response.headers,
  };
}

Deno.test("serve() answers GET and echoes a POST body over fetch", async () => {
  const server = start(app);
  try {
    assert.deepEqual(
      { ...(await get(server.url + "/")), headers: undefined },
      { status: 200, text: "hello", headers: undefined },
    );
    const echo = await get(server.url + "/echo", {
      method: "POST",
      body: "ping",
    });
    assert.equal(echo.text, "POST ping");
    assert.equal(echo.headers.get("content-length"), "9");
    assert.match(echo.headers.get("date") ?? "", / GMT$/);
  } finally {
    await server.shutdown();
  }
});

Deno.test("serve() reads a streamed 512 KiB request body", async () => {
  const server = start(app);
  try {
    const chunk = new Uint8Array(64 * 1024).fill(97);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 8) return controller.close();
        sent++;
        controller.enqueue(chunk);
      },
    });
    const { text } = await get(server.url + "/length", {
      method: "POST",
      body,
    });
    assert.equal(text, String(512 * 1024));
  } finally {
    await server.shutdown();
  }
});

Deno.test("serve() streams a chunked response to fetch", async () => {
  const server = start(() => {
    let i = 0;
    return new Response(
      new ReadableStream({
        async pull(controller) {
          // A live stream: the engine cannot know its length.
          await new Promise((resolve) => setTimeout(resolve, 0));
          if (i === 3) return controller.close();
          controller.enqueue(new TextEncoder().encode(`part${i++} `));
        },
      }),
    );
  });
  try {
    const response = await fetch(server.url + "/");
    assert.equal(response.headers.get("transfer-encoding"), "chunked");
    assert.equal(await response.text(), "part0 part1 part2 ");
  } finally {
    await server.shutdown();
  }
});

Deno.test("serve() answers pipelined requests in order on a raw socket", async () => {
  const server = start(app);
  try {
    const text = await exchange(
      connectTo(server.addr),
      "GET /n?1 HTTP/1.1\r\nHost: a\r\n\r\n" +
        "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc" +
        "GET /n?3 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
    );
    const responses = parseResponses(text);
    assert.deepEqual(responses.map((r) => r.body), ["1", "POST abc", "3"]);
    assert.equal(responses[2].headers.get("connection"), "close");
  } finally {
    await server.shutdown();
  }
});

Deno.test("serve() keeps a connection alive across requests", async () => {
  const server = start(app);
  const client = await RawClient.connect(connectTo(server.addr));
  try {
    for (let i = 0; i < 3; i++) {
      await client.send(`GET /n?${i} HTTP/1.1\r\nHost: a\r\n\r\n`);
      const response = await client.readResponse();
      assert.equal(response.body, String(i));
      assert.equal(response.headers.get("connection"), null);
    }
    await client.send("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n");
    const head = await client.readResponse(true);
    assert.equal(head.headers.get("content-length"), "5");
    assert.equal(head.raw.endsWith("\r\n\r\n"), true);
  } finally {
    client.close();
    await server.shutdown();
  }
});

const MALFORMED: [string, string, number][] = [
  ["no Host", "GET / HTTP/1.1\r\n\r\n", 400],
  ["two Host fields", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400],
  ["an invalid Host", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400],
  ["whitespace before the colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400],
  ["obs-fold", "GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n 2\r\n\r\n", 400],
  ["a NUL in a value", "GET / HTTP/1.1\r\nHost: a\r\nX: 1\x002\r\n\r\n", 400],
  ["a bare LF", "GET / HTTP/1.1\nHost: a\n\n", 400],
  ["a bad method", "G@T / HTTP/1.1\r\nHost: a\r\n\r\n", 400],
  ["GET *", "GET * HTTP/1.1\r\nHost: a\r\n\r\n", 400],
  ["HTTP/2.0", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505],
  [
    "Content-Length with Transfer-Encoding",
    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n" +
    "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    400,
  ],
  [
    "differing Content-Length",
    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
    400,
  ],
  [
    "a gzip transfer coding",
    "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n",
    501,
  ],
  [
    "a bad chunk size",
    "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n",
    400,
  ],
  [
    "a body over maxBodyBytes",
    "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 2000\r\n\r\n" +
    "b".repeat(2000),
    413,
  ],
  ["CONNECT", "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n", 501],
  ["TRACE", "TRACE / HTTP/1.1\r\nHost: a\r\n\r\n", 501],
  [
    "a long target",
    `GET /${"t".repeat(5000)} HTTP/1.1\r\nHost: a\r\n\r\n`,
    414,
  ],
  [
    "a large head",
    `GET / HTTP/1.1\r\nHost: a\r\nX: ${"h".repeat(5000)}\r\n\r\n`,
    431,
  ],
  [
    "an unknown expectation",
    "GET / HTTP/1.1\r\nHost: a\r\nExpect: x\r\n\r\n",
    417,
  ],
];

Deno.test("serve() answers each malformed request with its error and closes, then serves the next client", async () => {
  const server = start(app, { maxBodyBytes: 1000, maxHeaderBytes: 4096 });
  try {
    for (const [name, request, status] of MALFORMED) {
      const text = await exchange(connectTo(server.addr), request);
      const responses = parseResponses(text);
      assert.equal(responses.length, 1, `${name}: one response`);
      assert.equal(responses[0].status, status, name);
      assert.equal(responses[0].headers.get("connection"), "close", name);
      // exchange() returned: the server closed the connection.
      const next = await get(server.url + "/");
      assert.equal(next.text, "hello", `${name}: the next request`);
    }
  } finally {
    await server.shutdown();
  }
});

Deno.test("serve() answers 100 Continue before the client sends the body", async () => {
  const server = start(app);
  const client = await RawClient.connect(connectTo(server.addr));
  try {
    await client.send(
      "POST /echo HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n",
    );
    const interim = await client.readResponse();
    assert.equal(interim.statusLine, "HTTP/1.1 100 Continue");
    await client.send("body");
    const final = await client.readResponse();
    assert.equal(final.status, 200);
    assert.equal(final.body, "POST body");
  } finally {
    client.close();
    await server.shutdown();
  }
});

Deno.test("serve() closes an HTTP/1.0 connection after a close-delimited body", async () => {
  const server = start(() => {
    const parts = ["stre", "amed"];
    return new Response(
      new ReadableStream({
        async pull(controller) {
          // A live stream: each part after the first comes a task later.
          if (parts.length < 2) {
            await new Promise((resolve) => setTimeout(resolve, 0));
          }
          const part = parts.shift();
          if (part === undefined) controller.close();
          else controller.enqueue(new TextEncoder().encode(part));
        },
      }),
    );
  });
  try {
    const text = await exchange(
      connectTo(server.addr),
      "GET / HTTP/1.0\r\n\r\n",
    );
    const [response] = parseResponses(text);
    assert.equal(response.headers.get("content-length"), null);
    assert.equal(response.headers.get("transfer-encoding"), null);
    assert.equal(response.headers.get("connection"), "close");
    assert.equal(response.body, "streamed");
  } finally {
    await server.shutdown();
  }
});

Deno.test("serve() answers 500 with a generic body when the handler throws, and logs the error", async () => {
  const logged: unknown[] = [];
  // The default onError logs to stderr: capture it instead.
  // deno-lint-ignore no-console
  const original = console.error;
  // deno-lint-ignore no-console
  console.error = (...args: unknown[]) => logged.push(...args);
  const server = start(() => {
    throw new Error("secret detail");
  });
  try {
    const { status, text } = await get(server.url + "/");
    assert.equal(status, 500);
    assert.equal(text, "Internal Server Error\n");
    assert.ok(
      logged.some((e) => e instanceof Error && e.message === "secret detail"),
    );
  } finally {
    await server.shutdown();
    // deno-lint-ignore no-console
    console.error = original;
  }
});

Deno.test("serve() answers 408 when a head does not arrive within headersTimeoutMs", async () => {
  const server = start(app, { headersTimeoutMs: 40 });
  try {
    const client = await RawClient.connect(connectTo(server.addr));
    try {
      await client.send("GET / HTTP/1.1\r\nHost: a\r\n"); // never finished
      const [response] = parseResponses(await client.readToEnd());
      assert.equal(response.status, 408);
      assert.equal(response.headers.get("connection"), "close");
    } finally {
      client.close();
    }
    assert.equal((await get(server.url + "/")).text, "hello");
  } finally {
    await server.shutdown();
  }
});

Deno.test("serve() closes quietly a connection idle past keepAliveTimeoutMs", async () => {
  const server = start(app, { keepAliveTimeoutMs: 40 });
  const client = await RawClient.connect(connectTo(server.addr));
  try {
    await client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    assert.equal((await client.readResponse()).body, "hello");
    assert.equal(await client.readToEnd(), "", "closed with nothing more");
  } finally {
    client.close();
    await server.shutdown();
  }
});

// ---------------------------------------------------------------------------
// Concurrency

Deno.test("serve() answers / on another connection while /sleep is still pending", async () => {
  const entered = Promise.withResolvers<void>();
  const release = Promise.withResolvers<void>();
  const server = start(async (request) => {
    if (new URL(request.url).pathname === "/sleep") {
      entered.resolve();
      await release.promise;
      return new Response("slept");
    }
    return new Response("hello");
  });
  try {
    let sleepSettled = false;
    const sleeping = get(server.url + "/sleep").finally(() => {
      sleepSettled = true;
    });
    await entered.promise;
    // If the server served one connection at a time, this would never
    // complete (the test would hang rather than pass).
    const root = await get(server.url + "/");
    assert.equal(root.text, "hello");
    assert.equal(sleepSettled, false, "/ completed while /sleep was pending");
    release.resolve();
    assert.equal((await sleeping).text, "slept");
  } finally {
    release.resolve();
    await server.shutdown();
  }
});

Deno.test("serve() answers 200 concurrent connections", async () => {
  const total = 200;
  let arrived = 0;
  const allArrived = Promise.withResolvers<void>();
  const server = start(async (request) => {
    // Every handler waits until all 200 are in: only a concurrent server
    // gets here 200 times.
    if (++arrived === total) allArrived.resolve();
    await allArrived.promise;
    return new Response(new URL(request.url).search.slice(1));
  });
  try {
    const bodies = await Promise.all(
      Array.from({ length: total }, async (_, i) => {
        const text = await exchange(
          connectTo(server.addr),
          `GET /?${i} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`,
        );
        return parseResponses(text)[0].body;
      }),
    );
    assert.deepEqual(
      bodies,
      Array.from({ length: total }, (_, i) => String(i)),
    );
    assert.equal(arrived, total);
  } finally {
    await server.shutdown();
  }
});

Deno.test("serve() lets an in-flight slow response finish on shutdown and refuses new connections", async () => {
  const entered = Promise.withResolvers<void>();
  const release = Promise.withResolvers<void>();
  const body = "slow ".repeat(20_000);
  const server = start(async () => {
    entered.resolve();
    await release.promise;
    return new Response(body);
  });
  try {
    const pending = get(server.url + "/slow");
    await entered.promise;
    let finished = false;
    const stopping = server.shutdown().then(() => {
      finished = true;
    });
    await assertRefused(server.addr.port);
    assert.equal(finished, false, "shutdown waits for the in-flight response");
    release.resolve();
    const response = await pending;
    assert.equal(response.status, 200);
    assert.equal(response.text, body);
    await stopping;
    assert.equal(finished, true);
  } finally {
    release.resolve();
    await server.shutdown();
  }
});

Deno.test("serve() closes idle keep-alive connections on shutdown", async () => {
  const server = start(app);
  const client = await RawClient.connect(connectTo(server.addr));
  try {
    await client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    assert.equal((await client.readResponse()).body, "hello");
    await server.shutdown();
    assert.equal(await client.readToEnd(), "");
  } finally {
    client.close();
  }
});

Deno.test("serve() cancels the response body and closes its file when the client disconnects", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/big.bin`;
  // Sparse: far more than the socket buffers hold, written in no time.
  await Deno.writeFile(path, new Uint8Array(0));
  await Deno.truncate(path, 64 * 1024 * 1024);
  const cancelled = Promise.withResolvers<unknown>();
  let completed: Promise<void> | undefined;
  const server = start(async (_request, info) => {
    completed = info.completed;
    const file = await Deno.open(path);
    const reader = file.readable.getReader();
    return new Response(
      new ReadableStream<Uint8Array>({
        async pull(controller) {
          const { done, value } = await reader.read();
          if (done) controller.close();
          else controller.enqueue(value);
        },
        cancel(reason) {
          cancelled.resolve(reason);
          return reader.cancel(reason); // closes the file
        },
      }),
      { headers: { "content-length": String(64 * 1024 * 1024) } },
    );
  });
  try {
    const client = await RawClient.connect(connectTo(server.addr));
    await client.send("GET /big HTTP/1.1\r\nHost: a\r\n\r\n");
    await client.readUntil("\r\n\r\n");
    client.close(); // gone mid-body
    await cancelled.promise;
    await assert.rejects(completed!, Deno.errors.Interrupted);
    assert.equal((await get(server.url + "/")).status, 200);
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
  // The resource sanitizer fails this test if the file were still open.
});

Deno.test("serve() at maxConnections closes idle connections to serve a new client", async () => {
  const server = start(app, { maxConnections: 2 });
  const to = connectTo(server.addr);
  const GET = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
  // The cap is held by two sockets that never send a byte. (Accepted in
  // order: by the time the client is, both are being served.)
  const silent1 = await RawClient.connect(to);
  const silent2 = await RawClient.connect(to);
  const client1 = await RawClient.connect(to);
  let client2: RawClient | undefined;
  try {
    await client1.send(GET);
    assert.equal((await client1.readResponse()).body, "hello");
    // The one silent longest made room, closed without a byte.
    assert.equal(await silent1.readToEnd(), "");
    // Now client1 is idle between requests: it goes before silent2.
    client2 = await RawClient.connect(to);
    await client2.send(GET);
    assert.equal((await client2.readResponse()).body, "hello");
    assert.equal(await client1.readToEnd(), "", "closed quietly, no 408");
    // silent2 is still served.
    await silent2.send("GET /n?late HTTP/1.1\r\nHost: a\r\n\r\n");
    assert.equal((await silent2.readResponse()).body, "late");
  } finally {
    for (const c of [silent1, silent2, client1, client2]) c?.close();
    await server.shutdown();
  }
});

Deno.test("serve() at maxConnections answers 503 when every connection is busy", async () => {
  const entered = Promise.withResolvers<void>();
  const release = Promise.withResolvers<void>();
  const server = start(async (request) => {
    if (new URL(request.url).pathname !== "/slow") return app(request);
    entered.resolve();
    await release.promise;
    return new Response("slow");
  }, { maxConnections: 1 });
  const busy = await RawClient.connect(connectTo(server.addr));
  try {
    await busy.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
    await entered.promise; // mid-request: not to be closed
    const text = await exchange(
      connectTo(server.addr),
      "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
    );
    const [response] = parseResponses(text);
    assert.equal(response.status, 503);
    assert.equal(response.headers.get("connection"), "close");
    // The busy connection finishes its response, and goes on.
    release.resolve();
    assert.equal((await busy.readResponse()).body, "slow");
    await busy.send(
      "GET /n?again HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
    );
    assert.equal((await busy.readResponse()).body, "again");
    assert.equal(await busy.readToEnd(), "");
    // Once it closed, there is room again.
    assert.equal((await get(server.url + "/")).text, "hello");
  } finally {
    release.resolve();
    busy.close();
    await server.shutdown();
  }
});

// ---------------------------------------------------------------------------
// Lifecycle and listeners

Deno.test("serve() throws on a Deno older than it supports, naming the version to install", () => {
  withDenoVersion("2.9.4", () => {
    assert.throws(() => start(() => new Response("never")), {
      message: unsupportedDeno("2.9.4")!,
    });
  });
});

Deno.test("serve() passes the address to onListen", async () => {
  let heard: Deno.NetAddr | undefined;
  const server = serve(app, {
    hostname: HOST,
    port: 0,
    onListen(addr) {
      heard = addr;
    },
  });
  try {
    assert.deepEqual(heard, server.addr);
    assert.equal(heard!.hostname, HOST);
    assert.ok(heard!.port > 0);
  } finally {
    await server.shutdown();
  }
});

Deno.test("serve() shuts down when its signal aborts", async () => {
  const controller = new AbortController();
  const server = start(app, { signal: controller.signal });
  assert.equal((await get(server.url + "/")).text, "hello");
  controller.abort();
  await server.finished;
  await assertRefused(server.addr.port);
});

Deno.test("serve() does not start serving with an already aborted signal", async () => {
  const server = start(app, { signal: AbortSignal.abort() });
  await server.finished;
  await assertRefused(server.addr.port);
});

Deno.test("serve() shuts down at the end of an await using block", async () => {
  let port: number;
  {
    await using server = start(app);
    port = server.addr.port;
    assert.equal((await get(server.url + "/")).text, "hello");
  }
  await assertRefused(port);
});

Deno.test("serve() serves on a listener it is given and closes it on shutdown", async () => {
  const listener = Deno.listen({ hostname: HOST, port: 0 });
  const server = serve(app, { listener, onListen() {} });
  assert.deepEqual(server.addr, listener.addr);
  try {
    const { text } = await get(`http://${HOST}:${listener.addr.port}/n?given`);
    assert.equal(text, "given");
  } finally {
    await server.shutdown();
  }
  await assertRefused(listener.addr.port);
});

/**
 * Run `body` in a child Deno with every permission: the test command grants
 * net access to 127.0.0.1 only, and a unix socket needs its own. The child
 * prints JSON; the assertions stay here.
 */
async function inChild(body: string): Promise<unknown> {
  const code = `
    import { serve } from ${
    JSON.stringify(import.meta.resolve("../src/serve.ts"))
  };
    import { exchange, parseResponses } from ${
    JSON.stringify(import.meta.resolve("../support/raw_http.ts"))
  };
    const dir = await Deno.makeTempDir();
    const path = dir + "/berth.sock";
    try {
      ${body}
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  `;
  const { code: status, stdout, stderr } = await new Deno.Command(
    Deno.execPath(),
    { args: ["eval", code], stdout: "piped", stderr: "piped" },
  ).output();
  const decoder = new TextDecoder();
  assert.equal(status, 0, decoder.decode(stderr));
  return JSON.parse(decoder.decode(stdout));
}

Deno.test("serve() serves on a unix socket listener", async () => {
  const result = await inChild(`
    const listener = Deno.listen({ transport: "unix", path });
    const server = serve((request, info) =>
      new Response(new URL(request.url).pathname + " " + info.remoteAddr.transport), {
      listener,
      onListen() {},
    });
    const text = await exchange(
      { transport: "unix", path },
      "GET /unix HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n",
    );
    await server.shutdown();
    const [response] = parseResponses(text);
    console.log(JSON.stringify({
      sameAddr: server.addr.path === path,
      status: response.status,
      body: response.body,
      stillThere: await Deno.stat(path).then(() => true, () => false),
    }));
  `);
  assert.deepEqual(result, {
    sameAddr: true,
    status: 200,
    body: "/unix unix",
    stillThere: false,
  });
});

Deno.test("serve() serves h2c with prior knowledge on a unix socket", async () => {
  const result = await inChild(`
    const server = serve(() => new Response("h2"), { path, onListen() {} });
    const conn = await Deno.connect({ transport: "unix", path });
    try {
      // The preface and an empty SETTINGS frame.
      await conn.write(new TextEncoder().encode(
        "PRI * HTTP/2.0\\r\\n\\r\\nSM\\r\\n\\r\\n\\0\\0\\0\\x04\\0\\0\\0\\0\\0",
      ));
      const head = new Uint8Array(9);
      let got = 0;
      while (got < 9) {
        const n = await conn.read(head.subarray(got));
        if (n === null) break;
        got += n;
      }
      console.log(JSON.stringify({ type: head[3], streamId: head[8] }));
    } finally {
      conn.close();
      await server.shutdown();
    }
  `);
  // The server's preface: a SETTINGS frame (type 4) on stream 0.
  assert.deepEqual(result, { type: 4, streamId: 0 });
});

Deno.test("serve() listens on a unix socket path", async () => {
  const result = await inChild(`
    const server = serve(() => new Response("over unix"), { path, onListen() {} });
    const text = await exchange({ transport: "unix", path }, "GET / HTTP/1.0\\r\\n\\r\\n");
    await server.shutdown();
    const [response] = parseResponses(text);
    console.log(JSON.stringify({ path: server.addr.path === path, body: response.body }));
  `);
  assert.deepEqual(result, { path: true, body: "over unix" });
});

Deno.test("serve() passes the client's address to the handler", async () => {
  const server = start((_request, info) =>
    new Response(`${info.remoteAddr.hostname} ${info.remoteAddr.port > 0}`)
  );
  try {
    assert.equal((await get(server.url + "/")).text, `${HOST} true`);
  } finally {
    await server.shutdown();
  }
});

Deno.test("serve() refuses invalid options before listening", () => {
  assert.throws(
    () => serve(app, { port: 0, maxBodyBytes: -1, onListen() {} }),
    RangeError,
  );
  assert.throws(
    () => serve(app, { port: 0, cert: "x", onListen() {} }),
    TypeError,
  );
  assert.throws(
    () => serve("nope" as unknown as ServeHandler, { port: 0, onListen() {} }),
    TypeError,
  );
});

Deno.test("serve() closes a connection whose handler is still busy after shutdownTimeoutMs", async () => {
  const entered = Promise.withResolvers<void>();
  const release = Promise.withResolvers<void>();
  const server = start(async () => {
    entered.resolve();
    await release.promise;
    return new Response("too late");
  }, { shutdownTimeoutMs: 20 });
  const client = await RawClient.connect(connectTo(server.addr));
  try {
    await client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    await entered.promise;
    // Resolves although the handler has not returned: its connection was
    // closed at the deadline.
    await server.shutdown();
    assert.equal(await client.readToEnd(), "");
  } finally {
    release.resolve();
    client.close();
  }
});

Deno.test("serve() cancels a stalled response stream when shutdown closes its connection", async () => {
  const cancelled = Promise.withResolvers<unknown>();
  const server = start(() =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode("data: first\n\n"));
          // …and then nothing more, ever.
        },
        cancel(reason) {
          cancelled.resolve(reason);
        },
      }),
      { headers: { "content-type": "text/event-stream" } },
    ), { shutdownTimeoutMs: 20 });
  const client = await RawClient.connect(connectTo(server.addr));
  try {
    await client.send("GET /events HTTP/1.1\r\nHost: a\r\n\r\n");
    await client.readUntil("data: first");
    await server.shutdown();
    await cancelled.promise;
    const rest = await client.readToEnd();
    assert.ok(
      !rest.includes("0\r\n\r\n"),
      "no last chunk: the stream did not end",
    );
  } finally {
    client.close();
  }
});
