/**
 * A helper process that holds many connections to one server, controlled
 * over stdin/stdout (one JSON line per event):
 *
 * - `--mode stall`: each connection sends a partial request head (no final
 *   CRLF) and stalls. On a `release` line it sends the rest and reads the
 *   whole response; it reports how many completed with status 200.
 * - `--mode idle`: each connection makes one keep-alive request, reads the
 *   response and then sits idle. On `release` it closes them all.
 *
 *     deno run --allow-net=127.0.0.1 bench/http/conn_holder.ts \
 *       --mode stall --port 18103 --count 1000 --path /index.html
 *
 * @module
 */

// deno-lint-ignore-file no-console

import { parseArgs } from "node:util";
import { responseComplete } from "./http_probe.ts";

const encoder = new TextEncoder();
const BATCH = 250;
const RELEASE_TIMEOUT_MS = 20_000;

interface Held {
  conn: Deno.TcpConn;
  ok: boolean;
}

function emit(event: Record<string, unknown>) {
  console.log(JSON.stringify(event));
}

/** Read one whole response (bounded by 8 MiB and the caller's timer); true if 200. */
async function readResponse(conn: Deno.TcpConn): Promise<boolean> {
  let buf = new Uint8Array(16 * 1024);
  let length = 0;
  // Bounded: the caller closes the connection at its deadline.
  while (length < 8 * 1024 * 1024) {
    if (length === buf.length) {
      const bigger = new Uint8Array(buf.length * 2);
      bigger.set(buf);
      buf = bigger;
    }
    const n = await conn.read(buf.subarray(length));
    if (n === null) break;
    length += n;
    if (responseComplete(buf, length)) break;
  }
  return responseComplete(buf, length) &&
    new TextDecoder().decode(buf.subarray(0, 12)).endsWith(" 200");
}

async function openAll(
  port: number,
  count: number,
  each: (conn: Deno.TcpConn) => Promise<boolean>,
): Promise<Held[]> {
  const held: Held[] = [];
  for (let start = 0; start < count; start += BATCH) {
    const batch = Array.from(
      { length: Math.min(BATCH, count - start) },
      async () => {
        const conn = await Deno.connect({ hostname: "127.0.0.1", port });
        try {
          return { conn, ok: await each(conn) };
        } catch {
          return { conn, ok: false };
        }
      },
    );
    for (const r of await Promise.allSettled(batch)) {
      if (r.status === "fulfilled") held.push(r.value);
    }
  }
  return held;
}

async function readLine(): Promise<string> {
  const reader = Deno.stdin.readable.getReader();
  let text = "";
  try {
    // Bounded by the parent: it writes one line or closes stdin.
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
  } finally {
    reader.releaseLock();
  }
  return text.trim();
}

function closeAll(held: Held[]) {
  for (const h of held) {
    try {
      h.conn.close();
    } catch {
      // already closed
    }
  }
}

async function main() {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      mode: { type: "string" },
      port: { type: "string" },
      count: { type: "string" },
      path: { type: "string", default: "/" },
    },
  });
  const port = Number(values.port);
  const count = Number(values.count);
  const path = values.path;
  const host = `Host: 127.0.0.1:${port}\r\n`;
  const t0 = performance.now();
  if (values.mode === "stall") {
    const partial = encoder.encode(
      `GET ${path} HTTP/1.1\r\n${host}Connection: close\r\n`,
    );
    const held = await openAll(port, count, async (conn) => {
      await conn.write(partial);
      return true;
    });
    emit({
      event: "ready",
      open: held.filter((h) => h.ok).length,
      ms: Math.round(performance.now() - t0),
    });
    await readLine();
    const t1 = performance.now();
    const timer = setTimeout(() => closeAll(held), RELEASE_TIMEOUT_MS);
    const results = await Promise.allSettled(held.map(async (h) => {
      if (!h.ok) return false;
      await h.conn.write(encoder.encode("\r\n"));
      return await readResponse(h.conn);
    }));
    clearTimeout(timer);
    closeAll(held);
    emit({
      event: "done",
      completed: results.filter((r) => r.status === "fulfilled" && r.value)
        .length,
      total: count,
      ms: Math.round(performance.now() - t1),
    });
  } else if (values.mode === "idle") {
    const request = encoder.encode(`GET ${path} HTTP/1.1\r\n${host}\r\n`);
    const held = await openAll(port, count, async (conn) => {
      await conn.write(request);
      return await readResponse(conn);
    });
    emit({
      event: "ready",
      open: held.filter((h) => h.ok).length,
      ms: Math.round(performance.now() - t0),
    });
    await readLine();
    closeAll(held);
    emit({ event: "done", completed: held.length, total: count, ms: 0 });
  } else {
    console.error("usage: --mode stall|idle --port N --count N [--path P]");
    Deno.exit(2);
  }
}

if (import.meta.main) await main();
