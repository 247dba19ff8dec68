/**
 * The file handler's fast lane over HTTP/2, on the in-memory connection:
 * a cached hit is answered without the handler's ordinary path (counted
 * through a wrapper that keeps the lane), with the status, fields and body
 * the ordinary path gives (compared with the same handler behind a plain
 * function, which has no lane), its HEADERS a state-independent block
 * behind any size update the encoder owes, its body within the client's
 * windows.
 */

import assert from "node:assert/strict";
import { FAST_LANE, type FastLaneCarrier } from "../../src/http/fast_lane.ts";
import {
  type FastLaneFieldList,
  fieldListBlockBound,
  fieldListBytes,
} from "../../src/http/fast_lane_fields.ts";
import type { AccessLogEntry } from "../../src/http1/access_log_entry.ts";
import type { ServeHandler } from "../../src/http1/handler.ts";
import { encodePingFrame } from "../../src/http2/frame_ping.ts";
import { encodeSettingsFrame } from "../../src/http2/frame_settings.ts";
import { encodeWindowUpdateFrame } from "../../src/http2/frame_window_update.ts";
import { encodeFieldList } from "../../src/http2/serve_fast_lane.ts";
import { SETTING } from "../../src/http2/settings.ts";
import type { StaticHandlerOptions } from "../../src/static/options.ts";
import { createStaticHandler } from "../../src/static/static_handler.ts";
import { latin1Bytes } from "./_bytes.ts";
import {
  H2Client,
  requestFields,
  type ServerFrame,
  type StartOptions,
  type StreamResponse,
} from "./_h2_client.ts";

const PAGE = "<p>hello</p>\n".repeat(80); // about 1 KiB
const BIG = "0123456789".repeat(4_000); // 40,000 bytes

/** A site, and clients for its handler with and without the lane. */
interface Site {
  root: string;
  /** Calls of the lane handler's ordinary path. */
  calls: number;
  /** The handler with its lane, the ordinary path counted. */
  laned: ServeHandler;
  /** The same handler behind a plain function: no lane. */
  plain: ServeHandler;
}

