/**
 * The response writer on the in-memory connection: exact bytes, framing,
 * no-body statuses, backpressure, and a client that goes away.
 */

import assert from "node:assert/strict";
import { httpDate } from "../../src/http/http_date.ts";
import {
  type ResponseContext,
  writeResponse,
} from "../../src/http1/write_response.ts";
import { ResponseBodyError } from "../../src/http1/response_body_error.ts";
import { MockConn } from "../../support/mock_conn.ts";

const encoder = new TextEncoder();
const GET11: ResponseContext = {
  isHead: false,
  minorVersion: 1,
  keepAlive: true,
};
const HEAD11: ResponseContext = {
  isHead: true,
  minorVersion: 1,
  keepAlive: true,
};
const GET10: ResponseContext = {
  isHead: false,
  minorVersion: 0,
  keepAlive: false,
};
const GET10_KEEP: ResponseContext = {
  isHead: false,
  minorVersion: 0,
  keepAlive: true,
};
const TEXT = "content-type: text/plain;charset=UTF-8\r\n";

function normalize(output: string): string {
  return output.replace(/^date: [^\r\n]*\r\n/gim, "date: DATE\r\n");
}

async function write(
  response: Response,
  context = GET11,
  conn = new MockConn([]),
): Promise<
  { output: string; keepAlive: boolean; bodyBytes: number; conn: MockConn }
> {
  const result = await writeResponse(conn, response, context);
  return { output: normalize(conn.output), ...result, conn };
}

/** A stream that yields `parts` one macrotask apart (its length unknown up front). */
function live(
  parts: string[],
  onCancel?: (reason: unknown) => void,
): ReadableStream<Uint8Array> {
  let i = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (i > 0) await new Promise((resolve) => timer = setTimeout(resolve, 0));
      if (i < parts.length) controller.enqueue(encoder.encode(parts[i++]));
      else controller.close();
    },
    cancel(reason) {
      clearTimeout(timer);
      onCancel?.(reason);
    },
  });
}

Deno.test("writeResponse() writes a small response as one write with Content-Length", async () => {
  const { output, keepAlive, bodyBytes, conn } = await write(
    new Response("hello"),
  );
  assert.equal(
    output,
    `HTTP/1.1 200 OK\r\n${TEXT}date: DATE\r\ncontent-length: 5\r\n\r\nhello`,
  );
  assert.equal(conn.writes.length, 1);
  assert.equal(keepAlive, true);
  assert.equal(bodyBytes, 5);
});

Deno.test("writeResponse() writes the status line with its reason phrase", async () => {
  for (
    const [status, line] of [
      [201, "201 Created"],
      [404, "404 Not Found"],
      [418, "418 I'm a teapot"],
      [503, "503 Service Unavailable"],
      [299, "299 Unknown"],
    ] as const
  ) {
    const { output } = await write(
      new Response("x", { status, statusText: "ignored" }),
    );
    assert.ok(output.startsWith(`HTTP/1.1 ${line}\r\n`), output);
  }
});

Deno.test("writeResponse() writes the Response's headers and one Date", async () => {
  const headers = new Headers({ "x-b": "2", "x-a": "1" });
  headers.append("set-cookie", "a=1");
  headers.append("set-cookie", "b=2");
  const { output } = await write(new Response(null, { headers }));
  assert.equal(
    output,
    "HTTP/1.1 200 OK\r\nset-cookie: a=1\r\nset-cookie: b=2\r\nx-a: 1\r\nx-b: 2\r\n" +
      "date: DATE\r\ncontent-length: 0\r\n\r\n",
  );
  const own = await write(
    new Response(null, { headers: { date: "Sun, 06 Nov 1994 08:49:37 GMT" } }),
  );
  assert.equal(
    own.conn.output,
    "HTTP/1.1 200 OK\r\ndate: Sun, 06 Nov 1994 08:49:37 GMT\r\ncontent-length: 0\r\n\r\n",
  );
});

Deno.test("writeResponse() writes header values as bytes (latin1)", async () => {
  const { conn } = await write(
    new Response(null, { headers: { "x-name": "caf\u00e9" } }),
  );
  const bytes = conn.outputBytes;
  const at = new TextDecoder().decode(bytes).indexOf("x-name: caf");
  assert.equal(bytes[at + "x-name: caf".length], 0xe9);
});

Deno.test("httpDate() formats the Date at most once a second", () => {
  const a = httpDate(784111777000);
  assert.equal(a, "Sun, 06 Nov 1994 08:49:37 GMT");
  assert.equal(httpDate(784111777999), a);
  assert.equal(httpDate(784111778000), "Sun, 06 Nov 1994 08:49:38 GMT");
});

