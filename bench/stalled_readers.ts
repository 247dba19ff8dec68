// deno-lint-ignore-file no-console
/**
 * Memory held per stalled reader: N clients each ask for a large file and
 * never read a byte of the answer. Once the server's writes are all blocked
 * (its written-bytes counter stops moving), its RSS growth divided by N is
 * what one such client costs (the whole process tree: nginx's workers too). Run against berth's CLI and, when installed,
 * nginx (1 worker, sendfile) on the same file.
 *
 *   deno run -A bench/stalled_readers.ts [--clients 300] [--mib 50] [--servers berth,nginx-1w]
 *
 * Loopback only; every loop is bounded in count and time.
 *
 * @module
 */

import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { aptEnsure } from "../support/host_commands.ts";
import { sleep } from "../support/net.ts";
import { ioChars } from "../support/procfs.ts";
import { sampleTree } from "../support/process_tree.ts";
import {
  PidFile,
  type ServerHandle,
  serverRegistry,
  startServer,
  stopServer,
} from "./http/servers.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    clients: { type: "string", default: "300" },
    mib: { type: "string", default: "50" },
    servers: { type: "string", default: "berth,nginx-1w" },
  },
});
const CLIENTS = Number(values.clients);
const FILE_MIB = Number(values.mib);
const REPO = resolve(new URL("..", import.meta.url).pathname);
const MiB = 1024 * 1024;

/** Bytes the process tree has written (`wchar` of /proc/PID/io). */
async function writtenBytes(pid: number): Promise<number> {
  let total = 0;
  for (const p of sampleTree(pid).pids) {
    try {
      total += (await ioChars(p)).wchar;
    } catch {
      // Gone.
    }
  }
  return total;
}

/** Wait (at most 30 s) until `wchar` has not moved for 1 s. */
async function waitUntilBlocked(pid: number): Promise<void> {
  let last = await writtenBytes(pid);
  let stillFor = 0;
  for (let waited = 0; waited < 30_000 && stillFor < 1000; waited += 100) {
    await sleep(100);
    const now = await writtenBytes(pid);
    stillFor = now === last ? stillFor + 100 : 0;
    last = now;
  }
}

interface Measured {
  server: string;
  baselineMiB: number;
  stalledMiB: number;
  perReaderKiB: number;
}

async function measure(handle: ServerHandle): Promise<Measured> {
  const pid = handle.pid!;
  const port = handle.spec.port;
  // Warm up: the file opened and sent once, whole.
  const warm = await fetch(`http://127.0.0.1:${port}/big.bin`);
  await warm.body?.cancel();
  await sleep(500);
  const baseline = sampleTree(pid).rssBytes;
  const conns: Deno.TcpConn[] = [];
  try {
    for (let i = 0; i < CLIENTS; i++) {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      // A small receive buffer, as a slow client's would be; never read.
      await conn.write(
        new TextEncoder().encode(
          `GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
        ),
      );
      conns.push(conn);
    }
    await waitUntilBlocked(pid);
    const stalled = sampleTree(pid).rssBytes;
    return {
      server: handle.spec.name,
      baselineMiB: baseline / MiB,
      stalledMiB: stalled / MiB,
      perReaderKiB: (stalled - baseline) / CLIENTS / 1024,
    };
  } finally {
    for (const conn of conns) conn.close();
  }
}

const out = join(REPO, "bench/out/stalled");
const site = join(out, "site");
await Deno.mkdir(site, { recursive: true });
const big = join(site, "big.bin");
const wanted = FILE_MIB * MiB;
if ((await Deno.stat(big).catch(() => null))?.size !== wanted) {
  const file = await Deno.open(big, {
    write: true,
    create: true,
    truncate: true,
  });
  const chunk = new Uint8Array(MiB).map((_, i) => (i * 31) & 0xff);
  for (let i = 0; i < FILE_MIB; i++) await file.write(chunk);
  file.close();
}
await Deno.writeTextFile(join(site, "index.html"), "<!doctype html>ok\n");

const names = values.servers.split(",");
if (names.some((n) => n.startsWith("nginx"))) await aptEnsure("nginx", "nginx");
const registry = serverRegistry({ repo: REPO, site, out });
const pidFile = new PidFile(join(out, "pids"));
const results: Measured[] = [];
for (const name of names) {
  const spec = registry.find((s) => s.name === name);
  if (spec === undefined) throw new TypeError(`No server "${name}"`);
  const handle = await startServer(spec, out, pidFile);
  if (handle.state !== "ok") {
    console.log(`${name}: n/a (${handle.reason})`);
    continue;
  }
  try {
    results.push(await measure(handle));
  } finally {
    await stopServer(handle, pidFile);
  }
}
console.log(
  `\n${CLIENTS} clients, each asking for a ${FILE_MIB} MiB file and reading nothing`,
);
console.log("| server | RSS before | RSS stalled | per stalled reader |");
console.log("|---|---:|---:|---:|");
for (const r of results) {
  console.log(
    `| ${r.server} | ${r.baselineMiB.toFixed(1)} MiB | ${
      r.stalledMiB.toFixed(1)
    } MiB | ${r.perReaderKiB.toFixed(0)} KiB |`,
  );
}
