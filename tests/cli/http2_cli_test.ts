/**
 * The CLI's HTTP/2: over HTTPS a client that offers h2 gets it (and the
 * banner says so), `--no-http2` gives HTTP/1.1 only; on plain HTTP h2c with
 * prior knowledge is served, `--no-h2c` answers the preface 505; with
 * `--workers`, every worker thread speaks both.
 */
import assert from "node:assert/strict";
import http2 from "node:http2";
import { makeCertificate } from "../_tls.ts";
import {
  type Cli,
  DEFAULT_PERMISSIONS,
  hostPort,
  type SpawnOptions,
  withCli,
  withRoot,
} from "./_cli.ts";

const certificate = await makeCertificate();
/** `--workers` needs SO_REUSEPORT: Linux, and Deno's --unstable-net. */
const linux = Deno.build.os === "linux";
const UNSTABLE = { deno: ["--unstable-net", ...DEFAULT_PERMISSIONS] };
const PREFACE = new TextEncoder().encode("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

/** The protocol ALPN settles on when the client offers h2 and http/1.1. */
async function negotiated(url: string, cert: string): Promise<string | null> {
  const conn = await Deno.connectTls({
    ...hostPort(url),
    caCerts: [cert],
    alpnProtocols: ["h2", "http/1.1"],
  });
  try {
    return (await conn.handshake()).alpnProtocol;
  } finally {
    conn.close();
  }
}

/** The first bytes the server answers the HTTP/2 preface with. */
async function answerToPreface(url: string): Promise<Uint8Array> {
  const conn = await Deno.connect(hostPort(url));
  try {
    await conn.write(PREFACE);
    const buffer = new Uint8Array(64);
    const n = await conn.read(buffer);
    return buffer.subarray(0, n ?? 0);
  } finally {
    conn.close();
  }
}

async function withTlsCli(
  extra: string[],
  fn: (url: string, cert: string, banner: string, cli: Cli) => Promise<void>,
  options?: SpawnOptions,
): Promise<void> {
  const { cert, key } = certificate!;
  await withRoot({ "cert.pem": cert, "key.pem": key }, async (dir) => {
    await withCli(
      [
        "--port",
        "0",
        "--cert",
        `${dir}/cert.pem`,
        "--key",
        `${dir}/key.pem`,
        ...extra,
      ],
      async (cli) => {
        // On loopback the banner ends with the hint to expose it.
        const banner = (await cli.stdout.waitFor(/^[^]*?Use --host .*\n/))[0];
        await fn(cli.url, cert, banner, cli);
      },
      options,
    );
  });
}

Deno.test({
  name: "--cert and --key offer h2, and the banner says so",
  ignore: certificate === null,
  async fn() {
    await withTlsCli([], async (url, cert, banner) => {
      assert.equal(await negotiated(url, cert), "h2");
      assert.match(banner, /h2 and http\/1\.1/);
    });
  },
});

Deno.test({
  name: "--no-http2 offers only http/1.1 over TLS",
  ignore: certificate === null,
  async fn() {
    await withTlsCli(["--no-http2"], async (url, cert, banner) => {
      assert.equal(await negotiated(url, cert), "http/1.1");
      assert.doesNotMatch(banner, /h2/);
    });
  },
});

Deno.test("plain HTTP serves h2c with prior knowledge; --no-h2c and --no-http2 answer 505", async () => {
  await withCli(["--port", "0", "-q"], async (cli) => {
    const answer = await answerToPreface(cli.url);
    // The server's connection preface: a SETTINGS frame (type 4, stream 0).
    assert.equal(answer[3], 0x04);
    assert.deepEqual([...answer.subarray(5, 9)], [0, 0, 0, 0]);
  });
  for (const flag of ["--no-h2c", "--no-http2"]) {
    await withCli(["--port", "0", "-q", flag], async (cli) => {
      const answer = new TextDecoder().decode(await answerToPreface(cli.url));
      assert.match(answer, /^HTTP\/1\.1 505 /, flag);
    });
  }
});

Deno.test("the access log names HTTP/2 requests HTTP/2.0", async () => {
  const finished = await withCli(
    ["--port", "0", "--log-format", "clf"],
    async (cli) => {
      const session = http2.connect(cli.url);
      try {
        const status = await new Promise<number>((resolve, reject) => {
          const stream = session.request({ ":path": "/" });
          let status = 0;
          stream.on("response", (h) => status = Number(h[":status"]));
          stream.on("data", () => {});
          stream.on("end", () => resolve(status));
          stream.on("error", reject);
        });
        assert.equal(status, 200);
      } finally {
        await new Promise<void>((resolve) => session.close(() => resolve()));
      }
      await cli.stdout.waitFor(/"GET \/ HTTP\/2\.0" 200 /);
    },
  );
  assert.match(finished.stdout, /"GET \/ HTTP\/2\.0" 200 \d+/);
});

/** GET / on an HTTP/2 session of its own (so a new connection), by `agent`. */
async function getOnNewSession(
  url: string,
  agent: string,
  ca?: string,
): Promise<{ status: number; protocol: string | undefined }> {
  const session = http2.connect(url, ca === undefined ? {} : { ca });
  try {
    const status = await new Promise<number>((resolve, reject) => {
      const stream = session.request({ ":path": "/", "user-agent": agent });
      let status = 0;
      stream.on("response", (h) => status = Number(h[":status"]));
      stream.on("data", () => {});
      stream.on("end", () => resolve(status));
      stream.on("error", reject);
    });
    return { status, protocol: session.alpnProtocol };
  } finally {
    await new Promise<void>((resolve) => session.close(() => resolve()));
  }
}

/**
 * New HTTP/2 connections until two workers have answered (bounded); each
 * request's verbose log line names the worker that served it.
 *
 * @returns The ids of the workers seen, sorted.
 */
async function workersServingHttp2(cli: Cli, ca?: string): Promise<string[]> {
  const ids = new Set<string>();
  for (let i = 0; i < 200 && ids.size < 2; i++) {
    const agent = `h2-probe-${i}`;
    const { status, protocol } = await getOnNewSession(cli.url, agent, ca);
    assert.equal(status, 200);
    assert.equal(protocol, ca === undefined ? "h2c" : "h2");
    const logged = await cli.stdout.waitFor(
      new RegExp(`^GET / 200 .* "${agent}" worker (\\d+)$`, "m"),
    );
    ids.add(logged[1]);
  }
  return [...ids].sort();
}

Deno.test({
  name: "--workers 2 with --cert/--key: every worker serves h2 (ALPN)",
  ignore: !linux || certificate === null,
  async fn() {
    await withTlsCli(
      ["--workers", "2", "-v"],
      async (_url, cert, banner, cli) => {
        assert.match(banner, /h2 and http\/1\.1/);
        assert.match(banner, /2 worker threads share the port/);
        assert.deepEqual(await workersServingHttp2(cli, cert), ["1", "2"]);
      },
      UNSTABLE,
    );
  },
});

Deno.test({
  name:
    "--workers 2 on plain HTTP: every worker serves h2c with prior knowledge",
  ignore: !linux,
  async fn() {
    await withCli(["--port", "0", "--workers", "2", "-v"], async (cli) => {
      assert.deepEqual(await workersServingHttp2(cli), ["1", "2"]);
    }, UNSTABLE);
  },
});