async function withSite(
  options: StaticHandlerOptions,
  fn: (site: Site) => Promise<void>,
): Promise<void> {
  const root = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${root}/page.html`, PAGE);
    await Deno.writeTextFile(`${root}/big.txt`, BIG);
    const handler = createStaticHandler({ ...options, root });
    const other = createStaticHandler({ ...options, root });
    const site: Site = {
      root,
      calls: 0,
      laned: Object.assign(
        (request: Request, info: Deno.ServeHandlerInfo) => {
          site.calls++;
          return handler(request, info);
        },
        { [FAST_LANE]: (handler as FastLaneCarrier)[FAST_LANE] },
      ),
      plain: (request, info) => other(request, info),
    };
    await fn(site);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

/** A response without `date`, its fields in order, for comparison. */
function comparable(response: StreamResponse): StreamResponse {
  return {
    ...response,
    fields: response.fields.filter((f) => !f.startsWith("date: ")).sort(),
  };
}

/** Fields as a client would send them, after the pseudo-header fields. */
type Extra = [string, string][];

/**
 * Send the same request twice on each of two connections (the first
 * records the answer, the second is the one compared): the lane's and the
 * plain handler's answers to the second, and the lane handler's calls.
 */
async function twice(
  site: Site,
  method: string,
  path: string,
  extra: Extra = [],
  options: StartOptions = {},
): Promise<{ laned: StreamResponse; plain: StreamResponse }> {
  const answers: StreamResponse[] = [];
  for (const handler of [site.laned, site.plain]) {
    const client = new H2Client(handler, options);
    try {
      await client.handshake();
      client.send(client.headers(1, requestFields("GET", path)));
      await client.response(1);
      client.send(
        client.headers(3, [...requestFields(method, path), ...extra]),
      );
      answers.push(await client.response(3));
    } finally {
      await client.close();
    }
  }
  return { laned: answers[0], plain: answers[1] };
}

Deno.test("HTTP/2: a cached hit is answered by the fast lane, as the ordinary path answers it", async () => {
  await withSite({}, async (site) => {
    const { laned, plain } = await twice(site, "GET", "/page.html");
    assert.equal(site.calls, 1, "only the first request took the handler");
    assert.equal(laned.status, 200);
    assert.equal(laned.body, PAGE);
    assert.ok(laned.fields.some((f) => f.startsWith("date: ")));
    assert.deepEqual(comparable(laned), comparable(plain));
  });
});

Deno.test("HTTP/2: the fast lane answers 304 for a matching If-None-Match", async () => {
  await withSite({}, async (site) => {
    const first = await twice(site, "GET", "/page.html");
    const etag = first.laned.fields.find((f) => f.startsWith("etag: "))!
      .slice(6);
    site.calls = 0;
    const { laned, plain } = await twice(site, "GET", "/page.html", [
      ["if-none-match", etag],
    ]);
    assert.equal(site.calls, 0, "the lane had the answer already");
    assert.equal(laned.status, 304);
    assert.equal(laned.body, "");
    assert.deepEqual(comparable(laned), comparable(plain));
  });
});

Deno.test("HTTP/2: the fast lane answers HEAD with GET's fields and no body", async () => {
  await withSite({}, async (site) => {
    const { laned, plain } = await twice(site, "HEAD", "/page.html");
    assert.equal(site.calls, 1);
    assert.equal(laned.status, 200);
    assert.equal(laned.body, "");
    assert.ok(laned.fields.includes(`content-length: ${PAGE.length}`));
    assert.deepEqual(comparable(laned), comparable(plain));
  });
});

Deno.test("HTTP/2: the fast lane's answers say so in the access log and Berth-Explain", async () => {
  await withSite({ explain: true }, async (site) => {
    const entries: AccessLogEntry[] = [];
    const { laned } = await twice(site, "GET", "/page.html", [], {
      onResponse: (entry) => entries.push(entry),
    });
    assert.equal(site.calls, 1);
    const explained = laned.fields.find((f) => f.startsWith("berth-explain"));
    assert.match(explained!, /^berth-explain: fast lane: /);
    assert.match(entries[1].explain, /^fast lane: /);
    assert.equal(entries[1].status, 200);
    assert.equal(entries[1].bodyBytes, PAGE.length);
  });
});

Deno.test("HTTP/2: a fast-lane block follows the size update the encoder owes", async () => {
  await withSite({}, async (site) => {
    const client = new H2Client(site.laned);
    try {
      await client.handshake();
      client.request(1, "GET", "/page.html");
      await client.response(1);
      // The client allows no dynamic table any more: the server's next
      // block must start with a size update to 0 (RFC 7541 §4.2).
      client.send(
        encodeSettingsFrame([{ id: SETTING.HEADER_TABLE_SIZE, value: 0 }]),
      );
      await client.expect("SETTINGS");
      client.request(3, "GET", "/page.html");
      const frames = await client.until((f) => f.endStream === true);
      const headers = frames.find((f) => f.type === "HEADERS")!;
      assert.equal(headers.raw.payload[0], 0x20, "a size update to 0");
      assert.equal(site.calls, 1);
      assert.ok(
        headers.fields!.some((f) => f.startsWith("content-type: text/html")),
      );
      assert.equal(
        frames.filter((f) => f.type === "DATA").map((f) => f.text).join(""),
        PAGE,
      );
      client.request(5, "GET", "/page.html");
      const again = await client.until((f) => f.endStream === true);
      assert.notEqual(again[0].raw.payload[0], 0x20, "nothing owed now");
    } finally {
      await client.close();
    }
  });
});

/** Frames in one line each. */
function lines(frames: ServerFrame[]): string[] {
  return frames.map((f) =>
    `${f.type} ${f.streamId}` +
    (f.type === "DATA" ? ` ${f.raw.payload.length}` : "") +
    (f.endStream ? " END_STREAM" : "")
  );
}

Deno.test("HTTP/2: a fast-lane body keeps within the client's windows", async () => {
  await withSite({}, async (site) => {
    const client = new H2Client(site.laned);
    try {
      await client.handshake([{
        id: SETTING.INITIAL_WINDOW_SIZE,
        value: 20_000,
      }]);
      // Room on the connection for both bodies; the streams' own windows
      // are what hold the second back.
      client.send(encodeWindowUpdateFrame(0, 100_000));
      client.request(1, "GET", "/big.txt");
      client.send(encodeWindowUpdateFrame(1, 100_000));
      assert.equal((await client.response(1)).body, BIG);
      client.request(3, "GET", "/big.txt");
      const first = await client.until((f) =>
        f.type === "DATA" && f.raw.payload.length === 3616
      );
      assert.deepEqual(lines(first), [
        "HEADERS 3",
        "DATA 3 16384",
        "DATA 3 3616",
      ]);
      client.send(encodePingFrame(latin1Bytes("roundtrp"), false));
      const held = await client.until((f) => f.type === "PING");
      assert.deepEqual(lines(held), ["PING 0"], "the window is used up");
      client.send(encodeWindowUpdateFrame(3, 100_000));
      const rest = await client.until((f) => f.endStream === true);
      const body = [...first, ...rest].filter((f) => f.type === "DATA")
        .map((f) => f.text).join("");
      assert.equal(body, BIG);
      assert.equal(site.calls, 1);
    } finally {
      await client.close();
    }
  });
});

Deno.test("encodeFieldList() stays within fieldListBlockBound(), which the cache counts", () => {
  const lists: FastLaneFieldList[] = [
    { status: 200, names: [], values: [], contentLength: 0 },
    { status: 304, names: ["etag"], values: ['"x"'], contentLength: -1 },
    {
      status: 200,
      names: ["x-not-static", "content-type", "set-cookie", "x-long"],
      values: ["~".repeat(127), "text/plain", "a=b", "\x7f".repeat(20_000)],
      contentLength: 2 ** 50,
    },
    {
      status: 599,
      names: ["y".repeat(300), "cache-control"],
      values: ["", "z".repeat(126)],
      contentLength: 123_456_789,
    },
  ].map((list) => ({ ...list, body: null, encoded: null }));
  for (const list of lists) {
    const block = encodeFieldList(list);
    assert.ok(block.length <= fieldListBlockBound(list));
    assert.ok(fieldListBytes(list) > fieldListBlockBound(list));
  }
});
