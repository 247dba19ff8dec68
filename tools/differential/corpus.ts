/**
 * The differential corpus: raw requests (valid, odd and hostile) that
 * `tools/differential.ts` sends byte for byte to berth and to nginx.
 *
 * Each entry is one connection's worth of bytes (several requests when
 * pipelined). `explain` says why berth and nginx answer differently; the
 * runner fails on a difference that has none, so every difference is either
 * fixed or explained.
 *
 * The fixture tree (written by the runner under `tools/out/differential/`):
 *
 *     site/index.html  site/hello.txt ("hello\n")  site/A.txt  site/a b.txt
 *     site/%41.txt     site/big.bin (64 KiB)       site/.hidden
 *     site/dir/index.html  site/dir/file.txt       site/sub/x.txt (no index)
 *     site/link-out -> ../secret.txt               secret.txt (outside root)
 *
 * @module
 */

/** One corpus entry. */
export interface CorpusEntry {
  /** Stable id, used as the table's first column. */
  id: string;
  /** valid, odd (legal but unusual) or hostile (malformed or an attack). */
  kind: "valid" | "odd" | "hostile";
  /** What it is, in a few words. */
  title: string;
  /** The bytes to send, one character per byte (latin1). */
  raw: string;
  /** The first request is a HEAD (its response has no body). */
  head?: boolean;
  /** Why the two servers differ, when they do (RFC references welcome). */
  explain?: string;
  /**
   * berth's right answer (statuses joined by " + "), when a berth bug was
   * found here: a berth answer other than this is reported with `bug`.
   */
  berthShould?: string;
  /** The bug, as long as berth does not answer `berthShould`. */
  bug?: string;
}

const H = "Host: localhost\r\n";
const get = (target: string, fields = "", version = "HTTP/1.1") =>
  `GET ${target} ${version}\r\n${H}${fields}\r\n`;

/** A whole request, sent as another request's body. */
const SMUGGLED = get("/A.txt");

