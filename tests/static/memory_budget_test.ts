/**
 * One memory budget: every byte the file handler keeps for reuse — file
 * bytes, compressed variants, the fast lane's pre-serialized answers and
 * their kept `Connection` copies, its index and its notes of paths it does
 * not keep — is counted by the file cache against `cacheBudgetBytes`, and the
 * count never falls short of what is really referenced.
 *
 * Requests go through berth's engine on a mock connection, so the fast lane
 * records and answers exactly as it does on a socket. The cache's clock is
 * frozen: nothing expires while a test runs, however slow the machine.
 */

import assert from "node:assert/strict";
import {
  FAST_LANE,
  type FastLaneCarrier,
  type FastLaneRequest,
} from "../../src/http/fast_lane.ts";
import {
  createStaticHandler,
  STATIC_INTERNALS,
  type StaticHandler,
  type StaticInternals,
} from "../../src/static/static_handler.ts";
import {
  type FastLaneResponse,
  keptCopy,
} from "../../src/http/fast_lane_response.ts";
import { exchange, get } from "./_exchange.ts";

const KiB = 1024;

function internalsOf(handler: StaticHandler): StaticInternals {
  return (handler as unknown as { [STATIC_INTERNALS]: StaticInternals })[
    STATIC_INTERNALS
  ];
}

/** A handler over `root` with a fixed clock, its internals and its lane. */
function budgetedHandler(root: string, cacheBudgetBytes?: number) {
  const handler = createStaticHandler({ root, cacheBudgetBytes, now: () => 0 });
  return {
    handler,
    internals: internalsOf(handler),
    lane: (handler as FastLaneCarrier)[FAST_LANE]!,
  };
}

/**
 * Bytes really referenced, summed from the objects themselves rather than
 * from any counter: each distinct buffer held by a cache entry or reachable
 * from the fast lane's index, plus the index's keys.
 */
function referencedBytes({ cache, fastLane }: StaticInternals): number {
  const seen = new Set<ArrayBufferLike>();
  let total = 0;
  const add = (bytes: Uint8Array | null | undefined) => {
    if (!bytes || seen.has(bytes.buffer)) return;
    seen.add(bytes.buffer);
    total += bytes.buffer.byteLength;
  };
  for (const entry of cache.entries()) {
    if (entry.kind !== "file") continue;
    add(entry.identity.bytes);
    for (const sibling of entry.siblings) add(sibling.bytes);
    add(entry.gzip?.bytes);
  }
  for (const bytes of fastLane.heldBuffers()) add(bytes);
  for (const path of fastLane.paths()) total += path.length;
  for (const path of fastLane.waits.notedPaths()) total += path.length;
  return total;
}

/** Distinct buffers reachable from the fast lane. */
function laneBuffers({ fastLane }: StaticInternals): number {
  return new Set([...fastLane.heldBuffers()].map((bytes) => bytes.buffer))
    .size;
}

function assertWithinBudget(internals: StaticInternals, budget: number) {
  const { cache } = internals;
  assert.ok(
    cache.usedBytes <= budget,
    `the cache counts ${cache.usedBytes} bytes, over its budget of ${budget}`,
  );
  const referenced = referencedBytes(internals);
  assert.ok(
    referenced <= cache.usedBytes,
    `${referenced} bytes are referenced, the cache counts ${cache.usedBytes}`,
  );
}

function laneGet(
  target: string,
  acceptEncoding?: string,
): FastLaneRequest {
  return acceptEncoding === undefined
    ? { method: "GET", target, headerNames: [], headerValues: [] }
    : {
      method: "GET",
      target,
      headerNames: ["accept-encoding"],
      headerValues: [acceptEncoding],
    };
}

/** A deterministic, incompressible-looking body. */
function noise(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let x = seed + 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x;
  }
  return bytes;
}

/**
 * Distinct files under `root`: binaries (identity only) and texts
 * (identity and gzip on the fly), each `[count, bytes]`.
 *
 * @returns Their URL paths.
 */
async function writeFiles(
  root: string,
  [binaries, binaryBytes]: [number, number],
  [texts, textBytes]: [number, number],
): Promise<string[]> {
  const paths: string[] = [];
  for (let i = 0; i < binaries; i++) {
    await Deno.writeFile(`${root}/blob-${i}.bin`, noise(binaryBytes, i));
    paths.push(`/blob-${i}.bin`);
  }
  for (let i = 0; i < texts; i++) {
    const line = `line ${i}\n`;
    await Deno.writeTextFile(
      `${root}/text-${i}.txt`,
      line.repeat(Math.floor(textBytes / line.length)),
    );
    paths.push(`/text-${i}.txt`);
  }
  return paths;
}

