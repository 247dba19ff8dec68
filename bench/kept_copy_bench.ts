/**
 * What a fast-lane answer with a `Connection` field costs per request:
 * copied anew for each request (into the connection's reuse buffer for an
 * HTTP/1.0 keep-alive client, into a new buffer for a request that closes
 * its connection), against the copy kept on the answer (`keptCopy`, for
 * answers whose producer counted their copies).
 *
 * Answers the size of the harness's: a 2 KiB body (`bench/ab_keepalive.ts`)
 * and a 1 KiB one (`Connection: close`), with the file handler's fields.
 *
 * Run: `deno bench bench/kept_copy_bench.ts`.
 *
 * @module
 */

import {
  fastLaneBytes,
  keepAliveReuse,
  keptCopy,
  serializeFastLaneResponse,
} from "../src/http/fast_lane_response.ts";

const FIELDS = "accept-ranges: bytes\r\n" +
  "cache-control: public, max-age=0, must-revalidate\r\n" +
  "content-type: text/plain; charset=utf-8\r\n" +
  'etag: "800-2da82fe7"\r\n' +
  "last-modified: Wed, 02 Dec 2026 21:53:11 GMT\r\n" +
  "vary: Accept-Encoding\r\nx-content-type-options: nosniff\r\n";

function answerOf(bodyBytes: number) {
  return serializeFastLaneResponse({
    status: 200,
    fields: FIELDS,
    body: new Uint8Array(bodyBytes).fill(0x61),
    contentLength: bodyBytes,
    copiesCounted: true,
  }, Date.now());
}

const twoKiB = answerOf(2048);
const oneKiB = answerOf(1024);
let reuse: Uint8Array | null = null;
let sink = 0;

Deno.bench("HTTP/1.0 keep-alive, 2 KiB: a copy per request", {
  group: "keep-alive",
  baseline: true,
}, () => {
  reuse = keepAliveReuse(reuse, twoKiB);
  sink += fastLaneBytes(twoKiB, "keep-alive", reuse).length;
});

Deno.bench("HTTP/1.0 keep-alive, 2 KiB: keptCopy", {
  group: "keep-alive",
}, () => {
  sink += keptCopy(twoKiB, "keep-alive")!.length;
});

Deno.bench("Connection: close, 1 KiB: a new buffer per request", {
  group: "close",
  baseline: true,
}, () => {
  sink += fastLaneBytes(oneKiB, "close").length;
});

Deno.bench("Connection: close, 1 KiB: keptCopy", {
  group: "close",
}, () => {
  sink += keptCopy(oneKiB, "close")!.length;
});

globalThis.addEventListener("unload", () => {
  if (sink === 0) throw new Error("nothing was copied");
});
