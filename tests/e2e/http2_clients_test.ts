/**
 * berth's HTTP/2 against real clients from Debian's packages, serving the
 * default site: curl (`--http2` over TLS, `--http2-prior-knowledge` on
 * cleartext) for GET, HEAD, a range, a 304 and gzip, and a body sent
 * after `Expect: 100-continue`; nghttp and h2load
 * (nghttp2-client); headless Chromium over TLS, whose navigation and
 * resource timings must say `h2`. Each client is installed with apt-get
 * when missing (as root); a test is skipped, with a note, only when that
 * cannot be done.
 */
import assert from "node:assert/strict";
import { fileURLToPath as fromFileUrl } from "node:url";
import type { AccessLogEntry } from "../../src/http1/access_log_entry.ts";
import { serve } from "../../src/serve.ts";
import { createStaticHandler } from "../../src/static/static_handler.ts";
import { aptEnsure } from "../../support/host_commands.ts";
import { makeCertificate } from "../_tls.ts";
import { Browser, findChromium } from "./_cdp.ts";

const STATIC = fromFileUrl(new URL("../../static", import.meta.url));
const INDEX = await Deno.readFile(`${STATIC}/index.html`);
const HOST = "127.0.0.1";

const certificate = await makeCertificate();
const haveCurl = await aptEnsure("curl", "curl") && await curlSpeaksHttp2();
const haveNghttp = await aptEnsure("nghttp2-client", "nghttp") &&
  await aptEnsure("nghttp2-client", "h2load");
const haveNode = await aptEnsure("nodejs", "node");
const CHROMIUM = findChromium();

/** Why a group is skipped, printed once; `null` when it runs. */
function skipNote(missing: string | null): boolean {
  if (missing === null) return false;
  // deno-lint-ignore no-console
  console.log(`tests/e2e/http2_clients_test.ts: SKIPPED ${missing}`);
  return true;
}

const noTls = skipNote(
  certificate === null ? "TLS cases: no openssl to make a certificate" : null,
);
const noCurl = skipNote(
  haveCurl ? null : "curl: not installed and apt-get could not install it",
);
const noNghttp = skipNote(
  haveNghttp ? null : "nghttp/h2load: apt-get could not install nghttp2-client",
);
const noNode = skipNote(
  haveNode ? null : "Node: apt-get could not install nodejs",
);
const noChromium = skipNote(
  CHROMIUM === null
    ? "Chromium: none found ($BERTH_CHROMIUM, /usr/bin/chromium, PATH); apt-get install chromium"
    : null,
);

async function curlSpeaksHttp2(): Promise<boolean> {
  const out = await new Deno.Command("curl", { args: ["--version"] }).output();
  return /\bHTTP2\b/.test(new TextDecoder().decode(out.stdout));
}

/** The default site over TLS and on cleartext while `fn` runs. */
async function withSite(
  fn: (bases: { tls: string; clear: string }) => Promise<void>,
): Promise<AccessLogEntry[]> {
  const entries: AccessLogEntry[] = [];
  const handler = createStaticHandler({ root: STATIC });
  const common = {
    hostname: HOST,
    port: 0,
    onListen() {},
    onResponse: (entry: AccessLogEntry) => void entries.push(entry),
  };
  const clear = serve(handler, common);
  const tls = certificate === null
    ? null
    : serve(handler, { ...common, ...certificate });
  try {
    await fn({
      tls: tls === null ? "" : `https://${HOST}:${tls.addr.port}`,
      clear: `http://${HOST}:${clear.addr.port}`,
    });
  } finally {
    await clear.shutdown();
    await tls?.shutdown();
  }
  return entries;
}

/** One curl exchange: HTTP version, status, fields, body bytes. */
interface CurlResult {
  version: string;
  status: number;
  headers: Headers;
  body: Uint8Array;
}

