// deno-lint-ignore-file no-console
/**
 * HTTP/2 under load over TLS: h2load (nghttp2-client) against berth's CLI,
 * nginx (1 worker, `open_file_cache`, HTTP/2 on its TLS listener) and
 * `Deno.serve` with berth's file handler (`bench/servers/static.ts`, TLS),
 * on the harness fixtures: the 1 KiB file and 1,000 random small files.
 * Repetitions interleaved; prints medians and berth's ratios, for issue #16
 * (targets: ≥ 1.0× `Deno.serve`, ≥ 0.8× nginx). With `--base DIR` (another
 * checkout, e.g. a `git worktree` of the commit before a change), that
 * checkout's CLI is measured too, interleaved, as "before". Writes nothing
 * to bench/RESULTS.md.
 *
 *   deno run -A bench/h2load.ts [--reps 3] [--duration 5] [--clients 50] [--streams 10] [--base DIR]
 *
 * Installs h2load and nginx with apt-get when missing. Loopback only;
 * every run is bounded by h2load's duration.
 *
 * @module
 */

import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { aptEnsure, versionOf } from "../support/host_commands.ts";
import { freePort, sleep } from "../support/net.ts";
import { makeCertificate } from "../support/tls_certificate.ts";
import { xorshift } from "../support/xorshift.ts";
import { median } from "./http/cases.ts";
import { ensureFixtures } from "./http/fixtures.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    reps: { type: "string", default: "3" },
    duration: { type: "string", default: "5" },
    clients: { type: "string", default: "50" },
    streams: { type: "string", default: "10" },
    base: { type: "string" },
  },
});
const REPS = Number(values.reps);
const DURATION_S = Number(values.duration);
const CLIENTS = Number(values.clients);
const STREAMS = Number(values.streams);
const REPO = resolve(new URL("..", import.meta.url).pathname);
const OUT = join(REPO, "bench/out/h2load");
const SITE = join(REPO, "bench/fixtures/site");
const SMALL_FILES = 1000;

/** One server under test: how to start it, and on which port. */
interface H2Server {
  name: string;
  label: string;
  port: number;
  command: string[];
  prepare?: () => Promise<void>;
}

/** A running server. */
interface Running {
  server: H2Server;
  child: Deno.ChildProcess;
}

await Deno.mkdir(OUT, { recursive: true });
await ensureFixtures(SITE);
if (!await aptEnsure("nghttp2-client", "h2load")) {
  console.error("h2load is missing and apt-get could not install it");
  Deno.exit(1);
}
const haveNginx = await aptEnsure("nginx", "nginx");
const certificate = await makeCertificate();
if (certificate === null) {
  console.error("openssl is needed to make the certificate");
  Deno.exit(1);
}
const certPath = join(OUT, "cert.pem");
const keyPath = join(OUT, "key.pem");
await Deno.writeTextFile(certPath, certificate.cert);
await Deno.writeTextFile(keyPath, certificate.key);

const servers: H2Server[] = [
  {
    name: "berth",
    label: "berth CLI (main.ts), --cert/--key, -q",
    port: freePort(),
    command: [],
  },
  {
    name: "deno",
    label: "Deno.serve over TLS + berth's createStaticHandler",
    port: freePort(),
    command: [],
  },
];
/** berth's CLI from the checkout at `repo`, on `port`. */
function berthCommand(repo: string, port: number): string[] {
  return [
    Deno.execPath(),
    "run",
    "--allow-net",
    "--allow-read",
    join(repo, "main.ts"),
    SITE,
    "--host",
    "127.0.0.1",
    "--port",
    String(port),
    "--cert",
    certPath,
    "--key",
    keyPath,
    "--quiet",
  ];
}
servers[0].command = berthCommand(REPO, servers[0].port);
servers[1].command = [
  Deno.execPath(),
  "run",
  "--allow-net=127.0.0.1",
  `--allow-read=${REPO}`,
  join(REPO, "bench/servers/static.ts"),
  "--engine",
  "deno",
  "--root",
  SITE,
  "--port",
  String(servers[1].port),
  "--cert",
  certPath,
  "--key",
  keyPath,
];
if (haveNginx) servers.push(nginxServer(freePort()));
if (values.base !== undefined) {
  const port = freePort();
  servers.push({
    name: "before",
    label: `berth CLI from ${values.base}`,
    port,
    command: berthCommand(resolve(values.base), port),
  });
}

/** nginx with one worker, HTTP/2 on its TLS listener, files cached open. */
function nginxServer(port: number): H2Server {
  const dir = join(OUT, "nginx");
  const conf = join(dir, "nginx.conf");
  return {
    name: "nginx",
    label: "nginx, 1 worker, open_file_cache, listen … ssl http2",
    port,
    command: ["nginx", "-p", `${dir}/`, "-c", conf, "-e", `${dir}/error.log`],
    async prepare() {
      await Deno.mkdir(dir, { recursive: true });
      // `listen … http2` rather than `http2 on;`, which needs nginx 1.25.1.
      await Deno.writeTextFile(
        conf,
        `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 16384; use epoll; }
http {
  types { text/html html; text/plain txt; text/javascript js; }
  default_type application/octet-stream;
  access_log off;
  server_tokens off;
  sendfile on;
  tcp_nopush on;
  keepalive_timeout 65s;
  keepalive_requests 1000000;
  http2_max_requests 1000000;
  open_file_cache max=10000 inactive=60s;
  open_file_cache_valid 60s;
  client_body_temp_path ${dir}/client_body;
  server {
    listen 127.0.0.1:${port} ssl http2 backlog=4096;
    ssl_certificate ${certPath};
    ssl_certificate_key ${keyPath};
    root ${SITE};
    index index.html;
    location / { }
  }
}
`,
      );
    },
  };
}

