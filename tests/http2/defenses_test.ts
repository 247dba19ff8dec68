/**
 * The HTTP/2 connection against bad and abusive input, on the in-memory
 * connection: each gets the error RFC 9113 names — a RST_STREAM where only
 * a stream is wrong, a GOAWAY where the connection's state is — and never
 * touches another connection. Rapid reset (CVE-2023-44487), CONTINUATION
 * floods, HPACK bombs, oversized header lists, SETTINGS/PING/empty-frame
 * floods, zero-window stalls, stream-id misuse, flow-control violations and
 * frames after GOAWAY.
 */

import assert from "node:assert/strict";
import { CONNECTION_PREFACE } from "../../src/http2/connection_preface.ts";
import { encodeContinuationFrame } from "../../src/http2/frame_continuation.ts";
import { encodeDataFrame } from "../../src/http2/frame_data.ts";
import { encodeGoAwayFrame } from "../../src/http2/frame_goaway.ts";
import { encodeHeadersFrame } from "../../src/http2/frame_headers.ts";
import { encodePingFrame } from "../../src/http2/frame_ping.ts";
import { encodePriorityFrame } from "../../src/http2/frame_priority.ts";
import { encodeRstStreamFrame } from "../../src/http2/frame_rst_stream.ts";
import { encodeSettingsFrame } from "../../src/http2/frame_settings.ts";
import { FLAG, FRAME_TYPE } from "../../src/http2/frame_types.ts";
import { encodeWindowUpdateFrame } from "../../src/http2/frame_window_update.ts";
import {
  FLOOD_BOUNDS,
  type FloodKind,
  MAX_QUEUED_CONTROL_FRAMES,
} from "../../src/http2/flood_guard.ts";
import { MAX_CONTINUATION_FRAMES } from "../../src/http2/header_block.ts";
import { SETTING } from "../../src/http2/settings.ts";
import { concat, hex } from "./_bytes.ts";
import { raw, wire } from "./_frames.ts";
import { H2Client, requestFields, type ServerFrame } from "./_h2_client.ts";

const ok = () => new Response("ok");

/**
 * Frames enough to pass a flood bound however slowly they are read. The
 * bucket refills while they are read: one more than the burst is caught
 * only if reading them all takes under `periodMs / count` (10 ms for 1000
 * empty frames, not a given on a busy machine); twice the burst, unless
 * it takes a whole period.
 */
function floodOf(kind: FloodKind): number {
  return 2 * FLOOD_BOUNDS[kind].count;
}

/** The GOAWAY that ends the connection: its code, and that it closes. */
async function goAwayCode(client: H2Client): Promise<string> {
  const frames = await client.until((f) => f.type === "GOAWAY");
  const goAway = frames.at(-1);
  assert.equal(goAway?.type, "GOAWAY", "a GOAWAY came");
  client.conn.end(); // the client leaves; the server stops lingering
  await client.served;
  return goAway!.code!;
}

/** The RST_STREAM on `streamId`, skipping frames of other streams. */
async function resetCode(client: H2Client, streamId: number): Promise<string> {
  const frames = await client.until((f) =>
    (f.type === "RST_STREAM" && f.streamId === streamId) || f.type === "GOAWAY"
  );
  const last: ServerFrame | undefined = frames.at(-1);
  assert.equal(last?.type, "RST_STREAM", `got ${last?.type} ${last?.code}`);
  return last!.code!;
}

/** The connection still serves: a GET on `streamId` gets its answer. */
async function stillServes(client: H2Client, streamId: number): Promise<void> {
  // A round trip first: what the frames before set off has run its course.
  client.send(encodePingFrame(new Uint8Array(8), false));
  await client.until((f) => f.type === "PING");
  client.request(streamId, "GET", "/after");
  assert.equal((await client.response(streamId)).status, 200);
}

/** Each case: what the client sends after the handshake, and the code. */
interface ConnectionCase {
  name: string;
  frames: (client: H2Client) => Uint8Array[];
  code: string;
  limits?: ConstructorParameters<typeof H2Client>[1];
}

