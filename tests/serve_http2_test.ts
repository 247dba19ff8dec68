/**
 * serve() speaking HTTP/2 on real sockets: over TLS to clients that choose
 * `h2` with ALPN (HTTP/1.1 to the others), on cleartext to clients that open
 * with the preface (h2c with prior knowledge); the options that turn each
 * off; and the TLS handshake held to the server's limits and shutdown.
 * The HTTP/2 client is Node's (`node:http2`); real clients from Debian's
 * packages are in tests/e2e/http2_clients_test.ts.
 */

import assert from "node:assert/strict";
import http2 from "node:http2";
import type { AccessLogEntry } from "../src/http1/access_log_entry.ts";
import { serve, type ServeOptions } from "../src/serve.ts";
import { makeCertificate } from "./_tls.ts";

const HOST = "127.0.0.1";
const certificate = await makeCertificate();
const noTls = certificate === null;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** One GET on a Node session: status, `x-seen` and the body. */
function get(
  session: http2.ClientHttp2Session,
  path: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ":path": path, ":method": "GET" });
    let status = 0;
    let body = "";
    stream.setEncoding("utf8");
    stream.on("response", (headers) => status = Number(headers[":status"]));
    stream.on("data", (chunk: string) => body += chunk);
    stream.on("end", () => resolve({ status, body }));
    stream.on("error", reject);
  });
}

/** Connect a Node HTTP/2 session and wait until it is up. */
function connect(
  url: string,
  options: http2.SecureClientSessionOptions = {},
): Promise<http2.ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(url, options);
    session.once("connect", () => resolve(session));
    session.once("error", reject);
  });
}

/** Close a session and wait until it is gone (after a GOAWAY, it is). */
function closeSession(session: http2.ClientHttp2Session): Promise<void> {
  if (session.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    session.once("close", () => resolve());
    session.close();
  });
}

/** Read until the server closes; the bytes read, as text. */
async function readToEnd(conn: Deno.Conn): Promise<string> {
  const buffer = new Uint8Array(4096);
  let text = "";
  try {
    for (
      let n = await conn.read(buffer);
      n !== null;
      n = await conn.read(buffer)
    ) {
      text += decoder.decode(buffer.subarray(0, n));
    }
  } catch {
    // A reset is a close too.
  }
  return text;
}

const echoPath = (request: Request) =>
  new Response(`${request.method} ${new URL(request.url).pathname}`);

function start(options: ServeOptions = {}) {
  const entries: AccessLogEntry[] = [];
  const server = serve(echoPath, {
    hostname: HOST,
    port: 0,
    onListen() {},
    onResponse: (entry) => void entries.push(entry),
    ...options,
  });
  return { server, entries, port: server.addr.port };
}

Deno.test({
  name: "serve() serves HTTP/2 over TLS to a client that chooses h2 with ALPN",
  ignore: noTls,
  async fn() {
    const { cert, key } = certificate!;
    const { server, entries, port } = start({ cert, key });
    try {
      const session = await connect(`https://${HOST}:${port}`, { ca: cert });
      try {
        assert.equal(session.alpnProtocol, "h2");
        assert.deepEqual(await get(session, "/a"), {
          status: 200,
          body: "GET /a",
        });
      } finally {
        await closeSession(session);
      }
    } finally {
      await server.shutdown();
    }
    assert.deepEqual(
      entries.map((e) => `${e.method} ${e.target} ${e.status}`),
      [
        "GET /a 200",
      ],
    );
  },
});

/** A raw HTTP/1.1 GET over TLS offering `alpn`; the protocol and answer. */
async function tlsGet(
  port: number,
  cert: string,
  alpnProtocols?: string[],
): Promise<{ alpn: string | null; answer: string }> {
  const conn = await Deno.connectTls({
    hostname: HOST,
    port,
    caCerts: [cert],
    alpnProtocols,
  });
  try {
    const { alpnProtocol } = await conn.handshake();
    await conn.write(
      encoder.encode("GET /b HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"),
    );
    return { alpn: alpnProtocol, answer: await readToEnd(conn) };
  } finally {
    conn.close();
  }
}

