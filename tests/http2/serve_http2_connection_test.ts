/**
 * serveHttp2Connection() on the in-memory connection: the preface and the
 * SETTINGS exchange, requests through the handler with streamed bodies and
 * flow-controlled WINDOW_UPDATEs, responses within the client's windows and
 * frame size, concurrent streams, PING, GOAWAY on shutdown and when idle,
 * and the access log. The defenses are in defenses_test.ts.
 */

import assert from "node:assert/strict";
import type { AccessLogEntry } from "../../src/http1/access_log_entry.ts";
import { CONNECTION_PREFACE } from "../../src/http2/connection_preface.ts";
import { encodeContinuationFrame } from "../../src/http2/frame_continuation.ts";
import { encodeDataFrame } from "../../src/http2/frame_data.ts";
import { encodeHeadersFrame } from "../../src/http2/frame_headers.ts";
import { encodePingFrame } from "../../src/http2/frame_ping.ts";
import { encodeRstStreamFrame } from "../../src/http2/frame_rst_stream.ts";
import {
  encodeSettingsAckFrame,
  encodeSettingsFrame,
} from "../../src/http2/frame_settings.ts";
import { encodeWindowUpdateFrame } from "../../src/http2/frame_window_update.ts";
import { SETTING } from "../../src/http2/settings.ts";
import { concat, latin1Bytes } from "./_bytes.ts";
import { H2Client, requestFields, type ServerFrame } from "./_h2_client.ts";

const encoder = new TextEncoder();

/** Frames in one line each, for exact assertions. */
function lines(frames: ServerFrame[]): string[] {
  return frames.map((f) =>
    `${f.type} ${f.streamId}` + (f.code ? ` ${f.code}` : "") +
    (f.type === "DATA" ? ` ${f.raw.payload.length}` : "") +
    (f.type === "WINDOW_UPDATE"
      ? ` +${new DataView(f.raw.payload.buffer).getUint32(0)}`
      : "") +
    (f.endStream ? " END_STREAM" : "")
  );
}

/** Send a PING and return every frame up to its acknowledgement. */
async function roundTrip(client: H2Client): Promise<ServerFrame[]> {
  client.send(encodePingFrame(latin1Bytes("roundtrp"), false));
  const frames = await client.until((f) => f.type === "PING");
  return frames.slice(0, -1);
}

Deno.test("serveHttp2Connection() sends its SETTINGS first and answers a GET", async () => {
  const client = new H2Client((request) =>
    new Response(`hello ${new URL(request.url).pathname}`)
  );
  try {
    const settings = await client.handshake();
    // MAX_CONCURRENT_STREAMS, INITIAL_WINDOW_SIZE, MAX_HEADER_LIST_SIZE.
    assert.deepEqual(settings, ["3=100", "4=65536", "6=16384"]);
    client.request(1, "GET", "/a");
    const response = await client.response(1);
    assert.equal(response.status, 200);
    assert.equal(response.body, "hello /a");
    assert.ok(response.fields.includes("content-length: 8"));
    assert.ok(response.fields.some((f) => f.startsWith("date: ")));
  } finally {
    await client.close();
  }
});

Deno.test("serveHttp2Connection() raises the connection window and answers PING and SETTINGS", async () => {
  const client = new H2Client(() => new Response("x"));
  try {
    client.send(
      CONNECTION_PREFACE,
      encodeSettingsFrame([{ id: SETTING.MAX_FRAME_SIZE, value: 20_000 }]),
      encodePingFrame(latin1Bytes("abcdefgh"), false),
    );
    const frames = await client.until((f) => f.type === "PING");
    assert.deepEqual(lines(frames), [
      "SETTINGS 0",
      "WINDOW_UPDATE 0 +196609", // 65,535 to 256 KiB
      "SETTINGS 0",
      "PING 0",
    ]);
    assert.equal(frames[2].raw.flags, 1, "our SETTINGS ACK");
    assert.equal(frames[3].raw.flags, 1, "a PING ACK");
    assert.deepEqual(frames[3].raw.payload, latin1Bytes("abcdefgh"));
  } finally {
    await client.close();
  }
});

