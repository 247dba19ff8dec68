/**
 * --workers: real worker threads sharing the port with SO_REUSEPORT.
 *
 * Deno 2.9 allows SO_REUSEPORT only with --unstable-net (or "unstable":
 * ["net"] in deno.json), so these tests pass the flag themselves.
 */
import assert from "node:assert/strict";
import { exchange } from "../../support/raw_http.ts";
import {
  DEFAULT_PERMISSIONS,
  hostPort,
  runCli,
  startCli,
  withCli,
  withRoot,
} from "./_cli.ts";

const UNSTABLE = { deno: ["--unstable-net", ...DEFAULT_PERMISSIONS] };
const linux = Deno.build.os === "linux";

Deno.test({
  name: "--workers 2: more than one worker answers requests",
  ignore: !linux,
  async fn() {
    const { stdout } = await withCli(
      ["--port", "0", "--workers", "2", "-v"],
      async (cli) => {
        const ids = new Set<string>();
        // Fresh connections, so the kernel picks a listener for each; the
        // log lines come asynchronously, so keep going until two workers
        // have been seen (bounded).
        for (let i = 0; i < 2000 && ids.size < 2; i++) {
          const response = await exchange(
            hostPort(cli.url),
            "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
          );
          assert.match(response, /^HTTP\/1\.1 200 /);
          for (const match of cli.stdout.text.matchAll(/ worker (\d+)$/gm)) {
            ids.add(match[1]);
          }
        }
        assert.deepEqual([...ids].sort(), ["1", "2"]);
      },
      UNSTABLE,
    );
    assert.match(stdout, /\n {2}2 worker threads share the port\n/);
  },
});

Deno.test({
  name: "--workers: SIGTERM lets an in-flight response finish in a worker",
  ignore: !linux,
  async fn() {
    const size = 64 * 1024 * 1024;
    await withRoot({ "big.bin": new Uint8Array(size) }, async (root) => {
      const cli = await startCli(
        [
          root,
          "--port",
          "0",
          "-q",
          "--workers",
          "2",
          "--shutdown-timeout",
          "60000",
        ],
        UNSTABLE,
      );
      const conn = await Deno.connect(hostPort(cli.url));
      try {
        await conn.write(
          new TextEncoder().encode("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n"),
        );
        const buffer = new Uint8Array(256 * 1024);
        let text = "";
        let body = 0;
        while (true) {
          const n = await conn.read(buffer);
          assert.ok(n !== null, "closed in the head");
          text += new TextDecoder("latin1").decode(buffer.subarray(0, n));
          const end = text.indexOf("\r\n\r\n");
          if (end !== -1) {
            body = text.length - (end + 4);
            break;
          }
        }
        cli.kill("SIGTERM");
        await cli.stderr.waitFor(/SIGTERM: stopping/);
        while (body < size) {
          const n = await conn.read(buffer);
          if (n === null) break;
          body += n;
        }
        assert.equal(body, size);
        const { code, stderr } = await cli.finished();
        assert.equal(code, 0, stderr);
      } finally {
        conn.close();
        cli.kill("SIGKILL");
        await cli.finished();
      }
    });
  },
});

Deno.test({
  name: "--workers auto serves (one worker per core)",
  ignore: !linux,
  async fn() {
    await withCli(["--port", "0", "-q", "--workers", "auto"], async (cli) => {
      const response = await exchange(
        hostPort(cli.url),
        "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      );
      assert.match(response, /^HTTP\/1\.1 200 /);
    }, UNSTABLE);
  },
});

Deno.test({
  name: "--workers without --unstable-net says which flag to add, exit 1",
  ignore: !linux,
  async fn() {
    // --no-config: a deno.json with "unstable": ["net"] would allow it.
    const { code, stderr } = await runCli(["--port", "0", "--workers", "2"], {
      deno: ["--no-config", ...DEFAULT_PERMISSIONS],
    });
    assert.equal(code, 1);
    assert.equal(
      stderr,
      `berth: --workers needs SO_REUSEPORT, which Deno 2.9 keeps behind a flag: add --unstable-net (or "unstable": ["net"] to deno.json)\n`,
    );
  },
});

Deno.test({
  name: "--workers needs read access to berth's own modules, and says so",
  ignore: !linux,
  async fn() {
    const { code, stderr } = await runCli(["--port", "0", "--workers", "2"], {
      deno: ["--unstable-net", "--allow-net=127.0.0.1", "--allow-read=static"],
    });
    assert.equal(code, 1);
    assert.match(
      stderr,
      /^berth: --workers needs read access to berth's modules in \/\S+\/src; add --allow-read=\.\/static,\/\S+\/src \(or --allow-read\)\n$/,
    );
  },
});

Deno.test({
  name: "--workers 2 on a port in use: exit 1 with the usual message",
  ignore: !linux,
  async fn() {
    using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = listener.addr.port;
    const { code, stderr } = await runCli(
      ["--port", String(port), "--workers", "2"],
      UNSTABLE,
    );
    assert.equal(code, 1);
    assert.equal(
      stderr,
      `berth: Port ${port} is already in use; choose another with --port\n`,
    );
  },
});
