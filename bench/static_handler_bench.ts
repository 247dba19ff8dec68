/**
 * In-process benchmarks of the static handler over this repository's own
 * `src/static/` folder (read-only, so `deno task bench` needs no write
 * permission). Run: `deno bench --allow-read bench/static_handler_bench.ts`.
 */

import {
  FAST_LANE,
  type FastLaneCarrier,
  type FastLaneRequest,
} from "../src/http/fast_lane.ts";
import { createStaticHandler } from "../src/static/static_handler.ts";

const root = new URL("../src/static/", import.meta.url).pathname;
const handler = createStaticHandler({ root, listing: true });
const streamed = createStaticHandler({ root, maxCachedFileBytes: 0 });
const first = await handler(new Request("http://localhost/static_handler.ts"));
const etag = first.headers.get("etag")!;
await first.body?.cancel();

async function run(
  h: (request: Request) => Promise<Response>,
  path: string,
  init?: RequestInit,
): Promise<void> {
  const response = await h(new Request(`http://localhost${path}`, init));
  await response.arrayBuffer();
}

Deno.bench("static GET small file from memory", {
  group: "get",
  baseline: true,
}, async () => {
  await run(handler, "/static_handler.ts");
});

Deno.bench(
  "static GET small file streamed from disk",
  { group: "get" },
  async () => {
    await run(streamed, "/static_handler.ts");
  },
);

Deno.bench(
  "static GET gzip on the fly (cached)",
  { group: "get" },
  async () => {
    await run(handler, "/static_handler.ts", {
      headers: { "accept-encoding": "gzip" },
    });
  },
);

Deno.bench("static 304 If-None-Match", { group: "conditional" }, async () => {
  await run(handler, "/static_handler.ts", {
    headers: { "if-none-match": etag },
  });
});

Deno.bench("static HEAD", { group: "conditional" }, async () => {
  await run(handler, "/static_handler.ts", { method: "HEAD" });
});

Deno.bench("static 206 single range", { group: "range" }, async () => {
  await run(handler, "/static_handler.ts", {
    headers: { range: "bytes=100-1099" },
  });
});

Deno.bench("static 206 multipart ranges", { group: "range" }, async () => {
  await run(handler, "/static_handler.ts", {
    headers: { range: "bytes=0-99,500-599,-100" },
  });
});

Deno.bench("static 404", { group: "misc" }, async () => {
  await run(handler, "/missing.txt");
});

Deno.bench("static 400 traversal", { group: "misc" }, async () => {
  await run(handler, "/..%2f..%2fetc/passwd");
});

Deno.bench("static directory listing", { group: "misc" }, async () => {
  await run(handler, "/");
});

// The fast lane alone: what a cached hit costs once the engine has parsed
// the head. The clock is frozen so that every call is a hit.
const laned = createStaticHandler({ root, now: () => 0 });
const lane = (laned as FastLaneCarrier)[FAST_LANE]!;
const BROWSER = "gzip, deflate, br, zstd";
for (const headers of [{}, { "accept-encoding": BROWSER }] as HeadersInit[]) {
  for (let i = 0; i < 2; i++) {
    await run(laned, "/static_handler.ts", { headers });
  }
}
function laneHead(acceptEncoding?: string): FastLaneRequest {
  const names = ["host", "user-agent"];
  const values = ["localhost", "bench"];
  if (acceptEncoding !== undefined) {
    names.push("accept-encoding");
    values.push(acceptEncoding);
  }
  return {
    method: "GET",
    target: "/static_handler.ts",
    headerNames: names,
    headerValues: values,
  };
}
const plainHead = laneHead();
const browserHead = laneHead(BROWSER);
let spelling = 0;

Deno.bench("fast lane hit", { group: "fast lane", baseline: true }, () => {
  if (lane(plainHead, 0) === undefined) throw new Error("Not a hit");
});

Deno.bench(
  "fast lane hit, a browser's Accept-Encoding (gzip)",
  { group: "fast lane" },
  () => {
    if (lane(browserHead, 0) === undefined) throw new Error("Not a hit");
  },
);

Deno.bench(
  "fast lane hit, an Accept-Encoding never seen before",
  { group: "fast lane" },
  () => {
    const head = laneHead(`gzip, x-${spelling++}`);
    if (lane(head, 0) === undefined) throw new Error("Not a hit");
  },
);
