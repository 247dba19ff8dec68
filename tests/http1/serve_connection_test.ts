/**
 * The connection task on the in-memory connection: every rule of the engine,
 * each case fed whole, split at every CRLF, byte by byte, and again with
 * 3-byte partial writes. Assertions are on the exact bytes written (the
 * `date:` value normalized) and on whether the connection persisted.
 *
 * Whether a connection persisted is observed, not timed: after each case's
 * input the client sends one more request, `GET /probe`. A connection that
 * persists answers it; one that closes never does.
 */

import assert from "node:assert/strict";
import { ConnectionTracker } from "../../src/http1/connection_tracker.ts";
import type {
  ServeHandler,
  ServeHandlerInfo,
} from "../../src/http1/handler.ts";
import { resolveLimits, type ServeLimits } from "../../src/http1/limits.ts";
import { serveConnection } from "../../src/http1/serve_connection.ts";
import {
  chunkings,
  MockConn,
  type MockConnOptions,
} from "../../support/mock_conn.ts";
import { parseResponses } from "../../support/raw_http.ts";

// ---------------------------------------------------------------------------
// Helpers

const encoder = new TextEncoder();

/** A MockConn that reports writes and can start failing them (a peer reset). */
class TestConn extends MockConn {
  /** When set, every write rejects as if the peer had reset. */
  failWrites = false;
  #waiters: (() => void)[] = [];

  constructor(input: (string | Uint8Array)[], options: MockConnOptions = {}) {
    super(input, options);
  }

  override write(data: Uint8Array): Promise<number> {
    if (this.failWrites) {
      return Promise.reject(new Deno.errors.ConnectionReset("reset by peer"));
    }
    const written = super.write(data);
    for (const wake of this.#waiters.splice(0)) wake();
    return written;
  }

  /** Resolves after the next successful write. */
  nextWrite(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}

/** Replace the `date:` value so exact outputs compare. */
function normalize(output: string): string {
  return output.replace(/^date: [^\r\n]*\r\n/gim, "date: DATE\r\n");
}

const DATE = "date: DATE";
const TEXT = "content-type: text/plain;charset=UTF-8";

/** A response as the engine writes it. */
function res(status: string, headers: string[], body = ""): string {
  return `HTTP/1.1 ${status}\r\n${
    headers.map((h) => h + "\r\n").join("")
  }\r\n${body}`;
}

/** A text response from `new Response(body)`. */
function ok(body: string, ...extra: string[]): string {
  return res(
    "200 OK",
    [TEXT, DATE, `content-length: ${encoder.encode(body).length}`, ...extra],
    body,
  );
}

/** An error the engine answers itself, always with `connection: close`. */
function err(status: number, text: string): string {
  return res(status + " " + text, [
    "content-type: text/plain; charset=utf-8",
    `content-length: ${text.length + 1}`,
    "connection: close",
    DATE,
  ], text + "\n");
}

const GENERIC_500 = res("500 Internal Server Error", [
  "content-type: text/plain; charset=utf-8",
  DATE,
  "content-length: 22",
], "Internal Server Error\n");

const PROBE = "GET /probe HTTP/1.1\r\nHost: t\r\n\r\n";
const PROBE_RESPONSE = ok("probe");

/** What the test handler was asked, for assertions on the handler's view. */
interface Seen {
  calls: number;
  errors: unknown[];
}

/**
 * The application every table case runs: `/` says hello, `/echo` answers
 * method, target and body, `/ignore` never reads the body, the rest are
 * named after what they do.
 */
async function app(request: Request): Promise<Response> {
  const url = new URL(request.url);
  switch (url.pathname) {
    case "/probe":
      return new Response("probe");
    case "/echo":
      return new Response(
        `${request.method} ${url.pathname}${url.search} ${await request
          .text()}`,
      );
    case "/url":
      return new Response(
        `${request.method} ${request.url} host=${request.headers.get("host")}`,
      );
    case "/headers":
      return new Response(
        [...request.headers].map(([k, v]) => `${k}=${v}`).join(";"),
      );
    case "/ignore":
      return new Response("ignored");
    case "/no-content":
      return new Response(null, { status: 204, headers: { "x-a": "1" } });
    case "/not-modified":
      return new Response(null, {
        status: 304,
        headers: { etag: '"v1"', "content-length": "5" },
      });
    case "/created":
      return new Response("made", { status: 201, headers: { "x-id": "7" } });
    case "/teapot":
      return new Response("short and stout", { status: 418 });
    case "/odd-status":
      return new Response("?", { status: 299 });
    case "/empty":
      return new Response(null);
    case "/own-date":
      return new Response("d", {
        headers: { date: "Sun, 06 Nov 1994 08:49:37 GMT" },
      });
    case "/hop-by-hop":
      return new Response("h", {
        headers: {
          "transfer-encoding": "gzip",
          "keep-alive": "timeout=99",
          "upgrade": "h2c",
          "x-kept": "yes",
        },
      });
    case "/close":
      return new Response("bye", { headers: { connection: "close" } });
    case "/throw":
      throw new Error("secret: /etc/passwd at line 42");
    case "/not-a-response":
      return "not a response" as unknown as Response;
    case "/live":
      return new Response(liveStream(["ab", "cde"]));
    case "/live-length":
      return new Response(liveStream(["ab", "cde"]), {
        headers: { "content-length": "5" },
      });
    case "/live-short":
      return new Response(liveStream(["ab"]), {
        headers: { "content-length": "5" },
      });
    case "/live-long":
      return new Response(liveStream(["ab", "cdefg"]), {
        headers: { "content-length": "3" },
      });
    case "/live-breaks":
      return new Response(liveStream(["ab"], new Error("disk on fire")));
    case "/fails-at-once":
      return new Response(
        new ReadableStream({
          pull() {
            throw new Error("nothing to send");
          },
        }),
      );
    case "/not-bytes":
      return new Response(
        new ReadableStream({
          start(controller) {
            controller.enqueue("a string" as unknown as Uint8Array);
            controller.close();
          },
        }),
      );
    default:
      return new Response("hello");
  }
}

/**
 * A stream that is "live": each chunk after the first waits for a macrotask,
 * so the writer cannot learn the length up front. Not a sleep: no test waits
 * on it; the engine does. Cancelling clears the timer (no leaked op).
 */
function liveStream(
  chunks: string[],
  failWith?: Error,
): ReadableStream<Uint8Array> {
  let i = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (i > 0) {
        await new Promise((resolve) => timer = setTimeout(resolve, 0));
      }
      if (i < chunks.length) {
        controller.enqueue(encoder.encode(chunks[i++]));
      } else if (failWith) {
        controller.error(failWith);
      } else {
        controller.close();
      }
    },
    cancel() {
      clearTimeout(timer);
    },
  });
}

interface RunOptions extends MockConnOptions {
  limits?: ServeLimits;
  tracker?: ConnectionTracker;
  onError?: (error: unknown) => Response | Promise<Response>;
}

/** Serve `chunks` on a mock connection until it closes. */
async function run(
  chunks: (string | Uint8Array)[],
  handler: ServeHandler = app,
  options: RunOptions = {},
): Promise<{ conn: TestConn; output: string; seen: Seen }> {
  const conn = new TestConn(chunks, options);
  const seen: Seen = { calls: 0, errors: [] };
  const tracker = options.tracker ?? new ConnectionTracker(10);
  await serveConnection(
    conn,
    (request, info) => {
      // Every handler answers the probe the same way.
      if (new URL(request.url).pathname === "/probe") return app(request);
      seen.calls++;
      return handler(request, info);
    },
    {
      limits: resolveLimits(options.limits),
      tracker,
      onError: options.onError ?? ((error) => {
        seen.errors.push(error);
        return new Response("Internal Server Error\n", {
          status: 500,
          headers: { "content-type": "text/plain; charset=utf-8" },
        });
      }),
    },
  );
  assert.equal(conn.closed, true, "serveConnection() closes the connection");
  assert.equal(tracker.size, 0, "the tracker forgot the connection");
  return { conn, output: normalize(conn.output), seen };
}