Deno.test("writeResponse() announces the connection's fate for each version", async () => {
  assert.match(
    (await write(new Response("x"), GET10_KEEP)).output,
    /\r\nconnection: keep-alive\r\n\r\nx$/,
  );
  assert.match(
    (await write(new Response("x"), GET10)).output,
    /\r\nconnection: close\r\n\r\nx$/,
  );
  const close = await write(new Response("x"), { ...GET11, keepAlive: false });
  assert.match(close.output, /\r\nconnection: close\r\n\r\nx$/);
  assert.equal(close.keepAlive, false);
});

Deno.test("writeResponse() closes when the Response says Connection: close", async () => {
  const { output, keepAlive } = await write(
    new Response("x", { headers: { connection: "Close" } }),
  );
  assert.equal(keepAlive, false);
  assert.equal(output.match(/connection:/g)?.length, 1);
  assert.match(output, /\r\nconnection: close\r\n/);
});

Deno.test("writeResponse() drops hop-by-hop headers the Response set", async () => {
  const { output } = await write(
    new Response("x", {
      headers: {
        "transfer-encoding": "chunked",
        "keep-alive": "timeout=5",
        "proxy-connection": "keep-alive",
        "upgrade": "websocket",
      },
    }),
  );
  assert.equal(
    output,
    `HTTP/1.1 200 OK\r\n${TEXT}date: DATE\r\ncontent-length: 1\r\n\r\nx`,
  );
});

Deno.test("writeResponse() answers HEAD with GET's headers and no body", async () => {
  const known = await write(new Response("hello"), HEAD11);
  assert.equal(
    known.output,
    `HTTP/1.1 200 OK\r\n${TEXT}date: DATE\r\ncontent-length: 5\r\n\r\n`,
  );
  const empty = await write(new Response(""), HEAD11);
  assert.match(empty.output, /content-length: 0\r\n\r\n$/);
  const declared = await write(
    new Response(live(["ab", "c"]), { headers: { "content-length": "3" } }),
    HEAD11,
  );
  assert.equal(
    declared.output,
    "HTTP/1.1 200 OK\r\ndate: DATE\r\ncontent-length: 3\r\n\r\n",
  );
  let cancelled = false;
  const stream = await write(
    new Response(live(["ab", "c"], () => cancelled = true)),
    HEAD11,
  );
  assert.equal(stream.output, "HTTP/1.1 200 OK\r\ndate: DATE\r\n\r\n");
  assert.equal(cancelled, true, "the body is cancelled, not read");
  const failing = await write(
    new Response(
      new ReadableStream({ pull: () => Promise.reject(new Error("x")) }),
    ),
    HEAD11,
  );
  assert.equal(failing.output, "HTTP/1.1 200 OK\r\ndate: DATE\r\n\r\n");
});

Deno.test("writeResponse() writes no body for 204 and 304", async () => {
  const noContent = await write(
    new Response(null, { status: 204, headers: { "content-length": "9" } }),
  );
  assert.equal(
    noContent.output,
    "HTTP/1.1 204 No Content\r\ndate: DATE\r\n\r\n",
  );
  const notModified = await write(
    new Response(null, {
      status: 304,
      headers: { etag: '"e"', "content-length": "9" },
    }),
  );
  assert.equal(
    notModified.output,
    'HTTP/1.1 304 Not Modified\r\netag: "e"\r\ndate: DATE\r\ncontent-length: 9\r\n\r\n',
  );
  assert.equal(notModified.keepAlive, true);
});

Deno.test("writeResponse() writes Content-Length: 0 for a null body", async () => {
  const { output } = await write(new Response(null));
  assert.equal(
    output,
    "HTTP/1.1 200 OK\r\ndate: DATE\r\ncontent-length: 0\r\n\r\n",
  );
});