/** Start a server; resolves once a TLS client negotiates h2 with it. */
async function start(server: H2Server): Promise<Running> {
  await server.prepare?.();
  const [program, ...args] = server.command;
  const child = new Deno.Command(program, {
    args,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  for (let attempt = 0; attempt < 150; attempt++) {
    try {
      const conn = await Deno.connectTls({
        hostname: "127.0.0.1",
        port: server.port,
        caCerts: [certificate!.cert],
        alpnProtocols: ["h2"],
      });
      try {
        const { alpnProtocol } = await conn.handshake();
        if (alpnProtocol !== "h2") {
          throw new Error(`${server.name} chose ${alpnProtocol}, not h2`);
        }
      } finally {
        conn.close();
      }
      return { server, child };
    } catch (error) {
      if (error instanceof Error && error.message.includes("not h2")) {
        child.kill("SIGKILL");
        throw error;
      }
      await sleep(100);
    }
  }
  child.kill("SIGKILL");
  throw new Error(`${server.name} did not answer TLS within 15 s`);
}

async function stop(running: Running): Promise<void> {
  try {
    running.child.kill("SIGTERM");
  } catch {
    // Gone already.
  }
  await running.child.status;
}

/** The random-files case's URIs, the same seeded order for every server. */
async function uriFile(server: H2Server): Promise<string> {
  const random = xorshift(20240611);
  const lines: string[] = [];
  for (let i = 0; i < SMALL_FILES; i++) {
    const n = random() % SMALL_FILES;
    lines.push(
      `https://127.0.0.1:${server.port}/small/f${
        String(n).padStart(4, "0")
      }.txt`,
    );
  }
  const path = join(OUT, `uris-${server.name}.txt`);
  await Deno.writeTextFile(path, lines.join("\n") + "\n");
  return path;
}

/** One h2load run: requests/s, failing the bench when any request failed. */
async function h2load(args: string[]): Promise<number> {
  const out = await new Deno.Command("h2load", {
    args: [
      "-t",
      "1",
      "-c",
      String(CLIENTS),
      "-m",
      String(STREAMS),
      "-D",
      String(DURATION_S),
      "--warm-up-time",
      "1",
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  const rps = text.match(/finished in [\d.]+s, ([\d.]+) req\/s/);
  const counts = text.match(/requests: (\d+) total.*?(\d+) succeeded/);
  if (!out.success || rps === null || counts === null) {
    throw new Error(`h2load ${args.join(" ")}: ${text}`);
  }
  if (!/status codes: \d+ 2xx, 0 3xx, 0 4xx, 0 5xx/.test(text)) {
    throw new Error(`h2load ${args.join(" ")}: not all 2xx: ${text}`);
  }
  return Number(rps[1]);
}

const CASES: { name: string; args: (server: H2Server) => Promise<string[]> }[] =
  [
    {
      name: "1 KiB file",
      args: (server) =>
        Promise.resolve([`https://127.0.0.1:${server.port}/index.html`]),
    },
    {
      name: "1,000 random small files",
      args: async (server) => ["-i", await uriFile(server)],
    },
  ];

const running: Running[] = [];
try {
  for (const server of servers) running.push(await start(server));
  const rps = new Map<string, number[]>();
  for (let rep = 0; rep < REPS; rep++) {
    for (const c of CASES) {
      for (const { server } of running) {
        const result = await h2load(await c.args(server));
        const key = `${c.name}|${server.name}`;
        rps.set(key, [...(rps.get(key) ?? []), result]);
        console.error(`${key}: ${Math.round(result)} req/s`);
      }
    }
  }
  const m = (c: string, s: string) => median(rps.get(`${c}|${s}`) ?? [NaN]);
  const k = (n: number) => Number.isNaN(n) ? "—" : (n / 1000).toFixed(1) + "k";
  const ratio = (a: number, b: number) =>
    Number.isNaN(a / b) ? "—" : (a / b).toFixed(2) + "×";
  console.log(
    `\nh2load -t1 -c${CLIENTS} -m${STREAMS}, TLS (h2), ${REPS} × ${DURATION_S} s interleaved, medians (req/s)`,
  );
  console.log(
    `${await versionOf("h2load", ["--version"])}; ${await versionOf("nginx", [
      "-v",
    ])}; Deno ${Deno.version.deno}\n`,
  );
  const withBase = values.base !== undefined;
  console.log(
    "| case | berth | Deno.serve | nginx 1w | berth : Deno.serve | berth : nginx |" +
      (withBase ? " before | before : nginx | berth : before |" : ""),
  );
  console.log(
    "|---|---:|---:|---:|---:|---:|" + (withBase ? "---:|---:|---:|" : ""),
  );
  for (const c of CASES) {
    const b = m(c.name, "berth");
    const d = m(c.name, "deno");
    const n = m(c.name, "nginx");
    const o = m(c.name, "before");
    console.log(
      `| ${c.name} | ${k(b)} | ${k(d)} | ${k(n)} | ${ratio(b, d)} | ${
        ratio(b, n)
      } |` +
        (withBase ? ` ${k(o)} | ${ratio(o, n)} | ${ratio(b, o)} |` : ""),
    );
  }
} finally {
  for (const r of running) await stop(r);
}