interface Case {
  /** Read after "serveConnection() ". */
  name: string;
  input: string;
  handler?: ServeHandler;
  limits?: ServeLimits;
  want: {
    /** The exact output, probe response excluded. */
    output: string;
    /** Whether the connection closed (the probe went unanswered). */
    closed: boolean;
    /** How many times the handler ran, probe excluded. */
    calls?: number;
    /** Errors `onError` received, checked by predicate. */
    errors?: ((error: unknown) => boolean)[];
  };
}

/** Run one case under every chunking and with partial writes. */
function testCase(c: Case): void {
  Deno.test(`serveConnection() ${c.name}`, async () => {
    const shapes: [string, string[], MockConnOptions][] = [
      ...chunkings(c.input).map(([how, chunks]) =>
        [how, chunks, {}] as [string, string[], MockConnOptions]
      ),
      ["3-byte writes", [c.input], { maxWriteBytes: 3 }],
    ];
    for (const [how, chunks, connOptions] of shapes) {
      const { conn, output, seen } = await run(
        [...chunks, PROBE],
        c.handler ?? app,
        { ...connOptions, limits: c.limits },
      );
      const want = c.want.output + (c.want.closed ? "" : PROBE_RESPONSE);
      assert.equal(output, want, `output (${how})`);
      if (c.want.calls !== undefined) {
        assert.equal(seen.calls, c.want.calls, `handler calls (${how})`);
      }
      const wantErrors = c.want.errors ?? [];
      assert.equal(
        seen.errors.length,
        wantErrors.length,
        `onError calls (${how})`,
      );
      wantErrors.forEach((check, i) => {
        assert.ok(
          check(seen.errors[i]),
          `onError got ${String(seen.errors[i])} (${how})`,
        );
      });
      if (connOptions.maxWriteBytes !== undefined) {
        assert.ok(
          conn.writes.every((w) => w.length <= 3),
          "writes were partial",
        );
      }
    }
  });
}

const BAD_REQUEST = err(400, "Bad Request");

/** A request refused as malformed: 400, close, handler never called. */
function badRequest(name: string, input: string): Case {
  return {
    name: `answers 400 to ${name}`,
    input,
    want: { output: BAD_REQUEST, closed: true, calls: 0 },
  };
}

// ---------------------------------------------------------------------------
// The request head

const H = "Host: t\r\n";

testCase({
  name: "answers a GET and keeps the HTTP/1.1 connection alive",
  input: `GET / HTTP/1.1\r\n${H}\r\n`,
  want: { output: ok("hello"), closed: false, calls: 1 },
});

testCase({
  name: "skips empty lines before the request line",
  input: `\r\n\r\nGET / HTTP/1.1\r\n${H}\r\n`,
  want: { output: ok("hello"), closed: false },
});

testCase({
  name: "passes an origin-form target with its query and the Host",
  input: "GET /url?a=1&b=%20 HTTP/1.1\r\nHost: example.com:8080\r\n\r\n",
  want: {
    output: ok(
      "GET http://example.com:8080/url?a=1&b=%20 host=example.com:8080",
    ),
    closed: false,
  },
});

testCase({
  name: "passes an absolute-form target as the URL",
  input: "GET http://other.test/url?q HTTP/1.1\r\nHost: other.test\r\n\r\n",
  want: {
    output: ok("GET http://other.test/url?q host=other.test"),
    closed: false,
  },
});

testCase({
  name: "passes header fields with names lowercased and values trimmed",
  input: `GET /headers HTTP/1.1\r\n${H}X-One:  a b \r\nX-TWO:\tc\r\n\r\n`,
  want: { output: ok("host=t;x-one=a b;x-two=c"), closed: false },
});

testCase({
  name: "answers 204 to OPTIONS * without calling the handler",
  input: `OPTIONS * HTTP/1.1\r\n${H}\r\n`,
  want: {
    output: res("204 No Content", [DATE]),
    closed: false,
    calls: 0,
  },
});

testCase({
  name: "does not parse the body of OPTIONS * as the next request",
  input:
    `OPTIONS * HTTP/1.1\r\n${H}Content-Length: 16\r\n\r\nGET /x HTTP/1.1\r\n`,
  want: {
    output: res("204 No Content", [DATE, "connection: close"]),
    closed: true,
    calls: 0,
  },
});

testCase(
  badRequest(
    "* with a method other than OPTIONS",
    `GET * HTTP/1.1\r\n${H}\r\n`,
  ),
);
testCase(
  badRequest("a target in no known form", `GET foo HTTP/1.1\r\n${H}\r\n`),
);
testCase(badRequest("an invalid method token", `G(T / HTTP/1.1\r\n${H}\r\n`));
testCase(badRequest("a request line without a version", `GET /\r\n${H}\r\n`));
testCase(badRequest("a lowercase version", `GET / http/1.1\r\n${H}\r\n`));
testCase(
  badRequest("two spaces in the request line", `GET  / HTTP/1.1\r\n${H}\r\n`),
);
testCase(badRequest("a space in the target", `GET /a b HTTP/1.1\r\n${H}\r\n`));
testCase(
  badRequest(
    "a header name that is not a token",
    `GET / HTTP/1.1\r\n${H}Bad@Name: x\r\n\r\n`,
  ),
);
testCase(
  badRequest("an empty header name", `GET / HTTP/1.1\r\n${H}: x\r\n\r\n`),
);
testCase(
  badRequest(
    "a header line without a colon",
    `GET / HTTP/1.1\r\n${H}NoColon\r\n\r\n`,
  ),
);
testCase(
  badRequest(
    "whitespace before the colon",
    `GET / HTTP/1.1\r\nHost : t\r\n\r\n`,
  ),
);
testCase(
  badRequest(
    "a tab before the colon",
    `GET / HTTP/1.1\r\n${H}X-A\t: 1\r\n\r\n`,
  ),
);
testCase(
  badRequest("obs-fold", `GET / HTTP/1.1\r\n${H}X-A: 1\r\n  continued\r\n\r\n`),
);
testCase(
  badRequest(
    "a CR in a header value",
    `GET / HTTP/1.1\r\n${H}X-A: 1\r2\r\n\r\n`,
  ),
);
testCase(
  badRequest(
    "a LF in a header value",
    `GET / HTTP/1.1\r\n${H}X-A: 1\n2\r\n\r\n`,
  ),
);
testCase(
  badRequest(
    "a NUL in a header value",
    `GET / HTTP/1.1\r\n${H}X-A: 1\x002\r\n\r\n`,
  ),
);
testCase(
  badRequest(
    "bare LF line endings",
    `GET / HTTP/1.1\n${H.replace("\r", "")}\n`,
  ),
);
testCase(
  badRequest("HTTP/1.1 without Host", `GET / HTTP/1.1\r\nX-A: 1\r\n\r\n`),
);
testCase(
  badRequest("two Host fields", `GET / HTTP/1.1\r\n${H}Host: u\r\n\r\n`),
);
testCase(badRequest("an invalid Host", `GET / HTTP/1.1\r\nHost: a b\r\n\r\n`));
testCase(
  badRequest("a Host with a path", `GET / HTTP/1.1\r\nHost: a/b\r\n\r\n`),
);
testCase(
  badRequest("a Host with userinfo", `GET / HTTP/1.1\r\nHost: u@a\r\n\r\n`),
);
testCase(
  badRequest("a Host with a bad port", `GET / HTTP/1.1\r\nHost: a:8x\r\n\r\n`),
);

testCase({
  name: "answers 505 to HTTP/2.0",
  input: `GET / HTTP/2.0\r\n${H}\r\n`,
  want: {
    output: err(505, "HTTP Version Not Supported"),
    closed: true,
    calls: 0,
  },
});

testCase({
  name: "answers 505 to HTTP/3.0",
  input: `GET / HTTP/3.0\r\n${H}\r\n`,
  want: {
    output: err(505, "HTTP Version Not Supported"),
    closed: true,
    calls: 0,
  },
});

testCase({
  name: "answers 414 to a request-target over maxRequestTargetBytes",
  input: `GET /${"a".repeat(64)} HTTP/1.1\r\n${H}\r\n`,
  limits: { maxRequestTargetBytes: 32 },
  want: { output: err(414, "URI Too Long"), closed: true, calls: 0 },
});

testCase({
  name: "answers 414 to a request line longer than maxHeaderBytes",
  input: `GET /${"a".repeat(300)} HTTP/1.1\r\n${H}\r\n`,
  limits: { maxHeaderBytes: 128 },
  want: { output: err(414, "URI Too Long"), closed: true, calls: 0 },
});

