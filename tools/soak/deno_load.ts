/**
 * The soak's load when wrk is unavailable: keep-alive GETs on raw sockets.
 *
 * @module
 */

import type { WrkResult } from "../../support/wrk.ts";
import { xorshift } from "../../support/xorshift.ts";

/**
 * Keep-alive GETs of random small files on raw sockets, as wrk would.
 *
 * @param port berth's port on 127.0.0.1.
 * @param paths The URL paths to ask for.
 * @param connections How many connections.
 * @param stop Ends the load.
 * @returns What it counted, in wrk's shape (no latencies).
 */
export async function denoLoad(
  port: number,
  paths: string[],
  connections: number,
  stop: AbortSignal,
): Promise<WrkResult> {
  let requests = 0;
  let non2xx3xx = 0;
  let errors = 0;
  const next = xorshift(0x10ad);
  const one = async () => {
    while (!stop.aborted) {
      let conn: Deno.Conn | undefined;
      try {
        conn = await Deno.connect({ hostname: "127.0.0.1", port });
        const buffer = new Uint8Array(1024 * 1024);
        for (let i = 0; i < 1000 && !stop.aborted; i++) {
          const path = paths[next() % paths.length];
          await conn.write(
            new TextEncoder().encode(
              `GET ${path} HTTP/1.1\r\nHost: soak\r\n\r\n`,
            ),
          );
          let text = "";
          let need = -1;
          while (need < 0 || text.length < need) {
            const n = await conn.read(buffer);
            if (n === null) throw new Error("closed");
            text += new TextDecoder("latin1").decode(buffer.subarray(0, n));
            const end = text.indexOf("\r\n\r\n");
            if (need < 0 && end >= 0) {
              const length = /content-length: (\d+)/i.exec(text.slice(0, end));
              need = end + 4 + Number(length?.[1] ?? 0);
              const status = Number(text.slice(9, 12));
              if (status < 200 || status >= 400) non2xx3xx++;
            }
          }
          requests++;
        }
      } catch {
        if (!stop.aborted) errors++;
      } finally {
        conn?.close();
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, one));
  return {
    rps: NaN,
    requests,
    p50Ms: NaN,
    p90Ms: NaN,
    p99Ms: NaN,
    errors: { connect: 0, read: errors, write: 0, timeout: 0 },
    non2xx3xx,
  };
}
