/**
 * StreamOutput: one stream's unsent body, bounded: the writer waits for
 * room past STREAM_BUFFER_BYTES, the scheduler takes pieces no larger than
 * asked, and an abort drops everything and wakes the writer.
 */

import assert from "node:assert/strict";
import {
  STREAM_BUFFER_BYTES,
  StreamOutput,
} from "../../src/http2/stream_output.ts";
import { latin1Bytes } from "./_bytes.ts";

Deno.test("StreamOutput.take() gives pieces of the first chunk, in order", () => {
  const output = new StreamOutput(1, 65535);
  output.push(latin1Bytes("abcde"));
  output.push(latin1Bytes("fg"));
  output.push(new Uint8Array(0));
  assert.equal(output.buffered, 7);
  assert.equal(output.nextChunkBytes, 5);
  assert.deepEqual(output.take(2), latin1Bytes("ab"));
  assert.deepEqual(output.take(10), latin1Bytes("cde"), "one chunk at most");
  assert.deepEqual(output.take(10), latin1Bytes("fg"));
  assert.equal(output.buffered, 0);
  assert.equal(output.bodyBytesSent, 7);
  assert.equal(output.nextChunkBytes, 0);
});

Deno.test("StreamOutput.room() waits past STREAM_BUFFER_BYTES until taken below", async () => {
  const output = new StreamOutput(1, 65535);
  output.push(new Uint8Array(STREAM_BUFFER_BYTES - 1));
  assert.equal(output.room(), null);
  output.push(new Uint8Array(2));
  const room = output.room();
  assert.ok(room instanceof Promise);
  assert.equal(output.room(), room, "one promise for every waiter");
  let woke = false;
  room.then(() => woke = true);
  output.take(1);
  await Promise.resolve();
  assert.equal(woke, false, "still at the bound");
  output.take(1);
  await room;
  assert.equal(output.room(), null);
});

Deno.test("StreamOutput.abort() drops everything and wakes the writer", async () => {
  const output = new StreamOutput(1, 65535);
  output.head = [{ name: ":status", value: "200" }];
  output.push(new Uint8Array(STREAM_BUFFER_BYTES));
  const room = output.room();
  assert.ok(room !== null);
  output.abort();
  await room;
  assert.equal(output.aborted, true);
  assert.equal(output.buffered, 0);
  assert.equal(output.head, null);
  assert.equal(output.hasWork, false);
  output.push(latin1Bytes("late"));
  assert.equal(output.buffered, 0, "nothing is queued once aborted");
  assert.equal(output.room(), null);
});

Deno.test("StreamOutput.hasWork says whether a frame could go out", () => {
  const output = new StreamOutput(1, 65535);
  assert.equal(output.hasWork, false);
  output.head = [];
  assert.equal(output.hasWork, true, "fields to send");
  output.head = null;
  output.ending = true;
  assert.equal(output.hasWork, true, "END_STREAM to send");
  output.finished = true;
  assert.equal(output.hasWork, false, "all sent");
  const reset = new StreamOutput(3, 0);
  reset.resetCode = 0;
  assert.equal(reset.hasWork, true, "a RST_STREAM to send");
});
