/**
 * Stopping with an HTTP/2 stream in flight: SIGTERM sends the client
 * GOAWAY(NO_ERROR) naming the last stream processed (RFC 9113 §6.8), the
 * stream in flight still ends with its whole body, then the process exits
 * 0 — on the main thread and with `--workers`.
 *
 * The client speaks raw frames over a socket and opens no window past the
 * 65,535 bytes every stream starts with (§6.9.2): the server is then held
 * mid-body by flow control, so the stream is in flight for sure when the
 * signal comes, without any sleep.
 */
import assert from "node:assert/strict";
import { CONNECTION_PREFACE } from "../../src/http2/connection_preface.ts";
import { errorCodeName } from "../../src/http2/error_codes.ts";
import type { RawFrame } from "../../src/http2/frame_header.ts";
import { encodeHeadersFrame } from "../../src/http2/frame_headers.ts";
import { FrameReader } from "../../src/http2/frame_reader.ts";
import {
  encodeSettingsAckFrame,
  encodeSettingsFrame,
} from "../../src/http2/frame_settings.ts";
import { FLAG, FRAME_TYPE } from "../../src/http2/frame_types.ts";
import { encodeWindowUpdateFrame } from "../../src/http2/frame_window_update.ts";
import { HpackEncoder } from "../../src/http2/hpack/hpack_encoder.ts";
import { Http2Error } from "../../src/http2/http2_error.ts";
import { parseFrame } from "../../src/http2/parse_frame.ts";
import { DEFAULT_PERMISSIONS, hostPort, startCli, withRoot } from "./_cli.ts";

/** Every stream's window, and the connection's, before any WINDOW_UPDATE. */
const DEFAULT_WINDOW = 65_535;
/** The file in flight: many windows long. */
const SIZE = 1024 * 1024;

/** An HTTP/2 client on a socket: raw frames out, parsed frames in. */
class RawH2Client {
  readonly #conn: Deno.TcpConn;
  readonly #reader = new FrameReader();
  readonly #buffer = new Uint8Array(64 * 1024);

  private constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
  }

  /** Connect, send the preface and empty SETTINGS (default windows). */
  static async connect(url: string): Promise<RawH2Client> {
    const client = new RawH2Client(await Deno.connect(hostPort(url)));
    await client.send(CONNECTION_PREFACE, encodeSettingsFrame([]));
    return client;
  }

  /** Write frames. */
  async send(...frames: Uint8Array[]): Promise<void> {
    for (const frame of frames) {
      for (let at = 0; at < frame.length;) {
        at += await this.#conn.write(frame.subarray(at));
      }
    }
  }

  /**
   * The next frame (its payload copied), answering the server's SETTINGS
   * on the way; `null` once the server closed.
   */
  async next(): Promise<RawFrame | null> {
    while (true) {
      const raw = this.#reader.next();
      if (raw instanceof Http2Error) throw raw;
      if (raw !== null) {
        const frame = { ...raw, payload: raw.payload.slice() };
        if (frame.type === FRAME_TYPE.SETTINGS && !(frame.flags & FLAG.ACK)) {
          await this.send(encodeSettingsAckFrame());
        }
        return frame;
      }
      const n = await this.#conn.read(this.#buffer);
      if (n === null) return null;
      this.#reader.push(this.#buffer.slice(0, n));
    }
  }

  close(): void {
    this.#conn.close();
  }
}

/** Body bytes of stream 1 until `until` holds; its END_STREAM is noted. */
class StreamBody {
  readonly bytes = new Uint8Array(SIZE);
  received = 0;
  ended = false;

  /** Take a DATA frame of stream 1. */
  take(frame: RawFrame): void {
    if (frame.type !== FRAME_TYPE.DATA || frame.streamId !== 1) return;
    this.bytes.set(frame.payload, this.received);
    this.received += frame.payload.length;
    if (frame.flags & FLAG.END_STREAM) this.ended = true;
  }
}

async function sigtermWithStreamInFlight(extra: string[]): Promise<void> {
  const file = new Uint8Array(SIZE).map((_, i) => i * 7);
  await withRoot({ "big.bin": file }, async (root) => {
    const cli = await startCli(
      [root, "--port", "0", "-q", "--shutdown-timeout", "60000", ...extra],
      { deno: ["--unstable-net", ...DEFAULT_PERMISSIONS] },
    );
    let client: RawH2Client | undefined;
    try {
      client = await RawH2Client.connect(cli.url);
      const block = new HpackEncoder().encode([
        { name: ":method", value: "GET" },
        { name: ":scheme", value: "http" },
        { name: ":authority", value: "localhost" },
        { name: ":path", value: "/big.bin" },
      ]);
      await client.send(encodeHeadersFrame(1, block, { endStream: true }));
      const body = new StreamBody();
      // Up to the window: the server waits for credit from here.
      while (body.received < DEFAULT_WINDOW) {
        const frame = await client.next();
        assert.ok(frame !== null, "closed before the window was used");
        body.take(frame);
      }
      assert.equal(body.received, DEFAULT_WINDOW);

      cli.kill("SIGTERM");
      let goAway: RawFrame | null = null;
      while (goAway === null) {
        const frame = await client.next();
        assert.ok(frame !== null, "closed without a GOAWAY");
        if (frame.type === FRAME_TYPE.GOAWAY) goAway = frame;
        else body.take(frame);
      }
      const parsed = parseFrame(goAway);
      assert.ok(!(parsed instanceof Http2Error) && parsed.kind === "goaway");
      assert.equal(errorCodeName(parsed.errorCode), "NO_ERROR");
      assert.equal(parsed.lastStreamId, 1);
      assert.ok(!body.ended, "the stream was still in flight");

      // Credit for the rest: the stream finishes after the GOAWAY.
      await client.send(
        encodeWindowUpdateFrame(0, SIZE),
        encodeWindowUpdateFrame(1, SIZE),
      );
      while (true) {
        const frame = await client.next();
        if (frame === null) break;
        body.take(frame);
      }
      assert.ok(body.ended, "END_STREAM came");
      assert.equal(body.received, SIZE);
      assert.deepEqual(body.bytes, file);
      // Gone from our side too: the server need not linger for more.
      client.close();
      client = undefined;

      const { code, stderr } = await cli.finished();
      assert.equal(code, 0, stderr);
      assert.match(stderr, /SIGTERM: stopping/);
    } finally {
      client?.close();
      cli.kill("SIGKILL");
      await cli.finished();
    }
  });
}

Deno.test("SIGTERM: an HTTP/2 client gets GOAWAY, its stream finishes whole, exit 0", async () => {
  await sigtermWithStreamInFlight([]);
});

Deno.test({
  name: "SIGTERM with --workers: the same for a stream a worker serves",
  ignore: Deno.build.os !== "linux",
  async fn() {
    await sigtermWithStreamInFlight(["--workers", "2"]);
  },
});