testCase({
  name: "answers 431 to a head over maxHeaderBytes",
  input: `GET / HTTP/1.1\r\n${H}X-Big: ${"b".repeat(300)}\r\n\r\n`,
  limits: { maxHeaderBytes: 128 },
  want: {
    output: err(431, "Request Header Fields Too Large"),
    closed: true,
    calls: 0,
  },
});

testCase({
  name: "answers 431 to more header fields than maxHeaderCount",
  input: `GET / HTTP/1.1\r\n${H}A: 1\r\nB: 2\r\nC: 3\r\n\r\n`,
  limits: { maxHeaderCount: 3 },
  want: {
    output: err(431, "Request Header Fields Too Large"),
    closed: true,
    calls: 0,
  },
});

testCase({
  name: "answers 400 to a head cut short by end of stream",
  input: `GET / HTTP/1.1\r\n${H}X-A: 1`,
  want: { output: BAD_REQUEST, closed: true, calls: 0 },
});

testCase({
  name: "answers 501 to CONNECT and closes",
  input: "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
  want: { output: err(501, "Not Implemented"), closed: true, calls: 0 },
});

testCase({
  name: "answers 501 to TRACE and closes",
  input: `TRACE / HTTP/1.1\r\n${H}\r\n`,
  want: { output: err(501, "Not Implemented"), closed: true, calls: 0 },
});

testCase({
  name: "answers 417 to an unknown expectation",
  input: `GET / HTTP/1.1\r\n${H}Expect: teapot\r\n\r\n`,
  want: { output: err(417, "Expectation Failed"), closed: true, calls: 0 },
});

testCase({
  name: "passes an unknown method token to the handler",
  input: `PURGE /echo HTTP/1.1\r\n${H}\r\n`,
  want: { output: ok("PURGE /echo "), closed: false },
});

// ---------------------------------------------------------------------------
// Body framing

testCase({
  name: "streams a Content-Length body to the handler",
  input: `POST /echo HTTP/1.1\r\n${H}Content-Length: 11\r\n\r\nhello world`,
  want: { output: ok("POST /echo hello world"), closed: false },
});

testCase({
  name: "accepts Content-Length with leading zeros",
  input: `POST /echo HTTP/1.1\r\n${H}Content-Length: 005\r\n\r\nhello`,
  want: { output: ok("POST /echo hello"), closed: false },
});

testCase({
  name: "streams a chunked body with extensions and trailers to the handler",
  input: `POST /echo HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n` +
    '5;name=value\r\nhello\r\n6 ; a="b c";d\r\n world\r\nA\r\n, 10 bytes\r\n' +
    "0;last\r\nX-Trailer: yes\r\nX-Other: 2\r\n\r\n",
  want: { output: ok("POST /echo hello world, 10 bytes"), closed: false },
});

testCase({
  name: "accepts a chunked body with no trailers and uppercase hex",
  input: `POST /echo HTTP/1.1\r\n${H}Transfer-Encoding: Chunked\r\n\r\n` +
    `1A\r\n${"z".repeat(26)}\r\n0\r\n\r\n`,
  want: { output: ok("POST /echo " + "z".repeat(26)), closed: false },
});

testCase({
  name: "answers 400 to Transfer-Encoding with Content-Length and closes",
  input: `POST /echo HTTP/1.1\r\n${H}Content-Length: 5\r\n` +
    `Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
  want: { output: BAD_REQUEST, closed: true, calls: 0 },
});

testCase(badRequest(
  "two equal Content-Length fields",
  `POST /echo HTTP/1.1\r\n${H}Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello`,
));
testCase(badRequest(
  "differing Content-Length fields",
  `POST /echo HTTP/1.1\r\n${H}Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!`,
));
testCase(badRequest(
  "a Content-Length list",
  `POST /echo HTTP/1.1\r\n${H}Content-Length: 5, 5\r\n\r\nhello`,
));
testCase(badRequest(
  "a non-numeric Content-Length",
  `POST /echo HTTP/1.1\r\n${H}Content-Length: abc\r\n\r\n`,
));
testCase(badRequest(
  "a signed Content-Length",
  `POST /echo HTTP/1.1\r\n${H}Content-Length: +5\r\n\r\nhello`,
));
testCase(badRequest(
  "an empty Content-Length",
  `POST /echo HTTP/1.1\r\n${H}Content-Length:\r\n\r\n`,
));
testCase(badRequest(
  "chunked twice",
  `POST /echo HTTP/1.1\r\n${H}Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n`,
));
testCase(badRequest(
  "Transfer-Encoding in HTTP/1.0",
  `POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
));

testCase({
  name: "answers 501 to a transfer coding other than chunked",
  input: `POST /echo HTTP/1.1\r\n${H}Transfer-Encoding: gzip\r\n\r\n`,
  want: { output: err(501, "Not Implemented"), closed: true, calls: 0 },
});

testCase({
  name: "answers 501 to chunked that is not the only coding",
  input: `POST /echo HTTP/1.1\r\n${H}Transfer-Encoding: gzip, chunked\r\n\r\n`,
  want: { output: err(501, "Not Implemented"), closed: true, calls: 0 },
});

const CHUNKED_POST =
  `POST /echo HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n`;

testCase({
  name: "answers 400 to a chunk size that is not hex",
  input: CHUNKED_POST + "zz\r\nhello\r\n0\r\n\r\n",
  want: { output: BAD_REQUEST, closed: true, calls: 1 },
});

testCase({
  name: "answers 400 to a chunk size followed by junk",
  input: CHUNKED_POST + "5 x\r\nhello\r\n0\r\n\r\n",
  want: { output: BAD_REQUEST, closed: true, calls: 1 },
});

testCase({
  name: "answers 400 to chunk data not followed by CRLF",
  input: CHUNKED_POST + "5\r\nhelloXX0\r\n\r\n",
  want: { output: BAD_REQUEST, closed: true, calls: 1 },
});

testCase({
  name: "answers 400 to a control byte in a chunk extension",
  input: CHUNKED_POST + "5;a=\x01\r\nhello\r\n0\r\n\r\n",
  want: { output: BAD_REQUEST, closed: true, calls: 1 },
});

testCase({
  name: "answers 400 to a chunk-size line over its bound (long extensions)",
  input: CHUNKED_POST + `5;${"e".repeat(5000)}\r\nhello\r\n0\r\n\r\n`,
  want: { output: BAD_REQUEST, closed: true, calls: 1 },
});

testCase({
  name: "answers 413 to a chunk size that overflows",
  input: CHUNKED_POST + "fffffffffffffffff\r\nhello\r\n0\r\n\r\n",
  want: { output: err(413, "Content Too Large"), closed: true, calls: 1 },
});

testCase({
  name: "answers 400 to a chunked body cut short by end of stream",
  input: CHUNKED_POST + "5\r\nhel",
  want: { output: BAD_REQUEST, closed: true, calls: 1 },
});

testCase({
  name: "answers 400 to a Content-Length body cut short by end of stream",
  // The probe's bytes count as body here too, and still fall short.
  input: `POST /echo HTTP/1.1\r\n${H}Content-Length: 100\r\n\r\nhel`,
  want: { output: BAD_REQUEST, closed: true, calls: 1 },
});

testCase({
  name:
    "answers 413 to a Content-Length over maxBodyBytes without calling the handler",
  input: `POST /echo HTTP/1.1\r\n${H}Content-Length: 11\r\n\r\nhello world`,
  limits: { maxBodyBytes: 10 },
  want: { output: err(413, "Content Too Large"), closed: true, calls: 0 },
});

testCase({
  name: "answers 413 to a chunked body that grows over maxBodyBytes",
  input: CHUNKED_POST + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
  limits: { maxBodyBytes: 10 },
  want: { output: err(413, "Content Too Large"), closed: true, calls: 1 },
});

testCase({
  name: "accepts a body of exactly maxBodyBytes",
  input: CHUNKED_POST + "5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n",
  limits: { maxBodyBytes: 10 },
  want: { output: ok("POST /echo helloworld"), closed: false },
});