Deno.test("serveHttp2Connection() takes the bytes already read (h2c after HTTP/1.1 looked)", async () => {
  const client = new H2Client(() => new Response("ok"), {
    initialBytes: CONNECTION_PREFACE.subarray(0, 10),
  });
  try {
    client.send(CONNECTION_PREFACE.subarray(10), encodeSettingsFrame([]));
    await client.expect("SETTINGS");
    client.request(1, "GET", "/");
    assert.equal((await client.response(1)).body, "ok");
  } finally {
    await client.close();
  }
});

Deno.test("serveHttp2Connection() gives the same answers to input cut at every byte", async () => {
  const client = new H2Client(async (request) =>
    new Response(`${request.method} ${await request.text()}`)
  );
  try {
    const block = client.encoder.encode(
      requestFields("POST", "/").map(([name, value]) => ({ name, value })),
    );
    const input = concat(
      CONNECTION_PREFACE,
      encodeSettingsFrame([]),
      encodeSettingsAckFrame(),
      encodeHeadersFrame(1, block.subarray(0, 5), { endHeaders: false }),
      encodeContinuationFrame(1, block.subarray(5), true),
      encodeDataFrame(1, encoder.encode("abc"), { padLength: 4 }),
      encodeDataFrame(1, encoder.encode("de"), { endStream: true }),
    );
    for (let i = 0; i < input.length; i++) {
      client.send(input.subarray(i, i + 1));
    }
    const response = await client.response(1);
    assert.deepEqual([response.status, response.body], [200, "POST abcde"]);
  } finally {
    await client.close();
  }
});

Deno.test("serveHttp2Connection() answers HEAD with GET's fields and no body", async () => {
  const client = new H2Client(() =>
    new Response("twelve bytes", { headers: { "x-a": "1" } })
  );
  try {
    await client.handshake();
    client.request(1, "HEAD", "/");
    const frames = await client.until((f) => f.endStream === true);
    assert.deepEqual(lines(frames), ["HEADERS 1 END_STREAM"]);
    assert.ok(frames[0].fields!.includes("content-length: 12"));
    assert.ok(frames[0].fields!.includes("x-a: 1"));
  } finally {
    await client.close();
  }
});

Deno.test("serveHttp2Connection() builds the Request from the pseudo-header fields", async () => {
  let seen: Request | undefined;
  const client = new H2Client((request) => {
    seen = request;
    return new Response(null, { status: 204 });
  });
  try {
    await client.handshake();
    client.send(client.headers(1, [
      [":method", "GET"],
      [":scheme", "https"],
      [":authority", "example.com:8443"],
      [":path", "/p?q=1"],
      ["cookie", "a=1"],
      ["accept", "text/html"],
      ["cookie", "b=2"],
    ]));
    assert.equal((await client.response(1)).status, 204);
    assert.equal(seen?.url, "https://example.com:8443/p?q=1");
    assert.equal(seen?.headers.get("cookie"), "a=1; b=2");
    assert.equal(seen?.headers.get("accept"), "text/html");
    assert.equal(seen?.signal.aborted, false);
  } finally {
    await client.close();
  }
});

Deno.test("serveHttp2Connection() takes a field block split over CONTINUATION frames", async () => {
  const client = new H2Client((request) =>
    new Response(request.headers.get("x-long"))
  );
  try {
    await client.handshake();
    const block = client.encoder.encode([
      ...requestFields("GET", "/").map(([name, value]) => ({ name, value })),
      { name: "x-long", value: "v".repeat(3000) },
    ]);
    client.send(
      encodeHeadersFrame(1, block.subarray(0, 1000), {
        endStream: true,
        endHeaders: false,
      }),
      encodeContinuationFrame(1, block.subarray(1000, 2000), false),
      encodeContinuationFrame(1, block.subarray(2000), true),
    );
    assert.equal((await client.response(1)).body, "v".repeat(3000));
  } finally {
    await client.close();
  }
});

Deno.test("serveHttp2Connection() credits request body bytes as the handler reads them", async () => {
  const read = Promise.withResolvers<void>();
  const client = new H2Client(async (request) => {
    await read.promise;
    return new Response(`${(await request.arrayBuffer()).byteLength}`);
  });
  try {
    await client.handshake();
    client.send(
      client.headers(1, requestFields("POST", "/"), false),
      encodeDataFrame(1, new Uint8Array(16_384)),
      encodeDataFrame(1, new Uint8Array(16_384)),
    );
    assert.deepEqual(
      lines(await roundTrip(client)),
      [],
      "no credit for bytes the handler has not read",
    );
    read.resolve();
    // Each 16 KiB read is a quarter of the stream's window: credit goes
    // back for it. The connection's window (256 KiB) has plenty left.
    let updates = 0;
    const credited = await client.until((f) =>
      f.type === "WINDOW_UPDATE" && ++updates === 2
    );
    assert.deepEqual(lines(credited), [
      "WINDOW_UPDATE 1 +16384",
      "WINDOW_UPDATE 1 +16384",
    ]);
    client.send(encodeDataFrame(1, new Uint8Array(100), { endStream: true }));
    const response = await client.response(1);
    assert.equal(response.body, "32868");
  } finally {
    await client.close();
  }
});