const connectionErrors: ConnectionCase[] = [
  {
    name: "a frame over SETTINGS_MAX_FRAME_SIZE is a FRAME_SIZE_ERROR (§4.2)",
    frames: () => [encodeDataFrame(1, new Uint8Array(16_385))],
    code: "FRAME_SIZE_ERROR",
  },
  {
    name: "HEADERS on an even stream id is a PROTOCOL_ERROR (§5.1.1)",
    frames: (c) => [c.headers(2, requestFields("GET", "/"))],
    code: "PROTOCOL_ERROR",
  },
  {
    name: "a stream id lower than one used is a PROTOCOL_ERROR (§5.1.1)",
    frames: (c) => [
      c.headers(5, requestFields("GET", "/")),
      c.headers(3, requestFields("GET", "/")),
    ],
    code: "PROTOCOL_ERROR",
  },
  {
    name: "DATA on an idle stream is a PROTOCOL_ERROR (§5.1)",
    frames: () => [encodeDataFrame(7, new Uint8Array(1))],
    code: "PROTOCOL_ERROR",
  },
  {
    name: "RST_STREAM on an idle stream is a PROTOCOL_ERROR (§6.4)",
    frames: () => [encodeRstStreamFrame(7, 0)],
    code: "PROTOCOL_ERROR",
  },
  {
    name: "WINDOW_UPDATE on an idle stream is a PROTOCOL_ERROR (§5.1)",
    frames: () => [encodeWindowUpdateFrame(7, 1)],
    code: "PROTOCOL_ERROR",
  },
  {
    name: "HEADERS on a stream that ended is a STREAM_CLOSED (§5.1)",
    frames: (c) => [c.headers(1, requestFields("GET", "/"))],
    code: "STREAM_CLOSED",
  },
  {
    name: "PUSH_PROMISE from a client is a PROTOCOL_ERROR (§8.4)",
    frames: () => [
      wire(raw(FRAME_TYPE.PUSH_PROMISE, FLAG.END_HEADERS, 1, "00000002")),
    ],
    code: "PROTOCOL_ERROR",
  },
  {
    name: "a frame inside a field block is a PROTOCOL_ERROR (§4.3)",
    frames: (c) => [
      encodeHeadersFrame(3, c.encoder.encode([]), { endHeaders: false }),
      encodePingFrame(new Uint8Array(8), false),
    ],
    code: "PROTOCOL_ERROR",
  },
  {
    name: "an unknown frame inside a field block is a PROTOCOL_ERROR (§4.3)",
    frames: (c) => [
      encodeHeadersFrame(3, c.encoder.encode([]), { endHeaders: false }),
      wire(raw(0xee, 0, 0)),
    ],
    code: "PROTOCOL_ERROR",
  },
  {
    name: "CONTINUATION without HEADERS is a PROTOCOL_ERROR (§6.10)",
    frames: () => [encodeContinuationFrame(3, new Uint8Array(0), true)],
    code: "PROTOCOL_ERROR",
  },
  {
    name: "CONTINUATION on another stream is a PROTOCOL_ERROR (§6.10)",
    frames: (c) => [
      encodeHeadersFrame(3, c.encoder.encode([]), { endHeaders: false }),
      encodeContinuationFrame(5, new Uint8Array(0), true),
    ],
    code: "PROTOCOL_ERROR",
  },
  {
    name: "a field block that does not decode is a COMPRESSION_ERROR (§4.3)",
    frames: () => [encodeHeadersFrame(3, hex("80"), { endStream: true })],
    code: "COMPRESSION_ERROR",
  },
  {
    name: "a string longer than any acceptable list is a COMPRESSION_ERROR",
    frames: () => [
      encodeHeadersFrame(3, hex("40 7f a2 02"), { endStream: true }),
    ],
    code: "COMPRESSION_ERROR",
  },
  {
    name: "DATA past the connection window is a FLOW_CONTROL_ERROR (§6.9.1)",
    frames: (c) => [
      c.headers(3, requestFields("POST", "/"), false),
      ...Array(17).fill(encodeDataFrame(3, new Uint8Array(16_384))),
    ],
    code: "FLOW_CONTROL_ERROR",
    limits: {
      http2: { connectionWindowBytes: 65_535, initialWindowBytes: 1 << 20 },
      limits: { maxBodyBytes: Infinity },
    },
  },
  {
    name:
      "a connection WINDOW_UPDATE past 2^31-1 is a FLOW_CONTROL_ERROR (§6.9.1)",
    frames: () => [encodeWindowUpdateFrame(0, 2 ** 31 - 1)],
    code: "FLOW_CONTROL_ERROR",
  },
  {
    name:
      "an INITIAL_WINDOW_SIZE change past 2^31-1 is a FLOW_CONTROL_ERROR (§6.9.2)",
    frames: (c) => [
      c.headers(3, requestFields("GET", "/slow")),
      encodeWindowUpdateFrame(3, 2 ** 31 - 1 - 65_535),
      encodeSettingsFrame([{ id: SETTING.INITIAL_WINDOW_SIZE, value: 65_536 }]),
    ],
    code: "FLOW_CONTROL_ERROR",
  },
  {
    name: "a WINDOW_UPDATE of 0 on the connection is a PROTOCOL_ERROR (§6.9)",
    frames: () => [wire(raw(FRAME_TYPE.WINDOW_UPDATE, 0, 0, "00000000"))],
    code: "PROTOCOL_ERROR",
  },
  {
    name:
      "a new stream after the client's own GOAWAY is a PROTOCOL_ERROR (§6.8)",
    frames: (c) => [
      c.headers(3, requestFields("GET", "/slow")),
      encodeGoAwayFrame(0, 0),
      c.headers(5, requestFields("GET", "/")),
    ],
    code: "PROTOCOL_ERROR",
  },
  {
    name:
      "more CONTINUATION frames than the cap is ENHANCE_YOUR_CALM (CONTINUATION flood)",
    frames: (c) => [
      encodeHeadersFrame(3, c.encoder.encode([]), { endHeaders: false }),
      ...Array(MAX_CONTINUATION_FRAMES + 1).fill(
        encodeContinuationFrame(3, hex("00"), false),
      ),
    ],
    code: "ENHANCE_YOUR_CALM",
  },
  {
    name: "a field block over its size cap is ENHANCE_YOUR_CALM",
    frames: () => [
      encodeHeadersFrame(3, new Uint8Array(16_000), { endHeaders: false }),
      encodeContinuationFrame(3, new Uint8Array(16_000), false),
      encodeContinuationFrame(3, new Uint8Array(16_000), true),
    ],
    code: "ENHANCE_YOUR_CALM",
  },
  {
    name: "a SETTINGS flood is ENHANCE_YOUR_CALM",
    frames: () => Array(floodOf("acks")).fill(encodeSettingsFrame([])),
    code: "ENHANCE_YOUR_CALM",
  },
  {
    name: "a PING flood is ENHANCE_YOUR_CALM",
    frames: () =>
      Array(floodOf("acks")).fill(
        encodePingFrame(new Uint8Array(8), false),
      ),
    code: "ENHANCE_YOUR_CALM",
  },
  {
    name: "a flood of frames of unknown types is ENHANCE_YOUR_CALM",
    frames: () => Array(floodOf("empty")).fill(wire(raw(0xee, 0, 0))),
    code: "ENHANCE_YOUR_CALM",
  },
  {
    name: "a PRIORITY flood is ENHANCE_YOUR_CALM",
    frames: () =>
      Array(floodOf("empty")).fill(
        encodePriorityFrame(3, { exclusive: false, dependency: 0, weight: 16 }),
      ),
    code: "ENHANCE_YOUR_CALM",
  },
  {
    name: "a flood of empty DATA frames is ENHANCE_YOUR_CALM",
    frames: (c) => [
      c.headers(3, requestFields("POST", "/slow"), false),
      ...Array(floodOf("empty")).fill(
        encodeDataFrame(3, new Uint8Array(0)),
      ),
    ],
    code: "ENHANCE_YOUR_CALM",
  },
];