testCase({
  name: "answers 431 to trailers over maxHeaderBytes",
  input: CHUNKED_POST + `5\r\nhello\r\n0\r\nX-T: ${"t".repeat(200)}\r\n\r\n`,
  limits: { maxHeaderBytes: 128 },
  want: {
    output: err(431, "Request Header Fields Too Large"),
    closed: true,
    calls: 1,
  },
});

testCase({
  name: "drains a Content-Length body the handler did not read",
  input:
    `POST /ignore HTTP/1.1\r\n${H}Content-Length: 16\r\n\r\nGET / HTTP/1.1\r\n` +
    `GET /echo?next HTTP/1.1\r\n${H}\r\n`,
  want: { output: ok("ignored") + ok("GET /echo?next "), closed: false },
});

testCase({
  name: "drains a chunked body the handler did not read",
  input: `POST /ignore HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n` +
    "10;x=y\r\nGET / HTTP/1.1\r\n\r\n0\r\nT: 1\r\n\r\n" +
    `GET /echo?next HTTP/1.1\r\n${H}\r\n`,
  want: { output: ok("ignored") + ok("GET /echo?next "), closed: false },
});

testCase({
  name: "drains the body sent with a GET",
  input: `GET /echo HTTP/1.1\r\n${H}Content-Length: 5\r\n\r\nhello` +
    `GET /echo?next HTTP/1.1\r\n${H}\r\n`,
  want: { output: ok("GET /echo ") + ok("GET /echo?next "), closed: false },
});

testCase({
  name: "drains what is left when the handler read only part of the body",
  input: `POST /part HTTP/1.1\r\n${H}Content-Length: 12\r\n\r\nhello world!` +
    `GET /echo?next HTTP/1.1\r\n${H}\r\n`,
  handler: async (request) => {
    if (new URL(request.url).pathname !== "/part") return app(request);
    const reader = request.body!.getReader();
    const { value } = await reader.read();
    reader.releaseLock();
    return new Response(`got ${value!.length > 0}`);
  },
  want: { output: ok("got true") + ok("GET /echo?next "), closed: false },
});

testCase({
  name: "closes a connection whose unread body failed its framing",
  input: `POST /ignore HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n` +
    "5\r\nhelloXX",
  want: { output: ok("ignored"), closed: true },
});

// ---------------------------------------------------------------------------
// Expect: 100-continue

testCase({
  name:
    "answers 100 Continue before the response when the handler reads the body",
  input:
    `POST /echo HTTP/1.1\r\n${H}Expect: 100-continue\r\nContent-Length: 5\r\n\r\nhello`,
  want: {
    output: "HTTP/1.1 100 Continue\r\n\r\n" + ok("POST /echo hello"),
    closed: false,
  },
});

testCase({
  name: "answers 100 Continue before a chunked body is read",
  input: `POST /echo HTTP/1.1\r\n${H}Expect: 100-Continue\r\n` +
    "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
  want: {
    output: "HTTP/1.1 100 Continue\r\n\r\n" + ok("POST /echo hello"),
    closed: false,
  },
});

/** How a case is fed, and whether its body is buffered when the head is. */
const BODY_WITH_HEAD: Record<string, boolean> = {
  "whole": true,
  "split at CRLF": false,
  "byte by byte": false,
};

Deno.test("serveConnection() drains an unread body sent with Expect: 100-continue only when it came with the head", async () => {
  // RFC 9110 §10.1.1: a final response sent without 100 (Continue) leaves
  // the client free to send the body or not. Only a body already buffered
  // when the response head is written keeps the framing certain: it is
  // drained and the pipelined request answered. Otherwise the response
  // says `connection: close`, and what the client sends is read away.
  const refuse: ServeHandler = (request) =>
    request.method === "POST"
      ? new Response("no", { status: 405, headers: { allow: "GET" } })
      : app(request);
  const refused = (...extra: string[]) =>
    res("405 Method Not Allowed", [
      "allow: GET",
      TEXT,
      DATE,
      "content-length: 2",
      ...extra,
    ], "no");
  const inputs: [string, string, string][] = [
    ["Content-Length", "Content-Length: 5\r\n", "hello"],
    ["chunked", "Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"],
    [
      "chunked with extensions and trailers",
      "Transfer-Encoding: chunked\r\n",
      "2;a=b\r\nhe\r\n3\r\nllo\r\n0\r\nT: 1\r\n\r\n",
    ],
  ];
  for (const [framing, field, body] of inputs) {
    const input =
      `POST /hello.txt HTTP/1.1\r\n${H}Expect: 100-continue\r\n${field}\r\n` +
      body + `GET /echo?next HTTP/1.1\r\n${H}\r\n`;
    for (const [how, chunks] of chunkings(input)) {
      const { output, conn, seen } = await run([...chunks, PROBE], refuse);
      const label = `${framing}, ${how}`;
      if (BODY_WITH_HEAD[how]) {
        assert.equal(
          output,
          refused() + ok("GET /echo?next ") + PROBE_RESPONSE,
          label,
        );
        assert.equal(seen.calls, 2, label);
      } else {
        assert.equal(output, refused("connection: close"), label);
        assert.equal(conn.writeClosed, true, `a lingering close (${label})`);
        assert.equal(seen.calls, 1, label);
      }
    }
  }
});

testCase({
  name:
    "answers a request pipelined after a small body the handler left unread (405, then 200)",
  input: `POST /hello.txt HTTP/1.1\r\n${H}Content-Length: 5\r\n\r\nhello` +
    `GET /echo?next HTTP/1.1\r\n${H}\r\n`,
  handler: (request) =>
    request.method === "POST"
      ? new Response(null, { status: 405 })
      : app(request),
  want: {
    output: res("405 Method Not Allowed", [DATE, "content-length: 0"]) +
      ok("GET /echo?next "),
    closed: false,
  },
});

Deno.test("serveConnection() closes after a final response when an expected body never comes", async () => {
  // The client waits for 100 (Continue), gets a final response instead and
  // sends no body: `connection: close` tells it the exchange is over, and
  // the connection ends once it closes its side, with no wait and no error.
  const head =
    `POST /ignore HTTP/1.1\r\n${H}Expect: 100-continue\r\nContent-Length: 5\r\n\r\n`;
  for (const [how, chunks] of chunkings(head)) {
    const conn = new TestConn(chunks, { holdOpen: true });
    const tracker = new ConnectionTracker(10);
    const responded = conn.nextWrite();
    const done = serveConnection(conn, app, {
      limits: resolveLimits({}),
      tracker,
      onError: () => new Response(),
    });
    await responded;
    assert.equal(normalize(conn.output), ok("ignored", "connection: close"));
    conn.end(); // the client, told the connection closes, closes too
    await done;
    assert.equal(conn.closed, true, how);
    assert.equal(conn.writeClosed, true, how);
    assert.equal(tracker.size, 0, how);
  }
});

Deno.test("serveConnection() closes instead of draining an expected body over the drain bound", async () => {
  const body = "y".repeat(300 * 1024);
  const head = `POST /ignore HTTP/1.1\r\n${H}Expect: 100-continue\r\n` +
    `Content-Length: ${body.length}\r\n\r\n`;
  for (const chunks of [[head + body + PROBE], [head, body, PROBE]]) {
    const { output, conn } = await run(chunks);
    assert.equal(output, ok("ignored", "connection: close"));
    assert.equal(conn.writeClosed, true, "a lingering close");
  }
});

testCase({
  name:
    "answers 413 without 100 Continue to an expected body over maxBodyBytes",
  input:
    `POST /echo HTTP/1.1\r\n${H}Expect: 100-continue\r\nContent-Length: 11\r\n\r\n`,
  limits: { maxBodyBytes: 10 },
  want: { output: err(413, "Content Too Large"), closed: true, calls: 0 },
});

testCase({
  name: "ignores Expect: 100-continue from an HTTP/1.0 client",
  input:
    "POST /echo HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\nhello",
  want: { output: ok("POST /echo hello", "connection: close"), closed: true },
});

// ---------------------------------------------------------------------------
// Persistence and pipelining

testCase({
  name: "answers three pipelined requests in order",
  input: `GET /echo?1 HTTP/1.1\r\n${H}\r\n` +
    `POST /echo?2 HTTP/1.1\r\n${H}Content-Length: 3\r\n\r\nabc` +
    `GET /echo?3 HTTP/1.1\r\n${H}\r\n`,
  want: {
    output: ok("GET /echo?1 ") + ok("POST /echo?2 abc") + ok("GET /echo?3 "),
    closed: false,
    calls: 3,
  },
});

