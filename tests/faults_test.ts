/**
 * Faults on real sockets (127.0.0.1): client resets mid-download, a client
 * that stops reading, slowloris, idle keep-alive, `maxConnections`, file
 * descriptor exhaustion, a failing handler, and a file truncated or deleted
 * while it streams. After each, the server still serves, holds no extra file
 * descriptor, and never reports a short or wrong body as complete.
 *
 * In-process servers where possible (their descriptors are counted in
 * `/proc/self/fd`); the berth CLI as a child process where memory or
 * `ulimit -n` must be the server's own. No sleep synchronizes anything:
 * tests wait for server-side events (`onResponse`, a response, a close, a
 * line on stderr), and every poll is bounded and runs after such an event.
 * No assertion is about time.
 *
 * `maxConnections`, as tested here: a connection that arrives while
 * `maxConnections` connections are open takes the place of an idle one
 * (closed quietly: see tests/serve_test.ts). When every open connection is
 * busy, it is answered `503 Service Unavailable` with `connection: close`,
 * and closed after a short lingering read (so the client sees the 503
 * rather than a reset). The connections already open are served as before.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import type { AccessLogEntry } from "../src/http1/access_log_entry.ts";
import type { ServeHandler } from "../src/http1/handler.ts";
import { serve, type ServeOptions, type Server } from "../src/serve.ts";
import { createStaticHandler } from "../src/static/static_handler.ts";
import { startBerth } from "../support/berth_process.ts";
import {
  fdCount,
  fdTargets,
  ioChars,
  mib,
  openFileLimit,
  rssBytes,
  socketAndFileCount,
} from "../support/procfs.ts";
import {
  bytes,
  exchange,
  parseResponses,
  type RawResponse,
} from "../support/raw_http.ts";

const HOST = "127.0.0.1";
const MiB = 1024 * 1024;
const latin1 = new TextDecoder("latin1");

/** Start an in-process server on a free port, silently. */
function start(handler: ServeHandler, options: ServeOptions = {}): Server {
  return serve(handler, { hostname: HOST, port: 0, onListen() {}, ...options });
}

/** The byte at `offset` of a pattern file: every prefix is checkable. */
function patternByte(offset: number): number {
  return (offset ^ (offset >>> 8) ^ (offset >>> 16) ^ (offset >>> 24)) & 0xff;
}

function pattern(offset: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = patternByte(offset + i);
  return out;
}

/** Write a pattern file of `size` bytes (a multiple of 1 MiB). */
async function writePatternFile(path: string, size: number): Promise<void> {
  using file = await Deno.open(path, {
    write: true,
    create: true,
    truncate: true,
  });
  for (let at = 0; at < size; at += MiB) {
    const block = pattern(at, Math.min(MiB, size - at));
    let done = 0;
    while (done < block.length) {
      done += await file.write(block.subarray(done));
    }
  }
}

/** The index of the first byte that differs from the pattern, or -1. */
function firstMismatch(body: Uint8Array, offset = 0): number {
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== patternByte(offset + i)) return i;
  }
  return -1;
}

/**
 * One request on a fresh connection with `Connection: close`, read until the
 * server closes: a full round trip through the server's event loop, used as
 * the awaited event between bounded polls.
 */
async function probe(
  port: number,
  path = "/small.txt",
  headers = "",
): Promise<RawResponse> {
  const text = await exchange(
    { hostname: HOST, port },
    `GET ${path} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n${headers}\r\n`,
  );
  const responses = parseResponses(text);
  assert.equal(responses.length, 1, `one response: ${text.slice(0, 200)}`);
  return responses[0];
}

/**
 * Poll `/proc/self/fd` (or the server's) until at most `baseline`
 * sockets and files are open (see `socketAndFileCount`); each poll runs after a complete request to the
 * server (an awaited event, not a sleep). Bounded: `polls` requests.
 */
async function assertFdsBackTo(
  baseline: number,
  port: number,
  pid: number | "self" = "self",
  polls = 50,
): Promise<void> {
  let now = await socketAndFileCount(pid);
  for (let i = 0; i < polls && now > baseline; i++) {
    assert.equal((await probe(port)).status, 200);
    now = await socketAndFileCount(pid);
  }
  assert.ok(
    now <= baseline,
    `open descriptors: ${now}, baseline ${baseline}:\n${await fdTargets(pid)}`,
  );
}

function indexOfCrlfCrlf(data: Uint8Array): number {
  for (let i = 0; i + 3 < data.length; i++) {
    if (
      data[i] === 13 && data[i + 1] === 10 && data[i + 2] === 13 &&
      data[i + 3] === 10
    ) return i;
  }
  return -1;
}

