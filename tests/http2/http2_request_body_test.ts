/**
 * Http2RequestBody: DATA frames in, a stream the handler reads out. Credit
 * is reported as the handler takes chunks, never as they arrive; the body
 * holds the handler to content-length (RFC 9113 §8.1.1) and maxBodyBytes,
 * and asks for a 100 (Continue) at the first read when none of it has come.
 */

import assert from "node:assert/strict";
import {
  Http2RequestBody,
  type Http2RequestBodyOptions,
  RequestBodyError,
} from "../../src/http2/http2_request_body.ts";
import { latin1Bytes } from "./_bytes.ts";

function body(options: Partial<Http2RequestBodyOptions> = {}) {
  const consumed: number[] = [];
  const watch: string[] = [];
  const b = new Http2RequestBody({
    contentLength: -1,
    maxBodyBytes: 1000,
    onConsumed: (bytes) => consumed.push(bytes),
    watch: { arm: () => watch.push("arm"), disarm: () => watch.push("off") },
    ...options,
  });
  return { body: b, consumed, watch };
}

Deno.test("Http2RequestBody hands chunks to the reader and reports each as taken", async () => {
  const { body: b, consumed } = body();
  assert.equal(b.push(latin1Bytes("ab")), "ok");
  assert.equal(b.push(latin1Bytes("cde")), "ok");
  assert.deepEqual(consumed, [], "nothing is credited before it is read");
  assert.equal(b.queuedBytes, 5);
  const reader = b.stream.getReader();
  assert.deepEqual((await reader.read()).value, latin1Bytes("ab"));
  assert.deepEqual(consumed, [2]);
  assert.equal(b.end(), "ok");
  assert.ok(b.ended);
  assert.deepEqual((await reader.read()).value, latin1Bytes("cde"));
  assert.deepEqual(await reader.read(), { done: true, value: undefined });
  assert.deepEqual(consumed, [2, 3]);
  assert.equal(b.queuedBytes, 0);
});

Deno.test("Http2RequestBody arms its watch only while the reader waits", async () => {
  const { body: b, watch } = body();
  const reader = b.stream.getReader();
  const read = reader.read();
  await Promise.resolve();
  assert.deepEqual(watch, ["arm"]);
  b.push(latin1Bytes("x"));
  assert.deepEqual((await read).value, latin1Bytes("x"));
  assert.deepEqual(watch, ["arm", "off"]);
  b.push(latin1Bytes("y"));
  await reader.read();
  assert.deepEqual(watch, ["arm", "off"], "data was there: no wait");
  b.end();
  assert.equal((await reader.read()).done, true);
});

Deno.test("Http2RequestBody calls beforeFirstRead once, at the first read, only when nothing has come", async () => {
  let calls = 0;
  const { body: waiting } = body({ beforeFirstRead: () => calls++ });
  assert.equal(calls, 0, "not before a read");
  const reader = waiting.stream.getReader();
  const read = reader.read();
  await Promise.resolve(); // the stream pulls a microtask later
  assert.equal(calls, 1);
  waiting.push(latin1Bytes("x"));
  assert.deepEqual((await read).value, latin1Bytes("x"));
  const next = reader.read();
  waiting.end();
  assert.equal((await next).done, true);
  assert.equal(calls, 1, "once");

  let early = 0;
  const { body: arrived } = body({ beforeFirstRead: () => early++ });
  arrived.push(latin1Bytes("y"));
  await arrived.stream.getReader().read();
  assert.equal(early, 0, "the body came without it");
});

Deno.test("Http2RequestBody refuses more than content-length (§8.1.1)", async () => {
  const { body: b } = body({ contentLength: 3 });
  assert.equal(b.push(latin1Bytes("ab")), "ok");
  assert.equal(b.push(latin1Bytes("cd")), "length-mismatch");
  assert.equal(b.error?.status, 0, "malformed: a stream error, no status");
  await assert.rejects(b.stream.getReader().read(), RequestBodyError);
});

Deno.test("Http2RequestBody refuses to end short of content-length", async () => {
  const { body: b } = body({ contentLength: 3 });
  b.push(latin1Bytes("ab"));
  assert.equal(b.end(), "length-mismatch");
  assert.equal(b.ended, false);
  await assert.rejects(b.stream.getReader().read(), {
    message: "Body shorter than content-length",
  });
});

Deno.test("Http2RequestBody fails with 413 past maxBodyBytes", async () => {
  const { body: b } = body({ maxBodyBytes: 4 });
  assert.equal(b.push(latin1Bytes("abcd")), "ok");
  assert.equal(b.push(latin1Bytes("e")), "too-large");
  assert.equal(b.error?.status, 413);
  const reader = b.stream.getReader();
  await assert.rejects(reader.read(), { status: 413 });
  assert.equal(b.push(latin1Bytes("f")), "ok", "a failed body takes no more");
});

Deno.test("Http2RequestBody gives back the credit of what a cancelled reader left", async () => {
  const { body: b, consumed } = body();
  b.push(latin1Bytes("abc"));
  b.push(latin1Bytes("de"));
  await b.stream.cancel();
  assert.deepEqual(consumed, [5]);
  assert.equal(b.queuedBytes, 0);
  assert.equal(b.error?.message, "Request body cancelled");
});

Deno.test("Http2RequestBody.discard() drops what is queued and says how much", () => {
  const { body: b, consumed } = body();
  b.push(latin1Bytes("abc"));
  assert.equal(b.discard(), 3);
  assert.equal(b.discard(), 0);
  assert.deepEqual(consumed, [], "the caller returns the credit");
});

Deno.test("Http2RequestBody.fail() rejects a waiting read", async () => {
  const { body: b, watch } = body();
  const read = b.stream.getReader().read();
  await Promise.resolve();
  b.fail(new RequestBodyError(408, "Request body timed out"));
  await assert.rejects(read, { status: 408 });
  assert.deepEqual(watch, ["arm", "off"]);
});
