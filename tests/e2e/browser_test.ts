/**
 * berth as a browser sees it: headless Chromium, driven over the DevTools
 * protocol (./_cdp.ts), loads the default site and a real site with CSS, a
 * JS module, a PNG and a WAV that it seeks in. Skipped when there is no
 * Chromium.
 */
import assert from "node:assert/strict";
import { fileURLToPath as fromFileUrl } from "node:url";
import type { AccessLogEntry } from "../../src/http1/access_log_entry.ts";
import { serve } from "../../src/serve.ts";
import { createStaticHandler } from "../../src/static/static_handler.ts";
import { Browser, findChromium, type Page } from "./_cdp.ts";
import { spawnUntil } from "./_process.ts";

const REPO = fromFileUrl(new URL("../../", import.meta.url));
const STATIC = `${REPO}static`;
const MAIN = `${REPO}main.ts`;

const CHROMIUM = findChromium();
if (CHROMIUM === null) {
  // deno-lint-ignore no-console
  console.log(
    "tests/e2e/browser_test.ts: SKIPPED, no Chromium ($BERTH_CHROMIUM, else /usr/bin/chromium, else chromium on PATH); apt-get install chromium",
  );
}
const ignore = CHROMIUM === null;

/**
 * Serve `root` with berth's `serve()` on 127.0.0.1 while `fn` runs, then
 * shut down. Returns the `onResponse` entries: complete, since shutdown
 * waits for every connection (the browser is closed by then).
 */