testCase({
  name: "answers pipelined requests in order when the first is slow",
  input: `GET /slow HTTP/1.1\r\n${H}\r\nGET /echo?fast HTTP/1.1\r\n${H}\r\n`,
  handler: async (request) => {
    if (new URL(request.url).pathname === "/slow") {
      await new Promise((resolve) => setTimeout(resolve, 0));
      return new Response("slow");
    }
    return app(request);
  },
  want: { output: ok("slow") + ok("GET /echo?fast "), closed: false },
});

testCase({
  name: "honors Connection: close from the client",
  input: `GET / HTTP/1.1\r\n${H}Connection: close\r\n\r\n`,
  want: { output: ok("hello", "connection: close"), closed: true },
});

testCase({
  name: "honors Connection: close among other connection options",
  input: `GET / HTTP/1.1\r\n${H}Connection: Upgrade, CLOSE\r\n\r\n`,
  want: { output: ok("hello", "connection: close"), closed: true },
});

testCase({
  name: "stops at Connection: close in a pipeline",
  input: `GET /echo?1 HTTP/1.1\r\n${H}Connection: close\r\n\r\n` +
    `GET /echo?2 HTTP/1.1\r\n${H}\r\n`,
  want: { output: ok("GET /echo?1 ", "connection: close"), closed: true },
});

testCase({
  name: "honors Connection: close from the handler",
  input: `GET /close HTTP/1.1\r\n${H}\r\n`,
  want: { output: ok("bye", "connection: close"), closed: true },
});

testCase({
  name: "closes an HTTP/1.0 connection by default",
  input: "GET / HTTP/1.0\r\n\r\n",
  want: { output: ok("hello", "connection: close"), closed: true },
});

testCase({
  name: "keeps an HTTP/1.0 connection with Connection: keep-alive",
  input: "GET /url HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
  want: {
    output: ok("GET http://localhost/url host=null", "connection: keep-alive"),
    closed: false,
  },
});

testCase({
  name:
    "closes an HTTP/1.0 keep-alive connection when the body is close-delimited",
  input: "GET /live HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
  want: {
    output: res("200 OK", [DATE, "connection: close"], "abcde"),
    closed: true,
  },
});

// ---------------------------------------------------------------------------
// Response writing

testCase({
  name:
    "writes the status line with its reason phrase and the handler's headers",
  input: `GET /created HTTP/1.1\r\n${H}\r\n`,
  want: {
    output: res(
      "201 Created",
      [TEXT, "x-id: 7", DATE, "content-length: 4"],
      "made",
    ),
    closed: false,
  },
});

testCase({
  name: "writes reason phrases for less common statuses",
  input: `GET /teapot HTTP/1.1\r\n${H}\r\nGET /odd-status HTTP/1.1\r\n${H}\r\n`,
  want: {
    output: res(
      "418 I'm a teapot",
      [TEXT, DATE, "content-length: 15"],
      "short and stout",
    ) +
      res("299 Unknown", [TEXT, DATE, "content-length: 1"], "?"),
    closed: false,
  },
});

testCase({
  name: "keeps the handler's Date header",
  input: `GET /own-date HTTP/1.1\r\n${H}\r\n`,
  want: {
    output: res("200 OK", [
      TEXT,
      "date: Sun, 06 Nov 1994 08:49:37 GMT",
      "content-length: 1",
    ], "d")
      .replace("date: Sun, 06 Nov 1994 08:49:37 GMT", DATE),
    closed: false,
  },
});

testCase({
  name: "drops hop-by-hop headers the handler set",
  input: `GET /hop-by-hop HTTP/1.1\r\n${H}\r\n`,
  want: {
    output: res(
      "200 OK",
      [TEXT, "x-kept: yes", DATE, "content-length: 1"],
      "h",
    ),
    closed: false,
  },
});

testCase({
  name: "writes Content-Length: 0 for a null body",
  input: `GET /empty HTTP/1.1\r\n${H}\r\n`,
  want: { output: res("200 OK", [DATE, "content-length: 0"]), closed: false },
});

testCase({
  name: "answers HEAD with the headers GET would send and no body",
  input: `HEAD / HTTP/1.1\r\n${H}\r\nGET / HTTP/1.1\r\n${H}\r\n`,
  want: {
    output: res("200 OK", [TEXT, DATE, "content-length: 5"]) + ok("hello"),
    closed: false,
  },
});

testCase({
  name: "answers HEAD to a JSON response with its Content-Length",
  input: `HEAD /json HTTP/1.1\r\n${H}\r\n`,
  handler: () => Response.json({ a: [1, 2] }),
  want: {
    output: res("200 OK", [
      "content-type: application/json",
      DATE,
      "content-length: 11",
    ]),
    closed: false,
  },
});

testCase({
  name:
    "answers HEAD to a live stream with its declared Content-Length and no body",
  input: `HEAD /live-length HTTP/1.1\r\n${H}\r\n`,
  want: { output: res("200 OK", [DATE, "content-length: 5"]), closed: false },
});

testCase({
  name: "answers HEAD to a live stream with no body",
  input: `HEAD /live HTTP/1.1\r\n${H}\r\n`,
  want: { output: res("200 OK", [DATE]), closed: false },
});

testCase({
  name: "writes no body for 204",
  input: `GET /no-content HTTP/1.1\r\n${H}\r\n`,
  want: { output: res("204 No Content", ["x-a: 1", DATE]), closed: false },
});

testCase({
  name: "writes no body for 304 and keeps its Content-Length",
  input: `GET /not-modified HTTP/1.1\r\n${H}\r\n`,
  want: {
    output: res("304 Not Modified", ['etag: "v1"', DATE, "content-length: 5"]),
    closed: false,
  },
});

testCase({
  name: "writes a live stream chunked for HTTP/1.1",
  input: `GET /live HTTP/1.1\r\n${H}\r\n`,
  want: {
    output: res(
      "200 OK",
      [DATE, "transfer-encoding: chunked"],
      "2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n",
    ),
    closed: false,
  },
});

testCase({
  name: "writes a live stream close-delimited for HTTP/1.0",
  input: "GET /live HTTP/1.0\r\n\r\n",
  want: {
    output: res("200 OK", [DATE, "connection: close"], "abcde"),
    closed: true,
  },
});

testCase({
  name: "writes a live stream with the handler's Content-Length as is",
  input: `GET /live-length HTTP/1.1\r\n${H}\r\n`,
  want: {
    output: res("200 OK", [DATE, "content-length: 5"], "abcde"),
    closed: false,
  },
});

testCase({
  name: "closes when a live stream ends short of its Content-Length",
  input: `GET /live-short HTTP/1.1\r\n${H}\r\n`,
  want: {
    output: res("200 OK", [DATE, "content-length: 5"], "ab"),
    closed: true,
  },
});

testCase({
  name: "never writes more than the declared Content-Length",
  input: `GET /live-long HTTP/1.1\r\n${H}\r\n`,
  want: {
    output: res("200 OK", [DATE, "content-length: 3"], "abc"),
    closed: true,
  },
});

testCase({
  name: "closes without the last chunk when a live stream errors",
  input: `GET /live-breaks HTTP/1.1\r\n${H}\r\n`,
  want: {
    output: res("200 OK", [DATE, "transfer-encoding: chunked"], "2\r\nab\r\n"),
    closed: true,
  },
});

testCase({
  name: "answers 500 when the body fails before its first byte",
  input: `GET /fails-at-once HTTP/1.1\r\n${H}\r\n`,
  want: {
    output: GENERIC_500,
    closed: false,
    errors: [(e) => e instanceof Error && /failed/.test(e.message)],
  },
});

testCase({
  name: "answers 500 to a body chunk that is not bytes",
  input: `GET /not-bytes HTTP/1.1\r\n${H}\r\n`,
  want: {
    output: GENERIC_500,
    closed: false,
    errors: [(e) => e instanceof Error && /Uint8Array/.test(e.message)],
  },
});

