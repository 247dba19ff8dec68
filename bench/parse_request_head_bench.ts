/**
 * Micro benchmark of `parseRequestHead()` on three representative heads.
 * Run with `deno bench bench/parse_request_head_bench.ts`.
 *
 * @module
 */

import { parseRequestHead } from "../src/http1/parse_request_head.ts";
import {
  type RequestHeadLimits,
  RequestParseError,
} from "../src/http1/request_head.ts";

const LIMITS: RequestHeadLimits = {
  maxRequestTargetBytes: 8192,
  maxHeaderCount: 100,
};

function encode(lines: string[]): Uint8Array {
  return new TextEncoder().encode(lines.join("\r\n") + "\r\n\r\n");
}

// A Chrome subresource request: 12 fields, ~490 bytes.
const BROWSER = encode([
  "GET /assets/app.css?v=3 HTTP/1.1",
  "Host: localhost:8000",
  "Connection: keep-alive",
  'sec-ch-ua: "Chromium";v="124", "Not-A.Brand";v="99"',
  "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 " +
  "(KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
  "Accept: text/css,*/*;q=0.1",
  "Sec-Fetch-Site: same-origin",
  "Sec-Fetch-Mode: no-cors",
  "Sec-Fetch-Dest: style",
  "Referer: http://localhost:8000/",
  "Accept-Encoding: gzip, deflate, br, zstd",
  "Accept-Language: en-US,en;q=0.9",
  'If-None-Match: "5f3a-18c1e2b4"',
]);

const MINIMAL = encode(["GET / HTTP/1.1", "Host: a"]);

// What `wrk http://127.0.0.1:8000/index.html` sends: only Host is added.
const WRK = encode(["GET /index.html HTTP/1.1", "Host: 127.0.0.1:8000"]);

function bench(name: string, head: Uint8Array): void {
  // Fail loudly rather than benchmark the error path by accident.
  const probe = parseRequestHead(head, 0, head.length, LIMITS);
  if (probe instanceof RequestParseError) throw probe;
  Deno.bench(`parseRequestHead() ${name} (${head.length} bytes)`, () => {
    parseRequestHead(head, 0, head.length, LIMITS);
  });
}

bench("browser GET", BROWSER);
bench("minimal GET", MINIMAL);
bench("wrk GET", WRK);