for (const { name, frames, code, limits } of connectionErrors) {
  Deno.test(`HTTP/2: ${name}`, async () => {
    const client = new H2Client(
      (request) =>
        request.url.endsWith("/slow")
          ? new Promise<Response>(() => {}) // never answers
          : ok(),
      limits,
    );
    try {
      await client.handshake();
      client.request(1, "GET", "/");
      await client.response(1);
      client.send(...frames(client));
      assert.equal(await goAwayCode(client), code);
    } finally {
      await client.close();
    }
  });
}

Deno.test("HTTP/2: an invalid connection preface is a PROTOCOL_ERROR (§3.4)", async () => {
  const client = new H2Client(ok);
  try {
    client.send(new TextEncoder().encode("GET / HTTP/1.1\r\nhost: a\r\n\r\n"));
    const frames = await client.until((f) => f.type === "GOAWAY");
    assert.deepEqual(frames.map((f) => f.type), [
      "SETTINGS",
      "WINDOW_UPDATE",
      "GOAWAY",
    ]);
    assert.equal(frames[2].code, "PROTOCOL_ERROR");
  } finally {
    await client.close();
  }
});

Deno.test("HTTP/2: a preface not followed by SETTINGS is a PROTOCOL_ERROR (§3.4)", async () => {
  const client = new H2Client(ok);
  try {
    client.send(CONNECTION_PREFACE, encodePingFrame(new Uint8Array(8), false));
    assert.equal(await goAwayCode(client), "PROTOCOL_ERROR");
  } finally {
    await client.close();
  }
});

