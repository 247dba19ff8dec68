import assert from "node:assert/strict";
import { describeListenError } from "../../src/cli/listen_error.ts";

const tcp = { hostname: "127.0.0.1", port: 8000 };
const tls = { ...tcp, tls: { certPath: "c.pem", keyPath: "k.pem" } };

Deno.test("describeListenError() says what to do, in one line", () => {
  const table: [unknown, Parameters<typeof describeListenError>[1], RegExp][] =
    [
      [
        new Deno.errors.AddrInUse("x"),
        tcp,
        /^Port 8000 is already in use; choose another with --port$/,
      ],
      [
        new Deno.errors.AddrInUse("x"),
        { ...tcp, path: "/tmp/s" },
        /^The socket \/tmp\/s is already in use \(if no server runs there, remove it\)$/,
      ],
      [
        new Deno.errors.AddrNotAvailable("x"),
        { hostname: "10.9.9.9", port: 80 },
        /^Cannot listen on 10\.9\.9\.9:80: .*check --host$/,
      ],
      [
        new Deno.errors.PermissionDenied("x"),
        { hostname: "0.0.0.0", port: 80 },
        /^Port 80 needs privileges; choose one above 1023 with --port$/,
      ],
      [
        new Deno.errors.NotCapable("nope"),
        tcp,
        /^No permission to listen on 127\.0\.0\.1:8000/,
      ],
      [
        new Deno.errors.InvalidData(
          "No certificates found in certificate data",
        ),
        tls,
        /^Invalid TLS certificate in c\.pem: No certificates found/,
      ],
      [
        new Deno.errors.InvalidData("No keys found in key data"),
        tls,
        /^Invalid TLS key in k\.pem: No keys found/,
      ],
      [
        new Error("keys may not be consistent: KeyMismatch"),
        tls,
        /^Invalid TLS certificate or key \(c\.pem, k\.pem\): keys may not/,
      ],
      [new Error("boom"), tcp, /^Cannot listen on 127\.0\.0\.1:8000: boom$/],
    ];
  for (const [error, target, want] of table) {
    const message = describeListenError(error, target);
    assert.match(message, want);
    assert.ok(!message.includes("\n"));
  }
});
