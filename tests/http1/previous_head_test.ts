/**
 * A connection's previous head: a head whose bytes repeat it is it, any
 * other head parses as it would alone, and what is kept stays bounded.
 */

import assert from "node:assert/strict";
import {
  PREVIOUS_HEAD_MAX_BYTES,
  PreviousHead,
} from "../../src/http1/previous_head.ts";
import { parseRequestHead } from "../../src/http1/parse_request_head.ts";
import {
  type RequestHead,
  RequestParseError,
} from "../../src/http1/request_head.ts";

const LIMITS = { maxRequestTargetBytes: 8192, maxHeaderCount: 100 };
const encoder = new TextEncoder();

/** Parse `text` through `previous`, from an offset in a larger buffer. */
function through(
  previous: PreviousHead,
  text: string,
): RequestHead | RequestParseError {
  const bytes = encoder.encode("xx" + text + "yy");
  return previous.parse(bytes, 2, 2 + text.length, LIMITS);
}

function alone(text: string): RequestHead | RequestParseError {
  const bytes = encoder.encode(text);
  return parseRequestHead(bytes, 0, bytes.length, LIMITS);
}

const A = "GET /a HTTP/1.1\r\nHost: one\r\n\r\n";
const B = "GET /b HTTP/1.1\r\nHost: one\r\n\r\n";

Deno.test("PreviousHead hands on the previous head for the same bytes", () => {
  const previous = new PreviousHead();
  const first = through(previous, A);
  assert.deepEqual(first, alone(A));
  assert.equal(through(previous, A), first);
});

Deno.test("PreviousHead parses other bytes as they parse alone", () => {
  const previous = new PreviousHead();
  const sequence = [A, B, A, "GET /a HTTP/1.1\r\nHost: two\r\n\r\n", A];
  let last: RequestHead | RequestParseError | undefined;
  for (const text of sequence) {
    const head = through(previous, text);
    assert.deepEqual(head, alone(text), text);
    assert.notEqual(head, last);
    last = head;
  }
});

Deno.test("PreviousHead keeps the previous head across a refused one", () => {
  const previous = new PreviousHead();
  const first = through(previous, A);
  const refused = through(previous, "GET /a HTTP/1.1\r\n\r\n");
  assert.ok(refused instanceof RequestParseError);
  assert.equal(refused.status, 400);
  assert.equal(through(previous, A), first);
});

Deno.test("PreviousHead keeps no head over PREVIOUS_HEAD_MAX_BYTES", () => {
  const previous = new PreviousHead();
  const big = "GET /a HTTP/1.1\r\nHost: one\r\nX: " +
    "v".repeat(PREVIOUS_HEAD_MAX_BYTES) + "\r\n\r\n";
  const first = through(previous, big);
  const again = through(previous, big);
  assert.deepEqual(again, alone(big));
  assert.notEqual(again, first);
});

// ---------------------------------------------------------------------------
// A head that repeats only the previous head's field section: its request
// line is parsed, its fields are the previous head's. Whatever the request
// line holds, the answer is what the head parses to alone.

/** Tight limits, so that 414 and 431 are reachable with short heads. */
const TIGHT = { maxRequestTargetBytes: 600, maxHeaderCount: 8 };

/** A head from its request line (no CRLF) and its field lines. */
function headOf(line: string, fields: readonly string[]): string {
  return line + "\r\n" + fields.map((field) => field + "\r\n").join("") +
    "\r\n";
}

/** Request lines a previous head may have, all of which parse. */
const GOOD_LINES = [
  "GET / HTTP/1.1",
  "GET /a HTTP/1.1",
  "HEAD /small/f0001.txt HTTP/1.1",
  "GET /a HTTP/1.0",
  "GET /a?q=1 HTTP/1.2",
  "POST /upload HTTP/1.1",
  "GET http://other.example/x HTTP/1.1",
  "GET HTTP://one:80/x HTTP/1.0",
  "CONNECT one:443 HTTP/1.1",
  "OPTIONS * HTTP/1.1",
  "get /a HTTP/1.1",
  "PATCH /" + "p".repeat(400) + " HTTP/1.1",
];

/** Request lines that do not parse, each for its own reason. */
const BAD_LINES = [
  "CONNECT /a HTTP/1.1", // origin-form for CONNECT
  "GET * HTTP/1.1", // * for other than OPTIONS
  "GET one:443 HTTP/1.1", // authority-form for GET
  "GET /a HTTP/2.0", // 505
  "GET /a HTTP/1.1 ",
  "GET /a  HTTP/1.1",
  "GET /a\tb HTTP/1.1",
  "G(T /a HTTP/1.1",
  " GET /a HTTP/1.1",
  "GET /a http/1.1",
  "GET /" + "x".repeat(TIGHT.maxRequestTargetBytes) + " HTTP/1.1", // 414
  "GET /a\nb HTTP/1.1", // bare LF
  "GET /a HTTP/1.1\rX", // bare CR
  "GET /a HTTP/1.1\r\nHost: injected", // a field line of its own
  "GET /a HTTP/1.1\r\nTransfer-Encoding: chunked",
  "GET /a HTTP/1.1\r\n", // the fields start after an empty line
  "",
];