Deno.test({
  name:
    "serve() serves HTTP/1.1 over TLS to clients that offer http/1.1 or no ALPN",
  ignore: noTls,
  async fn() {
    const { cert, key } = certificate!;
    const { server, port } = start({ cert, key });
    try {
      for (const alpn of [["http/1.1"], undefined]) {
        const { alpn: chosen, answer } = await tlsGet(port, cert, alpn);
        assert.equal(chosen, alpn === undefined ? null : "http/1.1");
        assert.match(answer, /^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nGET \/b$/);
      }
    } finally {
      await server.shutdown();
    }
  },
});

Deno.test({
  name: "serve() with http2: false offers only http/1.1 over TLS",
  ignore: noTls,
  async fn() {
    const { cert, key } = certificate!;
    const { server, port } = start({ cert, key, http2: false });
    try {
      const { alpn, answer } = await tlsGet(port, cert, ["h2", "http/1.1"]);
      assert.equal(alpn, "http/1.1");
      assert.match(answer, /^HTTP\/1\.1 200 OK/);
    } finally {
      await server.shutdown();
    }
  },
});

Deno.test("serve() serves h2c with prior knowledge on cleartext", async () => {
  const { server, entries, port } = start();
  try {
    const session = await connect(`http://${HOST}:${port}`);
    try {
      const answers = await Promise.all(
        ["/1", "/2", "/3"].map((path) => get(session, path)),
      );
      assert.deepEqual(answers.map((a) => a.body), [
        "GET /1",
        "GET /2",
        "GET /3",
      ]);
    } finally {
      await closeSession(session);
    }
    // HTTP/1.1 goes on beside it.
    const response = await fetch(`http://${HOST}:${port}/h1`);
    assert.equal(await response.text(), "GET /h1");
  } finally {
    await server.shutdown();
  }
  assert.equal(entries.length, 4);
});

/** Send `bytes` on a fresh cleartext connection; what comes back. */
async function exchange(port: number, bytes: Uint8Array): Promise<string> {
  const conn = await Deno.connect({ hostname: HOST, port });
  try {
    await conn.write(bytes);
    return await readToEnd(conn);
  } finally {
    conn.close();
  }
}

