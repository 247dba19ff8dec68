/**
 * The file handler's fast lane must never answer differently from the
 * ordinary path. Each test runs the same pipelined requests through the
 * engine twice — once with the handler as it is (fast lane on), once behind a
 * plain wrapper function (no fast lane) — and compares the bytes.
 */

import assert from "node:assert/strict";
import { FAST_LANE, type FastLaneCarrier } from "../../src/http/fast_lane.ts";
import type { ServeHandler } from "../../src/http1/handler.ts";
import { createStaticHandler } from "../../src/static/static_handler.ts";
import { exchange, get } from "./_exchange.ts";

const decoder = new TextDecoder();

async function withSite(
  fn: (root: string) => Promise<void>,
): Promise<void> {
  const root = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${root}/index.html`, "<h1>home</h1>");
    await Deno.writeTextFile(`${root}/app.js`, "console.log(1);\n".repeat(200));
    await Deno.writeTextFile(`${root}/note.txt`, "a note");
    await Deno.writeTextFile(`${root}/big.html`, "<p>big</p>\n".repeat(300));
    await Deno.mkdir(`${root}/docs`);
    await Deno.writeTextFile(`${root}/docs/index.html`, "<p>docs</p>");
    // A precompressed sibling (its bytes are not checked, only chosen).
    await Deno.writeTextFile(`${root}/style.css`, "p{margin:0}\n".repeat(200));
    await Deno.writeTextFile(`${root}/style.css.br`, "pretend brotli");
    await fn(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

/** The fast lane's view of `GET /note.txt` with no other fields. */
const NOTE_HEAD = {
  method: "GET",
  target: "/note.txt",
  headerNames: [] as string[],
  headerValues: [] as string[],
};

Deno.test("fast lane answers byte for byte as the ordinary path", async () => {
  await withSite(async (root) => {
    const fast = createStaticHandler({ root });
    const slow = createStaticHandler({ root });
    const plain: ServeHandler = (request) => slow(request);
    assert.equal(typeof (fast as FastLaneCarrier)[FAST_LANE], "function");
    assert.equal((plain as FastLaneCarrier)[FAST_LANE], undefined);

    const etagOf = async (path: string, acceptEncoding = "") => {
      const response = await slow(
        new Request(`http://a${path}`, {
          headers: { "accept-encoding": acceptEncoding },
        }),
      );
      await response.body?.cancel();
      return response.headers.get("etag")!;
    };
    const indexTag = await etagOf("/index.html");
    const bigTag = await etagOf("/big.html");
    const brTag = await etagOf("/style.css", "br");
    // Spellings the lane must negotiate itself, as the ordinary path does.
    const spellings = [
      "x",
      "GZIP",
      "x-gzip",
      "gzip;q=0",
      "*",
      "*;q=0",
      "br;q=0, *",
      "br;q=0.5, gzip",
      "identity;q=0.5, gzip;q=0.4",
      "gzip;q=0.4, identity;q=0.5",
      "gzip, identity;q=0",
      "zstd",
      "gzip;q=bad, br",
      "",
    ];
    const list = [
      get("/index.html"),
      get("/"),
      get("/docs/"),
      get("/index.html?x=1"),
      get("/app.js"),
      get("/app.js", { "accept-encoding": "gzip, deflate, br" }),
      get("/app.js", { "accept-encoding": "identity" }),
      get("/note.txt", { "user-agent": "probe" }),
      get("/index.html", { "if-none-match": indexTag }),
      get("/index.html", { "if-none-match": `W/${indexTag}` }),
      get("/index.html", { "if-none-match": `"nope", ${indexTag}` }),
      get("/index.html", { "if-none-match": '"nope"' }),
      get("/index.html", {
        "if-none-match": indexTag,
        "if-modified-since": "Thu, 01 Jan 1970 00:00:00 GMT",
      }),
      get("/index.html", {
        "if-modified-since": "Thu, 01 Jan 2099 00:00:00 GMT",
      }),
      get("/index.html", { range: "bytes=0-3" }),
      get("/index.html", { "if-match": '"nope"' }),
      "HEAD /index.html HTTP/1.1\r\nHost: a\r\n\r\n",
      "HEAD /app.js HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\n\r\n",
      get("/missing"),
      get("/docs"),
      get("/.hidden"),
      get("/big.html"),
      get("/big.html", { "accept-encoding": "gzip" }),
      get("/big.html", { "if-none-match": bigTag }),
      get("/big.html", {
        "accept-encoding": "gzip",
        "if-none-match": bigTag,
      }),
      ...spellings.flatMap((spelling) => [
        get("/app.js", { "accept-encoding": spelling }),
        get("/style.css", { "accept-encoding": spelling }),
      ]),
      get("/style.css", { "accept-encoding": "br", "if-none-match": brTag }),
      "HEAD /style.css HTTP/1.1\r\nHost: a\r\nAccept-Encoding: br\r\n\r\n",
      "GET /style.css HTTP/1.1\r\nHost: a\r\nAccept-Encoding: br\r\n" +
      "Accept-Encoding: gzip;q=0.5\r\n\r\n",
      // HTTP/1.0 with keep-alive asked for: said back, connection kept.
      "GET /index.html HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
      "GET /app.js HTTP/1.0\r\nConnection: Keep-Alive\r\n" +
      "Accept-Encoding: gzip\r\n\r\n",
      "HEAD /note.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
      get("/index.html", { connection: "close" }),
    ];
    // Each request twice in a row, then the list again in another order, so
    // every answer the lane could give is compared with a recorded one.
    const requests = [
      ...list.flatMap((request) => [request, request]),
      ...list.toReversed(),
      ...list,
    ].filter((request, i, all) =>
      // `connection: close` ends the exchange: keep only its last use.
      !request.includes("connection: close") || i === all.length - 1
    );

    const viaLane = await exchange(fast, requests);
    const viaHandler = await exchange(plain, requests);
    assert.equal(viaLane, viaHandler);
    assert.match(viaLane, /HTTP\/1\.1 304 Not Modified/);
    assert.match(viaLane, /content-encoding: gzip/);
    assert.match(viaLane, /content-encoding: br/);
    assert.match(viaLane, /connection: keep-alive/);
  });
});