/** A raw download: the head parsed, the body read on demand. */
class Download {
  readonly conn: Deno.Conn;
  status = 0;
  headers = new Headers();
  contentLength = -1;
  /** Body bytes received so far (kept only when `keep`). */
  received = 0;
  chunks: Uint8Array[] = [];
  /** Whether the server closed (or reset) the connection. */
  eof = false;
  #pending: Uint8Array = new Uint8Array(0);
  #keep: boolean;
  #closed = false;

  private constructor(conn: Deno.Conn, keep: boolean) {
    this.conn = conn;
    this.#keep = keep;
  }

  /** Connect, send a GET for `path`, read the head. */
  static async open(
    port: number,
    path: string,
    keep = false,
  ): Promise<Download> {
    const conn = await Deno.connect({ hostname: HOST, port });
    const download = new Download(conn, keep);
    try {
      await download.send(`GET ${path} HTTP/1.1\r\nHost: a\r\n\r\n`);
      await download.#readHead();
    } catch (error) {
      download.close();
      throw error;
    }
    return download;
  }

  async send(text: string): Promise<void> {
    let data = bytes(text);
    while (data.length > 0) data = data.subarray(await this.conn.write(data));
  }

  async #read(): Promise<Uint8Array | null> {
    const buffer = new Uint8Array(256 * 1024);
    let n: number | null;
    try {
      n = await this.conn.read(buffer);
    } catch (error) {
      if (!(error instanceof Deno.errors.ConnectionReset)) throw error;
      n = null;
    }
    if (n === null) {
      this.eof = true;
      return null;
    }
    return buffer.subarray(0, n);
  }

  async #readHead(): Promise<void> {
    let head = new Uint8Array(0);
    let end = -1;
    while (end < 0) {
      const chunk = await this.#read();
      if (chunk === null) {
        throw new Error(`Closed in the head: ${latin1.decode(head)}`);
      }
      const joined = new Uint8Array(head.length + chunk.length);
      joined.set(head);
      joined.set(chunk, head.length);
      head = joined;
      end = indexOfCrlfCrlf(head);
    }
    // The head is ASCII; the body stays bytes (no text round trip).
    const [statusLine, ...fields] = latin1.decode(head.subarray(0, end))
      .split("\r\n");
    this.status = Number(statusLine.split(" ")[1]);
    for (const field of fields) {
      const colon = field.indexOf(":");
      this.headers.append(field.slice(0, colon), field.slice(colon + 1).trim());
    }
    this.contentLength = Number(this.headers.get("content-length") ?? -1);
    this.#take(head.subarray(end + 4));
  }

  #take(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.received += chunk.length;
    if (this.#keep) this.chunks.push(chunk.slice());
  }

  /** Read until at least `count` body bytes have arrived, or the end. */
  async readAtLeast(count: number): Promise<void> {
    while (this.received < count && !this.eof) {
      const chunk = await this.#read();
      if (chunk !== null) this.#take(chunk);
    }
  }

  /** Read until the server closes. */
  async readToEnd(): Promise<void> {
    await this.readAtLeast(Infinity);
  }

  /** Every kept body byte, in one array. */
  body(): Uint8Array {
    const out = new Uint8Array(this.received);
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.conn.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/** Collects `onResponse` entries and lets a test wait for the n-th one. */
class ResponseLog {
  readonly entries: AccessLogEntry[] = [];
  #waiters: { count: number; resolve: () => void }[] = [];

  readonly onResponse = (entry: AccessLogEntry): void => {
    this.entries.push(entry);
    this.#waiters = this.#waiters.filter((w) => {
      if (this.entries.length < w.count) return true;
      w.resolve();
      return false;
    });
  };

  /** Resolves once `count` responses have been reported in all. */
  waitFor(count: number): Promise<void> {
    if (this.entries.length >= count) return Promise.resolve();
    const { promise, resolve } = Promise.withResolvers<void>();
    this.#waiters.push({ count, resolve });
    return promise;
  }
}

/** A temp folder with `small.txt` (in memory) and `big.bin` (streamed). */
async function makeSite(bigBytes: number): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "berth-faults-" });
  await Deno.writeTextFile(join(root, "small.txt"), "small file\n");
  await writePatternFile(join(root, "big.bin"), bigBytes);
  return root;
}

// ---------------------------------------------------------------------------
// Resets

