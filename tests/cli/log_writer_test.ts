import assert from "node:assert/strict";
import { type ByteSink, LogWriter } from "../../src/cli/log_writer.ts";

/** A sink whose writes complete only when the test says so. */
class GatedSink implements ByteSink {
  writes: string[] = [];
  #gates: (() => void)[] = [];
  /** How many bytes each write accepts (partial writes). */
  chunk = Infinity;

  write(data: Uint8Array): Promise<number> {
    const n = Math.min(data.length, this.chunk);
    this.writes.push(new TextDecoder().decode(data.subarray(0, n)));
    return new Promise((resolve) => this.#gates.push(() => resolve(n)));
  }

  get waiting(): number {
    return this.#gates.length;
  }

  release(): void {
    this.#gates.shift()?.();
  }
}

Deno.test("LogWriter batches lines that arrive during a write", async () => {
  const sink = new GatedSink();
  const writer = new LogWriter(sink);
  writer.write("1\n");
  writer.write("2\n");
  writer.write("3\n");
  assert.deepEqual(sink.writes, ["1\n"]);
  sink.release();
  await Promise.resolve();
  while (sink.waiting === 0) await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(sink.writes, ["1\n", "2\n3\n"]);
  sink.release();
  await writer.flush();
  assert.equal(writer.dropped, 0);
});

Deno.test("LogWriter finishes partial writes", async () => {
  const sink = new GatedSink();
  sink.chunk = 3;
  const writer = new LogWriter(sink);
  writer.write("abcdefgh\n");
  const flushed = writer.flush();
  while (sink.writes.join("") !== "abcdefgh\n") {
    while (sink.waiting === 0) await new Promise((r) => setTimeout(r, 0));
    sink.release();
  }
  await flushed;
  assert.deepEqual(sink.writes, ["abc", "def", "gh\n"]);
});

Deno.test("LogWriter drops lines rather than queue without bound", async () => {
  const sink = new GatedSink();
  const writer = new LogWriter(sink, 10);
  writer.write("first\n"); // being written
  writer.write("12345\n"); // pending: 6
  writer.write("67890\n"); // would be 12 > 10: dropped
  writer.write("ab\n"); // 9: kept
  assert.equal(writer.dropped, 1);
  sink.release();
  while (sink.waiting === 0) await new Promise((r) => setTimeout(r, 0));
  sink.release();
  await writer.flush();
  assert.deepEqual(sink.writes, ["first\n", "12345\nab\n"]);
});

Deno.test("LogWriter never throws when the sink fails, and stops writing", async () => {
  let calls = 0;
  const writer = new LogWriter({
    write() {
      calls++;
      return Promise.reject(new Deno.errors.BrokenPipe("closed"));
    },
  });
  writer.write("a\n");
  writer.write("b\n");
  await writer.flush();
  writer.write("c\n");
  await writer.flush();
  assert.equal(calls, 1);
  assert.equal(writer.dropped, 2);
});