testCase({
  name: "closes without a second response when a later chunk is not bytes",
  input: `GET /late-not-bytes HTTP/1.1\r\n${H}\r\n`,
  handler: () => {
    let i = 0;
    return new Response(
      new ReadableStream({
        async pull(controller) {
          if (i++ === 0) return controller.enqueue(encoder.encode("ab"));
          if (i > 2) return; // nothing after the bad chunk: no stray timer
          await new Promise((resolve) => setTimeout(resolve, 0));
          controller.enqueue("cd" as unknown as Uint8Array);
        },
      }),
    );
  },
  want: {
    output: res("200 OK", [DATE, "transfer-encoding: chunked"], "2\r\nab\r\n"),
    closed: true,
  },
});

testCase({
  name: "writes a 100 KiB body with its Content-Length",
  input: `GET /big HTTP/1.1\r\n${H}\r\n`,
  handler: () => new Response("x".repeat(100 * 1024)),
  want: { output: ok("x".repeat(100 * 1024)), closed: false },
});

// ---------------------------------------------------------------------------
// Errors

testCase({
  name: "answers 500 with a generic body when the handler throws",
  input: `GET /throw HTTP/1.1\r\n${H}\r\n`,
  want: {
    output: GENERIC_500,
    closed: false,
    errors: [(e) => e instanceof Error && e.message.startsWith("secret")],
  },
});

testCase({
  name: "answers 500 when the handler returns something other than a Response",
  input: `GET /not-a-response HTTP/1.1\r\n${H}\r\n`,
  want: {
    output: GENERIC_500,
    closed: false,
    errors: [(e) => e instanceof TypeError],
  },
});

testCase({
  name: "answers 500 when the handler rejects asynchronously",
  input: `GET / HTTP/1.1\r\n${H}\r\n`,
  handler: () => Promise.reject(new RangeError("late")),
  want: {
    output: GENERIC_500,
    closed: false,
    errors: [(e) => e instanceof RangeError],
  },
});

testCase({
  name: "answers 500 when the handler returns Response.error()",
  input: `GET / HTTP/1.1\r\n${H}\r\n`,
  handler: () => Response.error(),
  want: {
    output: GENERIC_500,
    closed: false,
    errors: [(e) => e instanceof TypeError],
  },
});

testCase({
  name:
    "answers 500 when the handler returns a Response whose body was already read",
  input: `GET / HTTP/1.1\r\n${H}\r\n`,
  handler: async () => {
    const response = new Response("spent");
    await response.text();
    return response;
  },
  want: {
    output: GENERIC_500,
    closed: false,
    errors: [(e) => e instanceof Error && /already used/.test(e.message)],
  },
});

testCase({
  name: "answers 500 when the handler returns a Response whose body is locked",
  input: `GET / HTTP/1.1\r\n${H}\r\n`,
  handler: () => {
    const response = new Response(new ReadableStream());
    response.body!.getReader();
    return response;
  },
  want: {
    output: GENERIC_500,
    closed: false,
    errors: [(e) => e instanceof Error && /locked/.test(e.message)],
  },
});

testCase({
  name: "writes a redirect with its Location and an empty body",
  input: `GET / HTTP/1.1\r\n${H}\r\n`,
  handler: () => Response.redirect("http://t/elsewhere", 307),
  want: {
    output: res("307 Temporary Redirect", [
      "location: http://t/elsewhere",
      DATE,
      "content-length: 0",
    ]),
    closed: false,
  },
});

// ---------------------------------------------------------------------------
// Tests that are not a single table row

Deno.test("serveConnection() answers a generic 500 when onError throws or returns no usable Response", async () => {
  for (
    const onError of [
      () => {
        throw new Error("onError broke");
      },
      () => "nope" as unknown as Response,
      () => Promise.reject(new Error("async onError broke")),
      () => Response.error(),
    ]
  ) {
    const { output } = await run(
      [`GET /throw HTTP/1.1\r\n${H}\r\n`, PROBE],
      app,
      { onError },
    );
    assert.equal(output, GENERIC_500 + PROBE_RESPONSE);
    assert.ok(!output.includes("secret"));
  }
});

Deno.test("serveConnection() writes an IMF-fixdate Date header of the current second", async () => {
  const before = Math.floor(Date.now() / 1000) * 1000;
  const { conn } = await run([`GET / HTTP/1.1\r\n${H}\r\n`]);
  const after = Date.now();
  const date = /\r\ndate: ([^\r]*)\r\n/.exec(conn.output)?.[1];
  assert.match(
    date ?? "",
    /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT$/,
  );
  const parsed = Date.parse(date!);
  assert.ok(
    before <= parsed && parsed <= after,
    `${date} is when the response was written`,
  );
});

Deno.test("serveConnection() streams the request body instead of buffering it", async () => {
  const conn = new TestConn(
    [`POST /stream HTTP/1.1\r\n${H}Content-Length: 11\r\n\r\nhello`],
    { holdOpen: true },
  );
  const firstChunk = Promise.withResolvers<string>();
  const tracker = new ConnectionTracker(10);
  const done = serveConnection(conn, async (request) => {
    const reader = request.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    let first = true;
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      if (first) firstChunk.resolve(text);
      first = false;
    }
    return new Response(text);
  }, { limits: resolveLimits({}), tracker, onError: () => new Response() });
  // The handler has the first bytes while the rest is still unsent.
  assert.equal(await firstChunk.promise, "hello");
  assert.equal(conn.writes.length, 0);
  conn.push(" world");
  conn.end();
  await done;
  assert.equal(normalize(conn.output), ok("hello world"));
});

Deno.test("serveConnection() answers 413 mid-body when Content-Length lies about nothing but chunks grow", async () => {
  // maxBodyBytes is enforced on bytes actually read, chunk by chunk.
  const conn = new TestConn(
    [CHUNKED_POST, "4\r\nabcd\r\n"],
    { holdOpen: true },
  );
  const tracker = new ConnectionTracker(10);
  const readFirst = Promise.withResolvers<void>();
  const done = serveConnection(conn, async (request) => {
    const reader = request.body!.getReader();
    await reader.read();
    readFirst.resolve();
    await reader.read(); // fails: the next chunk is over the limit
    return new Response("unreachable");
  }, {
    limits: resolveLimits({ maxBodyBytes: 6 }),
    tracker,
    onError: () => new Response(),
  });
  await readFirst.promise;
  conn.push("4\r\nefgh\r\n0\r\n\r\n");
  conn.end();
  await done;
  assert.equal(normalize(conn.output), err(413, "Content Too Large"));
});

Deno.test("serveConnection() answers 408 to a head not complete within headersTimeoutMs", async () => {
  for (const [how, chunks] of chunkings(`GET / HTTP/1.1\r\n${H}`)) {
    const conn = new TestConn(chunks, { holdOpen: true });
    const tracker = new ConnectionTracker(5);
    let calls = 0;
    const done = serveConnection(conn, () => {
      calls++;
      return new Response();
    }, {
      limits: resolveLimits({ headersTimeoutMs: 30 }),
      tracker,
      onError: () => new Response(),
    });
    // Closed in stages (see timeout_linger_test.ts): the write side first,
    // then, once the client ends, the connection.
    await conn.whenWriteClosed;
    conn.end();
    await conn.whenClosed;
    await done;
    assert.equal(normalize(conn.output), err(408, "Request Timeout"), how);
    assert.equal(calls, 0);
    assert.equal(tracker.size, 0);
  }
});

Deno.test("serveConnection() answers 408 to a slow second head on a keep-alive connection", async () => {
  const conn = new TestConn(
    [`GET / HTTP/1.1\r\n${H}\r\nGET / HTTP/1.1\r\n`],
    { holdOpen: true },
  );
  const tracker = new ConnectionTracker(5);
  const done = serveConnection(conn, () => new Response("hello"), {
    limits: resolveLimits({ headersTimeoutMs: 30, keepAliveTimeoutMs: 60_000 }),
    tracker,
    onError: () => new Response(),
  });
  await conn.whenWriteClosed;
  conn.end();
  await conn.whenClosed;
  await done;
  assert.equal(
    normalize(conn.output),
    ok("hello") + err(408, "Request Timeout"),
  );
});