/** Each case: what the client sends after the handshake, and the code. */
const streamErrors: (ConnectionCase & { stream: number })[] = [
  {
    name:
      "a malformed request (an uppercase field name) is a PROTOCOL_ERROR (§8.1.1)",
    frames: (c) => [c.headers(3, [...requestFields("GET", "/"), ["X-A", "1"]])],
    stream: 3,
    code: "PROTOCOL_ERROR",
  },
  {
    name: "a request without :path is a PROTOCOL_ERROR (§8.3.1)",
    frames: (c) => [c.headers(3, [[":method", "GET"], [":scheme", "http"]])],
    stream: 3,
    code: "PROTOCOL_ERROR",
  },
  {
    name: "a connection-specific field is a PROTOCOL_ERROR (§8.2.2)",
    frames: (c) => [
      c.headers(3, [...requestFields("GET", "/"), ["connection", "close"]]),
    ],
    stream: 3,
    code: "PROTOCOL_ERROR",
  },
  {
    name: "a stream that depends on itself is a PROTOCOL_ERROR (§5.3.1)",
    frames: (c) => [
      encodeHeadersFrame(3, c.encoder.encode([]), {
        endStream: true,
        priority: { exclusive: false, dependency: 3, weight: 16 },
      }),
    ],
    stream: 3,
    code: "PROTOCOL_ERROR",
  },
  {
    name:
      "content-length with END_STREAM on HEADERS is a PROTOCOL_ERROR (§8.1.1)",
    frames: (c) => [
      c.headers(3, [...requestFields("POST", "/"), ["content-length", "3"]]),
    ],
    stream: 3,
    code: "PROTOCOL_ERROR",
  },
  {
    name: "a body longer than its content-length is a PROTOCOL_ERROR (§8.1.1)",
    frames: (c) => [
      c.headers(
        3,
        [...requestFields("POST", "/slow"), ["content-length", "3"]],
        false,
      ),
      encodeDataFrame(3, new Uint8Array(4)),
    ],
    stream: 3,
    code: "PROTOCOL_ERROR",
  },
  {
    name: "a body shorter than its content-length is a PROTOCOL_ERROR (§8.1.1)",
    frames: (c) => [
      c.headers(
        3,
        [...requestFields("POST", "/slow"), ["content-length", "3"]],
        false,
      ),
      encodeDataFrame(3, new Uint8Array(2), { endStream: true }),
    ],
    stream: 3,
    code: "PROTOCOL_ERROR",
  },
  {
    name: "trailers without END_STREAM are a PROTOCOL_ERROR (§8.1)",
    frames: (c) => [
      c.headers(3, requestFields("POST", "/slow"), false),
      c.headers(3, [["x-t", "1"]], false),
    ],
    stream: 3,
    code: "PROTOCOL_ERROR",
  },
  {
    name: "DATA after END_STREAM is a STREAM_CLOSED (§5.1, half-closed)",
    frames: (c) => [
      c.headers(3, requestFields("GET", "/slow")),
      encodeDataFrame(3, new Uint8Array(1)),
    ],
    stream: 3,
    code: "STREAM_CLOSED",
  },
  {
    name: "DATA past the stream's window is a FLOW_CONTROL_ERROR (§6.9.1)",
    frames: (c) => [
      c.headers(3, requestFields("POST", "/slow"), false),
      encodeDataFrame(3, new Uint8Array(16)),
      encodeDataFrame(3, new Uint8Array(1)),
    ],
    stream: 3,
    code: "FLOW_CONTROL_ERROR",
    limits: { http2: { initialWindowBytes: 16 } },
  },
  {
    name: "a stream WINDOW_UPDATE past 2^31-1 is a FLOW_CONTROL_ERROR (§6.9.1)",
    frames: (c) => [
      c.headers(3, requestFields("GET", "/slow")),
      encodeWindowUpdateFrame(3, 2 ** 31 - 1),
    ],
    stream: 3,
    code: "FLOW_CONTROL_ERROR",
  },
  {
    name: "a WINDOW_UPDATE of 0 on a stream is a PROTOCOL_ERROR (§6.9)",
    frames: (c) => [
      c.headers(3, requestFields("GET", "/slow")),
      wire(raw(FRAME_TYPE.WINDOW_UPDATE, 0, 3, "00000000")),
    ],
    stream: 3,
    code: "PROTOCOL_ERROR",
  },
];

