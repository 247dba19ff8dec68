/**
 * The access log as the CLI writes it: one line per request to stdout, in
 * each format; none with --quiet; more with --verbose.
 */
import assert from "node:assert/strict";
import { bytes, exchange } from "../../support/raw_http.ts";
import { get, withCli } from "./_cli.ts";

const UA = { "user-agent": "berth-test/1", referer: "http://ref.test/" };

Deno.test("access log: one line per request, method path status bytes duration", async () => {
  const { stdout, stderr } = await withCli(["--port", "0"], async (cli) => {
    await get(new URL("/style.css", cli.url));
    await get(new URL("/missing", cli.url));
    await cli.stdout.waitFor(/GET \/missing /);
  });
  const lines = stdout.split("\n").filter((l) => l.startsWith("GET "));
  assert.equal(lines.length, 2);
  assert.match(lines[0], /^GET \/style\.css 200 \d+ B \d+\.\d ms$/);
  assert.match(lines[1], /^GET \/missing 404 \d+ B \d+\.\d ms$/);
  assert.doesNotMatch(stderr, /GET/, "the access log goes to stdout");
});

Deno.test("access log: -q and --quiet silence it", async () => {
  for (const flag of ["-q", "--quiet"]) {
    const { stdout } = await withCli(["--port", "0", flag], async (cli) => {
      await get(cli.url);
      await get(new URL("/missing", cli.url));
    });
    // The log is flushed before a graceful exit, so it would be here.
    assert.doesNotMatch(stdout, /GET/);
    assert.match(stdout, /^Listening on /);
  }
});

Deno.test("access log: -v adds client and user agent, and prints the settings", async () => {
  for (const flag of ["-v", "--verbose"]) {
    const { stdout, stderr } = await withCli(
      ["--port", "0", flag],
      async (cli) => {
        await get(cli.url, { headers: UA });
        await cli.stdout.waitFor(/GET \/ /);
      },
    );
    assert.match(
      stdout,
      /\nGET \/ 200 \d+ B \d+\.\d ms from 127\.0\.0\.1:\d+ "berth-test\/1"\n/,
    );
    assert.match(
      stderr,
      /^berth: settings: root \.\/static, workers 1, compress on, .*max connections 10000, /m,
    );
  }
});

Deno.test("access log: --log-format clf and combined", async () => {
  const clf = await withCli(
    ["--port", "0", "--log-format", "clf"],
    async (cli) => {
      await get(new URL("/style.css?v=1", cli.url), { headers: UA });
      await cli.stdout.waitFor(/"GET /);
    },
  );
  assert.match(
    clf.stdout,
    /\n127\.0\.0\.1 - - \[\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000\] "GET \/style\.css\?v=1 HTTP\/1\.1" 200 \d+\n/,
  );
  const combined = await withCli(
    ["--port", "0", "--log-format", "combined"],
    async (cli) => {
      await get(new URL("/missing", cli.url), { headers: UA });
      await cli.stdout.waitFor(/"GET /);
    },
  );
  assert.match(
    combined.stdout,
    /\n127\.0\.0\.1 - - \[[^\]]+\] "GET \/missing HTTP\/1\.1" 404 \d+ "http:\/\/ref\.test\/" "berth-test\/1"\n/,
  );
});

Deno.test("access log: a malformed request shows its request line, escaped, in every format", async () => {
  // A bare LF that would start a forged line, quotes, a backslash, a byte
  // over 0x7F: all escaped as \xHH, so the log keeps one line per request.
  const forged =
    'GET /a"\\\xff HTTP/1.1\n1.2.3.4 - - "GET /x HTTP/1.1" 200\r\n\r\n';
  const want = String
    .raw`GET /a\x22\x5C\xFF HTTP/1.1\x0A1.2.3.4 - - \x22GET /x HTTP/1.1\x22 200`;
  for (const format of ["text", "clf", "combined"]) {
    const { stdout } = await withCli(
      ["--port", "0", "--log-format", format],
      async (cli) => {
        const { hostname, port } = new URL(cli.url);
        await exchange({ hostname, port: Number(port) }, bytes(forged));
        await cli.stdout.waitFor(/ 400 /);
      },
    );
    const lines = stdout.split("\n").filter((l) => l.includes(" 400 "));
    assert.equal(lines.length, 1, `${format}: one line: ${stdout}`);
    assert.ok(lines[0].includes(`"${want}" 400 `), `${format}: ${lines[0]}`);
  }
});
