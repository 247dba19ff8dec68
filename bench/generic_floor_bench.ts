/**
 * What the public Web APIs cost a server that parses HTTP itself and hands a
 * generic handler a `Request`, then sends the `Response` it returns: the
 * floor under berth's generic path, piece by piece, on one core.
 *
 *   deno bench bench/generic_floor_bench.ts
 *
 * `Deno.serve` pays none of these in JavaScript: its `Request` is built
 * lazily over the request its Rust side parsed, and a body given as a string
 * or bytes is written from Rust without a stream. A server outside the
 * runtime has no public way to do either; see bench/RESULTS.md ("The generic
 * handler's floor").
 *
 * @module
 */

const URL_STRING = "http://127.0.0.1:18111/hello";
/** The fields wrk sends, and a browser-like set. */
const WRK_FIELDS: [string, string][] = [["host", "127.0.0.1:18111"]];
const BROWSER_FIELDS: [string, string][] = [
  ["host", "127.0.0.1:18111"],
  ["user-agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36"],
  ["accept", "text/html,application/xhtml+xml,*/*;q=0.8"],
  ["accept-encoding", "gzip, deflate, br, zstd"],
  ["accept-language", "en-US,en;q=0.9"],
  ["connection", "keep-alive"],
];

/** Keeps results alive so the work is not optimized away. */
const sink: { value: unknown } = { value: undefined };

Deno.bench("new Request(url)", { group: "request", baseline: true }, () => {
  sink.value = new Request(URL_STRING);
});

Deno.bench("new Request(url, { method, headers }): wrk's 1 field", {
  group: "request",
}, () => {
  sink.value = new Request(URL_STRING, { method: "GET", headers: WRK_FIELDS });
});

Deno.bench("new Request(url, { method, headers }): a browser's 6", {
  group: "request",
}, () => {
  sink.value = new Request(URL_STRING, {
    method: "GET",
    headers: BROWSER_FIELDS,
  });
});

Deno.bench("new Request(url) + headers.append: wrk's 1 field (berth's GET)", {
  group: "request",
}, () => {
  const request = new Request(URL_STRING);
  for (const [name, value] of WRK_FIELDS) request.headers.append(name, value);
  sink.value = request;
});

Deno.bench("new Request(url) + headers.append: a browser's 6", {
  group: "request",
}, () => {
  const request = new Request(URL_STRING);
  const headers = request.headers;
  for (const [name, value] of BROWSER_FIELDS) headers.append(name, value);
  sink.value = request;
});

Deno.bench("request.url + request.method (what a handler reads)", {
  group: "request",
}, () => {
  const request = new Request(URL_STRING, {
    method: "GET",
    headers: WRK_FIELDS,
  });
  sink.value = request.url.length + request.method.length;
});

Deno.bench('new Response("hello")', {
  group: "response",
  baseline: true,
}, () => {
  sink.value = new Response("hello");
});

Deno.bench('new Response("hello") and its headers read', {
  group: "response",
}, () => {
  const response = new Response("hello");
  let n = 0;
  for (const [name, value] of response.headers) n += name.length + value.length;
  sink.value = n;
});

Deno.bench('new Response("hello"), body read through its stream', {
  group: "response",
}, async () => {
  const reader = new Response("hello").body!.getReader();
  let n = 0;
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.length;
  }
  sink.value = n;
});

Deno.bench('new Response("hello"), both reads asked for at once (berth)', {
  group: "response",
}, async () => {
  const reader = new Response("hello").body!.getReader();
  const first = reader.read();
  const end = reader.read();
  sink.value = [(await first).value, (await end).done];
});

Deno.bench('new Response("hello"), body read with bytes()', {
  group: "response",
}, async () => {
  sink.value = await new Response("hello").bytes();
});

Deno.bench("a promise awaited (the handler's result)", {
  group: "response",
}, async () => {
  sink.value = await Promise.resolve(1);
});