Deno.test("faults: clients that reset mid-download leave no descriptor open and the server keeps serving", async () => {
  // Over the 1 MiB in-memory limit (streamed from disk), and far more than
  // socket buffers hold, so no give-up point below lets the server finish.
  const SIZE = 24 * MiB;
  const root = await makeSite(SIZE);
  const log = new ResponseLog();
  const server = start(createStaticHandler({ root }), {
    onResponse: log.onResponse,
  });
  const port = server.addr.port;
  try {
    // Warm up: one whole download and one probe, then the baseline.
    {
      using whole = await Download.open(port, "/big.bin");
      await whole.readAtLeast(SIZE);
      assert.equal(whole.received, SIZE);
    }
    await log.waitFor(1);
    assert.equal((await probe(port)).status, 200);
    await log.waitFor(2);
    const baseline = await socketAndFileCount();

    // Where each client gives up: before any byte, after the head, a byte
    // into the body, 256 KiB in, 1 MiB in.
    const stops = [-1, 0, 1, 256 * 1024, MiB];
    const rounds = 4;
    let reported = log.entries.length;
    for (let round = 0; round < rounds; round++) {
      for (const stop of stops) {
        if (stop < 0) {
          const conn = await Deno.connect({ hostname: HOST, port });
          await conn.write(bytes("GET /big.bin HTTP/1.1\r\nHost: a\r\n\r\n"));
          conn.close(); // before reading anything
        } else {
          const download = await Download.open(port, "/big.bin");
          assert.equal(download.status, 200);
          assert.equal(download.contentLength, SIZE);
          await download.readAtLeast(stop);
          // Unread bytes in our receive buffer: the close sends a reset.
          download.close();
        }
        // The server's side: its write failed and it reported the response.
        await log.waitFor(++reported);
        const entry = log.entries.at(-1)!;
        assert.equal(entry.target, "/big.bin");
        assert.ok(
          entry.bodyBytes < SIZE,
          `a reset download is not reported complete (${entry.bodyBytes})`,
        );
      }
    }
    await assertFdsBackTo(baseline, port);
    // And a whole download is still whole and right.
    using again = await Download.open(port, "/big.bin", true);
    await again.readAtLeast(SIZE);
    assert.equal(again.received, SIZE);
    assert.equal(firstMismatch(again.body()), -1);
  } finally {
    await server.shutdown();
    await Deno.remove(root, { recursive: true });
  }
});

// ---------------------------------------------------------------------------
// A client that stops reading

Deno.test("faults: clients that stop reading a 256 MiB file leave the server's memory bounded", async () => {
  const root = await Deno.makeTempDir({ prefix: "berth-faults-" });
  await Deno.writeTextFile(join(root, "small.txt"), "small file\n");
  // Sparse: 256 MiB that costs no disk and is written in no time.
  await Deno.writeFile(join(root, "huge.bin"), new Uint8Array(0));
  await Deno.truncate(join(root, "huge.bin"), 256 * MiB);
  const berth = await startBerth(root);
  const stalled: Download[] = [];
  try {
    // Warm up the code paths (a range of the big file, a small file).
    const range = await probe(berth.port, "/huge.bin", "Range: bytes=0-99\r\n");
    assert.equal(range.status, 206);
    assert.equal((await probe(berth.port)).status, 200);
    const baseline = await rssBytes(berth.pid);
    const readBefore = (await ioChars(berth.pid)).rchar;

    const CLIENTS = 8;
    for (let i = 0; i < CLIENTS; i++) {
      const download = await Download.open(berth.port, "/huge.bin");
      stalled.push(download);
      assert.equal(download.contentLength, 256 * MiB);
      await download.readAtLeast(64 * 1024); // a little, then nothing more
    }
    // Wait until the server's writes stop progressing (every socket buffer
    // full): its read counter (file and socket reads) stays flat across 100
    // consecutive probes. Bounded at 5,000 probes; a server that buffered
    // the whole file would show it in the RSS below either way.
    let last = (await ioChars(berth.pid)).rchar;
    let flat = 0;
    for (let i = 0; i < 5000 && flat < 100; i++) {
      assert.equal((await probe(berth.port)).status, 200);
      const now = (await ioChars(berth.pid)).rchar;
      flat = now - last < 64 * 1024 ? flat + 1 : 0;
      last = now;
    }
    const rss = await rssBytes(berth.pid);
    const readDuring = last - readBefore;
    assert.ok(
      rss - baseline < 64 * MiB,
      `RSS grew by ${mib(rss - baseline)} (baseline ${mib(baseline)}) ` +
        `with ${CLIENTS} stalled downloads; ${mib(readDuring)} read meanwhile`,
    );
    // Not read ahead: far less than the 8 × 256 MiB asked for.
    assert.ok(
      readDuring < CLIENTS * 32 * MiB,
      `read ${mib(readDuring)} for ${CLIENTS} stalled downloads`,
    );
  } finally {
    for (const download of stalled) download.close();
    const status = await berth.stop();
    await Deno.remove(root, { recursive: true });
    assert.equal(status.code, 0, berth.stderr());
  }
});

// ---------------------------------------------------------------------------
// Slowloris and idle connections