Deno.test("serveHttp2Connection() takes trailers that end the request body", async () => {
  const client = new H2Client(async (request) =>
    new Response(await request.text())
  );
  try {
    await client.handshake();
    client.send(
      client.headers(1, requestFields("PUT", "/"), false),
      encodeDataFrame(1, encoder.encode("body")),
      client.headers(1, [["x-checksum", "abc"]], true),
    );
    assert.equal((await client.response(1)).body, "body");
  } finally {
    await client.close();
  }
});

Deno.test("serveHttp2Connection() keeps a response within the client's windows and frame size", async () => {
  const client = new H2Client(() => new Response(new Uint8Array(40_000)));
  try {
    await client.handshake([{
      id: SETTING.INITIAL_WINDOW_SIZE,
      value: 20_000,
    }]);
    client.request(1, "GET", "/");
    const first = await client.until((f) =>
      f.type === "DATA" && f.raw.payload.length === 3616
    );
    assert.deepEqual(lines(first), [
      "HEADERS 1",
      "DATA 1 16384",
      "DATA 1 3616",
    ]);
    assert.deepEqual(
      lines(await roundTrip(client)),
      [],
      "the window is used up",
    );
    client.send(encodeWindowUpdateFrame(1, 100_000));
    const rest = await client.until((f) => f.endStream === true);
    assert.deepEqual(lines(rest), ["DATA 1 16384", "DATA 1 3616 END_STREAM"]);
  } finally {
    await client.close();
  }
});

Deno.test("serveHttp2Connection() moves every stream's window when INITIAL_WINDOW_SIZE changes (§6.9.2)", async () => {
  const client = new H2Client(() => new Response(new Uint8Array(300)));
  try {
    await client.handshake([{ id: SETTING.INITIAL_WINDOW_SIZE, value: 100 }]);
    client.request(1, "GET", "/");
    const first = await client.until((f) => f.type === "DATA");
    assert.deepEqual(lines(first), ["HEADERS 1", "DATA 1 100"]);
    client.send(
      encodeSettingsFrame([{ id: SETTING.INITIAL_WINDOW_SIZE, value: 250 }]),
    );
    const rest = await client.until((f) => f.type === "DATA");
    assert.deepEqual(lines(rest), ["SETTINGS 0", "DATA 1 150"]);
  } finally {
    await client.close();
  }
});

Deno.test("serveHttp2Connection() runs streams concurrently", async () => {
  const fastDone = Promise.withResolvers<void>();
  const client = new H2Client(async (request, info) => {
    const path = new URL(request.url).pathname;
    if (path === "/slow") await fastDone.promise;
    else info.completed.then(() => fastDone.resolve());
    return new Response(path);
  });
  try {
    await client.handshake();
    client.request(1, "GET", "/slow");
    client.request(3, "GET", "/fast");
    const frames = await client.until((f) => f.streamId === 1 && !!f.endStream);
    assert.deepEqual(lines(frames), [
      "HEADERS 3",
      "DATA 3 5 END_STREAM",
      "HEADERS 1",
      "DATA 1 5 END_STREAM",
    ]);
  } finally {
    await client.close();
  }
});

Deno.test("serveHttp2Connection() answers a failing handler through onError, or 500", async () => {
  const client = new H2Client((request) => {
    if (request.url.endsWith("/throw")) throw new Error("boom");
    return "not a response" as unknown as Response;
  }, { onError: (error) => new Response(`${error}`, { status: 503 }) });
  try {
    await client.handshake();
    client.request(1, "GET", "/throw");
    const thrown = await client.response(1);
    assert.deepEqual([thrown.status, thrown.body], [503, "Error: boom"]);
    client.request(3, "GET", "/other");
    const wrong = await client.response(3);
    assert.equal(wrong.status, 503);
    assert.match(wrong.body, /did not return a Response/);
  } finally {
    await client.close();
  }
});