Deno.test("serveConnection() closes quietly a connection idle past keepAliveTimeoutMs", async () => {
  const conn = new TestConn([`GET / HTTP/1.1\r\n${H}\r\n`], { holdOpen: true });
  const tracker = new ConnectionTracker(5);
  const done = serveConnection(conn, () => new Response("hello"), {
    limits: resolveLimits({ keepAliveTimeoutMs: 30, headersTimeoutMs: 60_000 }),
    tracker,
    onError: () => new Response(),
  });
  await conn.whenClosed;
  await done;
  // The one response, then nothing: no 408 for an idle connection.
  assert.equal(normalize(conn.output), ok("hello"));
  assert.equal(conn.writeClosed, false);
});

Deno.test("serveConnection() closes an idle keep-alive connection at keepAliveTimeoutMs, not at the next sweep", async () => {
  // A sweep a minute apart: only a close timed to the deadline itself lands
  // within the bound. (A proxy reusing the connection relies on it staying
  // open for the whole timeout, and on nothing much later.)
  const keepAliveTimeoutMs = 200;
  const boundMs = keepAliveTimeoutMs + 5_000;
  const conn = new TestConn([`GET / HTTP/1.1\r\n${H}\r\n`], {
    holdOpen: true,
  });
  const tracker = new ConnectionTracker(60_000);
  const startedAt = Date.now();
  const done = serveConnection(conn, () => new Response("hello"), {
    limits: resolveLimits({ keepAliveTimeoutMs, headersTimeoutMs: 60_000 }),
    tracker,
    onError: () => new Response(),
  });
  let bound: ReturnType<typeof setTimeout> | undefined;
  try {
    const closedAt = await Promise.race([
      conn.whenClosed.then(() => Date.now()),
      new Promise<null>((resolve) => {
        bound = setTimeout(() => resolve(null), boundMs);
      }),
    ]);
    assert.notEqual(closedAt, null, `still open after ${boundMs} ms`);
    assert.ok(
      closedAt! - startedAt >= keepAliveTimeoutMs,
      "not closed before the timeout",
    );
    assert.equal(normalize(conn.output), ok("hello"));
  } finally {
    clearTimeout(bound);
    conn.end();
    await done;
  }
});

Deno.test("serveConnection() closes quietly a new connection that sends nothing", async () => {
  const conn = new TestConn([], { holdOpen: true });
  const tracker = new ConnectionTracker(5);
  const done = serveConnection(conn, () => new Response("hello"), {
    limits: resolveLimits({ headersTimeoutMs: 30 }),
    tracker,
    onError: () => new Response(),
  });
  await conn.whenClosed;
  await done;
  assert.equal(conn.output, "");
});

Deno.test("serveConnection() closes an idle connection when shutdown begins", async () => {
  const conn = new TestConn([`GET / HTTP/1.1\r\n${H}\r\n`], { holdOpen: true });
  const tracker = new ConnectionTracker(10);
  const done = serveConnection(conn, () => new Response("hello"), {
    limits: resolveLimits({}),
    tracker,
    onError: () => new Response(),
  });
  await conn.nextWrite();
  tracker.beginShutdown();
  await conn.whenClosed;
  await done;
  assert.equal(normalize(conn.output), ok("hello"));
  assert.equal(tracker.size, 0);
});

Deno.test("serveConnection() lets a busy connection finish its response when shutdown begins", async () => {
  const conn = new TestConn(
    [`GET / HTTP/1.1\r\n${H}\r\nGET /echo?2 HTTP/1.1\r\n${H}\r\n`],
    { holdOpen: true },
  );
  const tracker = new ConnectionTracker(10);
  const entered = Promise.withResolvers<void>();
  const release = Promise.withResolvers<void>();
  const done = serveConnection(conn, async () => {
    entered.resolve();
    await release.promise;
    return new Response("finished");
  }, { limits: resolveLimits({}), tracker, onError: () => new Response() });
  await entered.promise;
  tracker.beginShutdown();
  assert.equal(conn.closed, false, "a busy connection stays open");
  release.resolve();
  await conn.whenClosed;
  await done;
  // The pipelined second request is not started.
  assert.equal(normalize(conn.output), ok("finished", "connection: close"));
});

Deno.test("serveConnection() refuses a connection that arrives during shutdown", async () => {
  const tracker = new ConnectionTracker(10);
  tracker.beginShutdown();
  const { output, seen } = await run([`GET / HTTP/1.1\r\n${H}\r\n`], app, {
    tracker,
  });
  assert.equal(output, "");
  assert.equal(seen.calls, 0);
});

Deno.test("serveConnection() answers 503 over maxConnections and closes", async () => {
  const tracker = new ConnectionTracker(10);
  const other = { deadline: 0, idle: false, timeout() {}, close() {} };
  tracker.add(other);
  try {
    const conn = new TestConn([`GET / HTTP/1.1\r\n${H}\r\n`, PROBE]);
    let calls = 0;
    await serveConnection(conn, () => {
      calls++;
      return new Response("hello");
    }, {
      limits: resolveLimits({ maxConnections: 1 }),
      tracker,
      onError: () => new Response(),
    });
    assert.equal(normalize(conn.output), err(503, "Service Unavailable"));
    assert.equal(calls, 0);
    assert.equal(conn.closed, true);
    assert.equal(conn.writeClosed, true, "a lingering close, not a reset");
    assert.equal(tracker.size, 1);
  } finally {
    tracker.delete(other);
  }
});

/** Serve `conn` on a shared tracker; resolves once it is closed. */
function serveOn(
  conn: TestConn,
  tracker: ConnectionTracker,
  limits: ServeLimits,
  handler: ServeHandler = app,
): Promise<void> {
  return serveConnection(conn, handler, {
    limits: resolveLimits(limits),
    tracker,
    onError: () => new Response(),
  });
}

const GET_ROOT = `GET / HTTP/1.1\r\n${H}\r\n`;

Deno.test("serveConnection() at maxConnections closes the connection silent longest to serve a new one", async () => {
  const tracker = new ConnectionTracker(10);
  const limits = { maxConnections: 2 };
  // Two connections that never send a byte hold the cap.
  const older = new TestConn([], { holdOpen: true });
  const newer = new TestConn([], { holdOpen: true });
  const olderDone = serveOn(older, tracker, limits);
  const newerDone = serveOn(newer, tracker, limits);
  const client = new TestConn([GET_ROOT]);
  await serveOn(client, tracker, limits);
  assert.equal(normalize(client.output), ok("hello"));
  await olderDone;
  assert.equal(older.output, "", "closed quietly");
  assert.equal(older.writeClosed, false, "closed, not answered");
  assert.equal(newer.closed, false, "only as many as needed");
  newer.end();
  await newerDone;
  assert.equal(newer.output, "");
  assert.equal(tracker.size, 0);
});

Deno.test("serveConnection() at maxConnections closes an idle keep-alive connection before a silent new one", async () => {
  const tracker = new ConnectionTracker(10);
  const limits = { maxConnections: 2 };
  const silent = new TestConn([], { holdOpen: true });
  const silentDone = serveOn(silent, tracker, limits);
  const kept = new TestConn([GET_ROOT], { holdOpen: true });
  const idle = kept.readWaits();
  const keptDone = serveOn(kept, tracker, limits);
  await idle; // answered once, now waiting for its next request
  const client = new TestConn([GET_ROOT]);
  await serveOn(client, tracker, limits);
  assert.equal(normalize(client.output), ok("hello"));
  await keptDone;
  // RFC 9112 §9.6: an idle connection may be closed at any time; quietly.
  assert.equal(normalize(kept.output), ok("hello"));
  assert.equal(kept.writeClosed, false);
  assert.equal(silent.closed, false, "the silent one was not needed");
  silent.end();
  await silentDone;
  assert.equal(tracker.size, 0);
});

Deno.test("serveConnection() at maxConnections answers 503 when no connection is idle", async () => {
  const tracker = new ConnectionTracker(10);
  const limits = { maxConnections: 2 };
  const entered = Promise.withResolvers<void>();
  const release = Promise.withResolvers<void>();
  // One waits on its handler, one has sent half a head: both are busy.
  const busy = new TestConn([GET_ROOT], { holdOpen: true });
  const busyDone = serveOn(busy, tracker, limits, async () => {
    entered.resolve();
    await release.promise;
    return new Response("late");
  });
  await entered.promise;
  const partial = new TestConn(["GET / HTTP/1.1\r\n"], { holdOpen: true });
  const waiting = partial.readWaits();
  const partialDone = serveOn(partial, tracker, limits);
  await waiting;
  const client = new TestConn([GET_ROOT, PROBE]);
  await serveOn(client, tracker, limits);
  assert.equal(normalize(client.output), err(503, "Service Unavailable"));
  assert.equal(busy.closed, false);
  assert.equal(partial.closed, false);
  // Both go on as if nothing happened.
  const answered = busy.nextWrite();
  release.resolve();
  await answered;
  busy.end();
  await busyDone;
  assert.equal(normalize(busy.output), ok("late"));
  partial.push(`${H}\r\n`);
  partial.end();
  await partialDone;
  assert.equal(normalize(partial.output), ok("hello"));
  assert.equal(tracker.size, 0);
});