Deno.test("faults: heads trickled a byte at a time get 408 and a close after headersTimeoutMs, while others are served", async () => {
  const root = await makeSite(MiB);
  const server = start(createStaticHandler({ root }), {
    headersTimeoutMs: 200,
  });
  const port = server.addr.port;
  try {
    assert.equal((await probe(port)).status, 200);
    const baseline = await socketAndFileCount();
    const trickle = async () => {
      const conn = await Deno.connect({ hostname: HOST, port });
      try {
        let answered = false;
        const reading = (async () => {
          let text = "";
          const buffer = new Uint8Array(4096);
          while (true) {
            let n: number | null;
            try {
              n = await conn.read(buffer);
            } catch (error) {
              if (error instanceof Deno.errors.ConnectionReset) break;
              if (error instanceof Deno.errors.BadResource) break; // closed
              throw error;
            }
            if (n === null) break;
            answered = true;
            text += latin1.decode(buffer.subarray(0, n));
          }
          return text;
        })();
        // A head that never ends: one byte every 5 ms, bounded at 4,000
        // bytes, until the server answers.
        const head = "GET /small.txt HTTP/1.1\r\nHost: a\r\nX-Slow: " +
          "a".repeat(4000);
        for (let i = 0; i < head.length && !answered; i++) {
          try {
            await conn.write(bytes(head[i]));
          } catch {
            break; // closed by the server
          }
          await new Promise((resolve) => setTimeout(resolve, 5)); // pacing
        }
        if (!answered) conn.close(); // unblock the read; fails below
        const text = await reading;
        const [response] = parseResponses(text);
        assert.equal(response.status, 408);
        assert.equal(response.headers.get("connection"), "close");
      } finally {
        try {
          conn.close();
        } catch {
          // Closed above.
        }
      }
    };
    // Ten slow clients at once, and normal requests meanwhile.
    const slow = Array.from({ length: 10 }, trickle);
    for (let i = 0; i < 5; i++) {
      assert.equal((await probe(port)).status, 200);
    }
    await Promise.all(slow);
    assert.equal((await probe(port)).status, 200);
    await assertFdsBackTo(baseline, port);
  } finally {
    await server.shutdown();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("faults: a client still sending when its head times out reads the 408 with connection: close, after the response before it", async () => {
  // The first response fills the socket buffers unread, so the 408 queues
  // behind it; the client goes on sending its second head past the timeout
  // and only then reads. A server that closes with that input unread resets
  // the connection, and the reset drops what it had not sent yet: the 408.
  const bigBytes = 256 * 1024;
  const headersTimeoutMs = 200;
  const root = await makeSite(bigBytes);
  const server = start(createStaticHandler({ root }), { headersTimeoutMs });
  const port = server.addr.port;
  try {
    assert.equal((await probe(port)).status, 200);
    const baseline = await socketAndFileCount();
    const conn = await Deno.connect({ hostname: HOST, port });
    try {
      await writeAll(
        conn,
        bytes(
          "GET /big.bin HTTP/1.1\r\nHost: a\r\n\r\n" +
            "GET /small.txt HTTP/1.1\r\nHost: a\r\nX-Slow: ",
        ),
      );
      // A byte every 5 ms past the timeout, bounded in count and time (the
      // time bound keeps the sending well inside the server's linger).
      const until = Date.now() + 3 * headersTimeoutMs;
      let writeFailed = false;
      for (let i = 0; i < 1000 && Date.now() < until && !writeFailed; i++) {
        try {
          await conn.write(bytes("a"));
        } catch {
          writeFailed = true; // reset by the server
        }
        await new Promise((resolve) => setTimeout(resolve, 5)); // pacing
      }
      const { text, reset } = await readUntilClosed(conn);
      let responses: RawResponse[] = [];
      try {
        responses = parseResponses(text);
      } catch {
        // Cut short: asserted below, without the body in the message.
      }
      assert.equal(
        responses.length,
        2,
        `${text.length} bytes read; reset: ${reset}, write failed: ${writeFailed}`,
      );
      assert.deepEqual(responses.map((r) => r.status), [200, 408]);
      assert.equal(responses[0].body.length, bigBytes);
      assert.equal(responses[1].headers.get("connection"), "close");
    } finally {
      conn.close();
    }
    await assertFdsBackTo(baseline, port);
  } finally {
    await server.shutdown();
    await Deno.remove(root, { recursive: true });
  }
});

/** Read until the server closes; whether it ended in a reset. */
async function readUntilClosed(
  conn: Deno.Conn,
): Promise<{ text: string; reset: boolean }> {
  const buffer = new Uint8Array(64 * 1024);
  let text = "";
  while (true) {
    let n: number | null;
    try {
      n = await conn.read(buffer);
    } catch (error) {
      if (error instanceof Deno.errors.ConnectionReset) {
        return { text, reset: true };
      }
      throw error;
    }
    if (n === null) return { text, reset: false };
    text += latin1.decode(buffer.subarray(0, n));
  }
}

/** Write all of `data`. */
async function writeAll(conn: Deno.Conn, data: Uint8Array): Promise<void> {
  for (let done = 0; done < data.length;) {
    done += await conn.write(data.subarray(done));
  }
}

Deno.test("faults: idle keep-alive connections are closed quietly after keepAliveTimeoutMs, silent ones after headersTimeoutMs", async () => {
  const root = await makeSite(MiB);
  const server = start(createStaticHandler({ root }), {
    keepAliveTimeoutMs: 100,
    headersTimeoutMs: 200,
  });
  const port = server.addr.port;
  try {
    assert.equal((await probe(port)).status, 200);
    const baseline = await socketAndFileCount();
    const idle = async (sendRequest: boolean) => {
      using download = sendRequest
        ? await Download.open(port, "/small.txt", true)
        : null;
      if (download !== null) {
        assert.equal(download.status, 200);
        assert.equal(download.headers.get("connection"), null); // kept alive
        await download.readAtLeast(download.contentLength);
        const length = download.received;
        // Nothing more is sent; the server's close ends the read.
        await download.readToEnd();
        assert.ok(download.eof);
        assert.equal(download.received, length, "closed without a byte more");
        return;
      }
      const conn = await Deno.connect({ hostname: HOST, port });
      try {
        const n = await conn.read(new Uint8Array(64)).catch((error) => {
          if (error instanceof Deno.errors.ConnectionReset) return null;
          throw error;
        });
        assert.equal(n, null, "a silent connection is closed without a 408");
      } finally {
        conn.close();
      }
    };
    await Promise.all([
      ...Array.from({ length: 10 }, () => idle(true)),
      ...Array.from({ length: 5 }, () => idle(false)),
    ]);
    await assertFdsBackTo(baseline, port);
  } finally {
    await server.shutdown();
    await Deno.remove(root, { recursive: true });
  }
});

// ---------------------------------------------------------------------------
// maxConnections

Deno.test("faults: a connection over maxConnections gets 503 with connection: close while all are busy; open ones go on; then there is room again", async () => {
  const release = Promise.withResolvers<void>();
  const encoder = new TextEncoder();
  const server = start(
    (request) => {
      const path = new URL(request.url).pathname;
      if (path !== "/hold") return new Response(path);
      // Mid-response until released: busy, so never closed to make room.
      return new Response(
        new ReadableStream<Uint8Array>({
          async start(controller) {
            controller.enqueue(encoder.encode("start\n"));
            await release.promise;
            controller.enqueue(encoder.encode("done"));
            controller.close();
          },
        }),
        { headers: { "content-length": "10" } },
      );
    },
    { maxConnections: 3 },
  );
  const port = server.addr.port;
  const open: Download[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const download = await Download.open(port, "/hold");
      assert.equal(download.status, 200);
      await download.readAtLeast("start\n".length);
      open.push(download);
    }
    for (let i = 0; i < 3; i++) {
      const text = await exchange(
        { hostname: HOST, port },
        "GET /over HTTP/1.1\r\nHost: a\r\n\r\n",
      );
      const responses = parseResponses(text); // and the server closed
      assert.equal(responses.length, 1);
      assert.equal(responses[0].status, 503);
      assert.equal(responses[0].headers.get("connection"), "close");
      assert.equal(responses[0].body, "Service Unavailable\n");
    }
    // The open connections finish their responses and are still served.
    release.resolve();
    for (const download of open) {
      await download.readAtLeast(download.contentLength);
      await download.send("GET /again HTTP/1.1\r\nHost: a\r\n\r\n");
      const before = download.received;
      await download.readAtLeast(before + "/again".length + 1);
      assert.ok(!download.eof);
    }
    // Idle now: a new connection takes the place of one of them.
    const [response] = parseResponses(
      await exchange(
        { hostname: HOST, port },
        "GET /room HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
      ),
    );
    assert.equal(response.status, 200, "room made by an idle connection");
    assert.equal(response.body, "/room");
  } finally {
    release.resolve();
    for (const download of open) download.close();
    await server.shutdown();
  }
});

// ---------------------------------------------------------------------------
// File descriptor exhaustion

Deno.test("faults: with ulimit -n 256 and a thousand connections, the server keeps serving once they close", async () => {
  const root = await makeSite(MiB);
  const NOFILE = 256;
  const berth = await startBerth(root, { nofile: NOFILE });
  const conns: Deno.Conn[] = [];
  let guard: ReturnType<typeof setTimeout> | undefined;
  try {
    assert.equal((await probe(berth.port)).status, 200);
    const baseline = await socketAndFileCount(berth.pid);
    // At most 1,000, and never more than this process can open itself.
    const limit = await openFileLimit();
    const COUNT = Math.min(1000, limit - (await fdCount()) - 64);
    // Connects past the server's backlog wait for a SYN retry: give up on
    // those after a bound (connects that fail are fine).
    const giveUp = new AbortController();
    const bound = setTimeout(() => giveUp.abort(), 3000);
    await Promise.all(Array.from(
      { length: COUNT },
      () =>
        Deno.connect({
          hostname: HOST,
          port: berth.port,
          signal: giveUp.signal,
        })
          .then((conn) => {
            conns.push(conn);
          }, () => {}),
    ));
    clearTimeout(bound);
    // The server is out of descriptors (its accept fails and backs off).
    const held = await fdCount(berth.pid);
    assert.ok(held >= NOFILE - 2, `the server holds ${held} of ${NOFILE}`);
    assert.ok(
      conns.length > NOFILE,
      `${conns.length} connections opened, over the server's ${NOFILE}`,
    );
    for (const conn of conns.splice(0)) conn.close();
    // The accept loop backs off (at most 1 s) and goes on. A guard kills
    // the server if it never answers, so the test fails instead of hanging.
    guard = setTimeout(() => berth.kill("SIGKILL"), 30_000);
    const response = await probe(berth.port);
    assert.equal(response.status, 200);
    assert.equal(response.body, "small file\n");
    clearTimeout(guard);
    guard = undefined;
    await assertFdsBackTo(baseline + 2, berth.port, berth.pid);
  } finally {
    clearTimeout(guard);
    for (const conn of conns) conn.close();
    const status = await berth.stop();
    await Deno.remove(root, { recursive: true });
    assert.equal(status.code, 0, berth.stderr());
  }
});

// ---------------------------------------------------------------------------
// A failing handler

Deno.test("faults: a handler that throws, rejects or returns no Response gets a generic 500, no stack, and the server goes on", async () => {
  const SECRET = "secret-detail-42";
  const cases: Record<string, () => unknown> = {
    "/throw": () => {
      throw new Error(SECRET);
    },
    "/throw-string": () => {
      throw SECRET;
    },
    "/reject": () => Promise.reject(new TypeError(SECRET)),
    "/undefined": () => undefined,
    "/string": () => SECRET,
    "/object": () => ({ status: 200, body: SECRET }),
    "/response-error": () => Response.error(),
    "/body-fails-first": () =>
      new Response(
        new ReadableStream({
          pull() {
            throw new Error(SECRET);
          },
        }),
      ),
  };
  const logged: unknown[] = [];
  // deno-lint-ignore no-console
  const original = console.error;
  // deno-lint-ignore no-console
  console.error = (...args: unknown[]) => logged.push(...args);
  const server = start((request) => {
    const path = new URL(request.url).pathname;
    if (path === "/ok") return new Response("ok");
    return cases[path]() as Response;
  });
  const port = server.addr.port;
  try {
    for (const path of Object.keys(cases)) {
      // Two requests on one connection: the 500 keeps it usable.
      const text = await exchange(
        { hostname: HOST, port },
        `GET ${path} HTTP/1.1\r\nHost: a\r\n\r\n` +
          "GET /ok HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
      );
      const responses = parseResponses(text);
      assert.equal(responses.length, 2, `${path}: ${text}`);
      assert.equal(responses[0].status, 500, path);
      assert.equal(responses[0].body, "Internal Server Error\n", path);
      assert.ok(!text.includes(SECRET), `${path} leaks the error`);
      assert.ok(!/\bat .*:\d+:\d+/.test(text), `${path} leaks a stack`);
      assert.equal(responses[1].body, "ok");
    }
    assert.ok(logged.length >= Object.keys(cases).length, "errors logged");
  } finally {
    await server.shutdown();
    // deno-lint-ignore no-console
    console.error = original;
  }
});

Deno.test("faults: a response body that fails after its head closes the connection short of Content-Length", async () => {
  const server = start((request) => {
    if (new URL(request.url).pathname === "/small.txt") {
      return new Response("small file\n");
    }
    let sent = 0;
    return new Response(
      new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent++ < 3) controller.enqueue(new Uint8Array(1000).fill(97));
          else controller.error(new Error("disk on fire"));
        },
      }),
      { headers: { "content-length": "10000" } },
    );
  });
  try {
    // deno-lint-ignore no-console
    const original = console.error;
    // deno-lint-ignore no-console
    console.error = () => {};
    try {
      using download = await Download.open(server.addr.port, "/");
      assert.equal(download.status, 200);
      assert.equal(download.contentLength, 10000);
      await download.readToEnd();
      assert.ok(download.eof);
      assert.ok(download.received < 10000, `${download.received} bytes`);
    } finally {
      // deno-lint-ignore no-console
      console.error = original;
    }
    assert.equal((await probe(server.addr.port)).status, 200);
  } finally {
    await server.shutdown();
  }
});

