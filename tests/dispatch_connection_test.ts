/**
 * connectionDispatcher() on the in-memory connection: an h2c client's
 * bytes, fed whole and one byte per read, go from the HTTP/1.1 engine to
 * HTTP/2 without a byte lost; with `h2c` off they are an HTTP/1.1 505.
 */

import assert from "node:assert/strict";
import {
  ConnectionTracker,
  type TrackedConnection,
} from "../src/http1/connection_tracker.ts";
import { resolveLimits } from "../src/http1/limits.ts";
import { connectionDispatcher } from "../src/dispatch_connection.ts";
import { CONNECTION_PREFACE } from "../src/http2/connection_preface.ts";
import { ERROR_CODE } from "../src/http2/error_codes.ts";
import { encodeGoAwayFrame } from "../src/http2/frame_goaway.ts";
import { encodeHeadersFrame } from "../src/http2/frame_headers.ts";
import { encodeSettingsFrame } from "../src/http2/frame_settings.ts";
import { FRAME_TYPE } from "../src/http2/frame_types.ts";
import { HpackDecoder } from "../src/http2/hpack/hpack_decoder.ts";
import { HpackEncoder } from "../src/http2/hpack/hpack_encoder.ts";
import { resolveHttp2Limits } from "../src/http2/http2_limits.ts";
import { importHttp2, type LoadHttp2 } from "../src/load_http2.ts";
import { resolveProtocols } from "../src/protocol_options.ts";
import { MockConn } from "../support/mock_conn.ts";
import { concat } from "./http2/_bytes.ts";
import { splitFrames } from "./http2/_wire.ts";

/**
 * An h2c client's bytes: preface, SETTINGS, one GET (stream 1), then
 * GOAWAY: the server ends the connection once it has answered.
 */
function h2cRequest(): Uint8Array {
  const block = new HpackEncoder().encode([
    { name: ":method", value: "GET" },
    { name: ":scheme", value: "http" },
    { name: ":authority", value: "a" },
    { name: ":path", value: "/x" },
  ]);
  return concat(
    CONNECTION_PREFACE,
    encodeSettingsFrame([]),
    encodeHeadersFrame(1, block, { endStream: true }),
    encodeGoAwayFrame(0, ERROR_CODE.NO_ERROR),
  );
}

/** A client that ends its side once the server has ended its own. */
class PoliteConn extends MockConn {
  override closeWrite(): Promise<void> {
    const closed = super.closeWrite();
    this.end();
    return closed;
  }
}

/**
 * The dispatcher of a server whose handler answers `h2 PATH`, `h2c` on or
 * off, loading HTTP/2 as `loadHttp2` says (by default, importing it).
 */
function dispatcher(
  tracker: ConnectionTracker,
  options: { h2c: boolean; loadHttp2?: LoadHttp2 },
): (conn: Deno.Conn) => void {
  return connectionDispatcher(
    (request) => new Response(`h2 ${new URL(request.url).pathname}`),
    {
      connection: {
        limits: resolveLimits(),
        tracker,
        onError: () => new Response(null, { status: 500 }),
      },
      http2: resolveHttp2Limits(),
      protocols: resolveProtocols({ h2c: options.h2c }),
      loadHttp2: options.loadHttp2,
    },
  );
}

/** Dispatch a mock connection with `input` as its reads; `h2c` on or off. */
async function dispatch(
  input: Uint8Array[],
  h2c: boolean,
): Promise<MockConn> {
  const conn = new PoliteConn(input, { holdOpen: true });
  const tracker = new ConnectionTracker(1000);
  dispatcher(tracker, { h2c })(conn as unknown as Deno.Conn);
  await conn.whenClosed;
  await tracker.drained();
  return conn;
}

const bytes = h2cRequest();
const chunkings: [string, Uint8Array[]][] = [
  ["whole", [bytes]],
  ["one byte per read", Array.from(bytes, (b) => Uint8Array.of(b))],
];

for (const [name, input] of chunkings) {
  Deno.test(`connectionDispatcher() serves h2c with prior knowledge, ${name}`, async () => {
    const conn = await dispatch(input, true);
    const frames = splitFrames(conn.outputBytes);
    assert.equal(frames[0].type, FRAME_TYPE.SETTINGS, "the server's preface");
    const headers = frames.find((f) =>
      f.type === FRAME_TYPE.HEADERS && f.streamId === 1
    );
    assert.ok(headers, "a response on stream 1");
    const fields = new HpackDecoder({
      maxHeaderListSize: 1 << 16,
      maxFieldCount: 100,
    }).decode(headers.payload);
    assert.ok(!(fields instanceof Error));
    assert.deepEqual([fields.names[0], fields.values[0]], [":status", "200"]);
    const body = frames.filter((f) =>
      f.type === FRAME_TYPE.DATA && f.streamId === 1
    ).map((f) => new TextDecoder().decode(f.payload)).join("");
    assert.equal(body, "h2 /x");
  });
}

Deno.test("connectionDispatcher() with h2c off answers the preface 505", async () => {
  const conn = await dispatch([bytes], false);
  assert.match(conn.output, /^HTTP\/1\.1 505 /);
});

/** A tracker that counts the connections it was given. */
class CountingTracker extends ConnectionTracker {
  adds = 0;
  override add(connection: TrackedConnection): void {
    this.adds++;
    super.add(connection);
  }
}

Deno.test("connectionDispatcher() holds h2c connections that arrive while HTTP/2 loads, then serves them", async () => {
  const loaded = Promise.withResolvers<void>();
  let loads = 0;
  const tracker = new CountingTracker(1000);
  const serveAccepted = dispatcher(tracker, {
    h2c: true,
    loadHttp2: async () => {
      loads++;
      await loaded.promise;
      return await importHttp2();
    },
  });
  const conns = [bytes, bytes].map((input) =>
    new PoliteConn([input], { holdOpen: true })
  );
  for (const conn of conns) serveAccepted(conn as unknown as Deno.Conn);
  // Each is tracked by HTTP/1.1, reads the preface, then is tracked
  // again as it waits for HTTP/2: four adds.
  for (let i = 0; i < 1000 && tracker.adds < 4; i++) await Promise.resolve();
  assert.deepEqual([tracker.adds, tracker.size, loads], [4, 2, 1]);
  assert.deepEqual(conns.map((conn) => conn.closed), [false, false]);
  loaded.resolve();
  await Promise.all(conns.map((conn) => conn.whenClosed));
  await tracker.drained();
  assert.equal(loads, 1);
  for (const conn of conns) {
    const frames = splitFrames(conn.outputBytes);
    const body = frames.filter((f) =>
      f.type === FRAME_TYPE.DATA && f.streamId === 1
    ).map((f) => new TextDecoder().decode(f.payload)).join("");
    assert.equal(body, "h2 /x");
  }
});
