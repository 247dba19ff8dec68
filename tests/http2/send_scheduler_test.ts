/**
 * SendScheduler: control frames first, then the streams in turn, one frame
 * each per round; DATA within the peer's SETTINGS_MAX_FRAME_SIZE and both
 * send windows (RFC 9113 §5.2, §6.9); END_STREAM on the last frame and a
 * requested RST_STREAM after it; a stall reported when a stream waits on
 * its own window, a block lifted when the connection's grows.
 */

import assert from "node:assert/strict";
import { encodePingFrame } from "../../src/http2/frame_ping.ts";
import type { HeaderField } from "../../src/http2/hpack/field_representation.ts";
import {
  type SchedulerHooks,
  SendScheduler,
} from "../../src/http2/send_scheduler.ts";
import { StreamOutput } from "../../src/http2/stream_output.ts";
import { MockConn } from "../../support/mock_conn.ts";
import { describeFrame, splitFrames } from "./_wire.ts";

const STATUS_200: HeaderField[] = [{ name: ":status", value: "200" }];

/** A scheduler over a mock connection, and what its hooks were told. */
function setup(conn = new MockConn([], { holdOpen: true })) {
  const told = {
    encoded: [] as string[],
    finished: [] as number[],
    failed: [] as unknown[],
    stalls: 0,
    block: null as Uint8Array | null,
  };
  const hooks: SchedulerHooks = {
    encodeHead(head) {
      const fields = Array.isArray(head) ? head : [];
      told.encoded.push(fields.map((f) => f.value).join(","));
      return told.block ?? Uint8Array.of(0x88);
    },
    finished: (output) => told.finished.push(output.streamId),
    failed: (error) => told.failed.push(error),
    stalled: () => told.stalls++,
  };
  const watch = { arm() {}, disarm() {} };
  const scheduler = new SendScheduler(conn, hooks, watch);
  /** The frames written since the last call, one line each. */
  let seen = 0;
  const written = () => {
    const frames = splitFrames(conn.outputBytes).map(describeFrame);
    const fresh = frames.slice(seen);
    seen = frames.length;
    return fresh;
  };
  return { conn, scheduler, told, written };
}

/** A stream with its fields, `bytes` of body and its end queued. */
function response(id: number, bytes: number, window = 65535): StreamOutput {
  const output = new StreamOutput(id, window);
  output.head = STATUS_200;
  if (bytes > 0) output.push(new Uint8Array(bytes));
  output.ending = true;
  return output;
}

Deno.test("SendScheduler sends control frames first, then a frame per stream per round", async () => {
  const { scheduler, told, written } = setup();
  const a = response(1, 40_000);
  const b = response(3, 10);
  scheduler.wake(a);
  scheduler.wake(b);
  scheduler.queueControl(encodePingFrame(new Uint8Array(8), true));
  await scheduler.flushed();
  assert.deepEqual(written(), [
    "PING 0 ACK 8",
    "HEADERS 1 END_HEADERS 1",
    "HEADERS 3 END_HEADERS 1",
    "DATA 1 16384",
    "DATA 3 END_STREAM 10",
    "DATA 1 16384",
    "DATA 1 END_STREAM 7232",
  ]);
  assert.deepEqual(told.encoded, ["200", "200"]);
  assert.deepEqual(told.finished, [3, 1]);
  assert.equal(scheduler.connectionWindow, 65535 - 40_010);
  assert.equal(a.sendWindow, 65535 - 40_000);
});

Deno.test("SendScheduler puts END_STREAM on HEADERS when no body follows, RST_STREAM after it", async () => {
  const { scheduler, told, written } = setup();
  const output = response(5, 0);
  output.resetCode = 0;
  scheduler.wake(output);
  await scheduler.flushed();
  assert.deepEqual(written(), [
    "HEADERS 5 END_STREAM+END_HEADERS 1",
    "RST_STREAM 5 4",
  ]);
  assert.deepEqual(told.finished, [5]);
  assert.equal(output.finished, true);
});

Deno.test("SendScheduler splits a long field block at the peer's frame size", async () => {
  const { scheduler, told, written } = setup();
  told.block = new Uint8Array(20_000);
  scheduler.maxFrameSize = 16_384;
  scheduler.wake(response(1, 0));
  await scheduler.flushed();
  assert.deepEqual(written(), [
    "HEADERS 1 END_STREAM 16384",
    "CONTINUATION 1 END_HEADERS 3616",
  ]);
});

Deno.test("SendScheduler holds DATA at the stream's window and reports the stall", async () => {
  const { scheduler, told, written } = setup();
  const output = response(1, 25, 10);
  scheduler.wake(output);
  await scheduler.flushed();
  assert.deepEqual(written(), ["HEADERS 1 END_HEADERS 1", "DATA 1 10"]);
  assert.equal(told.stalls, 1);
  assert.ok(output.stalledSince > 0);
  assert.equal(output.sendWindow, 0);
  output.sendWindow += 100; // WINDOW_UPDATE
  scheduler.wake(output);
  await scheduler.flushed();
  assert.deepEqual(written(), ["DATA 1 END_STREAM 15"]);
  assert.equal(output.stalledSince, 0);
});

Deno.test("SendScheduler blocks every stream on the connection window until it grows", async () => {
  const { scheduler, told, written } = setup();
  scheduler.connectionWindow = 5;
  const a = response(1, 8);
  scheduler.wake(a);
  await scheduler.flushed();
  assert.deepEqual(written(), ["HEADERS 1 END_HEADERS 1", "DATA 1 5"]);
  assert.ok(scheduler.connectionStalledSince > 0);
  assert.equal(told.stalls, 1);
  const b = response(3, 3);
  scheduler.wake(b);
  await scheduler.flushed();
  assert.deepEqual(written(), ["HEADERS 3 END_HEADERS 1"]);
  scheduler.addConnectionWindow(100);
  await scheduler.flushed();
  assert.deepEqual(written(), ["DATA 1 END_STREAM 3", "DATA 3 END_STREAM 3"]);
  assert.equal(scheduler.connectionStalledSince, 0);
  assert.deepEqual(told.finished, [1, 3]);
});

Deno.test("SendScheduler ends a stream with an empty DATA frame, even at a zero window", async () => {
  const { scheduler, written } = setup();
  const output = new StreamOutput(1, 3);
  output.head = STATUS_200;
  output.push(new Uint8Array(3));
  scheduler.wake(output);
  await scheduler.flushed();
  assert.deepEqual(written(), ["HEADERS 1 END_HEADERS 1", "DATA 1 3"]);
  output.ending = true;
  scheduler.wake(output);
  await scheduler.flushed();
  assert.deepEqual(written(), ["DATA 1 END_STREAM 0"]);
});

Deno.test("SendScheduler writes nothing for a removed stream", async () => {
  const { scheduler, told, written } = setup();
  const output = response(1, 10);
  scheduler.wake(output);
  output.abort();
  scheduler.remove(output);
  await scheduler.flushed();
  assert.deepEqual(written(), []);
  assert.deepEqual(told.finished, []);
});

Deno.test("SendScheduler stops and tells the connection when a write fails", async () => {
  const conn = new MockConn([], { holdOpen: true });
  await conn.closeWrite(); // every write now rejects
  const { scheduler, told } = setup(conn);
  scheduler.wake(response(1, 10));
  await scheduler.flushed();
  assert.equal(told.failed.length, 1);
  assert.ok(told.failed[0] instanceof Deno.errors.BrokenPipe);
  scheduler.queueControl(encodePingFrame(new Uint8Array(8), true));
  await scheduler.flushed();
  assert.equal(conn.writes.length, 0);
});