// ---------------------------------------------------------------------------
// The file changes while it streams

Deno.test("faults: a file truncated while it streams ends the connection short of Content-Length, with the right bytes so far", async () => {
  const SIZE = 64 * MiB;
  const root = await makeSite(SIZE);
  const path = join(root, "big.bin");
  const server = start(createStaticHandler({ root }));
  const port = server.addr.port;
  try {
    assert.equal((await probe(port)).status, 200);
    const baseline = await socketAndFileCount();
    {
      using download = await Download.open(port, "/big.bin", true);
      assert.equal(download.status, 200);
      assert.equal(download.contentLength, SIZE);
      await download.readAtLeast(256 * 1024); // mid-way: buffers hold far less
      await Deno.truncate(path, MiB);
      await download.readToEnd();
      assert.ok(download.eof, "the server closed");
      assert.ok(
        download.received < SIZE,
        `never a complete body: got ${download.received} of ${SIZE}`,
      );
      assert.equal(
        firstMismatch(download.body()),
        -1,
        "the bytes sent are right",
      );
    }
    // The next request describes the file as it is now.
    using now = await Download.open(port, "/big.bin", true);
    assert.equal(now.status, 200);
    assert.equal(now.contentLength, MiB);
    await now.readAtLeast(MiB);
    assert.equal(now.received, MiB);
    assert.equal(firstMismatch(now.body()), -1);
    now.close();
    await assertFdsBackTo(baseline, port);
  } finally {
    await server.shutdown();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("faults: a file deleted while it streams is still sent whole and right (the open file stays readable); then it is 404", async () => {
  const SIZE = 32 * MiB;
  const root = await makeSite(SIZE);
  const server = start(createStaticHandler({ root }));
  const port = server.addr.port;
  try {
    assert.equal((await probe(port)).status, 200);
    const baseline = await socketAndFileCount();
    {
      using download = await Download.open(port, "/big.bin", true);
      assert.equal(download.contentLength, SIZE);
      await download.readAtLeast(256 * 1024);
      await Deno.remove(join(root, "big.bin"));
      await download.readAtLeast(SIZE);
      assert.equal(
        firstMismatch(download.body()),
        -1,
        "the bytes sent are right",
      );
      // Unlinking keeps the open file readable (POSIX): the whole body.
      assert.equal(download.received, SIZE);
    }
    assert.equal((await probe(port, "/big.bin")).status, 404);
    await assertFdsBackTo(baseline, port);
  } finally {
    await server.shutdown();
    await Deno.remove(root, { recursive: true });
  }
});

// ---------------------------------------------------------------------------
// Found by the differential (tools/DIFFERENTIAL.md): regression tests for
// what it showed, now fixed in the engine.

// Was a bug, now fixed: methods are case-sensitive (RFC 9110 §9.1), but `get` reaches the
// handler as `GET` (the `Request` constructor upper-cases get, head, post,
// put, delete and options), so `get /file` is served like `GET /file`; nginx
// answers 400. Expected: the engine answers such a method itself (501, as
// for CONNECT/TRACE, which a `Request` cannot carry either) and never calls
// the handler. See tools/DIFFERENTIAL.md o08, o27.
Deno.test({
  name:
    "faults: a lowercase method never reaches the handler as its uppercase twin",
  async fn() {
    const methods: string[] = [];
    const server = start((request) => {
      methods.push(request.method);
      return new Response("served");
    });
    try {
      const [response] = parseResponses(
        await exchange(
          { hostname: HOST, port: server.addr.port },
          "get / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
        ),
      );
      assert.deepEqual(methods, [], "the handler saw `get` as GET");
      assert.equal(response.status, 501);
    } finally {
      await server.shutdown();
    }
  },
});

// Was a bug, now fixed: RFC 9110 §2.5: a request of a higher minor version (HTTP/1.2) SHOULD
// be processed as the highest minor version implemented (HTTP/1.1); berth
// answers 505, nginx serves it. See tools/DIFFERENTIAL.md o10.
Deno.test({
  name: "faults: an HTTP/1.2 request is answered as HTTP/1.1",
  async fn() {
    const server = start(() => new Response("ok"));
    try {
      const [response] = parseResponses(
        await exchange(
          { hostname: HOST, port: server.addr.port },
          "GET / HTTP/1.2\r\nHost: a\r\nConnection: close\r\n\r\n",
        ),
      );
      assert.equal(response.status, 200);
      assert.equal(response.statusLine, "HTTP/1.1 200 OK");
    } finally {
      await server.shutdown();
    }
  },
});

// Was a bug, now fixed: the engine accepts a raw `\` in the request-target and the static
// handler's WHATWG URL parsing turns it into `/`, so `/dir\file.txt` is an
// alias of `/dir/file.txt` (path confusion behind a proxy that filters on
// paths; nothing leaves the root: dot segments are clamped). An encoded
// `%5c` is refused (400), so the raw one should be too: `\` is not a URI
// character (RFC 3986 §2). See tools/DIFFERENTIAL.md o16, h33.
Deno.test({
  name: "faults: a raw backslash in the path is not a separator",
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "berth-faults-" });
    await Deno.mkdir(join(root, "dir"));
    await Deno.writeTextFile(join(root, "dir", "file.txt"), "inside dir\n");
    const server = start(createStaticHandler({ root }));
    try {
      const [response] = parseResponses(
        await exchange(
          { hostname: HOST, port: server.addr.port },
          "GET /dir\\file.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
        ),
      );
      assert.notEqual(response.body, "inside dir\n", "served dir/file.txt");
      assert.equal(response.status, 400);
    } finally {
      await server.shutdown();
      await Deno.remove(root, { recursive: true });
    }
  },
});