for (const { name, frames, stream, code, limits } of streamErrors) {
  Deno.test(`HTTP/2: ${name}, the connection kept`, async () => {
    const client = new H2Client(
      (request) =>
        request.url.endsWith("/slow")
          ? new Promise<Response>((resolve) =>
            request.signal.addEventListener("abort", () => resolve(ok()))
          )
          : ok(),
      limits,
    );
    try {
      await client.handshake();
      client.send(...frames(client));
      assert.equal(await resetCode(client, stream), code);
      await stillServes(client, 101);
    } finally {
      await client.close();
    }
  });
}

Deno.test("HTTP/2: a header list over maxHeaderBytes gets 431, the connection kept", async () => {
  const client = new H2Client(ok, { limits: { maxHeaderBytes: 1000 } });
  try {
    await client.handshake();
    client.send(client.headers(1, [
      ...requestFields("GET", "/"),
      ["x-big", "a".repeat(1000)],
    ]));
    assert.equal((await client.response(1)).status, 431);
    await stillServes(client, 3);
  } finally {
    await client.close();
  }
});

Deno.test("HTTP/2: more fields than maxHeaderCount get 431, the connection kept", async () => {
  const client = new H2Client(ok, { limits: { maxHeaderCount: 10 } });
  try {
    await client.handshake();
    const many: [string, string][] = Array.from(
      { length: 11 },
      (_, i) => [`x-${i}`, "v"],
    );
    client.send(client.headers(1, [...requestFields("GET", "/"), ...many]));
    assert.equal((await client.response(1)).status, 431);
    await stillServes(client, 3);
  } finally {
    await client.close();
  }
});

