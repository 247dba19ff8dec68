import assert from "node:assert/strict";
import { parseArgs } from "../../src/cli/parse_args.ts";
import { serverConfig } from "../../src/cli/start_server.ts";

const EVERY_FLAG = [
  "site",
  "--host",
  "::1",
  "--port",
  "8443",
  "--cert",
  "cert.pem",
  "--key",
  "key.pem",
  "-H",
  "X-A: 1",
  "--cors",
  "--dir-listing",
  "--dotfiles",
  "--spa=app.html",
  "--clean-urls",
  "--revalidate",
  "0",
  "--no-compress",
  "--cache-control",
  "no-store",
  "--max-connections",
  "1",
  "--max-body-bytes",
  "2",
  "--headers-timeout",
  "3",
  "--body-timeout",
  "4",
  "--send-timeout",
  "5",
  "--keep-alive-timeout",
  "6",
  "--shutdown-timeout",
  "7",
  "--workers",
  "2",
  "--log-format",
  "clf",
  "-v",
];

Deno.test("serverConfig() is plain data a worker thread can receive", () => {
  for (const args of [[], EVERY_FLAG]) {
    const config = serverConfig(parseArgs(args), { cert: "PEM", key: "PEM" });
    assert.deepEqual(structuredClone(config), config, args.join(" "));
  }
});

Deno.test("serverConfig() carries the flags under the library's names", () => {
  const options = parseArgs(EVERY_FLAG);
  const config = serverConfig(options, { cert: "CERT", key: "KEY" });
  assert.equal(config.files, options.files);
  assert.equal(config.limits, options.limits);
  assert.deepEqual(config.listen, {
    hostname: "::1",
    port: 8443,
    cert: "CERT",
    key: "KEY",
  });
  assert.deepEqual(config.tlsPaths, {
    certPath: "cert.pem",
    keyPath: "key.pem",
  });
  assert.deepEqual(config.files, {
    root: "site",
    headers: ["X-A: 1"],
    cors: true,
    listing: true,
    dotfiles: true,
    spa: "app.html",
    cleanUrls: true,
    revalidateMs: 0,
    compress: false,
    cacheControl: "no-store",
  });
  assert.deepEqual(config.limits, {
    maxConnections: 1,
    maxBodyBytes: 2,
    headersTimeoutMs: 3,
    bodyTimeoutMs: 4,
    sendTimeoutMs: 5,
    keepAliveTimeoutMs: 6,
    shutdownTimeoutMs: 7,
  });
});

Deno.test("serverConfig() without TLS keeps no TLS paths", () => {
  const config = serverConfig(parseArgs(["--cert", "c.pem", "--key", "k.pem"]));
  assert.equal(config.tlsPaths, undefined);
  assert.equal(config.listen.cert, undefined);
});
