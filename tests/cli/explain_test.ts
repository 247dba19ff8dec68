/**
 * `--explain` on the command line: the banner warns, each answer says why
 * in `Berth-Explain` (the fast lane's too), and so does its access log
 * line, in each format.
 */
import assert from "node:assert/strict";
import { RawClient } from "../../support/raw_http.ts";
import { get, hostPort, withCli, withRoot } from "./_cli.ts";

const SITE = { "hello.txt": "hello", ".env": "SECRET=1" };

const request = (path: string) =>
  `GET ${path} HTTP/1.1\r\nHost: a\r\nUser-Agent: t\r\n\r\n`;

Deno.test("--explain: each answer and its log line say why, the fast lane's too; the banner warns", async () => {
  await withRoot(SITE, async (root) => {
    const explained: (string | null)[] = [];
    const { stdout } = await withCli(
      [root, "--port", "0", "--explain"],
      async (cli) => {
        using client = await RawClient.connect(hostPort(cli.url));
        for (const path of ["/hello.txt", "/hello.txt", "/.env"]) {
          await client.send(request(path));
          const response = await client.readResponse();
          explained.push(response.headers.get("berth-explain"));
        }
        await cli.stdout.waitFor(/GET \/\.env /);
      },
    );
    assert.deepEqual(explained, [
      "200: file",
      "fast lane: 200: file",
      "404: dotfile hidden (use --dotfiles)",
    ]);
    const lines = stdout.split("\n");
    assert.match(lines[1], /^ {2}Warning: --explain .*development only$/);
    const logged = lines.filter((line) => line.startsWith("GET "));
    assert.equal(logged.length, 3);
    assert.match(
      logged[0],
      /^GET \/hello\.txt 200 5 B \d+\.\d ms "200: file"$/,
    );
    assert.match(
      logged[1],
      /^GET \/hello\.txt 200 5 B \d+\.\d ms "fast lane: 200: file"$/,
    );
    assert.match(
      logged[2],
      /^GET \/\.env 404 \d+ B \d+\.\d ms "404: dotfile hidden \(use --dotfiles\)"$/,
    );
  });
});

Deno.test("--explain: the clf and combined log lines end with the words too", async () => {
  await withRoot(SITE, async (root) => {
    for (const format of ["clf", "combined"]) {
      const { stdout } = await withCli(
        [root, "--port", "0", "--explain", "--log-format", format],
        async (cli) => {
          await get(new URL("/nope", cli.url));
          await cli.stdout.waitFor(/"GET \/nope /);
        },
      );
      assert.match(
        stdout,
        /\n127\.0\.0\.1 - - \[[^\]]+\] "GET \/nope HTTP\/1\.1" 404 \d+( "-" "[^"]*")? "404: no such file"\n/,
        format,
      );
    }
  });
});

Deno.test("without --explain: no Berth-Explain, no words in the log, no warning", async () => {
  await withRoot(SITE, async (root) => {
    let explain: string | null = "";
    const { stdout } = await withCli([root, "--port", "0"], async (cli) => {
      const response = await get(new URL("/hello.txt", cli.url));
      explain = response.headers.get("berth-explain");
      await cli.stdout.waitFor(/GET \/hello\.txt /);
    });
    assert.equal(explain, null);
    assert.doesNotMatch(stdout, /explain|"200/i);
  });
});
