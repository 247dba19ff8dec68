/**
 * The floor of any JavaScript server on Deno: a bare `Deno.listen` loop with
 * no HTTP semantics. It finds each request head's end and path, and writes
 * a pre-built response (status line, `content-type`, `content-length`,
 * body) for that path in one `write`: no parsing, no validation, no `Date`,
 * no limits, no timeouts. Not a server anyone should run; it shows what
 * the runtime's read and write ops alone cost, so berth's figures can be
 * read against it.
 *
 *     deno run --allow-net=127.0.0.1 --allow-read bench/servers/floor.ts \
 *       --port 18012 --root bench/fixtures/site [--fair]
 *
 * With `--fair`, connections take turns as berth's do (its `TurnGate`, 2
 * requests a turn, above 128 open connections; see
 * src/http1/turn_gate.ts): what fairness alone costs the runtime, apart
 * from berth's own work.
 *
 * @module
 */

import { announce, serverArgs } from "./args.ts";
import { preload } from "./constant.ts";
import { contentTypeOf } from "./naive.ts";
import { TurnGate, type TurnState } from "../../src/http1/turn_gate.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const CLOSE = /\r\nconnection:[ \t]*close/i;
const NOT_FOUND = encoder.encode(
  "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n",
);
/** berth's settings (connection_tracker.ts, http1_connection.ts). */
const FAIR_TURN_REQUESTS = 2;
const FAIR_MIN_CONNECTIONS = 128;

/** With `--fair`: the shared turns, and how many connections are open. */
interface Fairness {
  gate: TurnGate;
  open: number;
}

/**
 * Pre-built responses, keyed by URL path; with `keepAlive`, each also says
 * `connection: keep-alive`, which an HTTP/1.0 client (`ab -k`) needs to
 * keep the connection.
 */
function responses(
  root: string,
  keepAlive: boolean,
): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const extra = keepAlive ? "connection: keep-alive\r\n" : "";
  for (const [path, body] of preload(root)) {
    const head = encoder.encode(
      `HTTP/1.1 200 OK\r\ncontent-type: ${contentTypeOf(path)}\r\n` +
        `content-length: ${body.length}\r\n${extra}\r\n`,
    );
    const bytes = new Uint8Array(head.length + body.length);
    bytes.set(head);
    bytes.set(body, head.length);
    out.set(path, bytes);
  }
  return out;
}

/** The index of `\r\n\r\n` in `buf[from, to)`, or -1. */
function headEnd(buf: Uint8Array, from: number, to: number): number {
  for (let i = from; i + 3 < to; i++) {
    if (
      buf[i] === 13 && buf[i + 1] === 10 && buf[i + 2] === 13 &&
      buf[i + 3] === 10
    ) return i;
  }
  return -1;
}

async function serveRaw(
  conn: Deno.Conn,
  files: Map<string, Uint8Array>,
  http10Files: Map<string, Uint8Array>,
  fairness: Fairness | null,
): Promise<void> {
  const buf = new Uint8Array(16 * 1024);
  let start = 0;
  let end = 0;
  const turn: TurnState = { turn: -1, served: 0 };
  if (fairness !== null) fairness.open++;
  try {
    while (true) {
      const n = await conn.read(buf.subarray(end));
      if (n === null) return;
      end += n;
      let at: number;
      // Every complete head in the buffer (pipelining), in order.
      while ((at = headEnd(buf, start, end)) !== -1) {
        const head = decoder.decode(buf.subarray(start, at));
        const line = head.slice(0, head.indexOf("\r\n"));
        const path = line.split(" ", 2)[1];
        const table = line.endsWith("1.0") ? http10Files : files;
        const bytes = table.get(path ?? "/") ?? NOT_FOUND;
        let written = 0;
        while (written < bytes.length) {
          written += await conn.write(bytes.subarray(written));
        }
        // The harness's probe asks for a close; wrk never does.
        if (CLOSE.test(head)) return;
        start = at + 4;
        // As berth does after each keep-alive answer (no pipelining here).
        if (fairness !== null && fairness.open > FAIR_MIN_CONNECTIONS) {
          const wait = fairness.gate.served(turn);
          if (wait !== null) await wait;
        }
      }
      if (start === end) start = end = 0;
      else if (end === buf.length) return; // a head too large: give up
    }
  } catch {
    // Reset by the client: nothing to do.
  } finally {
    if (fairness !== null) fairness.open--;
    conn.close();
  }
}

if (import.meta.main) {
  const fair = Deno.args.includes("--fair");
  const args = serverArgs(Deno.args.filter((arg) => arg !== "--fair"));
  const fairness = fair
    ? { gate: new TurnGate(FAIR_TURN_REQUESTS), open: 0 }
    : null;
  const files = responses(args.root, false);
  const http10Files = responses(args.root, true);
  for (const table of [files, http10Files]) {
    const index = table.get("/index.html");
    if (index) table.set("/", index);
  }
  const listener = Deno.listen({ hostname: "127.0.0.1", port: args.port });
  announce(`bare Deno.listen loop (floor${fair ? ", fair" : ""})`)(
    listener.addr as Deno.NetAddr,
  );
  for await (const conn of listener) {
    serveRaw(conn, files, http10Files, fairness);
  }
}
