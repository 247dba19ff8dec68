import assert from "node:assert/strict";
import {
  connectionCopiesSize,
  FAST_LANE_REUSE_MAX_BYTES,
  fastLaneBytes,
  type FastLaneResponseInit,
  fastLaneResponseSize,
  keepAliveReuse,
  keptCopy,
  renewFastLaneResponse,
  serializeFastLaneResponse,
} from "../../src/http/fast_lane_response.ts";

const NOW = Date.UTC(1994, 10, 6, 8, 49, 37, 500);
const DATE = "date: Sun, 06 Nov 1994 08:49:37 GMT\r\n";
const decoder = new TextDecoder();
const small = new TextEncoder().encode("hello");
const large = new Uint8Array(64 * 1024 + 1).fill(0x61);

const cases: {
  name: string;
  init: FastLaneResponseInit;
  head: string;
  bodyInHead: boolean;
}[] = [
  {
    name: "a small body follows its head in one buffer",
    init: {
      status: 200,
      fields: 'etag: "1"\r\n',
      body: small,
      contentLength: 5,
    },
    head: `HTTP/1.1 200 OK\r\netag: "1"\r\n${DATE}content-length: 5\r\n\r\n`,
    bodyInHead: true,
  },
  {
    name: "a HEAD answer announces the length and sends no body",
    init: { status: 200, fields: "", body: null, contentLength: 5 },
    head: `HTTP/1.1 200 OK\r\n${DATE}content-length: 5\r\n\r\n`,
    bodyInHead: false,
  },
  {
    name: "a 304 has no framing",
    init: {
      status: 304,
      fields: 'etag: "1"\r\n',
      body: null,
      contentLength: -1,
    },
    head: `HTTP/1.1 304 Not Modified\r\netag: "1"\r\n${DATE}\r\n`,
    bodyInHead: false,
  },
];

for (const { name, init, head, bodyInHead } of cases) {
  Deno.test(`serializeFastLaneResponse(): ${name}`, () => {
    const answer = serializeFastLaneResponse(init, NOW);
    assert.equal(answer.status, init.status);
    assert.equal(answer.headerBytes, head.length);
    assert.equal(decoder.decode(answer.head.subarray(0, head.length)), head);
    assert.equal(answer.bodyBytes, init.body?.length ?? 0);
    if (bodyInHead) {
      assert.equal(answer.body, null);
      assert.deepEqual(answer.head.subarray(head.length), init.body);
    } else {
      assert.equal(answer.head.length, head.length);
      assert.equal(answer.body, init.body);
    }
    assert.equal(fastLaneResponseSize(init), answer.head.length);
  });
}

Deno.test("serializeFastLaneResponse(): a large body's first 64 KiB follow the head in one buffer, the rest is the body's own buffer", () => {
  const init = {
    status: 200,
    fields: "",
    body: large,
    contentLength: large.length,
  };
  const head = `HTTP/1.1 200 OK\r\n${DATE}content-length: 65537\r\n\r\n`;
  const answer = serializeFastLaneResponse(init, NOW);
  assert.equal(answer.headerBytes, head.length);
  assert.equal(decoder.decode(answer.head.subarray(0, head.length)), head);
  assert.equal(answer.bodyBytes, large.length);
  assert.equal(answer.head.length, head.length + 64 * 1024);
  assert.deepEqual(answer.head.subarray(head.length), large.subarray(0, 65536));
  // The rest is written from the body's buffer itself, not a copy.
  assert.ok(answer.body !== null);
  assert.equal(answer.body.buffer, large.buffer);
  assert.equal(answer.body.byteOffset, 64 * 1024);
  assert.equal(answer.body.length, 1);
  assert.equal(fastLaneResponseSize(init), answer.head.length);
});

Deno.test("serializeFastLaneResponse() writes a field value over 0x7f as latin1", () => {
  const fields = 'content-disposition: inline; filename="caf\u00e9"\r\n';
  const init = { status: 200, fields, body: null, contentLength: 0 };
  const answer = serializeFastLaneResponse(init, NOW);
  const at = "HTTP/1.1 200 OK\r\n".length + fields.indexOf("\u00e9");
  assert.equal(answer.head[at], 0xe9);
  assert.equal(fastLaneResponseSize(init), answer.head.length);
});