Deno.test("cacheBudgetBytes bounds everything kept, fast lane included, under churn", async () => {
  const root = await Deno.makeTempDir();
  try {
    const budget = 512 * KiB;
    // ~1.1 MiB of distinct files, twice the budget.
    const paths = await writeFiles(root, [40, 24 * KiB], [12, 10 * KiB]);
    const { handler, internals, lane } = budgetedHandler(root, budget);
    for (const path of paths) {
      const gz = { "accept-encoding": "gzip" };
      const head = `HEAD ${path} HTTP/1.1\r\nHost: a\r\n\r\n`;
      // Each asked twice: the ordinary path records, the lane answers.
      const out = await exchange(handler, [
        get(path),
        get(path),
        head,
        head,
        get(path, gz),
        get(path, gz),
      ]);
      const etag = /^etag: (.*)\r$/m.exec(out)![1];
      await exchange(handler, [
        get(path, { "if-none-match": etag }),
        get(path, { "if-none-match": etag }),
      ]);
      assertWithinBudget(internals, budget);
    }
    // The budget evicts, it does not turn the lane off: the file used last
    // is still answered from memory.
    assert.ok(lane(laneGet(paths.at(-1)!), Date.now()) !== undefined);
    assert.ok(internals.cache.usedBytes > budget / 2, "the budget is used");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("cacheBudgetBytes counts the first 64 KiB of a large body that the lane's answers carry with their head", async () => {
  const root = await Deno.makeTempDir();
  try {
    const budget = 512 * KiB;
    const paths: string[] = [];
    // Files over 64 KiB: each answer copies the body's first 64 KiB.
    for (let i = 0; i < 8; i++) {
      await Deno.writeFile(`${root}/large-${i}.bin`, noise(100 * KiB, i));
      paths.push(`/large-${i}.bin`);
    }
    const { handler, internals, lane } = budgetedHandler(root, budget);
    for (const path of paths) {
      const out = await exchange(handler, [get(path), get(path)]);
      assert.equal(out.match(/HTTP\/1\.1 200 OK\r\n/g)?.length, 2);
      assertWithinBudget(internals, budget);
    }
    // The last file is the lane's, with its head and first part counted.
    const answer = lane(laneGet(paths.at(-1)!), Date.now());
    assert.ok(answer !== undefined && !(answer instanceof Promise));
    assert.ok(answer.body !== null);
    assert.equal(answer.head.length - answer.headerBytes, 64 * KiB);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("cacheBudgetBytes counts the Connection copies small answers keep, for clients that close or speak HTTP/1.0, under churn", async () => {
  const root = await Deno.makeTempDir();
  try {
    const budget = 256 * KiB;
    // ~600 KiB of small files, each with copies worth keeping.
    const paths = await writeFiles(root, [120, 3 * KiB], [24, 6 * KiB]);
    const { handler, internals, lane } = budgetedHandler(root, budget);
    const http10 = (path: string, fields = "") =>
      `GET ${path} HTTP/1.0\r\nConnection: keep-alive\r\n${fields}\r\n`;
    const close = (path: string, fields = "") =>
      `GET ${path} HTTP/1.1\r\nHost: a\r\n${fields}Connection: close\r\n\r\n`;
    for (const path of paths) {
      for (const gz of ["", "Accept-Encoding: gzip\r\n"]) {
        // Recorded, then answered by the lane to an HTTP/1.0 keep-alive
        // client and to one that closes: both copies made.
        const out = await exchange(handler, [
          http10(path, gz),
          http10(path, gz),
          http10(path, gz),
          close(path, gz),
        ]);
        assert.equal(out.match(/HTTP\/1\.1 200 OK\r\n/g)?.length, 4);
        assert.match(out, /connection: close\r\n\r\n[^]*$/);
        assertWithinBudget(internals, budget);
      }
    }
    // Not vacuous: the last file's answer keeps copies the lane reaches.
    const answer = lane(laneGet(paths.at(-1)!), Date.now());
    assert.ok(answer !== undefined && !(answer instanceof Promise));
    const copy = keptCopy(answer, "close");
    assert.ok(copy !== null);
    assert.ok(
      [...internals.fastLane.heldBuffers()].some((b) =>
        b.buffer === copy.buffer
      ),
    );
    assertWithinBudget(internals, budget);
    assert.ok(internals.cache.usedBytes > budget / 2, "the budget is used");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("hostile Accept-Encoding spellings make no more variants than the codings chosen", async () => {
  const root = await Deno.makeTempDir();
  try {
    const page = "<p>a page</p>\n".repeat(16 * KiB / 14);
    await Deno.writeTextFile(`${root}/page.html`, page);
    const style = "p { margin: 0 }\n".repeat(16 * KiB / 16);
    await Deno.writeTextFile(`${root}/style.css`, style);
    await Deno.writeFile(`${root}/style.css.br`, noise(4 * KiB, 7));
    const { handler, internals, lane } = budgetedHandler(root);

    // Hundreds of spellings, each meaning identity, gzip or br.
    const spellings: string[] = [];
    for (let i = 0; i < 100; i++) {
      spellings.push(`x${i}`, `identity;q=1, y${i}`, `gzip;q=0, z${i}`);
      spellings.push(`gzip, g${i}`, `x-gzip;q=0.${i % 9 + 1}, h${i}`);
      spellings.push(`br, b${i}`);
    }
    const codings = { "/page.html": new Set(), "/style.css": new Set() };
    for (const [path, seen] of Object.entries(codings)) {
      for (let i = 0; i < spellings.length; i += 50) {
        const requests = spellings.slice(i, i + 50).flatMap((spelling) => {
          const request = get(path, { "accept-encoding": spelling });
          return [request, request];
        });
        const out = await exchange(handler, requests);
        for (const response of out.split(/(?=HTTP\/1\.1 200 OK\r\n)/)) {
          const head = response.slice(0, response.indexOf("\r\n\r\n"));
          seen.add(/^content-encoding: (.*)$/m.exec(head)?.[1] ?? "identity");
        }
      }
    }
    assert.deepEqual([...codings["/page.html"]].sort(), ["gzip", "identity"]);
    assert.deepEqual([...codings["/style.css"]].sort(), [
      "br",
      "gzip",
      "identity",
    ]);
    // Per chosen coding: its body and one pre-serialized full answer.
    assert.ok(
      laneBuffers(internals) <= 2 * (2 + 3),
      `${laneBuffers(internals)} buffers for 5 chosen codings`,
    );
    assertWithinBudget(internals, 64 * KiB * KiB);

    // A spelling never seen before is negotiated by the lane itself.
    for (
      const [spelling, coding] of [
        ["never-seen", null],
        ["GZIP;q=0.7, never-seen", "gzip"],
        ["*;q=0.5, identity;q=0.6", null],
      ] as const
    ) {
      const hit = lane(laneGet("/page.html", spelling), Date.now());
      assert.ok(
        hit !== undefined && !(hit instanceof Promise),
        `a fast-lane hit for ${spelling}`,
      );
      const head = new TextDecoder().decode(
        hit.head.subarray(0, hit.headerBytes),
      );
      assert.equal(
        /^content-encoding: (.*)\r$/m.exec(head)?.[1] ?? null,
        coding,
        spelling,
      );
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

/**
 * `files` of 2 KiB binaries and texts (as `writeFiles`) each answered once
 * by the ordinary path, so the lane holds them, for `use` to hit.
 */
async function withRecordedFiles(
  files: number,
  use: (
    recorded: ReturnType<typeof budgetedHandler> & { paths: string[] },
  ) => Promise<void> | void,
): Promise<void> {
  const root = await Deno.makeTempDir();
  try {
    const paths = await writeFiles(root, [files, 2 * KiB], [files, 2 * KiB]);
    const recorded = budgetedHandler(root);
    for (const path of paths) await exchange(recorded.handler, [get(path)]);
    await use({ ...recorded, paths });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("the plain GET's answer kept on the file's record is its variant's: no older second's answer stays reachable", async () => {
  await withRecordedFiles(2, ({ internals, lane, paths }) => {
    const head = (target: string): FastLaneRequest => ({
      ...laneGet(target),
      method: "HEAD",
    });
    const reachable = () =>
      new Set([...internals.fastLane.heldBuffers()].map((b) => b.buffer));
    const dateOf = (answer: FastLaneResponse) =>
      /\r\ndate: ([^\r]*)\r\n/.exec(new TextDecoder().decode(answer.head))![1];
    const second = 1_000_000;
    const next = new Date((second + 1) * 1000).toUTCString();
    for (const [i, path] of paths.entries()) {
      const first = lane(laneGet(path), second * 1000);
      assert.ok(first !== undefined && !(first instanceof Promise));
      // The same second: the same answer, found on the record.
      assert.equal(lane(laneGet(path), second * 1000 + 999), first);
      const before = first.head.slice();
      // One file's answer is being written (held), the other's is not.
      const held = i === 0;
      if (held) first.writes++;
      // A HEAD opens the next second: the held answer is let go and no
      // longer reachable, the other one made the new second's in place.
      assert.ok(!(lane(head(path), second * 1000 + 1000) instanceof Promise));
      assert.equal(reachable().has(first.head.buffer), !held);
      const again = lane(laneGet(path), second * 1000 + 1001);
      assert.ok(again !== undefined && !(again instanceof Promise));
      assert.equal(dateOf(again), next);
      if (held) {
        assert.notEqual(again, first);
        assert.deepEqual(first.head, before, "a held answer is not changed");
        assert.ok(!reachable().has(first.head.buffer));
        first.writes--;
      } else {
        assert.equal(again, first);
      }
      assert.ok(reachable().has(again.head.buffer));
      assertWithinBudget(internals, internals.cache.budgetBytes);
    }
  });
});

Deno.test("a plain GET is never answered from a record the cache let go", async () => {
  await withRecordedFiles(1, async ({ internals, lane, paths }) => {
    const nowMs = Date.now();
    for (const path of paths) {
      const answer = lane(laneGet(path), nowMs);
      assert.ok(answer !== undefined && !(answer instanceof Promise));
      assert.equal(lane(laneGet(path), nowMs), answer);
    }
    // The cache drops every entry (a watcher's invalidation does so).
    for (const entry of [...internals.cache.entries()]) {
      internals.cache.invalidate(entry.key);
    }
    for (const path of paths) {
      const again = lane(laneGet(path), nowMs);
      assert.ok(
        again === undefined || again instanceof Promise,
        `${path} answered from memory after its entry went`,
      );
      if (again instanceof Promise) await again;
    }
    assert.equal(laneBuffers(internals), 0);
  });
});
