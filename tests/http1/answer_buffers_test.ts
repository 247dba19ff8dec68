/**
 * Reused answer buffers: the shelf itself, and the writer's use of it — a
 * buffer goes back only once its write has settled well, and an answer
 * written into a reused buffer carries none of an earlier answer's bytes.
 */

import assert from "node:assert/strict";
import {
  ANSWER_BUFFER_BYTES,
  ANSWER_BUFFERS_MAX,
  AnswerBuffers,
  answerBuffers,
} from "../../src/http1/answer_buffers.ts";
import {
  type ResponseContext,
  writeResponse,
} from "../../src/http1/write_response.ts";
import { MockConn } from "../../support/mock_conn.ts";

const GET11: ResponseContext = {
  isHead: false,
  minorVersion: 1,
  keepAlive: true,
};

function normalize(output: string): string {
  return output.replace(/^date: [^\r\n]*\r\n/gim, "date: DATE\r\n");
}

Deno.test("AnswerBuffers hands out views of exactly the asked length, and reuses a buffer given back", () => {
  const buffers = new AnswerBuffers();
  const first = buffers.take(100);
  assert.equal(first.length, 100);
  assert.equal(first.buffer.byteLength, ANSWER_BUFFER_BYTES);
  buffers.give(first);
  assert.equal(buffers.kept, 1);
  const second = buffers.take(40);
  assert.equal(second.length, 40);
  assert.equal(second.buffer, first.buffer);
  assert.equal(buffers.kept, 0);
});

Deno.test("AnswerBuffers gives an answer over its size a buffer of its own, never kept", () => {
  const buffers = new AnswerBuffers();
  const large = buffers.take(ANSWER_BUFFER_BYTES + 1);
  assert.equal(large.length, ANSWER_BUFFER_BYTES + 1);
  buffers.give(large);
  assert.equal(buffers.kept, 0);
});

Deno.test("AnswerBuffers makes at most ANSWER_BUFFERS_MAX, then exact buffers of their own", () => {
  const buffers = new AnswerBuffers();
  const taken = Array.from(
    { length: ANSWER_BUFFERS_MAX + 3 },
    () => buffers.take(10),
  );
  assert.equal(new Set(taken.map((b) => b.buffer)).size, taken.length);
  const shelved = taken.filter((b) =>
    b.buffer.byteLength === ANSWER_BUFFER_BYTES
  );
  assert.equal(shelved.length, ANSWER_BUFFERS_MAX);
  assert.equal(taken.at(-1)!.buffer.byteLength, 10);
  for (const bytes of taken) buffers.give(bytes);
  assert.equal(buffers.kept, ANSWER_BUFFERS_MAX);
  assert.equal(buffers.made, ANSWER_BUFFERS_MAX);
});

Deno.test("AnswerBuffers shelves a buffer given twice once", () => {
  const buffers = new AnswerBuffers();
  const bytes = buffers.take(10);
  buffers.give(bytes);
  buffers.give(bytes);
  assert.equal(buffers.kept, 1);
  assert.notEqual(buffers.take(10).buffer, buffers.take(10).buffer);
});

Deno.test("AnswerBuffers makes a new buffer in place of a forgotten one", () => {
  const buffers = new AnswerBuffers();
  const taken = Array.from(
    { length: ANSWER_BUFFERS_MAX },
    () => buffers.take(10),
  );
  buffers.forget(taken[0]);
  assert.equal(buffers.made, ANSWER_BUFFERS_MAX - 1);
  const next = buffers.take(10);
  assert.equal(next.buffer.byteLength, ANSWER_BUFFER_BYTES);
  assert.ok(!taken.some((b) => b.buffer === next.buffer));
});

/** Holds each write's bytes by reference (no copy) until released. */
class HoldingConn extends MockConn {
  readonly held: Uint8Array[] = [];
  readonly #gates: PromiseWithResolvers<number>[] = [];
  #onWrite: (() => void) | undefined;

  override write(data: Uint8Array): Promise<number> {
    this.held.push(data);
    const gate = Promise.withResolvers<number>();
    this.#gates.push(gate);
    this.#onWrite?.();
    return gate.promise;
  }

  /** Resolves once a write is waiting. */
  writeWaiting(): Promise<void> {
    if (this.#gates.length > 0) return Promise.resolve();
    return new Promise((resolve) => this.#onWrite = resolve);
  }

  /** Complete the oldest waiting write, whole. */
  release(): void {
    this.#gates.shift()!.resolve(this.held[0].length);
  }
}

Deno.test("writeResponse() leaves an answer's buffer alone while its write is pending", async () => {
  const slow = new HoldingConn([]);
  const pending = writeResponse(slow, new Response("a".repeat(300)), GET11);
  await slow.writeWaiting();
  const held = slow.held[0];
  const before = held.slice();
  // Other answers meanwhile, of either size: none may use the held buffer.
  for (const body of ["b".repeat(300), "c", "d".repeat(1000)]) {
    await writeResponse(new MockConn([]), new Response(body), GET11);
  }
  assert.deepEqual(held, before);
  slow.release();
  const result = await pending;
  assert.equal(result.bodyBytes, 300);
});

Deno.test("writeResponse() does not put back a buffer whose write failed", async () => {
  // One answer written well first: the shelf has a buffer to take.
  await writeResponse(new MockConn([]), new Response("x"), GET11);
  const kept = answerBuffers.kept;
  const made = answerBuffers.made;
  assert.ok(kept >= 1);
  const broken = new MockConn([]);
  broken.close(); // its writes fail
  await assert.rejects(
    writeResponse(broken, new Response("y"), GET11),
  );
  assert.equal(answerBuffers.kept, kept - 1);
  assert.equal(answerBuffers.made, made - 1);
});

Deno.test("writeResponse() writes a short answer after a long one with none of the long one's bytes", async () => {
  const conn = new MockConn([]);
  await writeResponse(
    conn,
    new Response("L".repeat(700), { headers: { "x-long": "l".repeat(100) } }),
    GET11,
  );
  const long = conn.output;
  // A latin1 value is first tried as UTF-8, past the head's own bytes.
  await writeResponse(
    conn,
    new Response("ok", { headers: { "x-name": "caf\u00e9" } }),
    GET11,
  );
  assert.equal(conn.writes.length, 2);
  const bytes = conn.writes[1];
  const head = "HTTP/1.1 200 OK\r\ncontent-type: text/plain;charset=UTF-8\r\n" +
    "x-name: caf\u00e9\r\ndate: DATE\r\ncontent-length: 2\r\n\r\n";
  assert.equal(
    normalize(String.fromCharCode(...bytes)),
    head + "ok",
  );
  assert.ok(long.endsWith("L".repeat(700)));
});