Deno.test("serveHttp2Connection() resets a stream whose body fails, or breaks its content-length (§8.1.1)", async () => {
  const cases: Record<string, [string, string | undefined]> = {
    "/fails": ["abc", undefined],
    "/long": ["abcde", "3"],
    "/short": ["ab", "3"],
  };
  const client = new H2Client((request) => {
    const [text, length] = cases[new URL(request.url).pathname];
    let sent = false;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent) {
          // Later than at once: the body is a live stream, not in memory.
          await new Promise((resolve) => setTimeout(resolve, 0));
          if (request.url.endsWith("/fails")) controller.error(new Error("x"));
          else controller.close();
          return;
        }
        sent = true;
        controller.enqueue(encoder.encode(text));
      },
    });
    const headers: Record<string, string> = length === undefined
      ? {}
      : { "content-length": length };
    return new Response(body, { headers });
  });
  try {
    await client.handshake();
    let id = 1;
    for (const path of Object.keys(cases)) {
      client.request(id, "GET", path);
      const response = await client.response(id);
      assert.equal(response.reset, "INTERNAL_ERROR", path);
      assert.notEqual(response.body, "abcde", "never more than declared");
      id += 2;
    }
    const { body } =
      await (client.request(id, "GET", "/fails"), client.response(id));
    assert.equal(body, "abc", "what came before the failure went out");
  } finally {
    await client.close();
  }
});

Deno.test("serveHttp2Connection() answers what the engine answers itself", async () => {
  const handled: string[] = [];
  const client = new H2Client((request) => {
    handled.push(request.method);
    return new Response("ok");
  }, { limits: { maxBodyBytes: 10, maxRequestTargetBytes: 20 } });
  try {
    await client.handshake();
    client.send(client.headers(1, [
      ...requestFields("POST", "/"),
      ["content-length", "11"],
    ], false));
    assert.equal((await client.response(1)).status, 413);
    client.send(client.headers(3, [[":method", "CONNECT"], [
      ":authority",
      "a:443",
    ]]));
    assert.equal((await client.response(3)).status, 501);
    client.request(5, "OPTIONS", "*");
    assert.equal((await client.response(5)).status, 204);
    client.request(7, "GET", "/" + "a".repeat(20));
    assert.equal((await client.response(7)).status, 414);
    client.request(9, "TRACE", "/");
    assert.equal((await client.response(9)).status, 501);
    assert.deepEqual(handled, []);
  } finally {
    await client.close();
  }
});

Deno.test("serveHttp2Connection() answers 413 when a body passes maxBodyBytes", async () => {
  const client = new H2Client(
    async (request) => new Response(await request.text()),
    { limits: { maxBodyBytes: 10 } },
  );
  try {
    await client.handshake();
    client.send(
      client.headers(1, requestFields("POST", "/"), false),
      encodeDataFrame(1, new Uint8Array(11)),
    );
    const response = await client.response(1);
    assert.equal(response.status, 413);
    // The client is told to stop sending, without error (§8.1).
    const after = await client.until((f) => f.type === "RST_STREAM");
    assert.deepEqual(lines(after), ["RST_STREAM 1 NO_ERROR"]);
  } finally {
    await client.close();
  }
});

/** A POST's HEADERS that ask for 100 (Continue) before the body. */
function expectContinue(client: H2Client, streamId: number): Uint8Array {
  const fields = requestFields("POST", "/");
  return client.headers(
    streamId,
    [...fields, ["expect", "100-continue"]],
    false,
  );
}

/** The frames of a stream up to its END_STREAM, each as `type status`. */
async function headersUntilEnd(
  client: H2Client,
  streamId: number,
): Promise<string[]> {
  const frames = await client.until((f) =>
    f.streamId === streamId && f.endStream === true
  );
  return frames.filter((f) => f.streamId === streamId).map((f) =>
    f.type === "HEADERS"
      ? `HEADERS ${f.fields![0]}${f.endStream ? " END_STREAM" : ""}`
      : `${f.type}${f.endStream ? " END_STREAM" : ""}`
  );
}