// ---------------------------------------------------------------------------
// Found by the fault tests: deadlines after the head (bodyTimeoutMs,
// sendTimeoutMs), now enforced.

/**
 * Read until the server closes, or until `guardMs` pass (then close our end
 * and report `false`). The guard only stops a hang from blocking the suite;
 * it is 25 times the largest timeout configured, not a measurement.
 */
async function closedByServer(conn: Deno.Conn, guardMs: number) {
  const guard = setTimeout(() => conn.close(), guardMs);
  try {
    const buffer = new Uint8Array(256 * 1024);
    while (true) {
      const n = await conn.read(buffer);
      if (n === null) return true;
    }
  } catch (error) {
    if (error instanceof Deno.errors.ConnectionReset) return true;
    return false; // our own close, from the guard
  } finally {
    clearTimeout(guard);
    try {
      conn.close();
    } catch {
      // Closed by the guard.
    }
  }
}

// Was a bug, now fixed: once a request head has arrived no deadline applies (serve_connection
// sets `state.deadline = 0`), and after the response the engine drains the
// rest of the body with no deadline either. A client that sends a head with
// `Content-Length: 100` and one byte, then stalls, holds the connection (and
// a `maxConnections` slot) forever, even with headersTimeoutMs 200 and
// keepAliveTimeoutMs 100: slowloris on the body instead of the head. nginx:
// client_body_timeout (60 s between reads). Expected: the body read has a
// deadline (e.g. headersTimeoutMs between reads, or a new bodyTimeoutMs) and
// the connection is closed when it passes.
Deno.test({
  name:
    "faults: a request body that stalls does not hold the connection forever",
  async fn() {
    const server = start(() => new Response("answered without the body"), {
      headersTimeoutMs: 200,
      keepAliveTimeoutMs: 100,
      bodyTimeoutMs: 200,
    });
    try {
      const conn = await Deno.connect({
        hostname: HOST,
        port: server.addr.port,
      });
      await conn.write(
        bytes("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nx"),
      );
      assert.ok(await closedByServer(conn, 5000), "still open: no deadline");
    } finally {
      await server.shutdown();
    }
  },
});

