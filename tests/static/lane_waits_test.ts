/**
 * A cold start under load: requests that arrive while the answer they need
 * is being made (its file loading) wait for it and are answered by the fast
 * lane, from the one cached body, instead of each with a copy. Run through
 * berth's engine on in-memory connections, all at once.
 */

import assert from "node:assert/strict";
import {
  FAST_LANE,
  type FastLane,
  type FastLaneCarrier,
} from "../../src/http/fast_lane.ts";
import { ConnectionTracker } from "../../src/http1/connection_tracker.ts";
import type { ServeHandler } from "../../src/http1/handler.ts";
import { resolveLimits } from "../../src/http1/limits.ts";
import { serveConnection } from "../../src/http1/serve_connection.ts";
import { FileCache, type FileEntry } from "../../src/static/file_cache.ts";
import { LaneWaits, pathOf } from "../../src/static/lane_waits.ts";
import {
  createStaticHandler,
  STATIC_INTERNALS,
  type StaticHandler,
  type StaticInternals,
} from "../../src/static/static_handler.ts";
import { MockConn } from "../../support/mock_conn.ts";
import { get } from "./_exchange.ts";

const MiB = 1024 * 1024;
/** Connections asking at once. */
const N = 8;

/** A MockConn that also keeps what each write was given, uncopied. */
class RecordingConn extends MockConn {
  readonly given: Uint8Array[] = [];

  override write(data: Uint8Array): Promise<number> {
    this.given.push(data);
    return super.write(data);
  }
}

/** The handler's file cache. */
function cacheOf(handler: StaticHandler): FileCache {
  const carrier = handler as unknown as { [STATIC_INTERNALS]: StaticInternals };
  return carrier[STATIC_INTERNALS].cache;
}

/** A 1 MiB file of noise (within the default `maxCachedFileBytes`). */
function noise(): Uint8Array {
  const bytes = new Uint8Array(MiB);
  for (let i = 0; i < bytes.length; i += 65536) {
    crypto.getRandomValues(bytes.subarray(i, i + 65536));
  }
  return bytes;
}

