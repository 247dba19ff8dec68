import assert from "node:assert/strict";
import { parseRequestHead } from "../../src/http1/parse_request_head.ts";
import {
  type RequestHead,
  type RequestHeadLimits,
  RequestParseError,
} from "../../src/http1/request_head.ts";

const LIMITS: RequestHeadLimits = {
  maxRequestTargetBytes: 64,
  maxHeaderCount: 8,
};

/** Encode as latin1: each UTF-16 code unit (all ≤ 0xFF here) is one byte. */
function bytesOf(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** A head from its lines: each gets CRLF, then the empty line is added. */
function head(...lines: string[]): string {
  return lines.map((line) => line + "\r\n").join("") + "\r\n";
}

/** A minimal HTTP/1.1 GET of `/` with `Host: a` plus the given field lines. */
function get11(...fields: string[]): string {
  return head("GET / HTTP/1.1", "Host: a", ...fields);
}

/** A minimal HTTP/1.0 GET of `/` with the given field lines. */
function get10(...fields: string[]): string {
  return head("GET / HTTP/1.0", ...fields);
}

function parse(
  input: string | Uint8Array,
  limits: Partial<RequestHeadLimits> = {},
): RequestHead | RequestParseError {
  const bytes = typeof input === "string" ? bytesOf(input) : input;
  return parseRequestHead(bytes, 0, bytes.length, { ...LIMITS, ...limits });
}

interface Refusal {
  status: number;
  reason: string;
}

interface Case {
  name: string;
  input: string;
  limits?: Partial<RequestHeadLimits>;
  /** The fields to compare on success, or the refusal expected. */
  want: Partial<RequestHead> | Refusal;
}

const P = "parseRequestHead()";
const LONG_TARGET = "/" + "a".repeat(64);
const BIG_COOKIE = "k=" + "v".repeat(10_000);

const accepted: Case[] = [
  // Request line
  {
    name: `${P} accepts a minimal HTTP/1.1 GET`,
    input: "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
    want: {
      method: "GET",
      target: "/",
      minorVersion: 1,
      headerNames: ["host"],
      headerValues: ["a"],
      host: "a",
      contentLength: 0,
      keepAlive: true,
      expectContinue: false,
    },
  },
  {
    name: `${P} accepts HTTP/1.0 without Host`,
    input: get10(),
    want: {
      minorVersion: 0,
      host: "",
      headerNames: [],
      keepAlive: false,
      contentLength: 0,
    },
  },
  {
    name: `${P} passes the method through case-sensitively`,
    input: head("get / HTTP/1.1", "Host: a"),
    want: { method: "get" },
  },
  {
    name: `${P} accepts an extension method made of tchars`,
    input: head("M-SEARCH /x HTTP/1.1", "Host: a"),
    want: { method: "M-SEARCH", target: "/x" },
  },
  {
    name: `${P} keeps the query and every visible byte of the target`,
    input: head(
      "GET /a/b?c=d&e=%20!$'()*+,;=:@~[]{}|^`\"<> HTTP/1.1",
      "Host: a",
    ),
    want: { target: "/a/b?c=d&e=%20!$'()*+,;=:@~[]{}|^`\"<>" },
  },
  {
    name: `${P} accepts a target exactly at the length limit`,
    input: head(`GET ${LONG_TARGET} HTTP/1.1`, "Host: a"),
    limits: { maxRequestTargetBytes: LONG_TARGET.length },
    want: { target: LONG_TARGET },
  },
  {
    name: `${P} accepts absolute-form with http`,
    input: head("GET http://example.com/x?y HTTP/1.1", "Host: example.com"),
    want: { target: "http://example.com/x?y" },
  },
  {
    name: `${P} accepts absolute-form with a case-insensitive https scheme`,
    input: head("GET HTTPS://example.com HTTP/1.1", "Host: example.com"),
    want: { target: "HTTPS://example.com" },
  },
  {
    name: `${P} accepts authority-form for CONNECT`,
    input: head("CONNECT example.com:443 HTTP/1.1", "Host: example.com:443"),
    want: { method: "CONNECT", target: "example.com:443" },
  },
  {
    name: `${P} accepts asterisk-form for OPTIONS`,
    input: head("OPTIONS * HTTP/1.1", "Host: a"),
    want: { method: "OPTIONS", target: "*" },
  },
  {
    name: `${P} accepts origin-form for OPTIONS`,
    input: head("OPTIONS /x HTTP/1.1", "Host: a"),
    want: { target: "/x" },
  },
  // Field lines
  {
    name: `${P} lowercases field names`,
    input: get11(
      "X-Custom-Header: 1",
      "CONTENT-TYPE: text/plain",
      "aCCepT: */*",
    ),
    want: {
      headerNames: ["host", "x-custom-header", "content-type", "accept"],
    },
  },
  {
    name: `${P} accepts a name made of every tchar class`,
    input: get11("!#$%&'*+-.^_`|~09azAZ: v"),
    want: { headerNames: ["host", "!#$%&'*+-.^_`|~09azaz"] },
  },
  {
    name: `${P} strips SP and HTAB around the value but keeps inner ones`,
    input: get11("X: \t a \t b \t "),
    want: { headerValues: ["a", "a \t b"] },
  },
  {
    name: `${P} accepts a value with no leading whitespace`,
    input: get11("X:v"),
    want: { headerValues: ["a", "v"] },
  },
  {
    name: `${P} accepts an empty value`,
    input: get11("X:", "Y: \t "),
    want: { headerNames: ["host", "x", "y"], headerValues: ["a", "", ""] },
  },
  {
    name: `${P} decodes obs-text as latin1, not windows-1252`,
    input: get11("X: caf\xe9 \x80\x9f\xff"),
    want: { headerValues: ["a", "caf\u00e9 \u0080\u009f\u00ff"] },
  },
  {
    name: `${P} decodes a value longer than one decoding chunk`,
    input: get11(`Cookie: ${BIG_COOKIE}`),
    want: { headerValues: ["a", BIG_COOKIE] },
  },
  {
    name: `${P} keeps repeated fields in arrival order`,
    input: get11("Accept: a", "X: 1", "accept: b"),
    want: {
      headerNames: ["host", "accept", "x", "accept"],
      headerValues: ["a", "a", "1", "b"],
    },
  },
  {
    name: `${P} accepts exactly maxHeaderCount field lines`,
    input: get11("A: 1", "B: 2"),
    limits: { maxHeaderCount: 3 },
    want: { headerNames: ["host", "a", "b"] },
  },
  // Host
  {
    name: `${P} accepts a Host with a port`,
    input: head("GET / HTTP/1.1", "Host: example.com:8080"),
    want: { host: "example.com:8080" },
  },
  {
    name: `${P} accepts an IPv4 Host`,
    input: head("GET / HTTP/1.1", "Host: 127.0.0.1:80"),
    want: { host: "127.0.0.1:80" },
  },
  {
    name: `${P} accepts an IP-literal Host`,
    input: head("GET / HTTP/1.1", "Host: [::1]:8080"),
    want: { host: "[::1]:8080" },
  },
  {
    name: `${P} accepts an IPv4-mapped IP-literal Host without a port`,
    input: head("GET / HTTP/1.1", "Host: [::ffff:10.0.0.1]"),
    want: { host: "[::ffff:10.0.0.1]" },
  },
  {
    name: `${P} accepts a Host with an empty port`,
    input: head("GET / HTTP/1.1", "Host: example.com:"),
    want: { host: "example.com:" },
  },
  {
    name: `${P} accepts a Host with every reg-name byte class`,
    input: head("GET / HTTP/1.1", "Host: aZ0-._~!$&'()*+,;=%4a%2F"),
    want: { host: "aZ0-._~!$&'()*+,;=%4a%2F" },
  },
  {
    name: `${P} accepts an empty Host value`,
    input: head("GET / HTTP/1.1", "Host:"),
    want: { host: "" },
  },
  {
    name: `${P} accepts a Host in an HTTP/1.0 request`,
    input: get10("Host: b"),
    want: { host: "b" },
  },
  // Framing
  {
    name: `${P} reads Content-Length`,
    input: get11("Content-Length: 42"),
    want: { contentLength: 42 },
  },
  {
    name: `${P} accepts Content-Length with leading zeros`,
    input: get11("Content-Length: 007"),
    want: { contentLength: 7 },
  },
  {
    name: `${P} accepts a 15-digit Content-Length`,
    input: get11("Content-Length: 999999999999999"),
    want: { contentLength: 999999999999999 },
  },
  {
    name: `${P} counts only significant digits of Content-Length`,
    input: get11("Content-Length: 00000000000000000000123"),
    want: { contentLength: 123 },
  },
  {
    name: `${P} accepts Content-Length 0`,
    input: get11("content-length: 0"),
    want: { contentLength: 0 },
  },
  {
    name: `${P} marks a chunked body with contentLength -1`,
    input: get11("Transfer-Encoding: chunked"),
    want: { contentLength: -1 },
  },
  {
    name: `${P} matches chunked case-insensitively with OWS`,
    input: get11("transfer-encoding: \t ChUnKeD \t"),
    want: { contentLength: -1 },
  },
  {
    name: `${P} defaults contentLength to 0 without framing headers`,
    input: head("POST /x HTTP/1.1", "Host: a"),
    want: { method: "POST", contentLength: 0 },
  },
  // Connection
  {
    name: `${P} turns keep-alive off for HTTP/1.1 on Connection close`,
    input: get11("Connection: close"),
    want: { keepAlive: false },
  },
  {
    name: `${P} keeps HTTP/1.1 alive on Connection keep-alive`,
    input: get11("Connection: keep-alive"),
    want: { keepAlive: true },
  },
  {
    name: `${P} finds close in a list across several Connection fields`,
    input: get11("Connection: Upgrade", "connection: TE ,, CLOSE"),
    want: { keepAlive: false },
  },
  {
    name: `${P} keeps HTTP/1.0 alive on Connection keep-alive`,
    input: get10("Connection: Keep-Alive"),
    want: { keepAlive: true },
  },
  {
    name: `${P} lets close win over keep-alive in HTTP/1.0`,
    input: get10("Connection: keep-alive, close"),
    want: { keepAlive: false },
  },
  {
    name: `${P} does not mistake a longer token for close`,
    input: get11("Connection: closed, x-close"),
    want: { keepAlive: true },
  },
  // Expect
  {
    name: `${P} sets expectContinue on Expect 100-continue`,
    input: get11("Expect: 100-Continue"),
    want: { expectContinue: true },
  },
  {
    name: `${P} ignores Expect 100-continue from HTTP/1.0`,
    input: get10("Expect: 100-continue"),
    want: { expectContinue: false },
  },
];

const rejected: Case[] = [
  // Line endings (RFC 9112 §2.2)
  {
    name: `${P} rejects a bare LF ending the request line with 400`,
    input: "GET / HTTP/1.1\nHost: a\r\n\r\n",
    want: { status: 400, reason: "Bare LF" },
  },
  {
    name: `${P} rejects a bare CR ending the request line with 400`,
    input: "GET / HTTP/1.1\rHost: a\r\n\r\n",
    want: { status: 400, reason: "Bare CR" },
  },
  {
    name: `${P} rejects a bare LF ending a field line with 400`,
    input: "GET / HTTP/1.1\r\nHost: a\nX: y\r\n\r\n",
    want: { status: 400, reason: "Bare LF" },
  },
  {
    name: `${P} rejects a bare CR inside a field value with 400`,
    input: get11("X: a\rb"),
    want: { status: 400, reason: "Bare CR" },
  },
  {
    name: `${P} rejects a bare LF starting a field line with 400`,
    input: "GET / HTTP/1.1\r\n\nHost: a\r\n\r\n",
    want: { status: 400, reason: "Bare LF" },
  },
  {
    name: `${P} rejects a bare CR starting a field line with 400`,
    input: "GET / HTTP/1.1\r\n\rHost: a\r\n\r\n",
    want: { status: 400, reason: "Bare CR" },
  },
  {
    name: `${P} rejects a bare LF inside a field name with 400`,
    input: "GET / HTTP/1.1\r\nHost: a\r\nX\nY: z\r\n\r\n",
    want: { status: 400, reason: "Bare LF" },
  },
  {
    name: `${P} rejects a bare CR inside the method with 400`,
    input: "GE\rT / HTTP/1.1\r\nHost: a\r\n\r\n",
    want: { status: 400, reason: "Bare CR" },
  },
  {
    name: `${P} rejects a head not ending in CRLF CRLF with 400`,
    input: "GET / HTTP/1.1\r\nHost: a\r\n",
    want: { status: 400, reason: "Incomplete head" },
  },
  {
    name: `${P} rejects an empty input with 400`,
    input: "",
    want: { status: 400, reason: "Incomplete head" },
  },
  {
    name: `${P} rejects bytes after the empty line with 400`,
    input: get11() + "X: y\r\n\r\n",
    want: { status: 400, reason: "Malformed head" },
  },
  // Request line (RFC 9112 §3)
  {
    name: `${P} rejects two spaces after the method with 400`,
    input: head("GET  / HTTP/1.1", "Host: a"),
    want: { status: 400, reason: "Invalid request line" },
  },
  {
    name: `${P} rejects two spaces before the version with 400`,
    input: head("GET /  HTTP/1.1", "Host: a"),
    want: { status: 400, reason: "Invalid request line" },
  },
  {
    name: `${P} rejects an HTAB separator with 400`,
    input: head("GET\t/ HTTP/1.1", "Host: a"),
    want: { status: 400, reason: "Invalid request line" },
  },
  {
    name: `${P} rejects a leading space with 400`,
    input: head(" GET / HTTP/1.1", "Host: a"),
    want: { status: 400, reason: "Invalid request line" },
  },
  {
    name: `${P} rejects a request line without a version with 400`,
    input: head("GET /", "Host: a"),
    want: { status: 400, reason: "Invalid request line" },
  },
  {
    name: `${P} rejects a request line with only a method with 400`,
    input: head("GET", "Host: a"),
    want: { status: 400, reason: "Invalid request line" },
  },
  {
    name: `${P} rejects a trailing space after the version with 400`,
    input: head("GET / HTTP/1.1 ", "Host: a"),
    want: { status: 400, reason: "Invalid HTTP version" },
  },
  {
    name: `${P} rejects a method with a non-tchar with 400`,
    input: head("GE(T / HTTP/1.1", "Host: a"),
    want: { status: 400, reason: "Invalid method" },
  },
  {
    name: `${P} rejects a method with obs-text with 400`,
    input: head("G\xc9T / HTTP/1.1", "Host: a"),
    want: { status: 400, reason: "Invalid method" },
  },
  // Request-target
  {
    name: `${P} rejects a fragment in the target with 400`,
    input: head("GET /a#b HTTP/1.1", "Host: a"),
    want: { status: 400, reason: "Invalid request-target" },
  },
  {
    name: `${P} rejects a CTL in the target with 400`,
    input: head("GET /a\x01b HTTP/1.1", "Host: a"),
    want: { status: 400, reason: "Invalid request-target" },
  },
  {
    name: `${P} rejects DEL in the target with 400`,
    input: head("GET /a\x7fb HTTP/1.1", "Host: a"),
    want: { status: 400, reason: "Invalid request-target" },
  },
  {
    name: `${P} rejects a byte above 0x7F in the target with 400`,
    input: head("GET /caf\xe9 HTTP/1.1", "Host: a"),
    want: { status: 400, reason: "Invalid request-target" },
  },
  {
    name: `${P} rejects a target over the limit with 414`,
    input: head(`GET ${LONG_TARGET}a HTTP/1.1`, "Host: a"),
    limits: { maxRequestTargetBytes: LONG_TARGET.length },
    want: { status: 414, reason: "Request-target too long" },
  },
  {
    name: `${P} rejects an overlong target holding a bad byte with 414`,
    input: head(`GET ${LONG_TARGET}#frag HTTP/1.1`, "Host: a"),
    want: { status: 414, reason: "Request-target too long" },
  },
  {
    name: `${P} rejects an overlong target before a bad version with 414`,
    input: head(`GET ${LONG_TARGET} HTTP/9.9`, "Host: a"),
    want: { status: 414, reason: "Request-target too long" },
  },
  {
    name: `${P} rejects an overlong target before bad fields with 414`,
    input: head(`GET ${LONG_TARGET} HTTP/1.1`, " folded", "Bad Name: x"),
    want: { status: 414, reason: "Request-target too long" },
  },
  {
    name: `${P} rejects a relative target with 400`,
    input: head("GET index.html HTTP/1.1", "Host: a"),
    want: { status: 400, reason: "Invalid request-target form" },
  },
  {
    name: `${P} rejects asterisk-form for GET with 400`,
    input: head("GET * HTTP/1.1", "Host: a"),
    want: { status: 400, reason: "Invalid request-target form" },
  },
  {
    name: `${P} rejects an asterisk followed by more bytes with 400`,
    input: head("OPTIONS *x HTTP/1.1", "Host: a"),
    want: { status: 400, reason: "Invalid request-target form" },
  },
  {
    name: `${P} rejects authority-form for GET with 400`,
    input: head("GET example.com:443 HTTP/1.1", "Host: a"),
    want: { status: 400, reason: "Invalid request-target form" },
  },
  {
    name: `${P} rejects origin-form for CONNECT with 400`,
    input: head("CONNECT / HTTP/1.1", "Host: a"),
    want: { status: 400, reason: "Invalid request-target form" },
  },
  {
    name: `${P} rejects CONNECT without a port with 400`,
    input: head("CONNECT example.com HTTP/1.1", "Host: a"),
    want: { status: 400, reason: "Invalid request-target form" },
  },
  {
    name: `${P} rejects CONNECT without a host with 400`,
    input: head("CONNECT :443 HTTP/1.1", "Host: a"),
    want: { status: 400, reason: "Invalid request-target form" },
  },
  {
    name: `${P} rejects CONNECT with userinfo with 400`,
    input: head("CONNECT u@example.com:443 HTTP/1.1", "Host: a"),
    want: { status: 400, reason: "Invalid request-target form" },
  },
  {
    name: `${P} rejects absolute-form without an authority with 400`,
    input: head("GET http:///x HTTP/1.1", "Host: a"),
    want: { status: 400, reason: "Invalid request-target form" },
  },
  {
    name: `${P} rejects absolute-form with nothing after the scheme with 400`,
    input: head("GET https:// HTTP/1.1", "Host: a"),
    want: { status: 400, reason: "Invalid request-target form" },
  },
  {
    name: `${P} rejects a scheme other than http or https with 400`,
    input: head("GET ftp://example.com/ HTTP/1.1", "Host: a"),
    want: { status: 400, reason: "Invalid request-target form" },
  },
  {
    name: `${P} rejects a scheme with a single slash with 400`,
    input: head("GET http:/example.com HTTP/1.1", "Host: a"),
    want: { status: 400, reason: "Invalid request-target form" },
  },
  // HTTP-version
  ...["HTTP/2.0", "HTTP/0.9", "HTTP/3.0", "HTTP/9.1"].map((version) => ({
    name: `${P} rejects ${version} with 505`,
    input: head(`GET / ${version}`, "Host: a"),
    want: { status: 505, reason: "HTTP version not supported" },
  })),
  ...["HTTP/1", "http/1.1", "HTTP/1.1x", "HTTP/11.1", "HTTP/1.x", "HTTP/"]
    .map((version) => ({
      name: `${P} rejects the malformed version ${version} with 400`,
      input: head(`GET / ${version}`, "Host: a"),
      want: { status: 400, reason: "Invalid HTTP version" },
    })),
  {
    name: `${P} rejects an unsupported version before bad fields with 505`,
    input: head("GET / HTTP/2.0", "Bad Name: x", " folded"),
    want: { status: 505, reason: "HTTP version not supported" },
  },
  {
    name: `${P} rejects a malformed version before bad fields with 400`,
    input: head("GET / HTTP/1.1.1", "Bad Name: x"),
    want: { status: 400, reason: "Invalid HTTP version" },
  },
  // Field lines (RFC 9112 §5)
  {
    name: `${P} rejects whitespace before the colon with 400`,
    input: get11("Content-Length : 5"),
    want: { status: 400, reason: "Whitespace before colon" },
  },
  {
    name: `${P} rejects an HTAB before the colon with 400`,
    input: get11("X\t: y"),
    want: { status: 400, reason: "Whitespace before colon" },
  },
  {
    name: `${P} rejects obs-fold with a space with 400`,
    input: get11("X: a", " b"),
    want: { status: 400, reason: "Obsolete line folding" },
  },
  {
    name: `${P} rejects obs-fold with an HTAB with 400`,
    input: get11("X: a", "\tb"),
    want: { status: 400, reason: "Obsolete line folding" },
  },
  {
    name: `${P} rejects whitespace before the first field line with 400`,
    input: head("GET / HTTP/1.1", " Host: a"),
    want: { status: 400, reason: "Obsolete line folding" },
  },
  {
    name: `${P} rejects a field line without a colon with 400`,
    input: get11("NoColon"),
    want: { status: 400, reason: "Missing colon" },
  },
  {
    name: `${P} rejects a field line of two words without a colon with 400`,
    input: get11("No colon here"),
    want: { status: 400, reason: "Missing colon" },
  },
  {
    name: `${P} rejects an empty field name with 400`,
    input: get11(": value"),
    want: { status: 400, reason: "Empty header name" },
  },
  {
    name: `${P} rejects a space inside the field name with 400`,
    input: get11("Bad Name: x"),
    want: { status: 400, reason: "Invalid header name" },
  },
  {
    name: `${P} rejects a separator in the field name with 400`,
    input: get11("X(y): z"),
    want: { status: 400, reason: "Invalid header name" },
  },
  {
    name: `${P} rejects obs-text in the field name with 400`,
    input: get11("X\xe9: z"),
    want: { status: 400, reason: "Invalid header name" },
  },
  ...[["NUL", "\x00"], ["a CTL", "\x01"], ["US", "\x1f"], ["DEL", "\x7f"]]
    .map(([what, byte]) => ({
      name: `${P} rejects ${what} in a field value with 400`,
      input: get11(`X: a${byte}b`),
      want: { status: 400, reason: "Invalid header value" },
    })),
  {
    name: `${P} rejects more than maxHeaderCount field lines with 431`,
    input: get11("A: 1", "B: 2", "C: 3"),
    limits: { maxHeaderCount: 3 },
    want: { status: 431, reason: "Too many header fields" },
  },
  // Host (RFC 9112 §3.2)
  {
    name: `${P} rejects HTTP/1.1 without Host with 400`,
    input: head("GET / HTTP/1.1", "Accept: */*"),
    want: { status: 400, reason: "Missing Host" },
  },
  {
    name: `${P} rejects two Host fields with 400`,
    input: get11("Host: a"),
    want: { status: 400, reason: "Multiple Host" },
  },
  {
    name: `${P} rejects two Host fields in HTTP/1.0 with 400`,
    input: get10("Host: a", "host: b"),
    want: { status: 400, reason: "Multiple Host" },
  },
  ...[
    "user@example.com",
    "a b",
    "a/b",
    "a?b",
    "a#b",
    "[::1",
    "[]",
    "[::g]",
    "[::1]x",
    "example.com:123456",
    "example.com:8a",
    "example.com:80:80",
    "ex%4gmple.com",
    "ex%zzample.com",
    "ex%4",
    "caf\xe9",
    'a"b',
  ].map((value) => ({
    name: `${P} rejects the Host value ${JSON.stringify(value)} with 400`,
    input: head("GET / HTTP/1.1", `Host: ${value}`),
    want: { status: 400, reason: "Invalid Host" },
  })),
  // Content-Length (RFC 9112 §6.3, §8.6)
  ...["5, 5", "5,5", "-1", "+1", "1 2", "0x10", "1e3", "1.0", "five"].map(
    (value) => ({
      name: `${P} rejects Content-Length ${JSON.stringify(value)} with 400`,
      input: get11(`Content-Length: ${value}`),
      want: { status: 400, reason: "Invalid Content-Length" },
    }),
  ),
  {
    name: `${P} rejects an empty Content-Length with 400`,
    input: get11("Content-Length:"),
    want: { status: 400, reason: "Invalid Content-Length" },
  },
  {
    name: `${P} rejects two equal Content-Length fields with 400`,
    input: get11("Content-Length: 5", "content-length: 5"),
    want: { status: 400, reason: "Multiple Content-Length" },
  },
  {
    name: `${P} rejects a 16-digit Content-Length with 413`,
    input: get11("Content-Length: 1000000000000000"),
    want: { status: 413, reason: "Content-Length too large" },
  },
  // Transfer-Encoding (RFC 9112 §6.1, §6.3)
  {
    name: `${P} rejects Transfer-Encoding with Content-Length with 400`,
    input: get11("Content-Length: 5", "Transfer-Encoding: chunked"),
    want: { status: 400, reason: "Content-Length with Transfer-Encoding" },
  },
  {
    name: `${P} rejects Transfer-Encoding in HTTP/1.0 with 400`,
    input: get10("Transfer-Encoding: chunked"),
    want: { status: 400, reason: "Transfer-Encoding in HTTP/1.0" },
  },
  ...["gzip, chunked", "chunked, identity", "identity", "gzip", "deflate"]
    .map((value) => ({
      name: `${P} rejects Transfer-Encoding ${value} with 501`,
      input: get11(`Transfer-Encoding: ${value}`),
      want: { status: 501, reason: "Unsupported transfer coding" },
    })),
  {
    name: `${P} rejects a parameterized non-chunked coding with 501`,
    input: get11("Transfer-Encoding: gzip;level=1, chunked"),
    want: { status: 501, reason: "Unsupported transfer coding" },
  },
  {
    name: `${P} rejects another coding in a second field with 501`,
    input: get11("Transfer-Encoding: gzip", "Transfer-Encoding: chunked"),
    want: { status: 501, reason: "Unsupported transfer coding" },
  },
  {
    name: `${P} rejects chunked twice in one field with 400`,
    input: get11("Transfer-Encoding: chunked, chunked"),
    want: { status: 400, reason: "Repeated chunked" },
  },
  {
    name: `${P} rejects chunked in two fields with 400`,
    input: get11("Transfer-Encoding: chunked", "Transfer-Encoding: chunked"),
    want: { status: 400, reason: "Repeated chunked" },
  },
  ...["", "chunked,", ", chunked", "chunked,,gzip", "chunked;x=1", "chunked x"]
    .map((value) => ({
      name: `${P} rejects Transfer-Encoding ${JSON.stringify(value)} with 400`,
      input: get11(`Transfer-Encoding: ${value}`),
      want: { status: 400, reason: "Invalid Transfer-Encoding" },
    })),
  // Expect (RFC 9110 §10.1.1)
  ...["something", "100-continue, foo", "100-continuex", "200-ok"].map(
    (value) => ({
      name: `${P} rejects Expect ${JSON.stringify(value)} with 417`,
      input: get11(`Expect: ${value}`),
      want: { status: 417, reason: "Unsupported expectation" },
    }),
  ),
  {
    name: `${P} rejects an unknown expectation from HTTP/1.0 with 417`,
    input: get10("Expect: something"),
    want: { status: 417, reason: "Unsupported expectation" },
  },
];

for (const c of [...accepted, ...rejected]) {
  Deno.test(c.name, () => {
    const got = parse(c.input, c.limits);
    if ("status" in c.want) {
      assert.ok(
        got instanceof RequestParseError,
        `expected a refusal, got ${JSON.stringify(got)}`,
      );
      assert.equal(got.status, c.want.status);
      assert.equal(got.message, c.want.reason);
      assert.ok(got.message.length > 0);
    } else {
      assert.ok(
        !(got instanceof RequestParseError),
        `expected a head, got ${got instanceof Error ? got.message : ""}`,
      );
      for (const [key, value] of Object.entries(c.want)) {
        assert.deepEqual(got[key as keyof RequestHead], value, key);
      }
    }
  });
}

Deno.test(`${P} reads only bytes[start..end) of a larger buffer`, () => {
  const text = get11("Content-Length: 3");
  const bytes = new Uint8Array(text.length + 20).fill(0x41);
  bytes.set(bytesOf(text), 10);
  const got = parseRequestHead(bytes, 10, 10 + text.length, LIMITS);
  assert.ok(!(got instanceof RequestParseError));
  assert.equal(got.target, "/");
  assert.deepEqual(got.headerValues, ["a", "3"]);
  assert.equal(got.contentLength, 3);
});

Deno.test(`${P} returns a fresh RequestParseError for each refusal`, () => {
  const first = parse(get11("X: \x00"));
  const second = parse(get11("X: \x00"));
  assert.ok(first instanceof RequestParseError);
  assert.ok(second instanceof RequestParseError);
  assert.notEqual(first, second);
  assert.equal(first.name, "RequestParseError");
});

Deno.test(`${P} never throws on any single-byte corruption`, () => {
  const samples = [
    get11("Content-Length: 12", "Connection: keep-alive", "Expect: x"),
    head("CONNECT [::1]:443 HTTP/1.1", "Host: [::1]:443"),
    get11("Transfer-Encoding: gzip;q=1, chunked"),
  ];
  const replacements = [0x00, 0x09, 0x0a, 0x0d, 0x20, 0x23, 0x2c, 0x3a, 0xff];
  let results = 0;
  for (const sample of samples) {
    const base = bytesOf(sample);
    for (let at = 0; at < base.length; at++) {
      for (const byte of replacements) {
        const bytes = base.slice();
        bytes[at] = byte;
        const got = parseRequestHead(bytes, 0, bytes.length, LIMITS);
        assert.ok(got instanceof RequestParseError || got.headerNames);
        results++;
      }
    }
  }
  assert.ok(results > 1000);
});

Deno.test(`${P} decodes values of every length as latin1`, () => {
  // Every VCHAR and obs-text byte: no OWS, so nothing gets trimmed.
  const visible: number[] = [];
  for (let byte = 0x21; byte <= 0xff; byte++) {
    if (byte !== 0x7f) visible.push(byte);
  }
  for (const length of [...Array(50).keys(), 511, 512, 513, 4097]) {
    let value = "";
    for (let k = 0; k < length; k++) {
      value += String.fromCharCode(visible[(k * 7) % visible.length]);
    }
    const got = parse(get11(`X: ${value}`));
    assert.ok(!(got instanceof RequestParseError), `length ${length}`);
    assert.equal(got.headerValues[1], value, `length ${length}`);
  }
});

Deno.test(`${P} lowercases uncommon names of every length`, () => {
  for (let length = 1; length < 40; length++) {
    const name = "X-aB".repeat(10).slice(0, length);
    const got = parse(get11(`${name}: v`));
    assert.ok(!(got instanceof RequestParseError), `length ${length}`);
    assert.equal(got.headerNames[1], name.toLowerCase());
  }
});

// ---------------------------------------------------------------------------
// After a previous head on the same connection: its strings, or itself, are
// used again; the result is what the head parses to alone.

function parseAfter(
  text: string,
  previous: RequestHead,
): RequestHead | RequestParseError {
  const bytes = bytesOf(text);
  return parseRequestHead(bytes, 0, bytes.length, LIMITS, previous);
}

function parsedHead(text: string, previous?: RequestHead): RequestHead {
  const head = previous === undefined
    ? parse(text)
    : parseAfter(text, previous);
  assert.ok(!(head instanceof RequestParseError), String(head));
  return head;
}

const BASE = "GET /a.html HTTP/1.1\r\nHost: h1\r\nAccept: */*\r\n\r\n";

/** Heads that follow BASE, each repeating some of it. */
const NEXT: Record<string, string> = {
  "the same": BASE,
  "another target of the same length":
    "GET /b.html HTTP/1.1\r\nHost: h1\r\nAccept: */*\r\n\r\n",
  "another value of the same length":
    "GET /a.html HTTP/1.1\r\nHost: h2\r\nAccept: */*\r\n\r\n",
  "names in other case, other whitespace":
    "GET /a.html HTTP/1.1\r\nHOST:h1 \r\naccept:\t*/*\r\n\r\n",
  "a field more": "GET /a.html HTTP/1.1\r\nHost: h1\r\nAccept: */*\r\n" +
    "Connection: close\r\n\r\n",
  "a field less": "GET /a.html HTTP/1.1\r\nHost: h1\r\n\r\n",
  "the fields swapped":
    "GET /a.html HTTP/1.1\r\nAccept: */*\r\nHost: h1\r\n\r\n",
  "another method": "HEAD /a.html HTTP/1.1\r\nHost: h1\r\nAccept: */*\r\n\r\n",
  "HTTP/1.0": "GET /a.html HTTP/1.0\r\nHost: h1\r\nAccept: */*\r\n\r\n",
  "a body": "GET /a.html HTTP/1.1\r\nHost: h1\r\nAccept: */*\r\n" +
    "Content-Length: 5\r\n\r\n",
  "a second Host (refused)":
    "GET /a.html HTTP/1.1\r\nHost: h1\r\nHost: h1\r\n\r\n",
  "too many fields (refused)": "GET /a.html HTTP/1.1\r\nHost: h1\r\n" +
    "A: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\nF: 6\r\nG: 7\r\nH: 8\r\n\r\n",
};

Deno.test("parseRequestHead() after a previous head parses as without one", () => {
  const previous = parsedHead(BASE);
  for (const [name, text] of Object.entries(NEXT)) {
    assert.deepEqual(parseAfter(text, previous), parse(text), name);
  }
});

Deno.test("parseRequestHead() answers a head that repeats the previous with the previous", () => {
  const previous = parsedHead(BASE);
  assert.equal(parsedHead(BASE, previous), previous);
  assert.equal(
    parsedHead(NEXT["names in other case, other whitespace"], previous),
    previous,
  );
  const other = parsedHead(NEXT["another value of the same length"], previous);
  assert.notEqual(other, previous);
  assert.equal(other.host, "h2");
  assert.equal(previous.host, "h1");
});

Deno.test("parseRequestHead() keeps no field of a refused head for the next", () => {
  assert.ok(
    parse(NEXT["too many fields (refused)"]) instanceof RequestParseError,
  );
  const head = parsedHead("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  assert.deepEqual(head.headerNames, ["host"]);
  assert.deepEqual(head.headerValues, ["x"]);
});