/** Send the rest of a request body, ending the stream; then its response. */
function endBody(client: H2Client, streamId: number, text: string) {
  client.send(
    encodeDataFrame(streamId, encoder.encode(text), { endStream: true }),
  );
  return client.response(streamId);
}

Deno.test("serveHttp2Connection() sends 100 (Continue) when the handler first reads the body (RFC 9110 §10.1.1)", async () => {
  const client = new H2Client(async (request) =>
    new Response(`got ${await request.text()}`)
  );
  try {
    await client.handshake();
    client.send(expectContinue(client, 1));
    // §8.1: the 100 is a HEADERS frame without END_STREAM.
    const interim = await client.expect("HEADERS");
    assert.deepEqual(
      [interim.streamId, interim.fields, interim.endStream],
      [1, [":status: 100"], false],
    );
    const response = await endBody(client, 1, "body");
    assert.deepEqual([response.status, response.body], [200, "got body"]);
  } finally {
    await client.close();
  }
});

Deno.test("serveHttp2Connection() starts a 100 that is the first block after a table size change with the size update (RFC 7541 §4.2)", async () => {
  const client = new H2Client(async (request) =>
    new Response(await request.text(), { headers: { "x-custom": "a value" } })
  );
  try {
    await client.handshake([{ id: SETTING.HEADER_TABLE_SIZE, value: 0 }]);
    client.send(expectContinue(client, 1));
    const interim = await client.expect("HEADERS");
    // 0x20: a dynamic table size update to 0 (§6.3) leads the block.
    assert.equal(interim.raw.payload[0], 0x20);
    assert.deepEqual(interim.fields, [":status: 100"]);
    const response = await endBody(client, 1, "body");
    assert.equal(response.body, "body");
    assert.ok(response.fields.includes("x-custom: a value"));
  } finally {
    await client.close();
  }
});

Deno.test("serveHttp2Connection() sends no 100 when the handler answers without reading the body", async () => {
  const client = new H2Client(() => new Response("no thanks", { status: 403 }));
  try {
    await client.handshake();
    client.send(expectContinue(client, 1));
    assert.deepEqual(await headersUntilEnd(client, 1), [
      "HEADERS :status: 403",
      "DATA END_STREAM",
    ]);
  } finally {
    await client.close();
  }
});

Deno.test("serveHttp2Connection() sends no 100 when the body came before the handler read it", async () => {
  const arrived = Promise.withResolvers<void>();
  const read = Promise.withResolvers<void>();
  const client = new H2Client(async (request) => {
    arrived.resolve();
    await read.promise;
    return new Response(`got ${await request.text()}`);
  });
  try {
    await client.handshake();
    // The client did not wait (RFC 9110 §10.1.1 lets it not wait).
    client.send(
      expectContinue(client, 1),
      encodeDataFrame(1, encoder.encode("body"), { endStream: true }),
    );
    await arrived.promise;
    await roundTrip(client);
    read.resolve();
    assert.deepEqual(await headersUntilEnd(client, 1), [
      "HEADERS :status: 200",
      "DATA END_STREAM",
    ]);
  } finally {
    await client.close();
  }
});

Deno.test("serveHttp2Connection() sends 100 ahead of the fields of a response that streams the body back", async () => {
  const client = new H2Client((request) => new Response(request.body));
  try {
    await client.handshake();
    client.send(expectContinue(client, 1));
    const interim = await client.expect("HEADERS");
    assert.deepEqual(interim.fields, [":status: 100"]);
    const response = await endBody(client, 1, "echo");
    assert.deepEqual([response.status, response.body], [200, "echo"]);
  } finally {
    await client.close();
  }
});

Deno.test("serveHttp2Connection() sends no 100 once the final fields are out (RFC 9113 §8.1)", async () => {
  const fieldsSeen = Promise.withResolvers<void>();
  const readStarted = Promise.withResolvers<void>();
  const client = new H2Client((request) => {
    const reader = request.body!.getReader();
    let first = true;
    // 10 bytes promised, 6 at once: the fields go out before the rest,
    // which is the request body, read only once the client has them.
    return new Response(
      new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (first) {
            first = false;
            controller.enqueue(encoder.encode("first "));
            return;
          }
          await fieldsSeen.promise;
          const read = reader.read();
          readStarted.resolve();
          const { value, done } = await read;
          if (done) controller.close();
          else controller.enqueue(value);
        },
      }),
      { headers: { "content-length": "10" } },
    );
  });
  try {
    await client.handshake();
    client.send(expectContinue(client, 1));
    const head = await client.expect("HEADERS");
    assert.deepEqual(head.fields![0], ":status: 200");
    fieldsSeen.resolve();
    await readStarted.promise;
    // A 100 queued at that read would come before the PING's answer.
    const before = await roundTrip(client);
    assert.ok(before.every((f) => f.type === "DATA"), lines(before).join());
    client.send(
      encodeDataFrame(1, encoder.encode("echo"), { endStream: true }),
    );
    const rest = await client.until((f) => f.endStream === true);
    const frames = [...before, ...rest];
    assert.ok(frames.every((f) => f.type === "DATA"), lines(frames).join());
    assert.equal(frames.map((f) => f.text).join(""), "first echo");
  } finally {
    await client.close();
  }
});

