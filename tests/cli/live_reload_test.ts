/**
 * `--live-reload` on the command line: the banner warns, pages carry the
 * script element, the event stream tells of a change on disk, and SIGTERM
 * ends the stream and exits 0 at once; without the flag, nothing of it.
 */
import assert from "node:assert/strict";
import { EventStreamReader } from "../static/_event_stream.ts";
import { get, withCli, withRoot } from "./_cli.ts";

const TAG = '<script src="/.berth/live-reload.js"></script>';
const SITE = { "index.html": "<h1>one</h1></body>", "a.txt": "a" };

Deno.test("--live-reload: the banner warns; pages get the element; a change is told; SIGTERM ends the stream", async () => {
  await withRoot(SITE, async (root) => {
    let events: EventStreamReader | undefined;
    const { stdout, stderr } = await withCli(
      // Far beyond the bound below: only ending the stream stops it in time.
      [root, "--port", "0", "--live-reload", "--shutdown-timeout", "120000"],
      async (cli) => {
        const page = await get(cli.url);
        assert.equal(page.body, `<h1>one</h1>${TAG}</body>`);
        assert.equal((await get(new URL("/a.txt", cli.url))).body, "a");
        const script = await get(new URL("/.berth/live-reload.js", cli.url));
        assert.match(script.body, /EventSource/);
        const stream = await fetch(new URL("/.berth/live-reload", cli.url));
        events = new EventStreamReader(stream.body!);
        assert.equal((await events.nextEvent())?.event, "hello");
        await Deno.writeTextFile(`${root}/index.html`, "<h1>two</h1>");
        assert.equal((await events.nextEvent())?.event, "reload");
      },
    );
    // withCli sent SIGTERM and saw exit 0; the stream had ended cleanly.
    assert.equal(await events!.nextEvent(1), null);
    const lines = stdout.split("\n");
    assert.match(lines[1], /^ {2}Warning: --live-reload .*development only$/);
    assert.match(stderr, /SIGTERM: stopping/);
  });
});

Deno.test("without --live-reload: no element, no reserved path, no warning", async () => {
  await withRoot(SITE, async (root) => {
    const { stdout } = await withCli([root, "--port", "0"], async (cli) => {
      assert.equal((await get(cli.url)).body, SITE["index.html"]);
      const script = await get(new URL("/.berth/live-reload.js", cli.url));
      assert.equal(script.status, 404);
    });
    assert.doesNotMatch(stdout, /Warning: --live-reload/);
  });
});
