/**
 * Live reload as a browser sees it: headless Chromium loads a page served
 * with `liveReload`; a stylesheet changed on disk is swapped in place (no
 * navigation), a page changed on disk reloads, and so does every page
 * once it reaches a restarted server; under a strict Content-Security-Policy
 * (`default-src 'self'`). Every wait is bounded
 * by a timeout that fails the test. Skipped when there is no Chromium.
 */
import assert from "node:assert/strict";
import { serve } from "../../src/serve.ts";
import { createStaticHandler } from "../../src/static/static_handler.ts";
import { Browser, findChromium, type Page } from "./_cdp.ts";

const CHROMIUM = findChromium();
if (CHROMIUM === null) {
  // deno-lint-ignore no-console
  console.log(
    "tests/e2e/live_reload_browser_test.ts: SKIPPED, no Chromium ($BERTH_CHROMIUM, else /usr/bin/chromium, else chromium on PATH); apt-get install chromium",
  );
}

/** How long a change may take to show in the page: a bound, not a measure. */
const BOUND_MS = 10_000;

function page(title: string): string {
  return `<!doctype html>
<html>
  <head>
    <title>${title}</title>
    <link rel="stylesheet" href="/css/site.css">
  </head>
  <body>
    <h1 id="status">${title}</h1>
  </body>
</html>
`;
}

/** The page's state, read in the browser. */
const PROBE = `(() => ({
  title: document.getElementById("status").textContent,
  color: getComputedStyle(document.getElementById("status")).color,
  sheets: document.querySelectorAll('link[rel="stylesheet"]').length,
  marker: window.berthTestMarker ?? null,
}))()`;

interface View {
  title: string;
  color: string;
  sheets: number;
  marker: string | null;
}

/** Resolves in the page once the heading has `color`; rejects after BOUND_MS. */
function colorBecomes(color: string): string {
  return `new Promise((resolve, reject) => {
    const started = performance.now();
    const check = () => {
      const now = getComputedStyle(document.getElementById("status")).color;
      if (now === ${JSON.stringify(color)}) resolve(now);
      else if (performance.now() - started > ${BOUND_MS}) reject(new Error("still " + now));
      else setTimeout(check, 10);
    };
    check();
  })`;
}

/** The event stream's events the page received, by name, since `mark`. */
function streamEvent(
  target: Page,
  name: string,
  since: number,
): Promise<unknown> {
  return target.waitForEvent("Network.eventSourceMessageReceived", {
    since,
    predicate: (e) => e.eventName === name,
    timeoutMs: BOUND_MS,
  });
}

Deno.test({
  name:
    "Live reload in Chromium: a stylesheet is swapped in place, a changed page reloads, so does a restarted server's",
  ignore: CHROMIUM === null,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "berth-e2e-live-" });
    await Deno.mkdir(`${root}/css`);
    await Deno.writeTextFile(`${root}/index.html`, page("one"));
    await Deno.writeTextFile(
      `${root}/css/site.css`,
      "h1 { color: rgb(1, 2, 3); }\n",
    );
    // A strict policy: the script must come from berth, not be inline.
    const start = (port: number) =>
      serve(
        createStaticHandler({
          root,
          liveReload: true,
          headers: { "content-security-policy": "default-src 'self'" },
        }),
        { hostname: "127.0.0.1", port, onListen() {} },
      );
    let server = start(0);
    const port = server.addr.port;
    const browser = await Browser.launch(CHROMIUM!);
    try {
      const tab = await browser.newPage();
      const loaded = tab.mark();
      const home = await tab.navigate(`http://127.0.0.1:${port}/`);
      assert.equal(home.status, 200);
      // Listening: the stream's first event came.
      await streamEvent(tab, "hello", loaded);
      await tab.evaluate(`window.berthTestMarker = "first load"`);
      const before = await tab.evaluate<View>(PROBE);
      assert.deepEqual(before, {
        title: "one",
        color: "rgb(1, 2, 3)",
        sheets: 1,
        marker: "first load",
      });

      // A stylesheet: swapped in place, the document stays.
      const cssMark = tab.mark();
      await Deno.writeTextFile(
        `${root}/css/site.css`,
        "h1 { color: rgb(7, 8, 9); }\n",
      );
      await streamEvent(tab, "css", cssMark);
      await tab.evaluate(colorBecomes("rgb(7, 8, 9)"), BOUND_MS * 2);
      const swapped = await tab.evaluate<View>(PROBE);
      assert.equal(swapped.marker, "first load", "no navigation");
      assert.equal(swapped.title, "one");
      const navigated = tab.events().slice(cssMark).filter((event) =>
        event.method === "Page.frameNavigated"
      );
      assert.deepEqual(navigated, [], "no navigation");

      // A page: reloaded, with what is on disk now.
      const pageMark = tab.mark();
      await Deno.writeTextFile(`${root}/index.html`, page("two"));
      await streamEvent(tab, "reload", pageMark);
      await tab.waitForEvent("Page.lifecycleEvent", {
        since: pageMark,
        predicate: (e) => e.name === "load",
        timeoutMs: BOUND_MS,
      });
      const reloaded = await tab.evaluate<View>(PROBE);
      assert.equal(reloaded.title, "two");
      assert.equal(reloaded.marker, null, "a new document");
      assert.equal(reloaded.color, "rgb(7, 8, 9)");
      // The new document listens again.
      await streamEvent(tab, "hello", pageMark);

      // A new server on the same port: the page finds it, and reloads.
      await tab.evaluate(`window.berthTestMarker = "before the restart"`);
      await server.shutdown();
      const restartMark = tab.mark();
      server = start(port);
      await streamEvent(tab, "hello", restartMark);
      await tab.waitForEvent("Page.lifecycleEvent", {
        since: restartMark,
        predicate: (e) => e.name === "load",
        timeoutMs: BOUND_MS,
      });
      assert.equal((await tab.evaluate<View>(PROBE)).marker, null);
    } finally {
      await browser.close();
      await server.shutdown();
      await Deno.remove(root, { recursive: true });
    }
  },
});