Deno.test("fastLaneBytes() adds the Connection field before the empty line, body kept after it", () => {
  const answer = serializeFastLaneResponse(
    { status: 200, fields: "", body: small, contentLength: 5 },
    NOW,
  );
  assert.equal(fastLaneBytes(answer, "persist"), answer.head);
  assert.equal(
    decoder.decode(fastLaneBytes(answer, "close")),
    `HTTP/1.1 200 OK\r\n${DATE}content-length: 5\r\nconnection: close\r\n\r\nhello`,
  );
  assert.equal(
    decoder.decode(fastLaneBytes(answer, "keep-alive")),
    `HTTP/1.1 200 OK\r\n${DATE}content-length: 5\r\nconnection: keep-alive\r\n\r\nhello`,
  );
});

Deno.test("fastLaneBytes() copies into the caller's buffer when the answer fits, else into a new one", () => {
  const answer = serializeFastLaneResponse(
    { status: 200, fields: "", body: small, contentLength: 5 },
    NOW,
  );
  const expected =
    `HTTP/1.1 200 OK\r\n${DATE}content-length: 5\r\nconnection: keep-alive\r\n\r\nhello`;
  const reuse = new Uint8Array(1024).fill(0x7e);
  const first = fastLaneBytes(answer, "keep-alive", reuse);
  assert.equal(first.buffer, reuse.buffer);
  assert.equal(first.byteOffset, 0);
  assert.equal(decoder.decode(first), expected);
  // Nothing of an earlier, longer answer shows through a later one.
  const longer = serializeFastLaneResponse(
    {
      status: 200,
      fields: "x-long: " + "y".repeat(200) + "\r\n",
      body: small,
      contentLength: 5,
    },
    NOW,
  );
  fastLaneBytes(longer, "keep-alive", reuse);
  assert.equal(
    decoder.decode(fastLaneBytes(answer, "keep-alive", reuse)),
    expected,
  );
  const tooSmall = new Uint8Array(8);
  const own = fastLaneBytes(answer, "keep-alive", tooSmall);
  assert.notEqual(own.buffer, tooSmall.buffer);
  assert.equal(decoder.decode(own), expected);
});

Deno.test("keepAliveReuse() makes a buffer only for an answer that fits the bound, sized to it, and keeps one that fits", () => {
  const answerOf = (bodyBytes: number) =>
    serializeFastLaneResponse({
      status: 200,
      fields: "",
      body: new Uint8Array(bodyBytes),
      contentLength: bodyBytes,
    }, NOW);
  // Larger than the bound (the body is embedded): no buffer is made.
  const tooLarge = answerOf(FAST_LANE_REUSE_MAX_BYTES);
  assert.ok(tooLarge.head.length > FAST_LANE_REUSE_MAX_BYTES);
  assert.equal(keepAliveReuse(null, tooLarge), null);
  // A small answer gets the smallest buffer, kept for the next one.
  const first = keepAliveReuse(null, answerOf(5));
  assert.equal(first?.length, 1024);
  assert.equal(keepAliveReuse(first, answerOf(5)), first);
  // A larger one that fits the bound: a larger buffer, never over it.
  const grown = keepAliveReuse(first, answerOf(3000));
  assert.equal(grown?.length, 4096);
  const atBound = keepAliveReuse(
    grown,
    answerOf(FAST_LANE_REUSE_MAX_BYTES - 200),
  );
  assert.equal(atBound?.length, FAST_LANE_REUSE_MAX_BYTES);
  // One too large for the bound leaves the buffer held as it was.
  assert.equal(keepAliveReuse(grown, tooLarge), grown);
  // Each copy fits the buffer it is given.
  const copy = fastLaneBytes(answerOf(3000), "keep-alive", grown);
  assert.equal(copy.buffer, grown!.buffer);
});

Deno.test("keptCopy() keeps nothing on an answer whose producer did not count its copies", () => {
  for (const copiesCounted of [undefined, false]) {
    const answer = serializeFastLaneResponse(
      { status: 200, fields: "", body: small, contentLength: 5, copiesCounted },
      NOW,
    );
    assert.equal(answer.copiesCounted, false);
    assert.equal(keptCopy(answer, "close"), null);
    assert.equal(keptCopy(answer, "keep-alive"), null);
    assert.equal(answer.closeHead, null);
    assert.equal(answer.keepAliveHead, null);
  }
});