Deno.test("serveHttp2Connection() answers a declared length over maxBodyBytes 413 at once, without a 100", async () => {
  const client = new H2Client(() => new Response("handler"), {
    limits: { maxBodyBytes: 10 },
  });
  try {
    await client.handshake();
    client.send(client.headers(1, [
      ...requestFields("POST", "/"),
      ["content-length", "11"],
      ["expect", "100-continue"],
    ], false));
    const frames = await headersUntilEnd(client, 1);
    assert.equal(frames[0], "HEADERS :status: 413");
    assert.ok(!frames.some((f) => f.includes(":status: 100")));
  } finally {
    await client.close();
  }
});

Deno.test("serveHttp2Connection() answers 417 to an expectation other than 100-continue", async () => {
  const client = new H2Client(() => new Response("handler"));
  try {
    await client.handshake();
    client.send(client.headers(1, [
      ...requestFields("POST", "/"),
      ["expect", "something"],
    ], true));
    assert.equal((await client.response(1)).status, 417);
  } finally {
    await client.close();
  }
});

Deno.test("serveHttp2Connection() asks the client to stop once the response is complete (§8.1)", async () => {
  const client = new H2Client(() => new Response("early"));
  try {
    await client.handshake();
    client.send(client.headers(1, requestFields("POST", "/"), false));
    const frames = await client.until((f) => f.type === "RST_STREAM");
    assert.deepEqual(lines(frames), [
      "HEADERS 1",
      "DATA 1 5 END_STREAM",
      "RST_STREAM 1 NO_ERROR",
    ]);
    // DATA the client had in flight is dropped, its credit given back
    // (once a quarter of the connection's window has come).
    const inFlight = new Uint8Array(14_000);
    client.send(...Array(5).fill(encodeDataFrame(1, inFlight)));
    client.request(3, "GET", "/");
    const next = await client.until((f) => !!f.endStream);
    assert.deepEqual(lines(next), [
      "WINDOW_UPDATE 0 +70000",
      "HEADERS 3",
      "DATA 3 5 END_STREAM",
    ]);
  } finally {
    await client.close();
  }
});

Deno.test("serveHttp2Connection() aborts the handler's request when the client resets the stream", async () => {
  const aborted = Promise.withResolvers<string>();
  const completed = Promise.withResolvers<string>();
  const client = new H2Client((request, info) => {
    if (!request.url.endsWith("/stuck")) return new Response("ok");
    request.signal.addEventListener("abort", () => aborted.resolve("aborted"));
    info.completed.then(
      () => completed.resolve("delivered"),
      (e) => completed.resolve(e.name),
    );
    return new Response(new ReadableStream({ pull() {} }));
  });
  try {
    await client.handshake();
    client.request(1, "GET", "/stuck");
    await roundTrip(client); // the handler has answered; its body waits
    client.send(encodeRstStreamFrame(1, 0x8));
    assert.equal(await aborted.promise, "aborted");
    assert.equal(await completed.promise, "Interrupted");
    client.request(3, "GET", "/");
    assert.equal((await client.response(3)).body, "ok");
  } finally {
    await client.close();
  }
});