async function withSite(
  fn: (root: string, big: Uint8Array) => Promise<void>,
): Promise<void> {
  const root = await Deno.realPath(await Deno.makeTempDir());
  try {
    const big = noise();
    await Deno.writeFile(`${root}/big.bin`, big);
    await fn(root, big);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

/**
 * The handler behind a wrapper that counts its ordinary answers and what
 * its fast lane gave: the same lane, asked exactly as the engine asks it.
 */
function counted(handler: StaticHandler) {
  const lane = (handler as FastLaneCarrier)[FAST_LANE]!;
  const counts = { asked: 0, waits: 0, ordinary: 0 };
  let askedAll = Promise.withResolvers<void>();
  let expected = Infinity;
  const countedLane: FastLane = (request, nowMs) => {
    counts.asked++;
    const answer = lane(request, nowMs);
    if (answer instanceof Promise) counts.waits++;
    if (counts.asked >= expected) askedAll.resolve();
    return answer;
  };
  const wrapped: ServeHandler = Object.assign(
    (request: Request, info?: unknown) => {
      counts.ordinary++;
      return handler(request, info);
    },
    { [FAST_LANE]: countedLane },
  );
  return {
    handler: wrapped,
    counts,
    /** Resolves once the lane has been asked `n` times from now on. */
    asked(n: number): Promise<void> {
      askedAll = Promise.withResolvers<void>();
      expected = counts.asked + n;
      return askedAll.promise;
    },
    reset(): void {
      counts.asked = counts.waits = counts.ordinary = 0;
    },
  };
}

/** Serve one request on each of `conns` at once; resolves when all closed. */
function serveAll(
  handler: ServeHandler,
  conns: readonly MockConn[],
): Promise<void[]> {
  const tracker = new ConnectionTracker(1000);
  return Promise.all(conns.map((conn) =>
    serveConnection(conn, handler, {
      limits: resolveLimits(),
      tracker,
      onError: () => new Response("error", { status: 500 }),
    })
  ));
}

function connsFor(request: string, n = N): RecordingConn[] {
  return Array.from({ length: n }, () => new RecordingConn([request]));
}

/** What a connection received, `Date` masked. */
function received(conn: MockConn): string {
  return conn.output.replace(/^date: [^\r\n]*\r\n/im, "date: DATE\r\n");
}

/** The cached bytes of the file at `key`, or `null`. */
function cachedBytes(handler: StaticHandler, key: string): Uint8Array | null {
  for (const entry of cacheOf(handler).entries()) {
    if (entry.key === key) return (entry as FileEntry).identity.bytes;
  }
  return null;
}

Deno.test("createStaticHandler() on a cold start: concurrent requests for one file wait for its one load and are answered from the cached body", async () => {
  await withSite(async (root, big) => {
    const handler = createStaticHandler({ root });
    const lane = counted(handler);
    const conns = connsFor(get("/big.bin"));
    await serveAll(lane.handler, conns);

    // One request took the ordinary path (one routing, one load); the
    // others waited for it once and were then the lane's.
    assert.equal(lane.counts.ordinary, 1);
    assert.equal(lane.counts.waits, N - 1);
    const first = received(conns[0]);
    assert.match(first, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(first, new RegExp(`\r\ncontent-length: ${MiB}\r\n`, "i"));
    const bytes = conns[0].outputBytes;
    assert.deepEqual(bytes.subarray(bytes.length - MiB), big);
    for (const conn of conns) assert.equal(received(conn), first);
    // The lane's answers are written from the cached buffer itself (past
    // the part that rides with the head): no copy of the body per request.
    const cached = cachedBytes(handler, `${root}/big.bin`);
    assert.ok(cached !== null);
    const fromCache = (given: Uint8Array) =>
      given.buffer === cached.buffer && given.length > MiB / 2 &&
      given.byteOffset + given.length === cached.byteOffset + cached.length;
    assert.equal(
      conns.filter((conn) => conn.given.some(fromCache)).length,
      N - 1,
    );
  });
});

Deno.test("createStaticHandler() past revalidateMs: concurrent requests wait for the one re-check and are answered by the fast lane", async () => {
  await withSite(async (root) => {
    // A clock of the test's own; the entry expires at 1000.
    const clock = { now: 0 };
    const lane = counted(
      createStaticHandler({ root, revalidateMs: 1000, now: () => clock.now }),
    );
    await serveAll(lane.handler, connsFor(get("/big.bin"), 1));
    clock.now = 5000;
    lane.reset();
    const conns = connsFor(get("/big.bin"));
    await serveAll(lane.handler, conns);
    assert.equal(lane.counts.ordinary, 1);
    assert.equal(lane.counts.waits, N - 1);
    for (const conn of conns) assert.equal(received(conn), received(conns[0]));
  });
});

Deno.test("createStaticHandler() on a cold start: a load that fails gives every waiter the ordinary path's 404", async () => {
  await withSite(async (root) => {
    const handler = createStaticHandler({ root });
    const lane = counted(handler);
    // A load of the file held until the test lets it fail, as if the file
    // were removed while it was read.
    const removed = Promise.withResolvers<void>();
    const load = cacheOf(handler).revalidate(`${root}/big.bin`, async () => {
      await removed.promise;
      throw new Deno.errors.NotFound("removed while loading");
    }).catch(() => null);
    const asked = lane.asked(N);
    const conns = connsFor(get("/big.bin"));
    const served = serveAll(lane.handler, conns);
    await asked;
    assert.equal(lane.counts.waits, N - 1);
    await Deno.remove(`${root}/big.bin`);
    removed.resolve();
    await served;
    await load;

    assert.equal(lane.counts.ordinary, N);
    const first = received(conns[0]);
    assert.match(first, /^HTTP\/1\.1 404 Not Found\r\n/);
    for (const conn of conns) assert.equal(received(conn), first);
  });
});

Deno.test("createStaticHandler() on a cold start: a waiter whose connection closes meanwhile ends, and leaves nothing waiting", async () => {
  await withSite(async (root, big) => {
    const handler = createStaticHandler({ root });
    const lane = counted(handler);
    const asked = lane.asked(2);
    const [answered, gone] = connsFor(get("/big.bin"), 2);
    const served = serveAll(lane.handler, [answered, gone]);
    await asked;
    assert.equal(lane.counts.waits, 1);
    gone.close();
    await served;
    assert.equal(gone.output, "");
    const bytes = answered.outputBytes;
    assert.deepEqual(bytes.subarray(bytes.length - MiB), big);
    // Nothing of the wait is left: the next request is a plain hit.
    lane.reset();
    await serveAll(lane.handler, connsFor(get("/big.bin"), 1));
    assert.deepEqual(lane.counts, { asked: 1, waits: 0, ordinary: 0 });
  });
});

Deno.test("createStaticHandler() requests for a path the fast lane does not keep wait at most once, then not on each other", async () => {
  await withSite(async (root) => {
    const handler = createStaticHandler({ root });
    const lane = counted(handler);
    const first = connsFor(get("/missing"));
    await serveAll(lane.handler, first);
    assert.equal(lane.counts.waits, N - 1);
    assert.equal(lane.counts.ordinary, N);
    lane.reset();
    const again = connsFor(get("/missing"));
    await serveAll(lane.handler, again);
    assert.equal(lane.counts.waits, 0);
    for (const conn of [...first, ...again]) {
      assert.match(received(conn), /^HTTP\/1\.1 404 Not Found\r\n/);
    }
  });
});

Deno.test("createStaticHandler() requests the fast lane never answers do not make others wait", async () => {
  await withSite(async (root) => {
    const handler = createStaticHandler({ root });
    const lane = counted(handler);
    const ranges = connsFor(get("/big.bin", { range: "bytes=0-9" }));
    await serveAll(lane.handler, ranges);
    assert.equal(lane.counts.waits, 0);
    for (const conn of ranges) {
      assert.match(received(conn), /^HTTP\/1\.1 206 Partial Content\r\n/);
    }
  });
});

Deno.test("LaneWaits notes only plain GETs, and a path not kept for as long as notKeptMs", async () => {
  let clock = 0;
  const kept = new Set<string>();
  const waits = new LaneWaits({
    now: () => clock,
    notKeptMs: 1000,
    kept: (path) => kept.has(path),
    hold: () => true,
  });
  const head = {
    method: "GET",
    target: "/a?x",
    headerNames: [],
    headerValues: [],
  };
  const at = (path: string, init?: RequestInit) =>
    new Request(`http://h${path}`, init);
  // Until an engine asks the lane, nothing is noted.
  assert.equal(waits.begin(at("/a")), null);
  assert.equal(waits.waitFor(head), undefined);
  assert.equal(waits.begin(at("/a", { method: "HEAD" })), null);
  assert.equal(
    waits.begin(at("/a", { headers: { range: "bytes=0-1" } })),
    null,
  );
  assert.equal(
    waits.begin(at("/a", { headers: { "if-none-match": '"x"' } })),
    null,
  );
  assert.equal(waits.begin(at("/a")), "/a");
  // A second request for the path while it is made is not noted again.
  assert.equal(waits.begin(at("/a")), null);
  const wait = waits.waitFor(head);
  assert.ok(wait instanceof Promise);
  assert.equal(waits.waitFor(head), wait, "one promise for every waiter");
  waits.end("/a");
  assert.equal(waits.waitFor(head), undefined);
  // Not kept: not noted again until notKeptMs has passed.
  clock = 999;
  assert.equal(waits.begin(at("/a")), null);
  clock = 1000;
  assert.equal(waits.begin(at("/a")), "/a");
  kept.add("/a");
  waits.end("/a");
  assert.equal(waits.begin(at("/a")), "/a");
  waits.end("/a");
  // Rules changed: what was not kept may be now.
  assert.equal(waits.begin(at("/b")), "/b");
  waits.end("/b");
  waits.forgetNotes();
  assert.equal(waits.begin(at("/b")), "/b");
  waits.end("/b");
  await wait;
});

/**
 * LaneWaits that keep nothing, counting their notes in `cache`, as the
 * engine has asked once (so that they note at all).
 */
function notingWaits(cache: FileCache): LaneWaits {
  const waits = new LaneWaits({
    now: () => 0,
    notKeptMs: 1000,
    kept: () => false,
    hold: (notes) => cache.holdHint(notes),
  });
  waits.waitFor({
    method: "GET",
    target: "/",
    headerNames: [],
    headerValues: [],
  });
  return waits;
}

Deno.test("LaneWaits counts its notes against the cache budget and keeps them within it under many distinct long paths", () => {
  const budget = 64 * 1024;
  const cache = new FileCache({ budgetBytes: budget, now: () => 0 });
  const waits = notingWaits(cache);
  const noted = () => [...waits.notedPaths()];
  const note = (path: string) => {
    const begun = waits.begin(new Request(`http://h${path}`));
    if (begun !== null) waits.end(begun);
    return begun;
  };
  assert.equal(note("/a"), "/a");
  assert.deepEqual(noted(), ["/a"]);
  assert.ok(waits.notesBytes > 0);
  assert.equal(cache.usedBytes, waits.notesBytes);
  // An attack: thousands of distinct 512-character paths, none kept.
  for (let i = 0; i < 3000; i++) {
    note("/" + String(i).padStart(511, "x"));
    assert.ok(cache.usedBytes <= budget, `${cache.usedBytes} over ${budget}`);
    assert.equal(cache.usedBytes, waits.notesBytes);
    const chars = noted().reduce((sum, path) => sum + 2 * path.length, 0);
    assert.ok(chars <= waits.notesBytes, "every noted char is counted");
  }
  assert.ok(noted().length > 0, "notes are kept while they fit");
  // A path too long to note is not, and costs nothing.
  const before = waits.notesBytes;
  assert.equal(note("/" + "y".repeat(512)), null);
  assert.equal(waits.notesBytes, before);
  waits.forgetNotes();
  assert.deepEqual(noted(), []);
  assert.equal(cache.usedBytes, 0);
});

Deno.test("LaneWaits keeps at most 1024 notes, however large the budget", () => {
  const cache = new FileCache({ now: () => 0 });
  const waits = notingWaits(cache);
  for (let i = 0; i < 2000; i++) {
    const path = waits.begin(new Request(`http://h/${i}`));
    if (path !== null) waits.end(path);
  }
  assert.equal([...waits.notedPaths()].length, 1024);
  assert.equal(cache.usedBytes, waits.notesBytes);
});

Deno.test("pathOf() gives what new URL().pathname gives, for what Request.url holds", () => {
  const urls = [
    "http://a/",
    "http://a",
    "http://a/x/y.html",
    "https://a:8443/x?q=1",
    "http://u:p@a:80/x/?q=/y#f",
    "http://[::1]:8000/v6?x",
    "http://a/x#frag?not-a-query",
    "http://a/x?q#f/g",
    "http://a/%2e%2e/a%20b/\u00e9/../c?d",
    "http://a/..%2f/x//y",
    "http://a/?",
    "http://a/#",
  ];
  for (const url of urls) {
    const serialized = new Request(url).url;
    assert.equal(pathOf(serialized), new URL(serialized).pathname, url);
  }
});