Deno.test("fast lane answers HTTP/1.0: keep-alive only when asked, byte for byte as the ordinary path", async () => {
  await withSite(async (root) => {
    const fast = createStaticHandler({ root });
    const slow = createStaticHandler({ root });
    const plain: ServeHandler = (request) => slow(request);
    let ordinary = 0;
    const counted = Object.assign(
      (request: Request) => {
        ordinary++;
        return fast(request);
      },
      { [FAST_LANE]: (fast as FastLaneCarrier)[FAST_LANE] },
    );
    const keepAlive =
      "GET /note.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";
    const plain10 = "GET /note.txt HTTP/1.0\r\n\r\n";
    // The first answer records; the next two are the lane's, and the last,
    // without keep-alive, closes the connection.
    const requests = [keepAlive, keepAlive, keepAlive, plain10];
    const viaLane = await exchange(counted, requests);
    assert.equal(ordinary, 1, "only the first request took the ordinary path");
    assert.equal(viaLane, await exchange(plain, requests));
    const answers = viaLane.split(/(?=HTTP\/1\.1 )/);
    assert.equal(answers.length, 4);
    for (const answer of answers.slice(0, 3)) {
      assert.match(answer, /\r\nconnection: keep-alive\r\n/);
    }
    assert.match(answers[3], /\r\nconnection: close\r\n/);
  });
});

Deno.test("fast lane serves from memory without calling the handler's ordinary path", async () => {
  await withSite(async (root) => {
    const handler = createStaticHandler({ root });
    const lane = (handler as FastLaneCarrier)[FAST_LANE]!;
    assert.equal(
      lane(NOTE_HEAD, Date.now()),
      undefined,
      "nothing recorded yet",
    );
    await (await handler(new Request("http://a/note.txt"))).text();
    const hit = lane(NOTE_HEAD, Date.now());
    assert.ok(hit !== undefined && !(hit instanceof Promise));
    assert.equal(hit.status, 200);
    const text = decoder.decode(hit.head);
    assert.match(text, /^HTTP\/1\.1 200 OK\r\n/);
    assert.ok(text.endsWith("\r\n\r\na note"));
    assert.equal(hit.bodyBytes, 6);
    // Anything the recorded answer did not weigh goes the ordinary way.
    assert.equal(
      lane({
        ...NOTE_HEAD,
        headerNames: ["range"],
        headerValues: ["bytes=0-1"],
      }, 0),
      undefined,
    );
  });
});

