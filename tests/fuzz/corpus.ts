/**
 * The corpus the mutators start from: valid and odd requests, some with a
 * request smuggled where a correct engine never parses one; and the canary
 * sent after every fuzzed input.
 *
 * @module
 */

/** A request planted inside bodies: no correct engine ever answers it. */
export const SMUGGLED = "GET /__smuggled HTTP/1.1\r\nHost: s\r\n\r\n";
/** Sent after every fuzzed input; answered only ever as `/__canary`. */
export const CANARY = "GET /__canary HTTP/1.1\r\nHost: c\r\n\r\n";

/** One corpus entry. */
export interface CorpusEntry {
  /** A short name for reports. */
  name: string;
  /** The bytes, latin1. */
  text: string;
  /** Holds `/__smuggled` where a correct engine never parses a request. */
  smuggle?: boolean;
}

function withBody(head: string, body: string): string {
  return `${head}Content-Length: ${body.length}\r\n\r\n${body}`;
}

function chunk(data: string, ext = ""): string {
  return `${data.length.toString(16)}${ext}\r\n${data}\r\n`;
}

/** Valid and odd requests the mutators start from. */
export const CORPUS: readonly CorpusEntry[] = [
  {
    name: "get",
    text: "GET /index.html?q=1&r=%20 HTTP/1.1\r\nHost: example.com\r\n" +
      "User-Agent: fuzz/1.0\r\nAccept: */*\r\nAccept-Encoding: gzip, br\r\n\r\n",
  },
  {
    name: "get-many-headers",
    text: "GET /a/b/c.txt HTTP/1.1\r\nHost: example.com:8080\r\n" +
      'Cookie: session=s3cr3t; theme=dark\r\nIf-None-Match: "abc", W/"def"\r\n' +
      "Range: bytes=0-10,20-\r\nConnection: keep-alive\r\nX-Empty:\r\n" +
      "Cache-Control: no-cache\r\n\r\n",
  },
  {
    name: "post-cl",
    text: withBody(
      "POST /form HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\n",
      "hello world",
    ),
  },
  {
    name: "post-cl-smuggle",
    text: withBody("POST /upload HTTP/1.1\r\nHost: a\r\n", SMUGGLED),
    smuggle: true,
  },
  {
    name: "post-chunked",
    text:
      "POST /chunked HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" +
      chunk("hello", ";ext=1") + chunk(" world", ';name="q v"') +
      "0\r\nX-Trailer: t\r\nY: u\r\n\r\n",
  },
  {
    name: "post-chunked-smuggle",
    text:
      "POST /chunked2 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" +
      chunk(SMUGGLED) + "0\r\n\r\n",
    smuggle: true,
  },
  {
    name: "chunked-trailer-request-line",
    text:
      "POST /trailers HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" +
      chunk("x") + "0\r\nGET /__smuggled HTTP/1.1\r\nHost: s\r\n\r\n",
    smuggle: true,
  },
  { name: "head", text: "HEAD /head.txt HTTP/1.1\r\nHost: a\r\n\r\n" },
  {
    name: "http10-keep-alive",
    text: "GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
  },
  { name: "http10", text: "GET /old10 HTTP/1.0\r\nUser-Agent: x\r\n\r\n" },
  {
    name: "pipelined",
    text:
      "GET /one HTTP/1.1\r\nHost: a\r\n\r\nGET /two HTTP/1.1\r\nHost: a\r\n\r\n",
  },
  {
    name: "post-then-get",
    text: withBody("POST /p HTTP/1.1\r\nHost: a\r\n", "abc") +
      "GET /after HTTP/1.1\r\nHost: a\r\n\r\n",
  },
  {
    name: "expect-continue",
    text: withBody(
      "PUT /expect HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n",
      "data",
    ),
  },
  { name: "options-star", text: "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n" },
  {
    name: "absolute-form",
    text:
      "GET http://example.com:80/abs?x=1 HTTP/1.1\r\nHost: example.com\r\n\r\n",
  },
  {
    name: "connection-close",
    text: "GET /bye HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
  },
  {
    name: "cl-te",
    text: "POST /clte HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n" +
      "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + SMUGGLED,
    smuggle: true,
  },
  {
    name: "te-cl",
    text: "POST /tecl HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n" +
      `Content-Length: ${SMUGGLED.length + 5}\r\n\r\n0\r\n\r\n` + SMUGGLED,
    smuggle: true,
  },
  {
    name: "two-cl",
    text: "POST /twocl HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n" +
      `Content-Length: ${SMUGGLED.length}\r\n\r\n` + SMUGGLED,
    smuggle: true,
  },
  {
    name: "te-chunked-identity",
    text:
      "POST /tci HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n" +
      chunk(SMUGGLED) + "0\r\n\r\n",
    smuggle: true,
  },
  {
    name: "obs-fold-te",
    text:
      "POST /fold HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n chunked\r\n" +
      `Content-Length: ${SMUGGLED.length}\r\n\r\n` + SMUGGLED,
    smuggle: true,
  },
  {
    name: "bare-cr",
    text: "GET /cr HTTP/1.1\r\nHost: a\rX: b\r\n\r\n" + SMUGGLED,
    smuggle: true,
  },
  {
    name: "chunk-size-overflow",
    text:
      "POST /ovf HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" +
      "10000000000000025\r\n" + SMUGGLED + "\r\n0\r\n\r\n",
    smuggle: true,
  },
  {
    name: "endless-chunk-ext",
    text:
      "POST /ext HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" +
      "1;" + "a=b;".repeat(1100) + "\r\nx\r\n0\r\n\r\n",
  },
  {
    name: "get-with-body",
    text: withBody("GET /getbody HTTP/1.1\r\nHost: a\r\n", SMUGGLED),
    smuggle: true,
  },
  {
    name: "delete",
    text: "DELETE /x HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n",
  },
  {
    name: "connect",
    text: "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n" +
      SMUGGLED,
    smuggle: true,
  },
  {
    name: "trace",
    text: "TRACE /t HTTP/1.1\r\nHost: a\r\nCookie: secret=1\r\n\r\n" + SMUGGLED,
    smuggle: true,
  },
  {
    name: "leading-crlf",
    text: "\r\n\r\nGET /lead HTTP/1.1\r\nHost: a\r\n\r\n",
  },
  {
    name: "body-too-large",
    text: withBody("POST /big HTTP/1.1\r\nHost: a\r\n", "z".repeat(300)),
  },
  {
    name: "chunked-too-large",
    text:
      "POST /bigc HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" +
      chunk("y".repeat(150)) + chunk("y".repeat(150)) + "0\r\n\r\n",
  },
  { name: "no-host", text: "GET /nohost HTTP/1.1\r\nAccept: */*\r\n\r\n" },
  {
    name: "te-http10",
    text: "POST /te10 HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n" +
      chunk(SMUGGLED) + "0\r\n\r\n",
    smuggle: true,
  },
  {
    name: "upgrade",
    text:
      "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
  },
  {
    name: "lowercase-method",
    text: "get /lower HTTP/1.1\r\nHost: a\r\n\r\n",
  },
];
