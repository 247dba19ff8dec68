// deno-lint-ignore-file no-console
/**
 * How late berth closes an idle keep-alive connection after
 * `keepAliveTimeoutMs`: `serve()` on 127.0.0.1, N connections at once, each
 * sending a request, pausing a random 100–1100 ms (so the close cannot line
 * up with any periodic timer started with the connection), sending a second,
 * then waiting for the server's close. Lateness is from the second
 * response's arrival to the end of stream.
 *
 *     deno run -A bench/idle_close.ts [--timeout-ms MS] [--connections N]
 *
 * Defaults: the default 5000 ms timeout, 8 connections. Prints each
 * connection's lateness in ms and the maximum. Every read carries a
 * deadline (the timeout plus 10 s), and the server is shut down at the end.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { serve } from "../mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    "timeout-ms": { type: "string", default: "5000" },
    connections: { type: "string", default: "8" },
  },
});
const timeoutMs = Number(values["timeout-ms"]);
const connections = Number(values.connections);
if (!(timeoutMs > 0) || !Number.isInteger(connections) || connections < 1) {
  console.error("idle_close: --timeout-ms > 0 and --connections ≥ 1");
  Deno.exit(2);
}

const REQUEST = new TextEncoder().encode(
  "GET / HTTP/1.1\r\nHost: bench\r\n\r\n",
);

/** One connection's lateness past the timeout, in ms. */
async function lateness(port: number): Promise<number> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const deadline = setTimeout(() => conn.close(), timeoutMs + 12_000);
  try {
    const buffer = new Uint8Array(4096);
    for (const pauseMs of [0, 100 + Math.random() * 1000]) {
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      await conn.write(REQUEST);
      if (await conn.read(buffer) === null) throw new Error("closed early");
    }
    const answeredAt = performance.now();
    while (await conn.read(buffer) !== null);
    return performance.now() - answeredAt - timeoutMs;
  } finally {
    clearTimeout(deadline);
    try {
      conn.close();
    } catch {
      // Closed by the deadline.
    }
  }
}

const server = serve(() => new Response("idle soon"), {
  hostname: "127.0.0.1",
  port: 0,
  keepAliveTimeoutMs: timeoutMs,
  onListen() {},
});
try {
  const late = await Promise.all(
    Array.from({ length: connections }, () => lateness(server.addr.port)),
  );
  const shown = late.map((ms) => ms.toFixed(1)).join(", ");
  console.log(
    `keepAliveTimeoutMs ${timeoutMs}: closed late by ${shown} ms; ` +
      `max ${Math.max(...late).toFixed(1)} ms`,
  );
} finally {
  await server.shutdown();
}