async function serveWhile(
  root: string,
  fn: (base: string) => Promise<void>,
): Promise<AccessLogEntry[]> {
  const entries: AccessLogEntry[] = [];
  const server = serve(createStaticHandler({ root }), {
    hostname: "127.0.0.1",
    port: 0,
    onListen() {},
    onResponse: (entry) => void entries.push(entry),
  });
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`);
  } finally {
    await server.shutdown();
  }
  return entries;
}

/** The entries for a request target, oldest first. */
function entriesFor(
  entries: AccessLogEntry[],
  target: string,
): AccessLogEntry[] {
  return entries.filter((entry) => entry.target === target);
}

/** Launch Chromium, open one page, and close everything afterwards. */
async function withPage(fn: (page: Page) => Promise<void>): Promise<void> {
  const browser = await Browser.launch(CHROMIUM!);
  try {
    const page = await browser.newPage();
    // The default site has a dark palette; pin the light one.
    await page.send("Emulation.setEmulatedMedia", {
      features: [{ name: "prefers-color-scheme", value: "light" }],
    });
    await fn(page);
  } finally {
    await browser.close();
  }
}

/** A response as CDP's Network domain describes it. */
interface NetworkResponse {
  url: string;
  status: number;
  mimeType: string;
  headers: Record<string, string>;
}

/**
 * The first response Chromium received for `url`, waited for: network
 * events may trail what the page itself reports.
 */
async function responseFor(page: Page, url: string): Promise<NetworkResponse> {
  const { response } = await page.waitForEvent("Network.responseReceived", {
    since: 0,
    predicate: (e) => e.response.url === url,
  });
  return response;
}

/** A header from a CDP headers object, whatever its case. */
function header(headers: Record<string, string>, name: string): string {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return value;
  }
  return "";
}

/** `#rrggbb` → `rgb(r, g, b)`, as `getComputedStyle` writes it. */
function hexToRgb(hex: string): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgb(${n >> 16}, ${(n >> 8) & 255}, ${n & 255})`;
}

/** What the default site's files say the browser should show. */
async function defaultSiteExpectations() {
  const index = await Deno.readTextFile(`${STATIC}/index.html`);
  const notFound = await Deno.readTextFile(`${STATIC}/404.html`);
  const css = await Deno.readTextFile(`${STATIC}/style.css`);
  const pick = (text: string, pattern: RegExp, what: string) => {
    const match = text.match(pattern);
    assert.ok(match, `static/ has ${what}`);
    return match[1].replace(/\s+/g, " ").trim();
  };
  const title = /<title>([^<]+)<\/title>/;
  const h1 = /<h1 id="title">([^<]+)<\/h1>/;
  return {
    title: pick(index, title, "a <title> in index.html"),
    h1: pick(index, h1, 'an <h1 id="title"> in index.html'),
    notFoundTitle: pick(notFound, title, "a <title> in 404.html"),
    notFoundH1: pick(notFound, h1, 'an <h1 id="title"> in 404.html'),
    // The light palette's paper colour, the body's background.
    background: hexToRgb(
      pick(css, /--paper:\s*(#[0-9a-fA-F]{6})/, "--paper in style.css"),
    ),
  };
}

/** What a page shows of the default site, read in the browser. */
const DEFAULT_SITE_PROBE = `(() => {
  const sheets = [...document.styleSheets];
  const icon = document.querySelector("header img");
  return {
    title: document.title,
    h1: document.getElementById("title")?.textContent.replace(/\\s+/g, " ").trim(),
    background: getComputedStyle(document.body).backgroundColor,
    sheets: sheets.map((s) => ({ href: s.href, rules: s.cssRules.length })),
    icon: icon && { complete: icon.complete, width: icon.naturalWidth },
    resources: performance.getEntriesByType("resource").map((r) => ({
      path: new URL(r.name).pathname,
      status: r.responseStatus,
    })),
  };
})()`;

interface DefaultSiteView {
  title: string;
  h1: string;
  background: string;
  sheets: { href: string; rules: number }[];
  icon: { complete: boolean; width: number } | null;
  resources: { path: string; status: number }[];
}

/**
 * Load `/` and a missing page from `base` and check what the browser shows;
 * shared by the in-process server and the CLI.
 */
async function checkDefaultSite(page: Page, base: string): Promise<void> {
  const expected = await defaultSiteExpectations();

  const home = await page.navigate(`${base}/`);
  assert.equal(home.status, 200);
  assert.equal(home.mimeType, "text/html");
  const view = await page.evaluate<DefaultSiteView>(DEFAULT_SITE_PROBE);
  assert.equal(view.title, expected.title);
  assert.equal(view.h1, expected.h1);
  // The stylesheet loaded and applied.
  const sheet = view.sheets.find((s) => s.href === `${base}/style.css`);
  assert.ok(sheet, `style.css is a stylesheet: ${JSON.stringify(view.sheets)}`);
  assert.ok(sheet.rules > 0, "style.css has rules");
  assert.equal(view.background, expected.background);
  // The favicon (also the header's logo) loaded and decoded.
  assert.ok(view.icon?.complete, "the logo <img> loaded");
  assert.ok(view.icon.width > 0, "favicon.svg decoded");
  for (const path of ["/style.css", "/favicon.svg"]) {
    assert.ok(
      view.resources.some((r) => r.path === path && r.status === 200),
      `${path} is a 200 resource: ${JSON.stringify(view.resources)}`,
    );
  }
  // The legacy /favicon.ico, for clients that ask for it unprompted.
  const ico = await page.evaluate<[number, number]>(`(async () => {
    const img = new Image();
    img.src = "/favicon.ico";
    await img.decode();
    return [img.naturalWidth, img.naturalHeight];
  })()`);
  assert.ok(ico[0] > 0 && ico[0] === ico[1], `favicon.ico decoded: ${ico}`);
  for (
    const [path, type] of [
      ["/style.css", "text/css"],
      ["/favicon.svg", "image/svg+xml"],
      ["/favicon.ico", "image/x-icon"],
    ]
  ) {
    const response = await responseFor(page, `${base}${path}`);
    assert.equal(response.status, 200, path);
    assert.equal(response.mimeType, type, path);
  }

  const missing = await page.navigate(`${base}/no/such/page`);
  assert.equal(missing.status, 404);
  assert.equal(missing.mimeType, "text/html");
  const miss = await page.evaluate<DefaultSiteView>(DEFAULT_SITE_PROBE);
  assert.equal(miss.title, expected.notFoundTitle);
  assert.equal(miss.h1, expected.notFoundH1);
  assert.equal(miss.background, expected.background, "404 page is styled");
}

Deno.test({
  name: "The default site renders in Chromium: DOM, stylesheet, favicon, 404",
  ignore,
  async fn() {
    const entries = await serveWhile(STATIC, async (base) => {
      await withPage((page) => checkDefaultSite(page, base));
    });
    // What the server says it answered, as the browser saw it.
    for (const [target, status] of [["/", 200], ["/no/such/page", 404]]) {
      const found = entriesFor(entries, String(target));
      assert.equal(found.length, 1, `one request for ${target}`);
      assert.equal(found[0].method, "GET");
      assert.equal(found[0].status, status, `${target}`);
      assert.ok(found[0].bodyBytes > 0, `${target} had a body`);
      assert.match(found[0].userAgent, /HeadlessChrome/);
    }
    // Served in full at least once; the browser's own favicon fetch skips
    // the page's disabled cache and may revalidate (304).
    for (const target of ["/style.css", "/favicon.svg"]) {
      const statuses = entriesFor(entries, target).map((e) => e.status);
      assert.ok(statuses.includes(200), `${target}: ${statuses}`);
      assert.ok(
        statuses.every((status) => status === 200 || status === 304),
        `${target}: ${statuses}`,
      );
    }
  },
});

Deno.test({
  name: "The default site renders in Chromium from the CLI (main.ts --port 0)",
  ignore,
  async fn() {
    const cli = await spawnUntil(
      Deno.execPath(),
      ["run", "--allow-net=127.0.0.1", "--allow-read", MAIN, "--port", "0"],
      /^Listening on (http:\/\/\S+)/m,
      { cwd: REPO },
    );
    try {
      const base = cli.match[1].replace(/\/$/, "");
      await withPage((page) => checkDefaultSite(page, base));
    } finally {
      const { code, output } = await cli.stop("SIGTERM");
      assert.equal(code, 0, `SIGTERM is a clean exit; output: ${output}`);
    }
  },
});

// ---------------------------------------------------------------------------
// A real site, written by the test.

const WAV_SECONDS = 30;
const WAV_RATE = 44_100;

/** A mono 16-bit PCM WAV: a 440 Hz tone, `seconds` long (~2.6 MB). */
function wav(seconds: number, rate: number): Uint8Array {
  const samples = seconds * rate;
  const bytes = new Uint8Array(44 + samples * 2);
  const view = new DataView(bytes.buffer);
  const ascii = (offset: number, text: string) => {
    for (let i = 0; i < text.length; i++) {
      bytes[offset + i] = text.charCodeAt(i);
    }
  };
  ascii(0, "RIFF");
  view.setUint32(4, 36 + samples * 2, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  view.setUint32(16, 16, true); // fmt chunk size
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * 2, true); // bytes per second
  view.setUint16(32, 2, true); // bytes per frame
  view.setUint16(34, 16, true); // bits per sample
  ascii(36, "data");
  view.setUint32(40, samples * 2, true);
  for (let i = 0; i < samples; i++) {
    const sample = Math.round(8000 * Math.sin(2 * Math.PI * 440 * i / rate));
    view.setInt16(44 + 2 * i, sample, true);
  }
  return bytes;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 255] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A PNG chunk: length, type, data, CRC of type and data. */
function pngChunk(
  type: string,
  data: Uint8Array,
): Uint8Array<ArrayBuffer> {
  const chunk = new Uint8Array(12 + data.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.length);
  chunk.set(new TextEncoder().encode(type), 4);
  chunk.set(data, 8);
  view.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  return chunk;
}

/** An 8-bit RGB PNG of one colour (zlib by CompressionStream). */
async function png(
  width: number,
  height: number,
  [r, g, b]: [number, number, number],
): Promise<Uint8Array> {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 2, 0, 0, 0], 8); // depth 8, RGB, deflate, no filter/interlace
  const raw = new Uint8Array(height * (1 + width * 3));
  for (let y = 0; y < height; y++) {
    const row = y * (1 + width * 3); // filter byte 0, then pixels
    for (let x = 0; x < width; x++) raw.set([r, g, b], row + 1 + x * 3);
  }
  const zlib = new Uint8Array(
    await new Response(
      new Blob([raw]).stream().pipeThrough(new CompressionStream("deflate")),
    ).arrayBuffer(),
  );
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", header),
    pngChunk("IDAT", zlib),
    pngChunk("IEND", new Uint8Array()),
  ];
  return new Uint8Array(await new Blob(parts).arrayBuffer());
}

const PIXEL: [number, number, number] = [200, 30, 90];

/** Write the fixture site under `root`; returns the WAV's size. */
async function writeSite(root: string): Promise<number> {
  for (const dir of ["css", "js", "img", "media"]) {
    await Deno.mkdir(`${root}/${dir}`);
  }
  await Deno.writeTextFile(
    `${root}/index.html`,
    `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>fixture site</title>
    <link rel="stylesheet" href="/css/site.css">
    <script type="module" src="/js/app.js"></script>
  </head>
  <body>
    <h1 id="status">as written</h1>
    <img id="pixel" src="/img/dot.png" alt="">
    <audio id="tone" src="/media/tone.wav" preload="metadata"></audio>
  </body>
</html>
`,
  );
  await Deno.writeTextFile(
    `${root}/css/site.css`,
    "body { background-color: rgb(1, 2, 3); }\nh1 { color: rgb(4, 5, 6); }\n",
  );
  // A module graph: strict MIME checking refuses modules without a
  // JavaScript Content-Type.
  await Deno.writeTextFile(
    `${root}/js/app.js`,
    `import { message } from "./message.js";
document.getElementById("status").textContent = message;
document.documentElement.dataset.module = "ran";
`,
  );
  await Deno.writeTextFile(
    `${root}/js/message.js`,
    `export const message = "changed by a module";\n`,
  );
  await Deno.writeFile(`${root}/img/dot.png`, await png(3, 2, PIXEL));
  const tone = wav(WAV_SECONDS, WAV_RATE);
  await Deno.writeFile(`${root}/media/tone.wav`, tone);
  return tone.length;
}

/** What the fixture page shows, read in the browser. */
const SITE_PROBE = `(() => {
  const img = document.getElementById("pixel");
  const canvas = document.createElement("canvas");
  canvas.width = img.naturalWidth;
  canvas.height = img.naturalHeight;
  const context = canvas.getContext("2d");
  context.drawImage(img, 0, 0);
  return {
    status: document.getElementById("status").textContent,
    module: document.documentElement.dataset.module ?? null,
    background: getComputedStyle(document.body).backgroundColor,
    color: getComputedStyle(document.getElementById("status")).color,
    image: {
      complete: img.complete,
      width: img.naturalWidth,
      height: img.naturalHeight,
      pixel: [...context.getImageData(0, 0, 1, 1).data],
    },
  };
})()`;

/**
 * Wait for the audio's metadata, seek one second before its end, wait for
 * `seeked`. Media errors reject with their code and message.
 */
const SEEK_PROBE = `(async () => {
  const audio = document.getElementById("tone");
  const event = (name) => new Promise((resolve, reject) => {
    if (audio.error) reject(new Error("media error " + audio.error.code + ": " + audio.error.message));
    audio.addEventListener(name, resolve, { once: true });
    audio.addEventListener("error", () => reject(new Error("media error " + audio.error.code + ": " + audio.error.message)), { once: true });
  });
  if (audio.readyState < HTMLMediaElement.HAVE_METADATA) await event("loadedmetadata");
  const duration = audio.duration;
  const seeked = event("seeked");
  audio.currentTime = duration - 1;
  await seeked;
  return { duration, currentTime: audio.currentTime, seeking: audio.seeking };
})()`;

Deno.test({
  name:
    "A real site in Chromium: CSS, a JS module, a PNG, and a WAV seeked by Range",
  ignore,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "berth-e2e-site-" });
    try {
      const wavSize = await writeSite(root);
      let seekStart = -1;
      const entries = await serveWhile(root, async (base) => {
        await withPage(async (page) => {
          const home = await page.navigate(`${base}/`);
          assert.equal(home.status, 200);

          const view = await page.evaluate(SITE_PROBE);
          assert.equal(view.module, "ran", "the module ran");
          assert.equal(
            view.status,
            "changed by a module",
            "it changed the DOM",
          );
          assert.equal(view.background, "rgb(1, 2, 3)", "site.css applied");
          assert.equal(view.color, "rgb(4, 5, 6)");
          assert.deepEqual(view.image, {
            complete: true,
            width: 3,
            height: 2,
            pixel: [...PIXEL, 255],
          });

          const seek = await page.evaluate(SEEK_PROBE);
          assert.ok(
            Math.abs(seek.duration - WAV_SECONDS) < 1e-3,
            `duration ${seek.duration}`,
          );
          assert.ok(
            Math.abs(seek.currentTime - (WAV_SECONDS - 1)) < 1e-3,
            `currentTime ${seek.currentTime}`,
          );
          assert.equal(seek.seeking, false);

          // Types as the browser saw them.
          for (
            const [path, type] of [
              ["/css/site.css", "text/css"],
              ["/js/app.js", "text/javascript"],
              ["/js/message.js", "text/javascript"],
              ["/img/dot.png", "image/png"],
            ]
          ) {
            const response = await responseFor(page, `${base}${path}`);
            assert.equal(response.status, 200, path);
            assert.equal(response.mimeType, type, path);
            assert.equal(
              header(response.headers, "x-content-type-options"),
              "nosniff",
              path,
            );
          }

          // The audio came by ranges: one from the start, then one for the
          // seek, from near the end (awaited: its events may trail `seeked`).
          const wavUrl = `${base}/media/tone.wav`;
          const first = await page.waitForEvent("Network.requestWillBeSent", {
            since: 0,
            predicate: (e) => e.request.url === wavUrl,
          });
          assert.equal(header(first.request.headers, "range"), "bytes=0-");
          const seekRequest = await page.waitForEvent(
            "Network.requestWillBeSent",
            {
              since: 0,
              predicate: (e) =>
                e.request.url === wavUrl &&
                /^bytes=[1-9]\d*-$/.test(header(e.request.headers, "range")),
            },
          );
          seekStart = Number(
            header(seekRequest.request.headers, "range").slice(6, -1),
          );
          assert.ok(
            seekStart > wavSize / 2,
            `the seek asked for ${seekStart}-`,
          );
          for (const { requestId } of [first, seekRequest]) {
            const { response } = await page.waitForEvent(
              "Network.responseReceived",
              { since: 0, predicate: (e) => e.requestId === requestId },
            );
            assert.equal(response.status, 206);
            assert.equal(response.mimeType, "audio/wav");
            const start = requestId === first.requestId ? 0 : seekStart;
            assert.equal(
              header(response.headers, "content-range"),
              `bytes ${start}-${wavSize - 1}/${wavSize}`,
            );
          }
        });
      });

      // The server says the same: 200s, and only 206s for the audio, one
      // of them the tail the seek asked for.
      for (const path of ["/css/site.css", "/js/app.js", "/img/dot.png"]) {
        const found = entriesFor(entries, path);
        assert.equal(found.length, 1, `one request for ${path}`);
        assert.equal(found[0].status, 200, path);
      }
      const audio = entriesFor(entries, "/media/tone.wav");
      assert.ok(audio.length >= 2, `${audio.length} audio requests`);
      assert.ok(
        audio.every((entry) => entry.status === 206),
        `statuses ${audio.map((e) => e.status)}`,
      );
      assert.ok(
        audio.some((entry) => entry.bodyBytes === wavSize - seekStart),
        `a 206 of the last ${wavSize - seekStart} bytes: ${
          audio.map((e) => e.bodyBytes)
        }`,
      );
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});