Deno.test("serveConnection() cancels the response body when the client disconnects mid-body", async () => {
  const conn = new TestConn([`GET /sse HTTP/1.1\r\n${H}\r\n`], {
    holdOpen: true,
  });
  const tracker = new ConnectionTracker(10);
  const cancelled = Promise.withResolvers<unknown>();
  const gate = Promise.withResolvers<void>();
  let completed: Promise<void> | undefined;
  let pulls = 0;
  const done = serveConnection(conn, (_request, info: ServeHandlerInfo) => {
    completed = info.completed;
    return new Response(
      new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (pulls++ > 0) await gate.promise;
          controller.enqueue(encoder.encode(`event ${pulls}\n`));
        },
        cancel(reason) {
          cancelled.resolve(reason);
        },
      }),
    );
  }, { limits: resolveLimits({}), tracker, onError: () => new Response() });
  await conn.nextWrite(); // the head and the first event are out
  conn.failWrites = true; // the client is gone
  gate.resolve(); // the next event tries to go out
  const reason = await cancelled.promise;
  assert.ok(reason instanceof Deno.errors.ConnectionReset);
  await done;
  assert.equal(conn.closed, true);
  await assert.rejects(completed!, Deno.errors.Interrupted);
  assert.equal(
    normalize(conn.output),
    res("200 OK", [DATE, "transfer-encoding: chunked"], "8\r\nevent 1\n\r\n"),
  );
});

Deno.test("serveConnection() resolves info.completed once the response is written", async () => {
  let completed: Promise<void> | undefined;
  const { output } = await run([`GET / HTTP/1.1\r\n${H}\r\n`], (_r, info) => {
    completed = info.completed;
    return new Response("hello");
  });
  await completed;
  assert.equal(output, ok("hello"));
});

Deno.test("serveConnection() survives a connection that fails every write", async () => {
  const conn = new TestConn([`GET / HTTP/1.1\r\n${H}\r\n`]);
  conn.failWrites = true;
  const tracker = new ConnectionTracker(10);
  await serveConnection(conn, () => new Response("hello"), {
    limits: resolveLimits({}),
    tracker,
    onError: () => new Response(),
  });
  assert.equal(conn.closed, true);
  assert.equal(tracker.size, 0);
});

Deno.test("serveConnection() survives a connection whose reads fail", async () => {
  const conn = new TestConn([]);
  conn.read = () => Promise.reject(new Deno.errors.ConnectionReset("reset"));
  const tracker = new ConnectionTracker(10);
  await serveConnection(conn, () => new Response("hello"), {
    limits: resolveLimits({}),
    tracker,
    onError: () => new Response(),
  });
  assert.equal(conn.closed, true);
  assert.equal(tracker.size, 0);
});

Deno.test("serveConnection() reads a large body that arrives in big chunks", async () => {
  const body = "y".repeat(300 * 1024);
  const { output } = await run(
    [
      `POST /len HTTP/1.1\r\n${H}Content-Length: ${body.length}\r\n\r\n`,
      body,
      PROBE,
    ],
    async (request) => {
      if (new URL(request.url).pathname !== "/len") return app(request);
      return new Response(String((await request.arrayBuffer()).byteLength));
    },
  );
  assert.equal(output, ok(String(body.length)) + PROBE_RESPONSE);
});

Deno.test("serveConnection() closes instead of draining an unread body over the drain bound", async () => {
  const body = "y".repeat(300 * 1024);
  const { output, conn } = await run(
    [
      `POST /ignore HTTP/1.1\r\n${H}Content-Length: ${body.length}\r\n\r\n`,
      body,
      PROBE,
    ],
  );
  assert.equal(output, ok("ignored"));
  assert.equal(conn.writeClosed, true, "a lingering close");
});

Deno.test("serveConnection() closes lingering after an unanswered 100-continue", async () => {
  const { output, conn } = await run([
    `POST /ignore HTTP/1.1\r\n${H}Expect: 100-continue\r\nContent-Length: 5\r\n\r\n`,
    "hello",
  ]);
  assert.equal(output, ok("ignored", "connection: close"));
  // The body the client may send anyway is read away, not left to reset
  // the connection under the response.
  assert.equal(conn.writeClosed, true);
});

Deno.test("serveConnection() cancels a stalled response body when the connection is force-closed", async () => {
  const conn = new TestConn([`GET /events HTTP/1.1\r\n${H}\r\n`], {
    holdOpen: true,
  });
  const tracker = new ConnectionTracker(10);
  const cancelled = Promise.withResolvers<unknown>();
  let completed: Promise<void> | undefined;
  const done = serveConnection(conn, (_request, info) => {
    completed = info.completed;
    return new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(encoder.encode("data: 1\n\n"));
        },
        cancel(reason) {
          cancelled.resolve(reason);
        },
      }),
    );
  }, { limits: resolveLimits({}), tracker, onError: () => new Response() });
  await conn.nextWrite();
  tracker.beginShutdown(); // busy: left alone
  assert.equal(conn.closed, false);
  tracker.closeAll(); // the shutdown deadline
  assert.ok(await cancelled.promise instanceof Deno.errors.Interrupted);
  await done;
  assert.equal(tracker.size, 0);
  await assert.rejects(completed!, Deno.errors.Interrupted);
  assert.equal(
    normalize(conn.output),
    res("200 OK", [DATE, "transfer-encoding: chunked"], "9\r\ndata: 1\n\n\r\n"),
  );
});

Deno.test("serveConnection() forgets a force-closed connection while its handler still runs", async () => {
  const conn = new TestConn([`GET / HTTP/1.1\r\n${H}\r\n`], { holdOpen: true });
  const tracker = new ConnectionTracker(10);
  const entered = Promise.withResolvers<void>();
  const release = Promise.withResolvers<void>();
  const done = serveConnection(conn, async () => {
    entered.resolve();
    await release.promise;
    return new Response("late");
  }, { limits: resolveLimits({}), tracker, onError: () => new Response() });
  await entered.promise;
  const drained = tracker.drained();
  tracker.closeAll();
  await drained; // does not wait for the handler
  assert.equal(tracker.size, 0);
  release.resolve();
  await done;
  assert.equal(conn.output, "");
});

Deno.test("serveConnection() streams the request body back as the response body", async () => {
  const mirror: ServeHandler = (request) => new Response(request.body);
  const input =
    `POST /mirror HTTP/1.1\r\n${H}Content-Length: 11\r\n\r\nhello world`;
  for (const [how, chunks] of chunkings(input)) {
    // How the body arrives decides its framing (length or chunked), not its bytes.
    const { output } = await run([...chunks, PROBE], mirror);
    const responses = parseResponses(output);
    assert.deepEqual(responses.map((r) => [r.status, r.body]), [[
      200,
      "hello world",
    ], [200, "probe"]], how);
  }
});

Deno.test("serveConnection() sends 100 Continue when the response body reads the request body", async () => {
  const mirror: ServeHandler = (request) => new Response(request.body);
  const input =
    `POST /mirror HTTP/1.1\r\n${H}Expect: 100-continue\r\nContent-Length: 5\r\n\r\nhello`;
  for (const [how, chunks] of chunkings(input)) {
    const { output } = await run([...chunks, PROBE], mirror);
    const responses = parseResponses(output);
    // The head is decided before the body is read. Unless the body came
    // with the head, the engine cannot know the client will send it: it
    // closes after, to be safe.
    assert.deepEqual(
      responses.map((r) => [r.status, r.body, r.headers.get("connection")]),
      BODY_WITH_HEAD[how]
        ? [[100, "", null], [200, "hello", null], [200, "probe", null]]
        : [[100, "", null], [200, "hello", "close"]],
      how,
    );
  }
});