Deno.test("HTTP/2: an HPACK bomb gets 431, decoded in bounded memory, the connection kept", async () => {
  let handled = 0;
  const client = new H2Client(() => {
    handled++;
    return ok();
  });
  try {
    await client.handshake();
    // One 4000-byte value enters the dynamic table; then one-byte
    // references to it ask for 100 copies: 400 KB from 100 bytes.
    client.send(client.headers(1, [
      ...requestFields("GET", "/"),
      ["x-bomb", "b".repeat(4000)],
    ]));
    assert.equal((await client.response(1)).status, 200);
    const newest = 62; // the first dynamic entry (RFC 7541 §2.3.3)
    const references = new Uint8Array(100).fill(0x80 | newest);
    const pseudo = client.encoder.encode(
      requestFields("GET", "/").map(([name, value]) => ({ name, value })),
    );
    client.send(
      encodeHeadersFrame(3, concat(pseudo, references), { endStream: true }),
    );
    assert.equal((await client.response(3)).status, 431);
    await stillServes(client, 5);
    assert.equal(handled, 2, "the bomb never reached the handler");
  } finally {
    await client.close();
  }
});

Deno.test("HTTP/2: a stream over SETTINGS_MAX_CONCURRENT_STREAMS is refused (§5.1.2), the connection kept", async () => {
  const release = Promise.withResolvers<void>();
  const client = new H2Client(async (request) => {
    if (request.url.endsWith("/slow")) await release.promise;
    return ok();
  }, { http2: { maxConcurrentStreams: 1 } });
  try {
    await client.handshake();
    client.request(1, "GET", "/slow");
    client.request(3, "GET", "/");
    assert.equal(await resetCode(client, 3), "REFUSED_STREAM");
    release.resolve();
    assert.equal((await client.response(1)).status, 200);
    await stillServes(client, 5);
  } finally {
    await client.close();
  }
});

Deno.test("HTTP/2: rapid reset (CVE-2023-44487) runs no more handlers than the stream limit, then ENHANCE_YOUR_CALM", async () => {
  let running = 0;
  let most = 0;
  let started = 0;
  const release = Promise.withResolvers<void>();
  const client = new H2Client(async () => {
    started++;
    most = Math.max(most, ++running);
    await release.promise;
    running--;
    return ok();
  }, { http2: { maxConcurrentStreams: 5 } });
  try {
    await client.handshake();
    const frames: Uint8Array[] = [];
    for (let id = 1; id < 2 * (FLOOD_BOUNDS.resets.count + 10); id += 2) {
      frames.push(
        client.headers(id, requestFields("GET", "/")),
        encodeRstStreamFrame(id, 0x8),
      );
    }
    client.send(...frames);
    const seen = await client.until((f) => f.type === "GOAWAY");
    assert.equal(seen.at(-1)?.code, "ENHANCE_YOUR_CALM");
    assert.ok(
      seen.some((f) => f.code === "REFUSED_STREAM"),
      "refused at the limit",
    );
    assert.equal(
      started,
      5,
      "reset streams keep their place until their handler returns",
    );
    assert.equal(most, 5);
  } finally {
    release.resolve();
    await client.close();
  }
});

Deno.test("HTTP/2: a stream whose window stays shut past sendTimeoutMs is reset (CANCEL), the connection kept", async () => {
  const client = new H2Client(
    (request) =>
      new Response(request.url.endsWith("/big") ? "x".repeat(100) : "ok"),
    {
      limits: { sendTimeoutMs: 20 },
      sweepMs: 10,
    },
  );
  try {
    await client.handshake([{ id: SETTING.INITIAL_WINDOW_SIZE, value: 10 }]);
    client.request(1, "GET", "/big");
    assert.equal(await resetCode(client, 1), "CANCEL");
    client.request(3, "GET", "/");
    const small = await client.response(3);
    assert.equal(small.body, "ok");
  } finally {
    await client.close();
  }
});

Deno.test("HTTP/2: a connection window shut past sendTimeoutMs is ENHANCE_YOUR_CALM", async () => {
  const client = new H2Client(() => new Response(new Uint8Array(70_000)), {
    limits: { sendTimeoutMs: 20 },
    sweepMs: 10,
  });
  try {
    await client.handshake([{
      id: SETTING.INITIAL_WINDOW_SIZE,
      value: 1 << 20,
    }]);
    client.request(1, "GET", "/");
    assert.equal(await goAwayCode(client), "ENHANCE_YOUR_CALM");
  } finally {
    await client.close();
  }
});

