/**
 * The supported Deno range: the version comparison, the runtime behaviour
 * that sets the minimum, and that the README and CI name the same versions
 * as the code.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  MINIMUM_DENO_VERSION,
  PINNED_DENO_VERSION,
  unsupportedDeno,
} from "../../src/http/deno_version.ts";

const README = new URL("../../README.md", import.meta.url);
const CI = new URL("../../.ci/run", import.meta.url);

Deno.test("unsupportedDeno() refuses versions before the minimum, and only those", () => {
  const table: { version: string; refused: boolean }[] = [
    { version: "1.46.3", refused: true },
    { version: "2.0.0", refused: true },
    { version: "2.8.3", refused: true },
    { version: "2.9.4", refused: true },
    { version: "2.9.5", refused: false },
    { version: "2.9.6", refused: false },
    { version: "2.10.0", refused: false },
    { version: "2.10.0-rc.1", refused: false },
    { version: "2.9.5+1a2b3c4", refused: false },
    { version: "3.0.0", refused: false },
    { version: "10.0.0", refused: false },
    { version: "2.9.10", refused: false },
    { version: "not a version", refused: false },
  ];
  for (const { version, refused } of table) {
    assert.equal(unsupportedDeno(version) !== null, refused, version);
  }
});

Deno.test("unsupportedDeno() says in one line what is missing and which version to install", () => {
  const line = unsupportedDeno("2.8.3");
  assert.ok(line !== null);
  assert.ok(!line.includes("\n"));
  assert.match(line, /^Deno 2\.8\.3 is older than 2\.9\.5, /);
  assert.match(line, /send timeout/);
  assert.match(
    line,
    new RegExp(`install Deno ${PINNED_DENO_VERSION.replaceAll(".", "\\.")}`),
  );
  assert.match(line, /npm install -g deno@/);
});

Deno.test("unsupportedDeno() accepts the Deno running this test", () => {
  assert.equal(unsupportedDeno(Deno.version.deno), null);
});

// What sets the minimum: before Deno 2.9.5 a write waiting on a client that
// stopped reading kept the socket (and the write) alive past close(), so no
// send timeout could drop the client. A guard turns a hang into a failure.
Deno.test("Deno: Conn.close() ends a write that waits on a client that stopped reading", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const client = await Deno.connect({
    hostname: "127.0.0.1",
    port: listener.addr.port,
  });
  const server = await listener.accept();
  const chunk = new Uint8Array(1 << 20);
  const full = Promise.withResolvers<void>();
  // Writes until an error: only close() can end it, since nothing is read.
  const writing = (async () => {
    while (true) {
      const n = await server.write(chunk);
      if (n < chunk.length) full.resolve();
    }
  })();
  let guard: ReturnType<typeof setTimeout> | undefined;
  try {
    await full.promise;
    server.close();
    const ended = await Promise.race([
      writing.then(() => "resolved", () => "rejected"),
      new Promise<string>((resolve) => {
        guard = setTimeout(() => resolve("still waiting"), 5000);
      }),
    ]);
    assert.equal(ended, "rejected");
  } finally {
    clearTimeout(guard);
    // On an older Deno this is what ends the write: the client goes away.
    client.close();
    await writing.catch(() => {});
    try {
      server.close();
    } catch {
      // Closed above.
    }
  }
});

Deno.test("importing mod.ts on an older Deno checks nothing: no output, no error", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--preload",
      fileURLToPath(new URL("../_older_deno_preload.ts", import.meta.url)),
      fileURLToPath(new URL("../../mod.ts", import.meta.url)),
    ],
    stdin: "null",
    env: { NO_COLOR: "1" },
  }).output();
  const decoder = new TextDecoder();
  assert.equal(decoder.decode(output.stderr), "");
  assert.equal(decoder.decode(output.stdout), "");
  assert.equal(output.code, 0);
});

Deno.test("README and .ci/run name the versions the code checks", async () => {
  const readme = await Deno.readTextFile(README);
  assert.ok(
    readme.includes(`Deno ${MINIMUM_DENO_VERSION} or later`),
    `README says "Deno ${MINIMUM_DENO_VERSION} or later"`,
  );
  assert.ok(readme.includes(`npm install -g deno@${PINNED_DENO_VERSION}`));
  const ci = await Deno.readTextFile(CI);
  assert.match(ci, new RegExp(`^PINNED=${PINNED_DENO_VERSION}$`, "m"));
  assert.match(ci, new RegExp(`^OLDEST=${MINIMUM_DENO_VERSION}$`, "m"));
});