Deno.test("fast lane never serves a changed file past revalidateMs", async () => {
  await withSite(async (root) => {
    let clock = 0;
    const handler = createStaticHandler({
      root,
      revalidateMs: 1000,
      now: () => clock,
    });
    const run = () => exchange(handler, [get("/note.txt"), get("/note.txt")]);
    assert.match(await run(), /a note[\s\S]*a note$/);
    await Deno.writeTextFile(`${root}/note.txt`, "changed!");
    // Within the bound the cached bytes may still be served…
    assert.match(await run(), /a note$/);
    // …past it, never.
    clock = 1000;
    const after = await run();
    assert.match(after, /changed!$/);
    assert.doesNotMatch(after, /a note/);
  });
});

Deno.test("fast lane re-checks a file in use before it expires", async () => {
  await withSite(async (root) => {
    let clock = 0;
    const handler = createStaticHandler({
      root,
      revalidateMs: 1000,
      now: () => clock,
    });
    const lane = (handler as FastLaneCarrier)[FAST_LANE]!;
    const body = (hit: ReturnType<typeof lane>) =>
      hit === undefined || hit instanceof Promise
        ? undefined
        : decoder.decode(hit.head).split("\r\n\r\n")[1];
    await (await handler(new Request("http://a/note.txt"))).text();
    await Deno.writeTextFile(`${root}/note.txt`, "changed!");
    clock = 400;
    assert.equal(body(lane(NOTE_HEAD, Date.now())), "a note");
    // Past half the bound, a hit still answers from memory but starts a
    // re-check, which the next ordinary request waits for…
    clock = 600;
    assert.equal(body(lane(NOTE_HEAD, Date.now())), "a note");
    const response = await handler(new Request("http://a/note.txt"));
    assert.equal(await response.text(), "changed!");
    // …so the change is served well before the entry would have expired,
    // and from then on by the fast lane again.
    assert.equal(body(lane(NOTE_HEAD, Date.now())), "changed!");
    // An unchanged file keeps its recorded answer across re-checks: with
    // hits every half bound, it never leaves the fast lane.
    for (clock = 1200; clock < 5000; clock += 600) {
      assert.equal(body(lane(NOTE_HEAD, Date.now())), "changed!");
      // A request on the ordinary path waits for a re-check in flight (an
      // async op of the test's own could settle first: no sleeping here).
      await (await handler(new Request("http://a/note.txt"))).text();
    }
  });
});

Deno.test("fast lane stops at a re-check that finds the root gone", async () => {
  const parent = await Deno.makeTempDir();
  const root = `${parent}/site`;
  try {
    await Deno.mkdir(root);
    await Deno.writeTextFile(`${root}/note.txt`, "a note");
    let clock = 0;
    const handler = createStaticHandler({
      root,
      revalidateMs: 1000,
      now: () => clock,
    });
    const lane = (handler as FastLaneCarrier)[FAST_LANE]!;
    await (await handler(new Request("http://a/note.txt"))).text();
    assert.ok(lane(NOTE_HEAD, Date.now()) !== undefined);
    // The site is replaced by nothing: the root's re-check fails…
    await Deno.remove(root, { recursive: true });
    clock = 600;
    assert.equal(lane(NOTE_HEAD, Date.now()), undefined);
    // …and the ordinary path answers from the disk as it is now.
    const response = await handler(new Request("http://a/note.txt"));
    assert.equal(response.status, 404);
    await response.body?.cancel();
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});

Deno.test("fast lane is off with revalidateMs: 0 (every request stats)", async () => {
  await withSite(async (root) => {
    const handler = createStaticHandler({ root, revalidateMs: 0 });
    await exchange(handler, [get("/note.txt")]);
    const lane = (handler as FastLaneCarrier)[FAST_LANE]!;
    assert.equal(lane(NOTE_HEAD, Date.now()), undefined);
  });
});

Deno.test("fast lane: two paths to one file keep the fields _headers gives each", async () => {
  await withSite(async (root) => {
    // `/` and `/index.html` lead to one file; only one of them gets X-Page.
    await Deno.writeTextFile(`${root}/_headers`, "/index.html\n  X-Page: 1\n");
    const handler = createStaticHandler({ root });
    const output = await exchange(handler, [
      get("/index.html"),
      get("/"),
      get("/index.html"),
      get("/index.html"),
      get("/"),
      get("/"),
    ]);
    const answers = output.split(/(?=HTTP\/1\.1 )/);
    assert.equal(answers.length, 6);
    assert.deepEqual(
      answers.map((answer) => /^x-page: 1\r$/m.test(answer)),
      [true, false, true, true, false, false],
    );
  });
});