Deno.test("HTTP/2: a client that stops reading is dropped after sendTimeoutMs", async () => {
  const client = new H2Client(() => new Response("x".repeat(1000)), {
    limits: { sendTimeoutMs: 20 },
    sweepMs: 10,
  });
  try {
    await client.handshake();
    client.conn.stallWrites = true;
    client.request(1, "GET", "/");
    await client.served;
    assert.equal(client.conn.closed, true);
  } finally {
    await client.close();
  }
});

Deno.test("HTTP/2: more than 1000 control frames queued for a client that reads none is ENHANCE_YOUR_CALM", async () => {
  const hold = Promise.withResolvers<void>();
  const client = new H2Client(async () => {
    await hold.promise;
    return new Response("ok");
  }, { http2: { maxConcurrentStreams: 1 } });
  try {
    // Our SETTINGS are never acknowledged, so the streams refused past the
    // limit do not count as resets (§5.1.2): only the backlog bounds them.
    client.send(CONNECTION_PREFACE, encodeSettingsFrame([]));
    await client.expect("SETTINGS");
    client.conn.stallWrites = true;
    const frames = [];
    for (let i = 0; i <= MAX_QUEUED_CONTROL_FRAMES + 1; i++) {
      frames.push(client.headers(2 * i + 1, requestFields("GET", "/")));
    }
    client.send(...frames);
    client.conn.resumeWrites();
    const seen = await client.until((f) => f.type === "GOAWAY");
    const refused = seen.filter((f) => f.type === "RST_STREAM");
    assert.ok(refused.every((f) => f.code === "REFUSED_STREAM"));
    assert.ok(refused.length > MAX_QUEUED_CONTROL_FRAMES - 2);
    assert.equal(seen.at(-1)?.code, "ENHANCE_YOUR_CALM");
    client.conn.end();
    await client.served;
  } finally {
    hold.resolve();
    await client.close();
  }
});

Deno.test("HTTP/2: SETTINGS never acknowledged is a SETTINGS_TIMEOUT (§6.5.3)", async () => {
  const client = new H2Client(ok, {
    limits: { headersTimeoutMs: 20, keepAliveTimeoutMs: 10_000 },
    sweepMs: 10,
  });
  try {
    client.send(CONNECTION_PREFACE, encodeSettingsFrame([]));
    client.request(1, "GET", "/");
    assert.equal(await goAwayCode(client), "SETTINGS_TIMEOUT");
  } finally {
    await client.close();
  }
});

Deno.test("HTTP/2: a field block not finished within headersTimeoutMs is ENHANCE_YOUR_CALM", async () => {
  const client = new H2Client(ok, {
    limits: { headersTimeoutMs: 20 },
    sweepMs: 10,
  });
  try {
    await client.handshake();
    const block = client.encoder.encode([]);
    client.send(encodeHeadersFrame(1, block, { endHeaders: false }));
    assert.equal(await goAwayCode(client), "ENHANCE_YOUR_CALM");
  } finally {
    await client.close();
  }
});

Deno.test("HTTP/2: frames after our GOAWAY for a new stream are ignored", async () => {
  let calls = 0;
  const client = new H2Client(() => {
    calls++;
    return ok();
  });
  try {
    await client.handshake();
    client.request(1, "GET", "/");
    await client.response(1);
    client.request(3, "GET", "/");
    await client.response(3);
    client.tracker.beginShutdown();
    const goAway = await client.expect("GOAWAY");
    assert.deepEqual([goAway.code, goAway.lastStreamId], ["NO_ERROR", 3]);
    // Not processed (§6.8), and nothing said about it: no answer, no error.
    client.request(5, "POST", "/", "body");
    client.send(encodeDataFrame(5, new Uint8Array(3), { endStream: true }));
    assert.equal(await client.next(), null, "closed: nothing more came");
    assert.equal(calls, 2);
  } finally {
    await client.close();
  }
});

