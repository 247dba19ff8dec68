// The test task runs with --allow-net=127.0.0.1,localhost --allow-read
// --allow-write: what it lacks is what these hints must name.
import assert from "node:assert/strict";
import { missingPermission, netFlagHost } from "../../src/cli/permissions.ts";

const here = { transport: "tcp", hostname: "127.0.0.1", port: 0 } as const;

Deno.test("netFlagHost() spells --allow-net values", () => {
  assert.equal(netFlagHost("127.0.0.1", 8000), "127.0.0.1:8000");
  assert.equal(netFlagHost("0.0.0.0", 0), "0.0.0.0");
  assert.equal(netFlagHost("::", 80), "[::]:80");
});

Deno.test("missingPermission() is null when everything is granted", async () => {
  assert.equal(
    await missingPermission({ root: "static", listen: here, tlsFiles: [] }),
    null,
  );
});

Deno.test("missingPermission() names the exact --allow-net to add", async () => {
  assert.equal(
    await missingPermission({
      root: "static",
      listen: { transport: "tcp", hostname: "0.0.0.0", port: 8000 },
      tlsFiles: [],
    }),
    "no permission to listen on 0.0.0.0:8000; add --allow-net=0.0.0.0:8000",
  );
  assert.equal(
    await missingPermission({
      root: "static",
      listen: { transport: "tcp", hostname: "::1", port: 0 },
      tlsFiles: [],
    }),
    "no permission to listen on [::1]:0; add --allow-net=[::1]",
  );
});

Deno.test("missingPermission() names what a unix socket lacks", async () => {
  assert.equal(
    await missingPermission({
      root: "static",
      listen: { transport: "unix", path: "/tmp/berth-test.sock" },
      tlsFiles: [],
    }),
    "no permission to listen on the unix socket /tmp/berth-test.sock; add --allow-net=unix:/tmp/berth-test.sock",
  );
});