// Was a gap, closed by sendTimeoutMs: no send timeout either. A client that stops reading a
// large file holds its connection and the file's descriptor for as long as
// it likes (memory stays bounded: see the test above). nginx: send_timeout
// (60 s between writes). Expected: a write that makes no progress for a
// while (a new limit, e.g. sendTimeoutMs; here tried with the smallest
// existing timeouts) closes the connection, which closes the file.
Deno.test({
  name: "faults: a client that stops reading is eventually closed",
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "berth-faults-" });
    await Deno.writeFile(join(root, "huge.bin"), new Uint8Array(0));
    await Deno.truncate(join(root, "huge.bin"), 256 * MiB);
    const log = new ResponseLog();
    const server = start(createStaticHandler({ root }), {
      headersTimeoutMs: 200,
      keepAliveTimeoutMs: 100,
      sendTimeoutMs: 200,
      onResponse: log.onResponse,
    });
    let guard: ReturnType<typeof setTimeout> | undefined;
    try {
      using download = await Download.open(server.addr.port, "/huge.bin");
      assert.equal(download.status, 200);
      // Read nothing more: the server fills the socket buffers and waits.
      // Its response ends (and is reported) only when it gives up.
      const ended = await Promise.race([
        log.waitFor(1).then(() => true),
        new Promise<boolean>((resolve) => {
          guard = setTimeout(() => resolve(false), 5000);
        }),
      ]);
      assert.ok(ended, "still sending: no send deadline");
      assert.ok(log.entries[0].bodyBytes < 256 * MiB);
    } finally {
      clearTimeout(guard);
      await server.shutdown();
      await Deno.remove(root, { recursive: true });
    }
  },
});
