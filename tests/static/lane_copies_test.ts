/**
 * The file handler's fast lane lets its small GET 200 answers keep their
 * copies with a `Connection` field (`keptCopy`), counted up front in the
 * variant's bytes; HEAD, 304 and large answers keep none, and a kept copy
 * goes with its answer's second (`Date`) or when the file
 * changes, nothing reachable from the lane refers to it any more.
 */

import assert from "node:assert/strict";
import {
  FAST_LANE,
  type FastLaneCarrier,
  type FastLaneRequest,
} from "../../src/http/fast_lane.ts";
import {
  type FastLaneResponse,
  keptCopy,
} from "../../src/http/fast_lane_response.ts";
import {
  createStaticHandler,
  STATIC_INTERNALS,
  type StaticInternals,
} from "../../src/static/static_handler.ts";
import { exchange, get } from "./_exchange.ts";

const SECOND = Date.UTC(2026, 11, 3, 2, 0, 0);

function request(
  target: string,
  fields: Record<string, string> = {},
  method = "GET",
): FastLaneRequest {
  return {
    method,
    target,
    headerNames: Object.keys(fields),
    headerValues: Object.values(fields),
  };
}

async function withLane(
  fn: (lane: {
    root: string;
    ask: (request: FastLaneRequest, nowMs: number) => FastLaneResponse;
    record: (path: string) => Promise<string>;
    held: () => Set<ArrayBufferLike>;
    setClock: (ms: number) => void;
  }) => Promise<void>,
): Promise<void> {
  const root = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${root}/note.txt`, "a note");
    // Identity only, and over the bound with its head.
    await Deno.writeFile(`${root}/large.bin`, new Uint8Array(9 * 1024));
    let clock = 0;
    const handler = createStaticHandler({
      root,
      revalidateMs: 1000,
      now: () => clock,
    });
    const internals = (handler as unknown as {
      [STATIC_INTERNALS]: StaticInternals;
    })[STATIC_INTERNALS];
    const lane = (handler as FastLaneCarrier)[FAST_LANE]!;
    await fn({
      root,
      ask: (request, nowMs) => {
        const answer = lane(request, nowMs);
        assert.ok(answer !== undefined && !(answer instanceof Promise));
        return answer;
      },
      record: (path) => exchange(handler, [get(path)]),
      held: () =>
        new Set([...internals.fastLane.heldBuffers()].map((b) => b.buffer)),
      setClock: (ms) => clock = ms,
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("fast lane: a small GET 200 keeps its Connection copies, reachable from the lane; HEAD, 304 and large answers keep none", async () => {
  await withLane(async ({ ask, record, held }) => {
    const out = await record("/note.txt");
    await record("/large.bin");
    const etag = /^etag: (.*)\r$/m.exec(out)![1];
    const full = ask(request("/note.txt"), SECOND);
    assert.equal(full.copiesCounted, true);
    const close = keptCopy(full, "close")!;
    const keepAlive = keptCopy(full, "keep-alive")!;
    assert.ok(
      new TextDecoder().decode(close).endsWith(
        "connection: close\r\n\r\na note",
      ),
    );
    assert.ok(held().has(close.buffer) && held().has(keepAlive.buffer));
    // The same answer within the second, its copies with it.
    assert.equal(ask(request("/note.txt"), SECOND + 999), full);
    assert.equal(keptCopy(full, "close"), close);

    const headOnly = ask(request("/note.txt", {}, "HEAD"), SECOND);
    const notModified = ask(
      request("/note.txt", { "if-none-match": etag }),
      SECOND,
    );
    const large = ask(request("/large.bin"), SECOND);
    for (const answer of [headOnly, notModified, large]) {
      assert.equal(answer.copiesCounted, false);
      assert.equal(keptCopy(answer, "close"), null);
      assert.equal(keptCopy(answer, "keep-alive"), null);
    }
  });
});

Deno.test("fast lane: a kept copy goes with its answer at the next second and when the file changes", async () => {
  await withLane(async ({ root, ask, record, held, setClock }) => {
    await record("/note.txt");
    const first = ask(request("/note.txt"), SECOND);
    const firstCopy = keptCopy(first, "close")!;
    assert.ok(held().has(firstCopy.buffer));

    // The next second: the answer made that second's in place (no write
    // holds it), its own `Date`, no copy yet; the old copy is not reachable
    // from the lane.
    const next = ask(request("/note.txt"), SECOND + 1000);
    assert.equal(next, first);
    assert.ok(
      new TextDecoder().decode(next.head).includes(
        `\r\ndate: ${new Date(SECOND + 1000).toUTCString()}\r\n`,
      ),
    );
    assert.equal(next.closeHead, null);
    assert.ok(!held().has(firstCopy.buffer));
    const nextCopy = keptCopy(next, "keep-alive")!;
    assert.ok(held().has(nextCopy.buffer));

    // The file changes within that same second: re-recorded, the answer and
    // its copy are new, the old copy unreachable.
    await Deno.writeTextFile(`${root}/note.txt`, "changed!");
    setClock(1000);
    await record("/note.txt");
    const changed = ask(request("/note.txt"), SECOND + 1000);
    assert.notEqual(changed, next);
    assert.ok(!held().has(nextCopy.buffer));
    const changedCopy = keptCopy(changed, "keep-alive")!;
    assert.ok(
      new TextDecoder().decode(changedCopy).endsWith(
        "connection: keep-alive\r\n\r\nchanged!",
      ),
    );
  });
});