/** Field sections: accepted under one version or both, or refused. */
const FIELD_SETS: ReadonlyArray<readonly string[]> = [
  ["Host: one"],
  ["Host: 127.0.0.1:18000"],
  [], // Missing Host in HTTP/1.1 only
  ["Host: one", "Connection: keep-alive"],
  ["Host: one", "Connection: close"],
  ["Host: one", "Transfer-Encoding: chunked"], // refused in HTTP/1.0
  ["Host: one", "Content-Length: 5"],
  ["Host: one", "Expect: 100-continue"], // ignored in HTTP/1.0
  ["Host: one", "Expect: other"], // 417
  ["Host: one", "Host: two"], // 400
  ["host: one", "X-Long: " + "v".repeat(1500)],
  ["Host: one", "A: 1", "B: 2", "C: 3", "D: 4", "E: 5", "F: 6", "G: 7"],
  ["Host: one", "A: 1", "B: 2", "C: 3", "D: 4", "E: 5", "F: 6", "G: 7", "H: 8"],
  [
    "Host: localhost:8000",
    "Connection: keep-alive",
    'sec-ch-ua: "Chromium";v="124"',
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64)",
    "Accept: */*",
    "Sec-Fetch-Site: same-origin",
    "Referer: http://localhost:8000/",
    "Accept-Encoding: gzip, br",
  ],
];

function throughWith(
  previous: PreviousHead,
  text: string,
  limits: typeof TIGHT,
): RequestHead | RequestParseError {
  const bytes = encoder.encode("xx" + text + "yy");
  return previous.parse(bytes, 2, 2 + text.length, limits);
}

function aloneWith(
  text: string,
  limits: typeof TIGHT,
): RequestHead | RequestParseError {
  const bytes = encoder.encode(text);
  return parseRequestHead(bytes, 0, bytes.length, limits);
}

Deno.test("PreviousHead: any request line before the previous head's fields parses as the head alone", () => {
  let reused = 0;
  let refused = 0;
  for (const fields of FIELD_SETS) {
    for (const first of GOOD_LINES) {
      for (const line of [...GOOD_LINES, ...BAD_LINES]) {
        const previous = new PreviousHead();
        const head = headOf(line, fields);
        const before = throughWith(previous, headOf(first, fields), TIGHT);
        const got = throughWith(previous, head, TIGHT);
        assert.deepEqual(got, aloneWith(head, TIGHT), `${first} → ${head}`);
        if (got instanceof RequestParseError) refused++;
        else if (
          !(before instanceof RequestParseError) && got !== before &&
          got.headerNames === before.headerNames
        ) reused++;
      }
    }
  }
  // Both ways out are taken, and the fields are reused where they may be.
  assert.ok(refused > 1000, `${refused} refused`);
  assert.ok(reused > 500, `${reused} reused`);
});

Deno.test("PreviousHead: a changed byte in the field section is parsed anew", () => {
  const replacements = [0x7a, 0x20, 0x09, 0x0d, 0x0a, 0x3a, 0x00, 0x7f, 0xff];
  for (const fields of [FIELD_SETS[1], FIELD_SETS[6], FIELD_SETS[13]]) {
    const good = headOf("GET /a HTTP/1.1", fields);
    const line = "GET /b HTTP/1.1";
    const base = encoder.encode(headOf(line, fields));
    for (let at = line.length; at < base.length; at++) {
      for (const replacement of [base[at] ^ 0x20, ...replacements]) {
        const bytes = base.slice();
        bytes[at] = replacement;
        const previous = new PreviousHead();
        const first = throughWith(previous, good, TIGHT);
        assert.ok(!(first instanceof RequestParseError));
        const got = previous.parse(bytes, 0, bytes.length, TIGHT);
        const want = parseRequestHead(bytes, 0, bytes.length, TIGHT);
        assert.deepEqual(got, want, `byte ${at} → ${replacement}`);
      }
    }
  }
});

Deno.test("PreviousHead: one field more or less is parsed anew", () => {
  const previous = new PreviousHead();
  const fields = ["Host: one", "X: 1"];
  throughWith(previous, headOf("GET /a HTTP/1.1", fields), TIGHT);
  for (
    const text of [
      headOf("GET /b HTTP/1.1", ["Host: two", ...fields]),
      headOf("GET /c HTTP/1.1", ["Host: two", ...fields].slice(1)),
      // The same bytes at the end, a field line more before them.
      headOf("GET /d HTTP/1.1", ["Host: two", ...fields].slice(1)),
      headOf("GET /e HTTP/1.1\r\nHost: two", ["X: 1"]),
    ]
  ) {
    assert.deepEqual(
      throughWith(previous, text, TIGHT),
      aloneWith(text, TIGHT),
    );
  }
});

