import assert from "node:assert/strict";
import { asStdAnswer, stdEtagAlgorithm } from "../../src/static/std_answer.ts";
import { statusResponse } from "../../src/static/status_response.ts";

const GET = new Request("http://localhost:8000/a/b?q=1");

Deno.test("asStdAnswer() makes a redirect's Location absolute and drops its body", async () => {
  const relative = statusResponse(301, "GET", {
    location: "/a/b/?q=1",
    "access-control-allow-origin": "*",
  });
  const a = await asStdAnswer(GET, relative, { cors: false });
  assert.equal(a.status, 301);
  assert.equal(a.statusText, "Moved Permanently");
  assert.equal(a.headers.get("location"), "http://localhost:8000/a/b/?q=1");
  assert.equal(a.body, null);
  assert.equal(a.headers.get("content-length"), null);
  assert.equal(a.headers.get("content-type"), null);
  assert.equal(a.headers.get("access-control-allow-origin"), "*");
});

Deno.test("asStdAnswer() sends an error's reason phrase alone, keeping its other fields", async () => {
  const error = statusResponse(416, "GET", { "content-range": "bytes */13" });
  const a = await asStdAnswer(GET, error, { cors: false });
  assert.equal(await a.text(), "Range Not Satisfiable");
  assert.equal(a.statusText, "Range Not Satisfiable");
  assert.equal(a.headers.get("content-range"), "bytes */13");
  assert.equal(a.headers.get("content-type"), "text/plain; charset=UTF-8");
  assert.equal(a.headers.get("content-length"), "21");
  const head = await asStdAnswer(
    new Request(GET, { method: "HEAD" }),
    statusResponse(404, "HEAD"),
    { cors: false },
  );
  assert.equal(head.body, null);
  assert.equal(head.headers.get("content-length"), "9");
});

Deno.test("asStdAnswer() spells charset=UTF-8 and adds a Date, keeping the body", async () => {
  const ok = new Response("hi", {
    headers: { "content-type": "text/html; charset=utf-8" },
  });
  const a = await asStdAnswer(GET, ok, { cors: false });
  assert.equal(a, ok, "the same response, its headers set");
  assert.equal(a.headers.get("content-type"), "text/html; charset=UTF-8");
  assert.ok(Math.abs(Date.parse(a.headers.get("date")!) - Date.now()) < 60_000);
  assert.equal(await a.text(), "hi");
  const dated = new Response(null, {
    headers: { date: "Sun, 06 Nov 1994 08:49:37 GMT" },
  });
  assert.equal(
    (await asStdAnswer(GET, dated, { cors: false })).headers.get("date"),
    "Sun, 06 Nov 1994 08:49:37 GMT",
  );
});

Deno.test("asStdAnswer() with cors lists std's allowed headers, except on a preflight", async () => {
  const a = await asStdAnswer(GET, new Response(null), { cors: true });
  assert.equal(
    a.headers.get("access-control-allow-headers"),
    "Origin, X-Requested-With, Content-Type, Accept, Range",
  );
  const preflight = new Response(null, {
    status: 204,
    headers: { "access-control-allow-headers": "X-Asked" },
  });
  const b = await asStdAnswer(
    new Request(GET, { method: "OPTIONS" }),
    preflight,
    { cors: true },
  );
  assert.equal(b.headers.get("access-control-allow-headers"), "X-Asked");
});

Deno.test("stdEtagAlgorithm() reads an AlgorithmIdentifier, SHA-256 by default", () => {
  assert.equal(stdEtagAlgorithm(undefined), "SHA-256");
  assert.equal(stdEtagAlgorithm("SHA-384"), "SHA-384");
  assert.equal(stdEtagAlgorithm({ name: "sha-512" }), "SHA-512");
  assert.equal(stdEtagAlgorithm("fnv1a"), "fnv1a");
  assert.throws(() => stdEtagAlgorithm("MD5"), RangeError);
  assert.throws(() => stdEtagAlgorithm({ name: "AES-GCM" }), RangeError);
});