Deno.test("writeResponse() writes a large body after its head, with Content-Length", async () => {
  const body = "z".repeat(200 * 1024);
  const { output, bodyBytes } = await write(new Response(body));
  assert.equal(
    output,
    `HTTP/1.1 200 OK\r\n${TEXT}date: DATE\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
  );
  assert.equal(bodyBytes, body.length);
});

Deno.test("writeResponse() counts a body that ends a few microtasks after its first chunk as whole", async () => {
  // Four promise hops between the first chunk and the end: an in-memory
  // body built by a few awaits is still framed by Content-Length. (Inlining
  // the probe's wait once shrank this window to two hops.)
  let pulls = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (pulls++ === 0) {
        controller.enqueue(encoder.encode("abc"));
        return;
      }
      for (let hop = 0; hop < 4; hop++) await null;
      controller.close();
    },
  });
  const { output } = await write(new Response(body));
  assert.equal(
    output,
    "HTTP/1.1 200 OK\r\ndate: DATE\r\ncontent-length: 3\r\n\r\nabc",
  );
});

Deno.test("writeResponse() writes a live stream chunked for HTTP/1.1", async () => {
  const { output, keepAlive, bodyBytes } = await write(
    new Response(live(["ab", "", "cde"])),
  );
  assert.equal(
    output,
    "HTTP/1.1 200 OK\r\ndate: DATE\r\ntransfer-encoding: chunked\r\n\r\n" +
      "2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n",
  );
  assert.equal(keepAlive, true);
  assert.equal(bodyBytes, 5);
});

Deno.test("writeResponse() writes a large chunk of a live stream", async () => {
  const big = "q".repeat(100 * 1024);
  const { output } = await write(new Response(live(["a", big])));
  assert.equal(
    output,
    "HTTP/1.1 200 OK\r\ndate: DATE\r\ntransfer-encoding: chunked\r\n\r\n" +
      `1\r\na\r\n${big.length.toString(16)}\r\n${big}\r\n0\r\n\r\n`,
  );
});

Deno.test("writeResponse() writes a live stream close-delimited for HTTP/1.0", async () => {
  for (const context of [GET10, GET10_KEEP]) {
    const { output, keepAlive } = await write(
      new Response(live(["ab", "cde"])),
      context,
    );
    assert.equal(
      output,
      "HTTP/1.1 200 OK\r\ndate: DATE\r\nconnection: close\r\n\r\nabcde",
    );
    assert.equal(keepAlive, false);
  }
});

Deno.test("writeResponse() frames a live stream by its declared Content-Length", async () => {
  const exact = await write(
    new Response(live(["ab", "cde"]), { headers: { "content-length": "5" } }),
  );
  assert.equal(
    exact.output,
    "HTTP/1.1 200 OK\r\ndate: DATE\r\ncontent-length: 5\r\n\r\nabcde",
  );
  assert.equal(exact.keepAlive, true);

  const short = await write(
    new Response(live(["ab"]), { headers: { "content-length": "5" } }),
  );
  assert.equal(
    short.output,
    "HTTP/1.1 200 OK\r\ndate: DATE\r\ncontent-length: 5\r\n\r\nab",
  );
  assert.equal(short.keepAlive, false);

  let cancelled = false;
  const long = await write(
    new Response(live(["ab", "cdef", "gh"], () => cancelled = true), {
      headers: { "content-length": "3" },
    }),
  );
  assert.equal(
    long.output,
    "HTTP/1.1 200 OK\r\ndate: DATE\r\ncontent-length: 3\r\n\r\nabc",
  );
  assert.equal(long.keepAlive, false);
  assert.equal(long.bodyBytes, 3);
  assert.equal(cancelled, true);
});

Deno.test("writeResponse() survives partial writes", async () => {
  for (
    const response of [
      () => new Response("hello"),
      () => new Response(live(["ab", "cde"])),
    ]
  ) {
    const whole = await write(response());
    const partial = await write(
      response(),
      GET11,
      new MockConn([], { maxWriteBytes: 1 }),
    );
    assert.equal(partial.output, whole.output);
    assert.ok(partial.conn.writes.every((w) => w.length === 1));
  }
});

Deno.test("writeResponse() throws ResponseBodyError when the body fails before any byte", async () => {
  const conn = new MockConn([]);
  await assert.rejects(
    writeResponse(
      conn,
      new Response(
        new ReadableStream({ pull: () => Promise.reject(new Error("boom")) }),
      ),
      GET11,
    ),
    (error) =>
      error instanceof ResponseBodyError &&
      (error.cause as Error).message === "boom",
  );
  await assert.rejects(
    writeResponse(
      conn,
      new Response(
        new ReadableStream({
          start: (c) => c.enqueue("str" as unknown as Uint8Array),
        }),
      ),
      GET11,
    ),
    ResponseBodyError,
  );
  assert.equal(conn.output, "", "nothing written: a 500 can still follow");
});

Deno.test("writeResponse() does not throw ResponseBodyError once the head is out", async () => {
  const conn = new MockConn([]);
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (i++ === 0) return controller.enqueue(encoder.encode("ab"));
      if (i > 2) return; // nothing after the bad chunk: no stray timer
      await new Promise((resolve) => setTimeout(resolve, 0));
      controller.enqueue("not bytes" as unknown as Uint8Array);
    },
  });
  await assert.rejects(
    writeResponse(conn, new Response(body), GET11),
    (error) =>
      !(error instanceof ResponseBodyError) &&
      /Uint8Array/.test((error as Error).message),
  );
  assert.equal(
    normalize(conn.output),
    "HTTP/1.1 200 OK\r\ndate: DATE\r\ntransfer-encoding: chunked\r\n\r\n2\r\nab\r\n",
  );
});

/** A connection whose writes complete only when the test lets them. */
class SlowConn extends MockConn {
  readonly pending: PromiseWithResolvers<void>[] = [];
  #onWrite: (() => void) | undefined;

  override async write(data: Uint8Array): Promise<number> {
    const n = await super.write(data);
    const gate = Promise.withResolvers<void>();
    this.pending.push(gate);
    this.#onWrite?.();
    await gate.promise;
    return n;
  }

  /** Resolves once a write is waiting. */
  writeWaiting(): Promise<void> {
    if (this.pending.length > 0) return Promise.resolve();
    return new Promise((resolve) => this.#onWrite = resolve);
  }

  /** Let the oldest waiting write complete. */
  release(): void {
    this.pending.shift()!.resolve();
  }
}

Deno.test("writeResponse() reads the body no faster than the connection takes it", async () => {
  let pulls = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulls++;
      if (pulls > 10) return controller.close();
      controller.enqueue(encoder.encode(`c${pulls}`));
    },
  }, { highWaterMark: 0 });
  const conn = new SlowConn([]);
  const writing = writeResponse(conn, new Response(body), GET11);
  for (let i = 0; i < 10; i++) {
    await conn.writeWaiting();
    // One write in flight, at most two chunks read ahead of it.
    assert.ok(pulls <= i + 3, `pulls ${pulls} with ${i + 1} writes`);
    conn.release();
  }
  await conn.writeWaiting();
  conn.release(); // the last chunk
  const result = await writing;
  assert.equal(result.bodyBytes, 21);
});

Deno.test("writeResponse() holds one chunk of a body with a Content-Length while the client does not read", async () => {
  let pulls = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulls++;
      if (pulls > 3) return controller.close();
      controller.enqueue(encoder.encode("0123456789"));
    },
  }, { highWaterMark: 0 });
  const conn = new SlowConn([]);
  const writing = writeResponse(
    conn,
    new Response(body, { headers: { "content-length": "30" } }),
    GET11,
  );
  for (let i = 0; i < 3; i++) {
    await conn.writeWaiting();
    // The chunk being written is the only one read: no read-ahead.
    assert.equal(pulls, i + 1, `pulls with write ${i + 1} waiting`);
    conn.release();
  }
  const result = await writing;
  assert.equal(result.bodyBytes, 30);
  assert.equal(result.keepAlive, true);
});

Deno.test("writeResponse() lends a byte stream one buffer, chunk after chunk", async () => {
  const views: number[] = [];
  let sent = 0;
  const body = new ReadableStream({
    type: "bytes",
    autoAllocateChunkSize: 100,
    pull(controller) {
      const request = controller.byobRequest!;
      const view = request.view as Uint8Array;
      views.push(view.byteLength);
      if (sent === 1000) {
        controller.close();
        request.respond(0);
        return;
      }
      const n = Math.min(100, 1000 - sent);
      view.fill(97, 0, n);
      sent += n;
      request.respond(n);
    },
  });
  const result = await write(
    new Response(body, { headers: { "content-length": "1000" } }),
  );
  assert.equal(result.bodyBytes, 1000);
  assert.ok(result.output.endsWith("\r\n\r\n" + "a".repeat(1000)));
  // The first read takes the stream's own 100 bytes; every later one
  // fills the 64 KiB buffer the writer lends and gets back.
  assert.equal(views[0], 100);
  assert.ok(views.length > 2);
  assert.ok(views.slice(1).every((n) => n === 65536), `${views}`);
});

Deno.test("writeResponse() cancels the body when the client goes away", async () => {
  class GoneConn extends MockConn {
    override write(): Promise<number> {
      return Promise.reject(new Deno.errors.BrokenPipe("gone"));
    }
  }
  let reason: unknown;
  const { promise: cancelled, resolve } = Promise.withResolvers<void>();
  const body = live(["a", "b", "c"], (r) => {
    reason = r;
    resolve();
  });
  await assert.rejects(
    writeResponse(new GoneConn([]), new Response(body), GET11),
    Deno.errors.BrokenPipe,
  );
  await cancelled;
  assert.ok(reason instanceof Deno.errors.BrokenPipe);
});

Deno.test("writeResponse() sends a whole body over 64 KiB with its first 64 KiB in the head's write, never the head alone", async () => {
  const body = new Uint8Array(64 * 1024 + 10).fill(0x62);
  const { output, conn, bodyBytes } = await write(new Response(body));
  assert.equal(bodyBytes, body.length);
  assert.equal(conn.writes.length, 2);
  const headLength = conn.output.indexOf("\r\n\r\n") + 4;
  assert.equal(conn.writes[0].length, headLength + 64 * 1024);
  assert.equal(conn.writes[1].length, 10);
  assert.ok(output.endsWith("\r\n\r\n" + "b".repeat(body.length)));
});