/** Run curl on `url` with `args`; its HTTP version must be 2 to pass. */
async function curl(url: string, args: string[] = []): Promise<CurlResult> {
  const dir = await Deno.makeTempDir({ prefix: "berth-h2-curl-" });
  try {
    const protocol = url.startsWith("https:")
      ? ["--http2", "--insecure"]
      : ["--http2-prior-knowledge"];
    const out = await new Deno.Command("curl", {
      args: [
        "--silent",
        "--show-error",
        "--max-time",
        "20",
        ...protocol,
        "--dump-header",
        `${dir}/head`,
        "--output",
        `${dir}/body`,
        "--write-out",
        "%{http_version} %{http_code}",
        ...args,
        url,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.ok(out.success, `curl ${args.join(" ")} ${url}: ${stderr}`);
    const [version, status] = new TextDecoder().decode(out.stdout).split(" ");
    const headers = new Headers();
    const head = await Deno.readTextFile(`${dir}/head`);
    for (const line of head.split("\r\n").slice(1)) {
      const colon = line.indexOf(":");
      if (colon > 0) {
        headers.append(line.slice(0, colon), line.slice(colon + 1).trim());
      }
    }
    const body = await Deno.readFile(`${dir}/body`).catch(() =>
      new Uint8Array(0)
    );
    return { version, status: Number(status), headers, body };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** GET, HEAD, a range, a 304 and gzip on `base`, all over HTTP/2. */
async function curlCases(base: string): Promise<void> {
  const get = await curl(`${base}/`);
  assert.equal(get.version, "2");
  assert.equal(get.status, 200);
  assert.deepEqual(get.body, INDEX);
  const etag = get.headers.get("etag");
  assert.ok(etag, "an ETag");

  const head = await curl(`${base}/`, ["--head"]);
  assert.equal(head.version, "2");
  assert.equal(head.status, 200);
  assert.equal(head.headers.get("content-length"), String(INDEX.length));
  // --head writes the header section where a body would go, and nothing
  // after it: no DATA came.
  assert.match(
    new TextDecoder().decode(head.body),
    /^HTTP\/2 200 \r\n[^]*\r\n\r\n$/,
  );

  const range = await curl(`${base}/`, ["--range", "0-99"]);
  assert.equal(range.status, 206);
  assert.equal(
    range.headers.get("content-range"),
    `bytes 0-99/${INDEX.length}`,
  );
  assert.deepEqual(range.body, INDEX.subarray(0, 100));

  const notModified = await curl(`${base}/`, [
    "--header",
    `If-None-Match: ${etag}`,
  ]);
  assert.equal(notModified.status, 304);
  assert.equal(notModified.body.length, 0);

  const gzip = await curl(`${base}/`, [
    "--compressed",
    "--header",
    "Accept-Encoding: gzip",
  ]);
  assert.equal(gzip.status, 200);
  assert.equal(gzip.headers.get("content-encoding"), "gzip");
  assert.deepEqual(gzip.body, INDEX, "curl decoded the gzip body");
}

Deno.test({
  name: "curl --http2-prior-knowledge (h2c): GET, HEAD, Range, 304, gzip",
  ignore: noCurl,
  async fn() {
    const entries = await withSite(({ clear }) => curlCases(clear));
    assert.deepEqual(entries.map((e) => e.status), [200, 200, 206, 304, 200]);
  },
});

Deno.test({
  name: "curl --http2 over TLS (ALPN h2): GET, HEAD, Range, 304, gzip",
  ignore: noCurl || noTls,
  async fn() {
    await withSite(({ tls }) => curlCases(tls));
  },
});

/** Run a command to its end; its status and output. */
async function run(
  command: string,
  args: string[],
): Promise<{ success: boolean; output: string }> {
  const out = await new Deno.Command(command, {
    args,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    success: out.success,
    output: decoder.decode(out.stdout) + decoder.decode(out.stderr),
  };
}

Deno.test({
  name:
    "curl --http2-prior-knowledge with Expect: 100-continue gets 100 when the handler reads, then sends its body",
  ignore: noCurl,
  async fn() {
    const server = serve(
      async (request) => new Response(`got ${(await request.text()).length}`),
      { hostname: HOST, port: 0, onListen() {} },
    );
    try {
      const { success, output } = await run("curl", [
        "--silent",
        "--show-error",
        "--max-time",
        "20",
        "--http2-prior-knowledge",
        "--include",
        "--header",
        "Expect: 100-continue",
        "--data-binary",
        "x".repeat(3000),
        `http://${HOST}:${server.addr.port}/`,
      ]);
      assert.ok(success, output);
      // The 100 first (a HEADERS frame of its own), then the final answer
      // to the body curl sent once it saw the 100.
      assert.match(output, /^HTTP\/2 100 \r\n\r\nHTTP\/2 200 \r\n/);
      assert.match(output, /\r\n\r\ngot 3000$/);
    } finally {
      await server.shutdown();
    }
  },
});

Deno.test({
  name: "nghttp -nv GETs the default site over TLS and h2c",
  ignore: noNghttp || noTls,
  async fn() {
    await withSite(async ({ tls, clear }) => {
      for (const url of [`${tls}/`, `${clear}/`]) {
        const { success, output } = await run("nghttp", [
          "-nv",
          "--timeout=20",
          url,
        ]);
        assert.ok(success, output);
        assert.match(output, /recv \(stream_id=\d+\) :status: 200/);
        assert.match(output, /recv DATA frame [^\n]*\n\s*; END_STREAM/);
        // A clean end: the client's own GOAWAY, NO_ERROR.
        assert.match(output, /send GOAWAY frame[^\n]*\n[^\n]*NO_ERROR/);
      }
    });
  },
});

Deno.test({
  name: "h2load: 400 requests over 4 TLS connections, 10 streams each, all 200",
  ignore: noNghttp || noTls,
  async fn() {
    await withSite(async ({ tls }) => {
      const { success, output } = await run("h2load", [
        "-n",
        "400",
        "-c",
        "4",
        "-m",
        "10",
        `${tls}/`,
      ]);
      assert.ok(success, output);
      assert.match(output, /Application protocol: h2/);
      assert.match(
        output,
        /requests: 400 total, 400 started, 400 done, 400 succeeded/,
      );
      assert.match(output, /status codes: 400 2xx/);
    });
  },
});

/** What the Node process prints: ALPN's choice, then one line per GET. */
const NODE_CLIENT = `
const http2 = require("node:http2");
const session = http2.connect(process.argv[1], { rejectUnauthorized: false });
session.on("error", (error) => { console.error(error); process.exit(1); });
session.on("connect", async () => {
  console.log(session.alpnProtocol);
  for (const path of ["/", "/style.css", "/no-such-page"]) {
    await new Promise((resolve, reject) => {
      const stream = session.request({ ":path": path });
      let status = 0;
      let bytes = 0;
      stream.on("response", (headers) => status = headers[":status"]);
      stream.on("data", (chunk) => bytes += chunk.length);
      stream.on("end", () => resolve(console.log(path, status, bytes)));
      stream.on("error", reject);
    });
  }
  session.close();
});
`;

Deno.test({
  name: "Node's node:http2 client GETs over TLS with ALPN h2",
  ignore: noNode || noTls,
  async fn() {
    await withSite(async ({ tls }) => {
      const { success, output } = await run("node", [
        "-e",
        NODE_CLIENT,
        tls,
      ]);
      assert.ok(success, output);
      const css = await Deno.stat(`${STATIC}/style.css`);
      const notFound = await Deno.stat(`${STATIC}/404.html`);
      assert.deepEqual(output.trim().split("\n"), [
        "h2",
        `/ 200 ${INDEX.length}`,
        `/style.css 200 ${css.size}`,
        `/no-such-page 404 ${notFound.size}`,
      ]);
    });
  },
});

Deno.test({
  name: "Chromium loads the default site over TLS with h2: page and resources",
  ignore: noChromium || noTls,
  async fn() {
    await withSite(async ({ tls }) => {
      const browser = await Browser.launch(CHROMIUM!, {
        // The test's certificate is self-signed.
        flags: ["--ignore-certificate-errors"],
      });
      try {
        const page = await browser.newPage();
        const navigation = await page.navigate(`${tls}/`);
        assert.equal(navigation.status, 200);
        const protocols = await page.evaluate<{
          page: string;
          resources: [string, string][];
        }>(`({
          page: performance.getEntriesByType("navigation")[0].nextHopProtocol,
          resources: performance.getEntriesByType("resource")
            .map((r) => [new URL(r.name).pathname, r.nextHopProtocol]),
        })`);
        assert.equal(protocols.page, "h2");
        const paths = protocols.resources.map(([path]) => path);
        assert.ok(paths.includes("/style.css"), paths.join(", "));
        for (const [path, protocol] of protocols.resources) {
          assert.equal(protocol, "h2", path);
        }
      } finally {
        await browser.close();
      }
    });
  },
});