Deno.test("HTTP/2: frames after a connection error's GOAWAY get no answer", async () => {
  const client = new H2Client(ok);
  try {
    await client.handshake();
    client.send(
      encodeRstStreamFrame(1, 0), // on an idle stream: PROTOCOL_ERROR
      encodePingFrame(new Uint8Array(8), false),
      client.headers(3, requestFields("GET", "/")),
    );
    const frames = await client.until(() => false);
    assert.deepEqual(frames.map((f) => `${f.type} ${f.code ?? ""}`), [
      "GOAWAY PROTOCOL_ERROR",
    ]);
  } finally {
    await client.close();
  }
});

Deno.test("HTTP/2: DATA on a stream the client reset is a STREAM_CLOSED, the connection kept", async () => {
  const client = new H2Client(ok);
  try {
    await client.handshake();
    client.send(
      client.headers(1, requestFields("POST", "/"), false),
      encodeRstStreamFrame(1, 0x8),
    );
    await stillServes(client, 3);
    client.send(encodeDataFrame(1, new Uint8Array(1)));
    assert.equal(await resetCode(client, 1), "STREAM_CLOSED");
    await stillServes(client, 5);
  } finally {
    await client.close();
  }
});

Deno.test("HTTP/2: a connection over maxConnections, all others busy, gets GOAWAY(REFUSED_STREAM)", async () => {
  const release = Promise.withResolvers<void>();
  const handler = async () => {
    await release.promise;
    return ok();
  };
  const limits = { maxConnections: 1 };
  const busy = new H2Client(handler, { limits });
  let extra: H2Client | undefined;
  try {
    await busy.handshake();
    busy.request(1, "GET", "/");
    busy.send(encodePingFrame(new Uint8Array(8), false));
    await busy.until((f) => f.type === "PING"); // its stream is open
    extra = new H2Client(handler, { limits, tracker: busy.tracker });
    const frames = await extra.until((f) => f.type === "GOAWAY");
    assert.deepEqual(frames.map((f) => `${f.type} ${f.code ?? ""}`), [
      "SETTINGS ",
      "WINDOW_UPDATE ",
      "GOAWAY REFUSED_STREAM",
    ]);
    assert.equal(frames[2].lastStreamId, 0, "no stream processed");
    release.resolve();
    assert.equal((await busy.response(1)).status, 200);
  } finally {
    release.resolve();
    await busy.close();
    await extra?.close();
  }
});

Deno.test("HTTP/2: a connection's error never reaches another connection", async () => {
  const good = new H2Client(ok);
  const bad = new H2Client(ok);
  try {
    await good.handshake();
    await bad.handshake();
    bad.send(encodeDataFrame(1, new Uint8Array(1)));
    assert.equal(await goAwayCode(bad), "PROTOCOL_ERROR");
    await stillServes(good, 1);
  } finally {
    await good.close();
    await bad.close();
  }
});

Deno.test("HTTP/2: a stream closed longer ago than the closed-stream memory stays closed, never idle (RFC 9113 §5.1, §5.1.1)", async () => {
  const client = new H2Client(ok);
  try {
    await client.handshake();
    // More streams than the memory keeps (256), each answered and closed:
    // stream 1 is forgotten, not idle (an id below the highest used).
    const streams = 300;
    for (let id = 1; id < 2 * streams; id += 2) {
      client.request(id, "GET", "/");
      assert.equal((await client.response(id)).status, 200);
    }
    // DATA on it: a stream error, the connection kept (§5.1 "closed").
    client.send(encodeDataFrame(1, new Uint8Array(1)));
    assert.equal(await resetCode(client, 1), "STREAM_CLOSED");
    await stillServes(client, 2 * streams + 1);
    // HEADERS on it opens nothing: a request served there would be a new
    // stream on a used id. The connection ends (§5.1.1).
    client.request(3, "GET", "/");
    assert.equal(await goAwayCode(client), "PROTOCOL_ERROR");
  } finally {
    await client.close();
  }
});
