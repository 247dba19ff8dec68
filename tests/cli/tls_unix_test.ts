/**
 * --cert/--key (HTTPS) and --unix, with their error paths.
 */
import assert from "node:assert/strict";
import { makeCertificate } from "../_tls.ts";
import { get, runCli, startCli, withCli, withRoot } from "./_cli.ts";

const certificate = await makeCertificate();

Deno.test({
  name: "--cert and --key serve HTTPS, and the banner says https",
  ignore: certificate === null,
  async fn() {
    const { cert, key } = certificate!;
    await withRoot({ "cert.pem": cert, "key.pem": key }, async (dir) => {
      const client = Deno.createHttpClient({ caCerts: [cert] });
      try {
        await withCli(
          [
            "--port",
            "0",
            "--cert",
            `${dir}/cert.pem`,
            "--key",
            `${dir}/key.pem`,
          ],
          async (cli) => {
            assert.match(cli.url, /^https:\/\/127\.0\.0\.1:\d+\/$/);
            const index = await get(cli.url, { client });
            assert.equal(index.status, 200);
            assert.match(index.body, /berth is running/);
          },
        );
      } finally {
        client.close();
      }
    });
  },
});

Deno.test("--cert without --key (and the reverse) is a usage error", async () => {
  for (
    const [args, want] of [
      [["--cert", "cert.pem"], /^berth: --cert needs --key/],
      [["--key", "key.pem"], /^berth: --key needs --cert/],
    ] as const
  ) {
    const { code, stderr } = await runCli([...args]);
    assert.equal(code, 2);
    assert.match(stderr, want);
  }
});

Deno.test("unreadable or invalid TLS files: exit 1, naming the file", async () => {
  await withRoot(
    { "garbage.pem": "not a certificate\n", "key.pem": certificate?.key ?? "" },
    async (dir) => {
      const missing = await runCli([
        "--port",
        "0",
        "--cert",
        `${dir}/nope.pem`,
        "--key",
        `${dir}/key.pem`,
      ]);
      assert.equal(missing.code, 1);
      assert.equal(
        missing.stderr,
        `berth: cannot read the TLS certificate ${dir}/nope.pem: no such file\n`,
      );

      const folder = await runCli([
        "--port",
        "0",
        "--cert",
        `${dir}/garbage.pem`,
        "--key",
        dir,
      ]);
      assert.equal(folder.code, 1);
      assert.match(folder.stderr, new RegExp(`the TLS key ${dir}: `));

      const invalid = await runCli([
        "--port",
        "0",
        "--cert",
        `${dir}/garbage.pem`,
        "--key",
        `${dir}/key.pem`,
      ]);
      assert.equal(invalid.code, 1);
      assert.match(
        invalid.stderr,
        new RegExp(`^berth: Invalid TLS certificate in ${dir}/garbage\\.pem: `),
      );
      assert.equal(invalid.stderr.split("\n").length, 2, "one line");

      const noPermission = await runCli(
        [
          "--port",
          "0",
          "--cert",
          `${dir}/garbage.pem`,
          "--key",
          `${dir}/key.pem`,
        ],
        { deno: ["--allow-net=127.0.0.1", "--allow-read=static"] },
      );
      assert.equal(noPermission.code, 1);
      assert.match(
        noPermission.stderr,
        new RegExp(
          `^berth: no permission to read the TLS certificate ${dir}/garbage\\.pem; add --allow-read=${dir}/garbage\\.pem`,
        ),
      );
    },
  );
});

Deno.test({
  name:
    "--unix serves on a unix socket (Deno needs read, write and net for it)",
  ignore: Deno.build.os === "windows",
  async fn() {
    await withRoot({}, async (dir) => {
      const path = `${dir}/berth.sock`;
      const cli = await startCli(["--unix", path], {
        deno: [
          `--allow-read`,
          `--allow-write=${path}`,
          `--allow-net=unix:${path}`,
        ],
      });
      try {
        assert.equal(cli.url, `unix:${path}`);
        // This test process has no net permission for unix sockets: a child
        // with all permissions makes the request.
        const output = await new Deno.Command(Deno.execPath(), {
          args: [
            "eval",
            `const conn = await Deno.connect({ transport: "unix", path: ${
              JSON.stringify(path)
            } });
            await conn.write(new TextEncoder().encode("GET / HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n"));
            await conn.readable.pipeTo(Deno.stdout.writable);`,
          ],
          stdin: "null",
          env: { NO_COLOR: "1" },
        }).output();
        const response = new TextDecoder().decode(output.stdout);
        assert.match(response, /^HTTP\/1\.1 200 OK\r\n/);
        assert.match(response, /berth is running/);
      } finally {
        const { code } = await cli.stop();
        assert.equal(code, 0);
      }
      // Deno removes the socket file when the listener closes.
      await assert.rejects(Deno.lstat(path), Deno.errors.NotFound);
    });
  },
});

Deno.test("--unix without its permissions names every flag to add", async () => {
  const { code, stderr } = await runCli(["--unix", "/tmp/berth-cli-test.sock"]);
  assert.equal(code, 1);
  assert.equal(
    stderr,
    "berth: no permission to listen on the unix socket /tmp/berth-cli-test.sock; add --allow-write=/tmp/berth-cli-test.sock --allow-net=unix:/tmp/berth-cli-test.sock\n",
  );
});

Deno.test({
  name: "--unix on a socket in use, or on a file: exit 1, naming the path",
  ignore: Deno.build.os === "windows",
  async fn() {
    await withRoot({ "file.txt": "" }, async (dir) => {
      const path = `${dir}/berth.sock`;
      const deno = [
        "--allow-read",
        `--allow-write=${dir}`,
        `--allow-net=unix:${path},unix:${dir}/file.txt`,
      ];
      const first = await startCli(["--unix", path], { deno });
      try {
        const second = await runCli(["--unix", path], { deno });
        assert.equal(second.code, 1);
        assert.equal(
          second.stderr,
          `berth: The socket ${path} is already in use (if no server runs there, remove it)\n`,
        );
      } finally {
        assert.equal((await first.stop()).code, 0);
      }
      const file = await runCli(["--unix", `${dir}/file.txt`], { deno });
      assert.equal(file.code, 1);
      assert.equal(
        file.stderr,
        `berth: ${dir}/file.txt exists and is not a socket; choose another --unix path\n`,
      );
    });
  },
});
