/**
 * The static handler over real sockets: on berth's engine and on
 * `Deno.serve`, with a raw HTTP/1.1 client so every byte on the wire is
 * checked (no client-side decompression or normalisation).
 */

import assert from "node:assert/strict";
import { serve } from "../../src/serve.ts";
import {
  createStaticHandler,
  type StaticHandler,
} from "../../src/static/static_handler.ts";
import type { StaticHandlerOptions } from "../../src/static/options.ts";
import { BIG, type Fixture, makeFixture } from "./_fixtures.ts";

interface Running {
  port: number;
  stop(): Promise<void>;
}

type Engine = (handler: StaticHandler) => Running;

const ENGINES: [string, Engine][] = [
  ["berth serve()", (handler) => {
    const server = serve(handler, {
      port: 0,
      hostname: "127.0.0.1",
      onListen() {},
    });
    return { port: server.addr.port, stop: () => server.shutdown() };
  }],
  ["Deno.serve", (handler) => {
    const server = Deno.serve(
      { port: 0, hostname: "127.0.0.1", onListen() {} },
      handler,
    );
    return { port: server.addr.port, stop: () => server.shutdown() };
  }],
];

interface RawResponse {
  status: number;
  headers: Map<string, string>;
  body: Uint8Array;
}

const encoder = new TextEncoder();

// One request on a fresh connection, read to EOF.
async function rawRequest(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const lines = [
      `${method} ${path} HTTP/1.1`,
      "Host: 127.0.0.1",
      "Connection: close",
    ];
    for (const [name, value] of Object.entries(headers)) {
      lines.push(`${name}: ${value}`);
    }
    await conn.write(encoder.encode(lines.join("\r\n") + "\r\n\r\n"));
    const chunks: Uint8Array[] = [];
    const buffer = new Uint8Array(64 * 1024);
    while (true) {
      const n = await conn.read(buffer);
      if (n === null) break;
      chunks.push(buffer.slice(0, n));
    }
    const all = new Uint8Array(
      await new Blob(chunks as Uint8Array<ArrayBuffer>[]).arrayBuffer(),
    );
    const text = new TextDecoder("latin1").decode(all);
    const end = text.indexOf("\r\n\r\n");
    assert.ok(end > 0, "a complete head");
    const [statusLine, ...fields] = text.slice(0, end).split("\r\n");
    const map = new Map<string, string>();
    for (const field of fields) {
      const colon = field.indexOf(":");
      map.set(
        field.slice(0, colon).toLowerCase(),
        field.slice(colon + 1).trim(),
      );
    }
    return {
      status: Number(statusLine.split(" ")[1]),
      headers: map,
      body: all.subarray(end + 4),
    };
  } finally {
    conn.close();
  }
}

async function withServer(
  engine: Engine,
  options: StaticHandlerOptions,
  fn: (port: number, fx: Fixture) => Promise<void>,
): Promise<void> {
  const fx = await makeFixture();
  const running = engine(createStaticHandler({ root: fx.root, ...options }));
  try {
    await fn(running.port, fx);
  } finally {
    await running.stop();
    await fx.cleanup();
  }
}

const decoder = new TextDecoder();

for (const [name, engine] of ENGINES) {
  Deno.test(`createStaticHandler() on ${name} answers HEAD with Content-Length and no body`, async () => {
    await withServer(engine, {}, async (port) => {
      for (const path of ["/big.txt", "/hello.txt", "/"]) {
        const get = await rawRequest(port, "GET", path);
        const head = await rawRequest(port, "HEAD", path);
        assert.equal(head.status, 200);
        assert.equal(head.body.length, 0, `${path}: HEAD sends no body bytes`);
        assert.equal(
          head.headers.get("content-length"),
          String(get.body.length),
        );
        assert.equal(head.headers.get("etag"), get.headers.get("etag"));
        assert.equal(
          head.headers.get("content-type"),
          get.headers.get("content-type"),
        );
      }
    });
  });

  Deno.test(`createStaticHandler() on ${name} answers Range requests with 206 and exact bytes`, async () => {
    await withServer(engine, { maxCachedFileBytes: 1024 }, async (port) => {
      const single = await rawRequest(port, "GET", "/big.txt", {
        Range: "bytes=1000-1099",
      });
      assert.equal(single.status, 206);
      assert.equal(
        single.headers.get("content-range"),
        `bytes 1000-1099/${BIG.length}`,
      );
      assert.equal(single.headers.get("content-length"), "100");
      assert.equal(decoder.decode(single.body), BIG.slice(1000, 1100));

      const multi = await rawRequest(port, "GET", "/big.txt", {
        Range: "bytes=0-4,-5",
      });
      assert.equal(multi.status, 206);
      assert.match(
        multi.headers.get("content-type")!,
        /^multipart\/byteranges; boundary=/,
      );
      assert.equal(
        multi.headers.get("content-length"),
        String(multi.body.length),
      );
      const text = decoder.decode(multi.body);
      assert.ok(text.includes(BIG.slice(0, 5)) && text.includes(BIG.slice(-5)));

      const bad = await rawRequest(port, "GET", "/big.txt", {
        Range: `bytes=${BIG.length}-`,
      });
      assert.equal(bad.status, 416);
      assert.equal(bad.headers.get("content-range"), `bytes */${BIG.length}`);
    });
  });

  Deno.test(`createStaticHandler() on ${name} answers 304 for a matching validator`, async () => {
    await withServer(engine, {}, async (port) => {
      const first = await rawRequest(port, "GET", "/hello.txt");
      const etag = first.headers.get("etag")!;
      const byTag = await rawRequest(port, "GET", "/hello.txt", {
        "If-None-Match": etag,
      });
      assert.equal(byTag.status, 304);
      assert.equal(byTag.body.length, 0);
      assert.equal(byTag.headers.get("etag"), etag);
      const byDate = await rawRequest(port, "GET", "/hello.txt", {
        "If-Modified-Since": first.headers.get("last-modified")!,
      });
      assert.equal(byDate.status, 304);
    });
  });

  Deno.test(`createStaticHandler() on ${name} closes a streamed file when the client aborts`, async () => {
    await withServer(engine, { maxCachedFileBytes: 1024 }, async (port, fx) => {
      // Larger than socket buffers, so the abort lands mid-stream.
      await Deno.writeFile(
        `${fx.root}/huge.bin`,
        new Uint8Array(32 * 1024 * 1024),
      );
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      await conn.write(
        encoder.encode("GET /huge.bin HTTP/1.1\r\nHost: x\r\n\r\n"),
      );
      const buffer = new Uint8Array(16 * 1024);
      assert.ok((await conn.read(buffer))! > 0);
      conn.close();
      // Shutdown waits for the exchange; the resource sanitizer then fails
      // the test if the file was left open.
    });
  });
}

Deno.test("createStaticHandler() hosts TypeScript modules that deno run imports by URL", async () => {
  await withServer(ENGINES[0][1], {}, async (port, fx) => {
    const output = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-config",
        `--allow-import=127.0.0.1:${port}`,
        `http://127.0.0.1:${port}/mod.ts`,
      ],
      env: { DENO_DIR: `${fx.base}/deno_dir`, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = decoder.decode(output.stderr);
    assert.equal(output.code, 0, stderr);
    assert.equal(decoder.decode(output.stdout), "hello berth hello berth\n");
  });
});