Deno.test("PreviousHead: the same fields under other limits are parsed anew", () => {
  const previous = new PreviousHead();
  const fields = FIELD_SETS[12]; // nine fields: over TIGHT's eight
  const first = through(previous, headOf("GET /a HTTP/1.1", fields));
  assert.ok(!(first instanceof RequestParseError));
  const got = throughWith(previous, headOf("GET /b HTTP/1.1", fields), TIGHT);
  assert.ok(got instanceof RequestParseError);
  assert.equal(got.status, 431);
});

Deno.test("PreviousHead: a version change with the same fields recomputes what depends on it", () => {
  const cases: Array<[string, string, readonly string[]]> = [
    ["GET /a HTTP/1.1", "GET /b HTTP/1.0", ["Host: one"]],
    ["GET /a HTTP/1.0", "GET /b HTTP/1.1", ["Host: one"]],
    ["GET /a HTTP/1.0", "GET /b HTTP/1.1", ["Connection: keep-alive"]],
    ["GET /a HTTP/1.1", "GET /b HTTP/1.0", ["Host: a", "Expect: 100-continue"]],
    ["GET /a HTTP/1.1", "GET /b HTTP/1.0", ["Host: a", "Connection: x"]],
    [
      "POST /a HTTP/1.1",
      "POST /b HTTP/1.0",
      ["Host: a", "Transfer-Encoding: chunked"],
    ],
  ];
  for (const [firstLine, line, fields] of cases) {
    const previous = new PreviousHead();
    const first = throughWith(previous, headOf(firstLine, fields), TIGHT);
    assert.ok(!(first instanceof RequestParseError), firstLine);
    const text = headOf(line, fields);
    const got = throughWith(previous, text, TIGHT);
    assert.deepEqual(got, aloneWith(text, TIGHT), text);
    if (!(got instanceof RequestParseError)) {
      assert.equal(got.minorVersion, line.endsWith("0") ? 0 : 1);
    }
  }
});

Deno.test("PreviousHead: an absolute-form target keeps its own authority beside a repeated Host", () => {
  const previous = new PreviousHead();
  const fields = ["Host: one"];
  through(previous, headOf("GET /x HTTP/1.1", fields));
  const got = through(
    previous,
    headOf("GET http://two:8080/x HTTP/1.1", fields),
  );
  assert.ok(!(got instanceof RequestParseError));
  assert.equal(got.target, "http://two:8080/x");
  assert.equal(got.host, "one");
  const back = through(previous, headOf("GET /y HTTP/1.1", fields));
  assert.ok(!(back instanceof RequestParseError));
  assert.equal(back.target, "/y");
});

Deno.test("PreviousHead: the kept copy follows request lines that grow and shrink", () => {
  const previous = new PreviousHead();
  const fields = ["Host: one", "X-Pad: " + "p".repeat(100)];
  const lines = [
    "GET / HTTP/1.1",
    "GET /" + "a".repeat(500) + " HTTP/1.1", // past the first copy's room
    "GET /b HTTP/1.1",
    "GET /" + "c".repeat(40) + " HTTP/1.1",
    "GET / HTTP/1.1",
  ];
  const probe = headOf("GET /z HTTP/1.1", fields);
  for (const line of lines) {
    const text = headOf(line, fields);
    const head = throughWith(previous, text, TIGHT);
    assert.ok(!(head instanceof RequestParseError));
    assert.deepEqual(head, aloneWith(text, TIGHT));
    // The fields kept are this head's: another line before them reuses
    // them, and its own bytes again hand it on.
    const other = throughWith(previous, probe, TIGHT);
    assert.ok(!(other instanceof RequestParseError));
    assert.equal(other.headerNames, head.headerNames, line);
    assert.equal(throughWith(previous, probe, TIGHT), other, line);
  }
});

Deno.test("PreviousHead: a walk over request lines and field sections parses as each head alone", () => {
  const previous = new PreviousHead();
  const lines = [...GOOD_LINES, ...BAD_LINES];
  let seed = 14;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  let fields = FIELD_SETS[0];
  for (let step = 0; step < 3000; step++) {
    if (next(5) === 0) fields = FIELD_SETS[next(FIELD_SETS.length)];
    // Mostly good lines, so that heads are kept and lent.
    const line = next(4) === 0
      ? lines[next(lines.length)]
      : GOOD_LINES[next(GOOD_LINES.length)];
    const text = headOf(line, fields);
    assert.deepEqual(
      throughWith(previous, text, TIGHT),
      aloneWith(text, TIGHT),
      `step ${step}: ${text}`,
    );
  }
});
