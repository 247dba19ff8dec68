import assert from "node:assert/strict";
import {
  bannerLines,
  displayPath,
  EXPLAIN_WARNING,
  LIVE_RELOAD_WARNING,
} from "../../src/cli/banner.ts";

const ESC = "\x1b";

const base = {
  addr: { transport: "tcp", hostname: "127.0.0.1", port: 8000 } as Deno.Addr,
  secure: false,
  root: "static",
  workers: 1,
  interfaces: null,
  color: false,
};

function iface(
  address: string,
  family: "IPv4" | "IPv6",
): Deno.NetworkInterfaceInfo {
  return {
    family,
    name: "eth0",
    address,
    netmask: "",
    scopeid: null,
    cidr: "",
    mac: "00:00:00:00:00:00",
  };
}

Deno.test("bannerLines(): the URL first, then how to expose it", () => {
  assert.deepEqual(bannerLines(base), [
    "Listening on http://127.0.0.1:8000/ — serving ./static",
    "  Use --host 0.0.0.0 to expose on the network",
  ]);
  assert.deepEqual(
    bannerLines({
      ...base,
      addr: { transport: "tcp", hostname: "::1", port: 1 },
      secure: true,
      root: "/srv/www",
      workers: 4,
    }),
    [
      "Listening on https://[::1]:1/ — serving /srv/www",
      "  4 worker threads share the port",
      "  Use --host 0.0.0.0 to expose on the network",
    ],
  );
});

Deno.test("bannerLines(): says h2 when TLS offers HTTP/2", () => {
  const tls = { ...base, secure: true };
  assert.deepEqual(bannerLines({ ...tls, http2: true }), [
    "Listening on https://127.0.0.1:8000/ — serving ./static",
    "  h2 and http/1.1, as each client chooses (ALPN)",
    "  Use --host 0.0.0.0 to expose on the network",
  ]);
  // Not without TLS (h2c is for proxies), nor with --no-http2.
  assert.equal(bannerLines({ ...base, http2: true }).length, 2);
  assert.equal(bannerLines({ ...tls, http2: false }).length, 2);
});

Deno.test("bannerLines(): network URLs when bound to every interface", () => {
  const interfaces = [
    iface("127.0.0.1", "IPv4"),
    iface("192.168.1.5", "IPv4"),
    iface("fe80::1", "IPv6"),
    iface("2001:db8::5", "IPv6"),
  ];
  assert.deepEqual(
    bannerLines({
      ...base,
      addr: { transport: "tcp", hostname: "0.0.0.0", port: 8000 },
      interfaces,
    }),
    [
      "Listening on http://0.0.0.0:8000/ — serving ./static",
      "  Network: http://127.0.0.1:8000/",
      "  Network: http://192.168.1.5:8000/",
    ],
  );
  assert.deepEqual(
    bannerLines({
      ...base,
      addr: { transport: "tcp", hostname: "::", port: 8000 },
      interfaces,
    }).slice(1),
    [
      "  Network: http://127.0.0.1:8000/",
      "  Network: http://192.168.1.5:8000/",
      "  Network: http://[2001:db8::5]:8000/",
    ],
  );
  // Without --allow-sys the interfaces are unknown: say so, quietly.
  assert.deepEqual(
    bannerLines({
      ...base,
      addr: { transport: "tcp", hostname: "0.0.0.0", port: 8000 },
    }).slice(1),
    ["  --host 0.0.0.0 listens on every interface"],
  );
});

Deno.test("bannerLines(): a unix socket, and colors only when asked", () => {
  assert.deepEqual(
    bannerLines({ ...base, addr: { transport: "unix", path: "/tmp/b.sock" } }),
    ["Listening on unix:/tmp/b.sock — serving ./static"],
  );
  const [first] = bannerLines({ ...base, color: true });
  assert.ok(first.includes(`${ESC}[`));
  assert.equal(
    first.replace(new RegExp(`${ESC}\\[\\d+m`, "g"), ""),
    "Listening on http://127.0.0.1:8000/ — serving ./static",
  );
  for (const line of bannerLines(base)) assert.ok(!line.includes(ESC));
});

Deno.test("displayPath() shows relative paths with ./", () => {
  assert.equal(displayPath("static"), "./static");
  assert.equal(displayPath("a/b"), "./a/b");
  assert.equal(displayPath("."), ".");
  assert.equal(displayPath("./x"), "./x");
  assert.equal(displayPath("../x"), "../x");
  assert.equal(displayPath("/abs"), "/abs");
});

Deno.test("bannerLines(): --explain is warned about, as a tool for development", () => {
  assert.deepEqual(bannerLines({ ...base, explain: true }), [
    "Listening on http://127.0.0.1:8000/ — serving ./static",
    `  ${EXPLAIN_WARNING}`,
    "  Use --host 0.0.0.0 to expose on the network",
  ]);
  assert.match(EXPLAIN_WARNING, /how the site is laid out.*development only/);
  assert.equal(
    bannerLines({ ...base, explain: true, color: true })[1],
    `  ${ESC}[33m${EXPLAIN_WARNING}${ESC}[39m`,
  );
  assert.equal(
    bannerLines({ ...base, explain: false }).some((line) =>
      line.includes("--explain")
    ),
    false,
  );
});

Deno.test("bannerLines(): --live-reload is warned about, as a tool for development", () => {
  assert.deepEqual(bannerLines({ ...base, liveReload: true }), [
    "Listening on http://127.0.0.1:8000/ — serving ./static",
    `  ${LIVE_RELOAD_WARNING}`,
    "  Use --host 0.0.0.0 to expose on the network",
  ]);
  assert.match(
    LIVE_RELOAD_WARNING,
    /^Warning: --live-reload .*development only$/,
  );
  assert.equal(
    bannerLines({ ...base, liveReload: true, color: true })[1],
    `  ${ESC}[33m${LIVE_RELOAD_WARNING}${ESC}[39m`,
  );
  assert.equal(
    bannerLines(base).some((line) => line.includes("--live-reload")),
    false,
  );
});