Deno.test("serveHttp2Connection() tells onResponse about each answered stream", async () => {
  const entries: AccessLogEntry[] = [];
  const client = new H2Client(() => new Response("hello"), {
    onResponse: (entry) => entries.push(entry),
  });
  try {
    await client.handshake();
    client.send(client.headers(1, [
      ...requestFields("GET", "/a?b=1"),
      ["user-agent", "test"],
      ["referer", "http://r/"],
    ]));
    await client.response(1);
    await roundTrip(client);
    assert.equal(entries.length, 1);
    const {
      method,
      target,
      status,
      bodyBytes,
      httpVersion,
      userAgent,
      referer,
    } = entries[0];
    assert.deepEqual(
      { method, target, status, bodyBytes, httpVersion, userAgent, referer },
      {
        method: "GET",
        target: "/a?b=1",
        status: 200,
        bodyBytes: 5,
        httpVersion: "HTTP/2.0",
        userAgent: "test",
        referer: "http://r/",
      },
    );
  } finally {
    await client.close();
  }
});

Deno.test("serveHttp2Connection() sends GOAWAY on shutdown and lets streams finish", async () => {
  const release = Promise.withResolvers<void>();
  let calls = 0;
  const client = new H2Client(async () => {
    calls++;
    await release.promise;
    return new Response("done");
  });
  try {
    await client.handshake();
    client.request(1, "GET", "/");
    await roundTrip(client); // the handler runs
    client.tracker.beginShutdown();
    const goAway = await client.expect("GOAWAY");
    assert.deepEqual([goAway.code, goAway.lastStreamId], ["NO_ERROR", 1]);
    // A stream above the last one named is not processed (§6.8).
    client.request(3, "GET", "/");
    await roundTrip(client);
    release.resolve();
    const response = await client.response(1);
    assert.equal(response.body, "done");
    assert.equal(await client.next(), null, "closed after its last stream");
    assert.equal(calls, 1);
  } finally {
    await client.close();
  }
});

Deno.test("serveHttp2Connection() sends GOAWAY at once on shutdown when idle", async () => {
  const client = new H2Client(() => new Response("ok"));
  try {
    await client.handshake();
    client.request(1, "GET", "/");
    await client.response(1);
    await roundTrip(client);
    client.tracker.beginShutdown();
    const goAway = await client.expect("GOAWAY");
    assert.deepEqual([goAway.code, goAway.lastStreamId], ["NO_ERROR", 1]);
    assert.equal(await client.next(), null);
  } finally {
    await client.close();
  }
});

Deno.test("serveHttp2Connection() sends GOAWAY and closes when idle too long", async () => {
  const client = new H2Client(() => new Response("ok"), {
    limits: { keepAliveTimeoutMs: 20 },
    sweepMs: 10,
  });
  try {
    await client.handshake();
    client.request(1, "GET", "/");
    await client.response(1);
    const goAway = await client.expect("GOAWAY");
    assert.deepEqual([goAway.code, goAway.lastStreamId], ["NO_ERROR", 1]);
    assert.equal(await client.next(), null);
  } finally {
    await client.close();
  }
});

Deno.test("serveHttp2Connection() closes a connection that opens no stream within headersTimeoutMs", async () => {
  const client = new H2Client(() => new Response("ok"), {
    // keepAliveTimeoutMs counts only after a first stream.
    limits: { headersTimeoutMs: 20, keepAliveTimeoutMs: 60_000 },
    sweepMs: 10,
  });
  try {
    await client.handshake();
    const goAway = await client.expect("GOAWAY");
    assert.deepEqual([goAway.code, goAway.lastStreamId], ["NO_ERROR", 0]);
    assert.equal(await client.next(), null);
  } finally {
    await client.close();
  }
});

Deno.test("serveHttp2Connection() fails a body read that waits past bodyTimeoutMs", async () => {
  const client = new H2Client(
    async (request) => new Response(await request.text()),
    { limits: { bodyTimeoutMs: 20 }, sweepMs: 10 },
  );
  try {
    await client.handshake();
    client.send(client.headers(1, requestFields("POST", "/"), false));
    assert.equal((await client.response(1)).status, 408);
  } finally {
    await client.close();
  }
});

Deno.test("serveHttp2Connection() encodes fields for a client that allows no dynamic table", async () => {
  const client = new H2Client(() =>
    new Response("ok", { headers: { "x-custom": "a value" } })
  );
  try {
    await client.handshake([{ id: SETTING.HEADER_TABLE_SIZE, value: 0 }]);
    for (const id of [1, 3]) {
      client.request(id, "GET", "/");
      const response = await client.response(id);
      assert.ok(response.fields.includes("x-custom: a value"));
    }
    client.send(encodeSettingsAckFrame());
  } finally {
    await client.close();
  }
});