Deno.test("keptCopy() makes each Connection copy once and gives the same bytes again, the answer itself untouched", () => {
  const init: FastLaneResponseInit = {
    status: 200,
    fields: 'etag: "1"\r\n',
    body: small,
    contentLength: 5,
    copiesCounted: true,
  };
  const answer = serializeFastLaneResponse(init, NOW);
  const original = decoder.decode(answer.head);
  const close = keptCopy(answer, "close")!;
  const keepAlive = keptCopy(answer, "keep-alive")!;
  // RFC 9112 §9.6: `close` on the answer that ends the connection; §9.3: an
  // HTTP/1.0 client keeps it only when the answer says `keep-alive`.
  assert.equal(
    decoder.decode(close),
    `HTTP/1.1 200 OK\r\netag: "1"\r\n${DATE}content-length: 5\r\nconnection: close\r\n\r\nhello`,
  );
  assert.equal(
    decoder.decode(keepAlive),
    `HTTP/1.1 200 OK\r\netag: "1"\r\n${DATE}content-length: 5\r\nconnection: keep-alive\r\n\r\nhello`,
  );
  assert.deepEqual(close, fastLaneBytes(answer, "close"));
  assert.deepEqual(keepAlive, fastLaneBytes(answer, "keep-alive"));
  // Kept on the answer: the same bytes, not a new copy, for the next ask.
  assert.equal(answer.closeHead, close);
  assert.equal(answer.keepAliveHead, keepAlive);
  assert.equal(keptCopy(answer, "close"), close);
  assert.equal(keptCopy(answer, "keep-alive"), keepAlive);
  assert.notEqual(close.buffer, keepAlive.buffer);
  assert.notEqual(close.buffer, answer.head.buffer);
  assert.equal(decoder.decode(answer.head), original);
  // What a producer counts up front is what the two copies hold.
  assert.equal(connectionCopiesSize(init), close.length + keepAlive.length);
});

Deno.test("connectionCopiesSize() is 0 for an answer whose copies would exceed the reuse bound", () => {
  const sized = (bodyBytes: number): FastLaneResponseInit => ({
    status: 200,
    fields: "",
    body: new Uint8Array(bodyBytes),
    contentLength: bodyBytes,
  });
  const tooLarge = sized(FAST_LANE_REUSE_MAX_BYTES);
  assert.equal(connectionCopiesSize(tooLarge), 0);
  // The largest whose keep-alive copy is still within the bound.
  const fits = sized(FAST_LANE_REUSE_MAX_BYTES - 200);
  const size = fastLaneResponseSize(fits);
  const copies = connectionCopiesSize(fits);
  assert.ok(copies > 2 * size);
  assert.ok(copies <= 2 * FAST_LANE_REUSE_MAX_BYTES);
});

Deno.test("renewFastLaneResponse() makes an answer no write holds the new second's in place: the bytes a new one would have, its copies let go", () => {
  for (const { init } of cases) {
    const answer = serializeFastLaneResponse(
      { ...init, copiesCounted: true },
      NOW,
    );
    const buffer = answer.head;
    keptCopy(answer, "close");
    const later = NOW + 86_400_000 + 3_723_000; // a day, 1 h, 2 min, 3 s
    assert.equal(renewFastLaneResponse(answer, later), true);
    assert.equal(answer.head, buffer);
    const fresh = serializeFastLaneResponse(init, later);
    assert.deepEqual(answer.head, fresh.head);
    assert.ok(
      decoder.decode(answer.head).includes(
        "date: Mon, 07 Nov 1994 09:51:40 GMT\r\n",
      ),
    );
    assert.equal(answer.closeHead, null);
    assert.equal(answer.keepAliveHead, null);
  }
});

Deno.test("renewFastLaneResponse() leaves an answer a write holds as it is", () => {
  const answer = serializeFastLaneResponse(cases[0].init, NOW);
  const before = answer.head.slice();
  answer.writes++;
  assert.equal(renewFastLaneResponse(answer, NOW + 1000), false);
  assert.deepEqual(answer.head, before);
  answer.writes--;
  assert.equal(renewFastLaneResponse(answer, NOW + 1000), true);
  assert.notDeepEqual(answer.head, before);
});

Deno.test("renewFastLaneResponse() leaves an answer as it is for a date that would not fit its place", () => {
  const answer = serializeFastLaneResponse(cases[0].init, NOW);
  const before = answer.head.slice();
  // "Sat, 01 Jan 10000 00:00:00 GMT": 30 characters, not 29.
  assert.equal(renewFastLaneResponse(answer, Date.UTC(10000, 0, 1)), false);
  assert.deepEqual(answer.head, before);
});