/** The corpus, in table order. */
export const CORPUS: CorpusEntry[] = [
  // -- valid ---------------------------------------------------------------
  { id: "v01", kind: "valid", title: "GET /", raw: get("/") },
  { id: "v02", kind: "valid", title: "GET a file", raw: get("/hello.txt") },
  {
    id: "v03",
    kind: "valid",
    title: "HEAD a file",
    raw: `HEAD /hello.txt HTTP/1.1\r\n${H}\r\n`,
    head: true,
  },
  { id: "v04", kind: "valid", title: "missing file", raw: get("/missing.txt") },
  {
    id: "v05",
    kind: "valid",
    title: "directory without slash",
    raw: get("/dir"),
  },
  { id: "v06", kind: "valid", title: "directory index", raw: get("/dir/") },
  {
    id: "v07",
    kind: "valid",
    title: "directory without index, no listing",
    raw: get("/sub/"),
    explain:
      "No index file and no listing: nginx answers 403 (autoindex off), berth 404 (`--dir-listing` off), so a folder without an index looks like nothing at all.",
  },
  {
    id: "v08",
    kind: "valid",
    title: "HTTP/1.0 without Host",
    raw: "GET /hello.txt HTTP/1.0\r\n\r\n",
  },
  {
    id: "v09",
    kind: "valid",
    title: "HTTP/1.0 keep-alive, pipelined",
    raw: "GET /hello.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" +
      "GET /A.txt HTTP/1.0\r\n\r\n",
  },
  {
    id: "v10",
    kind: "valid",
    title: "two pipelined GETs",
    raw: get("/hello.txt") + get("/A.txt"),
  },
  {
    id: "v11",
    kind: "valid",
    title: "Range bytes=0-4",
    raw: get("/big.bin", "Range: bytes=0-4\r\n"),
  },
  {
    id: "v12",
    kind: "valid",
    title: "Range past the end",
    raw: get("/big.bin", "Range: bytes=1000000-\r\n"),
  },
  {
    id: "v13",
    kind: "valid",
    title: "If-None-Match: *",
    raw: get("/hello.txt", "If-None-Match: *\r\n"),
  },
  {
    id: "v14",
    kind: "valid",
    title: "OPTIONS a file",
    raw: `OPTIONS /hello.txt HTTP/1.1\r\n${H}\r\n`,
    explain:
      "berth answers OPTIONS with 204 and `Allow: GET, HEAD, OPTIONS` (RFC 9110 §9.3.7); nginx's static module allows only GET/HEAD/POST and answers 405.",
  },
  {
    id: "v15",
    kind: "valid",
    title: "POST with a body",
    raw: `POST /hello.txt HTTP/1.1\r\n${H}Content-Length: 5\r\n\r\nhello`,
  },
  {
    id: "v16",
    kind: "valid",
    title: "encoded space",
    raw: get("/a%20b.txt"),
  },
  {
    id: "v17",
    kind: "valid",
    title: "query string",
    raw: get("/hello.txt?x=1&y=%20"),
  },
  {
    id: "v18",
    kind: "valid",
    title: "Host with a port",
    raw: "GET /hello.txt HTTP/1.1\r\nHost: localhost:8080\r\n\r\n",
  },
  {
    id: "v19",
    kind: "valid",
    title: "GET with an empty chunked body",
    raw: get("/hello.txt", "Transfer-Encoding: chunked\r\n") + "0\r\n\r\n",
  },
  {
    id: "v20",
    kind: "valid",
    title: "Expect: 100-continue on GET",
    raw: get("/hello.txt", "Expect: 100-continue\r\n"),
    explain:
      "Both send the 200. nginx first sends an interim `100 Continue` although a GET without Content-Length has no body to wait for; berth sends 100 only when the handler starts reading a body (RFC 9110 §10.1.1 lets a server omit it).",
  },
  {
    id: "v21",
    kind: "valid",
    title: "literal %41 name, encoded as %2541",
    raw: get("/%2541.txt"),
  },

  // -- odd -----------------------------------------------------------------
  {
    id: "o01",
    kind: "odd",
    title: "absolute-form",
    raw: "GET http://localhost/hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n",
  },
  {
    id: "o02",
    kind: "odd",
    title: "absolute-form, another host",
    raw: "GET http://example.com/hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n",
  },
  {
    id: "o03",
    kind: "odd",
    title: "OPTIONS *",
    raw: `OPTIONS * HTTP/1.1\r\n${H}\r\n`,
    explain:
      "RFC 9112 §3.2.4 defines asterisk-form for OPTIONS; berth answers it (204). nginx does not implement asterisk-form and rejects it as a bad request line.",
  },
  {
    id: "o04",
    kind: "odd",
    title: "trailing dot",
    raw: get("/hello.txt."),
  },
  {
    id: "o05",
    kind: "odd",
    title: "double slash",
    raw: get("//hello.txt"),
  },
  {
    id: "o06",
    kind: "odd",
    title: "dot segments inside the root",
    raw: get("/dir/../hello.txt"),
  },
  {
    id: "o07",
    kind: "odd",
    title: "single-dot segment",
    raw: get("/./hello.txt"),
  },
  {
    id: "o08",
    kind: "odd",
    title: "lowercase method",
    raw: `get /hello.txt HTTP/1.1\r\n${H}\r\n`,
    explain:
      "Methods are case-sensitive (RFC 9110 §9.1): `get` is an unknown method, and a `Request` would turn it into GET, so berth answers it itself with 501 (as CONNECT and TRACE); nginx allows only uppercase letters in a method (400).",
    berthShould: "501",
    bug:
      "berth serves `get` as GET: the `Request` constructor upper-cases get, head, post, put, delete and options, though methods are case-sensitive (RFC 9110 §9.1) (ignored reproducer in tests/faults_test.ts).",
  },
  {
    id: "o09",
    kind: "odd",
    title: "bare LF line endings",
    raw: "GET /hello.txt HTTP/1.1\nHost: localhost\n\n",
    explain:
      "RFC 9112 §2.2 lets a recipient accept a bare LF; nginx does. berth rejects it (400) on purpose: LF-only framing is a request-smuggling vector when a proxy in front disagrees.",
  },
  {
    id: "o10",
    kind: "odd",
    title: "HTTP/1.2",
    raw: get("/hello.txt", "", "HTTP/1.2"),
    berthShould: "200",
    bug:
      "RFC 9110 §2.5: a recipient SHOULD process a higher minor version (HTTP/1.2) as the highest it implements (1.1), as nginx does; berth answers 505 (ignored reproducer in tests/faults_test.ts).",
  },
  {
    id: "o11",
    kind: "odd",
    title: "HTTP/2.0 request line",
    raw: get("/hello.txt", "", "HTTP/2.0"),
  },
  {
    id: "o12",
    kind: "odd",
    title: "leading empty line",
    raw: "\r\n" + get("/hello.txt"),
  },
  {
    id: "o13",
    kind: "odd",
    title: "two spaces in the request line",
    raw: `GET  /hello.txt HTTP/1.1\r\n${H}\r\n`,
    explain:
      "RFC 9112 §3 allows exactly one SP between the parts (other whitespace only as a lenient option); nginx skips extra spaces, berth answers 400.",
  },
  {
    id: "o14",
    kind: "odd",
    title: "fragment in the target",
    raw: get("/hello.txt#frag"),
    explain:
      '`#` cannot appear in a request-target (RFC 9112 §3.2: origin-form is absolute-path [ "?" query ]); berth answers 400, nginx drops the fragment and serves the file.',
  },
  {
    id: "o15",
    kind: "odd",
    title: "encoded slash",
    raw: get("/dir%2Ffile.txt"),
    explain:
      "nginx decodes %2F into a separator and serves dir/file.txt; berth never lets an encoded slash become a separator (400, connection kept), so an encoded path cannot address what the plain one would not.",
  },
  {
    id: "o16",
    kind: "odd",
    title: "backslash in the path",
    raw: get("/dir\\file.txt"),
    explain:
      "`\\` is no URI character (RFC 3986 §2): berth refuses it in a request-target (400), as it refuses `%5c`, so it can never become a separator; nginx looks up a name with a backslash in it (404).",
    berthShould: "400",
    bug:
      "berth accepts a raw `\\` and the handler's WHATWG URL parsing turns it into `/`, so `/dir\\file.txt` is served as `/dir/file.txt`: path confusion behind a proxy that filters on paths; nothing leaves the root (ignored reproducer in tests/faults_test.ts).",
  },
  {
    id: "o17",
    kind: "odd",
    title: "dotfile",
    raw: get("/.hidden"),
    explain:
      "berth hides dotfiles by default (404, `--dotfiles` serves them); nginx serves every file under the root.",
  },
  {
    id: "o18",
    kind: "odd",
    title: "raw UTF-8 in the path",
    raw: get("/caf\xc3\xa9.txt"),
    explain:
      "Raw bytes ≥ 0x80 are not allowed in a URI (RFC 3986 §2, RFC 9112 §3.2); berth answers 400, nginx looks the name up (404).",
  },
  {
    id: "o19",
    kind: "odd",
    title: "Expect: something else",
    raw: get("/hello.txt", "Expect: the-unexpected\r\n"),
    explain:
      "RFC 9110 §10.1.1: a server MAY answer an unknown expectation with 417; berth does, nginx ignores the field.",
  },
  {
    id: "o20",
    kind: "odd",
    title: "chunk extension",
    raw: `POST /hello.txt HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n` +
      "5;name=value\r\nhello\r\n0\r\n\r\n",
  },
  {
    id: "o21",
    kind: "odd",
    title: "underscore in a field name",
    raw: get("/hello.txt", "X_Forwarded_For: 1.2.3.4\r\n"),
  },
  {
    id: "o22",
    kind: "odd",
    title: "trailing space after the version",
    raw: `GET /hello.txt HTTP/1.1 \r\n${H}\r\n`,
    explain:
      "Not in the request-line grammar (RFC 9112 §3); nginx tolerates trailing spaces, berth answers 400.",
  },
  {
    id: "o23",
    kind: "odd",
    title: "Range with many overlapping parts",
    raw: get(
      "/big.bin",
      `Range: bytes=${Array(100).fill("0-0").join(",")}\r\n`,
    ),
    explain:
      "RFC 9110 §14.2 lets a server ignore a Range it finds abusive: berth honours at most 16 ranges (`maxRanges`) and past that ignores the field (full 200); nginx (max_ranges unset) answers a multipart 206 with 100 parts.",
  },
  {
    id: "o24",
    kind: "odd",
    title: "Range bytes=-0",
    raw: get("/big.bin", "Range: bytes=-0\r\n"),
  },
  {
    id: "o25",
    kind: "odd",
    title: "Range end before start",
    raw: get("/big.bin", "Range: bytes=5-1\r\n"),
  },

  // -- hostile -------------------------------------------------------------
  {
    id: "h01",
    kind: "hostile",
    title: "missing Host on HTTP/1.1",
    raw: "GET /hello.txt HTTP/1.1\r\n\r\n",
  },
  {
    id: "h02",
    kind: "hostile",
    title: "two Host fields",
    raw: `GET /hello.txt HTTP/1.1\r\n${H}Host: other\r\n\r\n`,
  },
  {
    id: "h03",
    kind: "hostile",
    title: "Host with a space",
    raw: "GET /hello.txt HTTP/1.1\r\nHost: a b\r\n\r\n",
  },
  {
    id: "h04",
    kind: "hostile",
    title: "encoded dot-dot to leave the root",
    raw: get("/%2e%2e/secret.txt"),
    explain:
      "Both keep the file outside the root out. berth's handler sees the path after WHATWG URL parsing, which resolves dot segments (`%2e%2e` too) and clamps them at the root: `/secret.txt` inside the root does not exist (404). nginx refuses a path that climbs above the root (400).",
  },
  {
    id: "h05",
    kind: "hostile",
    title: "plain dot-dot to leave the root",
    raw: get("/../secret.txt"),
    explain:
      "As h04: berth resolves `..` at the root and finds nothing (404); nginx answers 400.",
  },
  {
    id: "h06",
    kind: "hostile",
    title: "encoded slash and dot-dot",
    raw: get("/..%2fsecret.txt"),
  },
  {
    id: "h07",
    kind: "hostile",
    title: "overlong UTF-8 dot-dot",
    raw: get("/%c0%ae%c0%ae/secret.txt"),
    explain:
      "`%c0%ae` is an overlong (invalid) UTF-8 encoding of `.`: berth refuses invalid UTF-8 in a path (400); nginx looks up a file named with those raw bytes (404). Neither leaves the root.",
  },
  {
    id: "h08",
    kind: "hostile",
    title: "symlink out of the root",
    raw: get("/link-out"),
    explain:
      "nginx follows symlinks anywhere by default (disable_symlinks off) and serves the file outside the root; berth resolves real paths and refuses to leave the root (404). nginx's leak is its documented default, not a berth issue.",
  },
  {
    id: "h09",
    kind: "hostile",
    title: "NUL in the path",
    raw: get("/%00"),
  },
  {
    id: "h10",
    kind: "hostile",
    title: "NUL in a field value",
    raw: get("/hello.txt", "X-Test: a\x00b\r\n"),
  },
  {
    id: "h11",
    kind: "hostile",
    title: "obs-fold",
    raw: get("/hello.txt", "X-Test: a\r\n b\r\n"),
  },
  {
    id: "h12",
    kind: "hostile",
    title: "whitespace before the colon",
    raw: get("/hello.txt", "X-Test : a\r\n"),
  },
  {
    id: "h13",
    kind: "hostile",
    title: "Content-Length and Transfer-Encoding",
    raw: `POST /hello.txt HTTP/1.1\r\n${H}Content-Length: 5\r\n` +
      "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
  },
  {
    id: "h14",
    kind: "hostile",
    title: "two different Content-Lengths",
    raw: `POST /hello.txt HTTP/1.1\r\n${H}Content-Length: 5\r\n` +
      "Content-Length: 6\r\n\r\nhello!",
  },
  {
    id: "h15",
    kind: "hostile",
    title: "two equal Content-Lengths",
    raw: `POST /hello.txt HTTP/1.1\r\n${H}Content-Length: 5\r\n` +
      "Content-Length: 5\r\n\r\nhello",
  },
  {
    id: "h16",
    kind: "hostile",
    title: "Transfer-Encoding: chunked, identity",
    raw: `POST /hello.txt HTTP/1.1\r\n${H}` +
      "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
  },
  {
    id: "h17",
    kind: "hostile",
    title: "Transfer-Encoding: identity, chunked",
    raw: `POST /hello.txt HTTP/1.1\r\n${H}` +
      "Transfer-Encoding: identity, chunked\r\n\r\n0\r\n\r\n",
  },
  {
    id: "h18",
    kind: "hostile",
    title: "huge chunk size",
    raw: `POST /hello.txt HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n` +
      "ffffffffffffffffffff\r\nhello\r\n0\r\n\r\n",
  },
  {
    id: "h19",
    kind: "hostile",
    title: "chunked on HTTP/1.0",
    raw: "POST /hello.txt HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n" +
      "0\r\n\r\n",
  },
  {
    id: "h20",
    kind: "hostile",
    title: "negative Content-Length",
    raw: `POST /hello.txt HTTP/1.1\r\n${H}Content-Length: -1\r\n\r\n`,
  },
  {
    id: "h21",
    kind: "hostile",
    title: "Content-Length with a sign",
    raw: `POST /hello.txt HTTP/1.1\r\n${H}Content-Length: +5\r\n\r\nhello`,
  },
  {
    id: "h22",
    kind: "hostile",
    title: "9 KiB request-target",
    raw: get("/" + "a".repeat(9 * 1024)),
  },
  {
    id: "h23",
    kind: "hostile",
    title: "200 header fields",
    raw: get(
      "/hello.txt",
      Array.from({ length: 200 }, (_, i) => `X-F${i}: ${i}\r\n`).join(""),
    ),
    explain:
      "berth caps the number of fields (maxHeaderCount 100) and answers 431 (RFC 6585 §5); nginx limits only their size, not their number.",
  },
  {
    id: "h24",
    kind: "hostile",
    title: "a 20 KiB field value",
    raw: get("/hello.txt", `X-Big: ${"b".repeat(20 * 1024)}\r\n`),
    explain:
      "Both refuse; nginx's large_client_header_buffers (4 × 8k) answers 400 (\"Request Header Or Cookie Too Large\"), berth's 16 KiB head limit answers 431, the status RFC 6585 §5 defines for it.",
  },
  {
    id: "h25",
    kind: "hostile",
    title: "invalid byte in a field name",
    raw: get("/hello.txt", "X@Y: 1\r\n"),
    explain:
      "`@` is not a tchar (RFC 9110 §5.1), so the field line is invalid: berth answers 400, nginx drops such fields silently (ignore_invalid_headers on) and serves the request.",
  },
  {
    id: "h26",
    kind: "hostile",
    title: "TRACE",
    raw: `TRACE / HTTP/1.1\r\n${H}\r\n`,
    explain:
      "berth never echoes requests and answers TRACE with 501 (RFC 9110 §9.3.8, §15.6.2); nginx answers 405.",
  },
  {
    id: "h27",
    kind: "hostile",
    title: "CONNECT",
    raw: `CONNECT localhost:443 HTTP/1.1\r\n${H}\r\n`,
    explain:
      "berth has no tunnels and answers 501 (RFC 9110 §15.6.2); nginx rejects the authority-form target with 400.",
  },
  {
    id: "h28",
    kind: "hostile",
    title: "smuggled request in a body",
    raw: `POST /hello.txt HTTP/1.1\r\n${H}Content-Length: ${SMUGGLED.length}` +
      `\r\n\r\n${SMUGGLED}` + get("/hello.txt"),
  },
  {
    id: "h29",
    kind: "hostile",
    title: "bare LF after a chunk size",
    raw: `POST /hello.txt HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n` +
      "5\nhello\r\n0\r\n\r\n",
  },
  {
    id: "h30",
    kind: "hostile",
    title: "control byte in the target",
    raw: `GET /hel\x01lo.txt HTTP/1.1\r\n${H}\r\n`,
  },
  {
    id: "h31",
    kind: "hostile",
    title: "bare CR in a field value",
    raw: get("/hello.txt", "X-Test: a\rb\r\n"),
  },
  {
    id: "h32",
    kind: "hostile",
    title: "Content-Length in hex",
    raw: `POST /hello.txt HTTP/1.1\r\n${H}Content-Length: 0x5\r\n\r\nhello`,
  },
  // -- added after the first run -------------------------------------------
  {
    id: "v22",
    kind: "valid",
    title: "DELETE",
    raw: `DELETE /hello.txt HTTP/1.1\r\n${H}\r\n`,
  },
  {
    id: "v23",
    kind: "valid",
    title: "two ranges",
    raw: get("/big.bin", "Range: bytes=0-0,-1\r\n"),
  },
  {
    id: "v24",
    kind: "valid",
    title: "If-Range with another validator",
    raw: get("/big.bin", 'Range: bytes=0-4\r\nIf-Range: "nope"\r\n'),
  },
  {
    id: "o26",
    kind: "odd",
    title: "IPv6 literal Host",
    raw: "GET /hello.txt HTTP/1.1\r\nHost: [::1]:80\r\n\r\n",
  },
  {
    id: "o27",
    kind: "odd",
    title: "lowercase HEAD",
    raw: `head /hello.txt HTTP/1.1\r\n${H}\r\n`,
    explain:
      "As o08: `head` is an unknown method (501 from berth, 400 from nginx).",
    berthShould: "501",
    bug:
      "As o08: `head` reaches the handler as HEAD (ignored reproducer in tests/faults_test.ts).",
  },
  {
    id: "o28",
    kind: "odd",
    title: "unknown method",
    raw: `PATCH /hello.txt HTTP/1.1\r\n${H}\r\n`,
  },
  {
    id: "h33",
    kind: "hostile",
    title: "backslashes to leave the root",
    raw: get("/dir\\..\\..\\secret.txt"),
    explain:
      "As o16: berth refuses the raw `\\` (400); nginx looks up one name with backslashes in it (404). Nothing leaves the root either way.",
    berthShould: "400",
    bug:
      "As o16: `\\` taken as `/`, then the dot segments are clamped at the root (404, nothing leaks) (ignored reproducer in tests/faults_test.ts).",
  },
  {
    id: "h34",
    kind: "hostile",
    title: "encoded backslash",
    raw: get("/dir%5cfile.txt"),
    explain:
      "An encoded `\\` never becomes a separator in berth (400); nginx looks up a file named `dir\\file.txt` (404).",
  },
  {
    id: "h35",
    kind: "hostile",
    title: "malformed percent-encoding",
    raw: get("/%zz.txt"),
  },
  {
    id: "h36",
    kind: "hostile",
    title: "Transfer-Encoding: gzip, chunked",
    raw: `POST /hello.txt HTTP/1.1\r\n${H}` +
      "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
  },
];