const PREFACE = encoder.encode("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

Deno.test("serve() with h2c: false, or http2: false, answers the HTTP/2 preface 505", async () => {
  for (const options of [{ h2c: false }, { http2: false }]) {
    const { server, port } = start(options);
    try {
      assert.match(await exchange(port, PREFACE), /^HTTP\/1\.1 505 /);
    } finally {
      await server.shutdown();
    }
  }
});

Deno.test({
  name:
    "serve() answers the preface 505 over TLS: h2 there is ALPN's to choose",
  ignore: noTls,
  async fn() {
    const { cert, key } = certificate!;
    const { server, port } = start({ cert, key });
    const conn = await Deno.connectTls({
      hostname: HOST,
      port,
      caCerts: [cert],
      alpnProtocols: ["http/1.1"],
    });
    try {
      await conn.write(PREFACE);
      assert.match(await readToEnd(conn), /^HTTP\/1\.1 505 /);
    } finally {
      conn.close();
      await server.shutdown();
    }
  },
});

Deno.test("serve() rejects http2 and h2c that are not booleans", () => {
  for (const options of [{ http2: "no" }, { h2c: 0 }]) {
    assert.throws(
      () => serve(() => new Response(), options as unknown as ServeOptions),
      TypeError,
    );
  }
});

Deno.test("serve() rejects HTTP/2 limits HTTP/2 cannot carry", () => {
  for (
    const options of [
      { maxConcurrentStreams: 0 },
      { maxFrameBytes: 1024 },
      { connectionWindowBytes: 1000 },
    ]
  ) {
    assert.throws(() => serve(() => new Response(), options), RangeError);
  }
});

Deno.test("serve() advertises its HTTP/2 limits in SETTINGS", async () => {
  const { server, port } = start({ maxConcurrentStreams: 7 });
  try {
    const session = await connect(`http://${HOST}:${port}`);
    try {
      if (session.remoteSettings.maxConcurrentStreams !== 7) {
        await new Promise((resolve) => session.once("remoteSettings", resolve));
      }
      assert.equal(session.remoteSettings.maxConcurrentStreams, 7);
    } finally {
      await closeSession(session);
    }
  } finally {
    await server.shutdown();
  }
});

Deno.test("shutdown() sends an HTTP/2 client GOAWAY and lets its stream finish", async () => {
  const arrived = Promise.withResolvers<void>();
  const release = Promise.withResolvers<void>();
  const server = serve(async () => {
    arrived.resolve();
    await release.promise;
    return new Response("finished");
  }, { hostname: HOST, port: 0, onListen() {} });
  const session = await connect(`http://${HOST}:${server.addr.port}`);
  try {
    const goAway = new Promise<number>((resolve) =>
      session.once("goaway", (code: number) => resolve(code))
    );
    const answer = get(session, "/slow");
    await arrived.promise;
    const finished = server.shutdown();
    assert.equal(await goAway, http2.constants.NGHTTP2_NO_ERROR);
    release.resolve();
    assert.deepEqual(await answer, { status: 200, body: "finished" });
    await finished;
  } finally {
    release.resolve();
    await closeSession(session);
    await server.shutdown();
  }
});

/** A POST that expects 100-continue, its body sent on the `continue` event. */
function postAfterContinue(
  session: http2.ClientHttp2Session,
  body: string,
): Promise<{ events: string[]; body: string }> {
  return new Promise((resolve, reject) => {
    const stream = session.request(
      { ":method": "POST", ":path": "/", "expect": "100-continue" },
      { endStream: false },
    );
    const events: string[] = [];
    let text = "";
    stream.setEncoding("utf8");
    stream.on("continue", () => {
      events.push("continue");
      stream.end(body);
    });
    stream.on("response", (h) => events.push(`response ${h[":status"]}`));
    stream.on("data", (chunk: string) => text += chunk);
    stream.on("end", () => resolve({ events, body: text }));
    stream.on("error", reject);
  });
}

Deno.test("serve() sends 100 (Continue) to an HTTP/2 client when the handler reads the body, and only then", async () => {
  const server = serve(async (request) => {
    if (new URL(request.url).searchParams.has("refuse")) {
      return new Response("no", { status: 403 });
    }
    return new Response(`got ${await request.text()}`);
  }, { hostname: HOST, port: 0, onListen() {} });
  const session = await connect(`http://${HOST}:${server.addr.port}`);
  try {
    assert.deepEqual(await postAfterContinue(session, "hello"), {
      events: ["continue", "response 200"],
      body: "got hello",
    });
    // Answered without reading: no 100, and the body is never sent.
    const refused = await new Promise<string[]>((resolve, reject) => {
      const stream = session.request(
        { ":method": "POST", ":path": "/?refuse", "expect": "100-continue" },
        { endStream: false },
      );
      const events: string[] = [];
      stream.on("continue", () => events.push("continue"));
      stream.on("response", (h) => events.push(`response ${h[":status"]}`));
      stream.on("data", () => {});
      stream.on("close", () => resolve(events));
      stream.on("error", reject);
    });
    assert.deepEqual(refused, ["response 403"]);
  } finally {
    await closeSession(session);
    await server.shutdown();
  }
});

// Deno finishes a TLS handshake before it lets the socket go (closing a
// TlsConn in its handshake ends berth's hold on it, but the client sees no
// close until it sends a byte or leaves): these tests watch the server's
// side. tests/tls_handshake_test.ts checks the deadline on a fake conn.

Deno.test({
  name:
    "shutdown() does not wait for a TLS client that never starts its handshake",
  ignore: noTls,
  async fn() {
    const { cert, key } = certificate!;
    const { server, port } = start({ cert, key });
    const silent = await Deno.connect({ hostname: HOST, port });
    try {
      // A session that completes proves the silent one was accepted first.
      const session = await connect(`https://${HOST}:${port}`, { ca: cert });
      await closeSession(session);
      await server.shutdown();
    } finally {
      silent.close();
      await server.shutdown();
    }
  },
});

Deno.test({
  name:
    "serve() at maxConnections makes room by closing a connection still in its TLS handshake",
  ignore: noTls,
  async fn() {
    const { cert, key } = certificate!;
    const { server, port } = start({ cert, key, maxConnections: 1 });
    const silent = await Deno.connect({ hostname: HOST, port });
    try {
      const session = await connect(`https://${HOST}:${port}`, { ca: cert });
      try {
        assert.deepEqual(await get(session, "/room"), {
          status: 200,
          body: "GET /room",
        });
      } finally {
        await closeSession(session);
      }
    } finally {
      silent.close();
      await server.shutdown();
    }
  },
});
