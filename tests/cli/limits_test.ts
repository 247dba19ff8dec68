/**
 * The limit flags, each shown by the behavior it sets: --max-connections,
 * --max-body-bytes, --headers-timeout, --keep-alive-timeout. (The shutdown
 * timeout is in shutdown_test.ts.) No time is asserted: the tests wait for
 * what the server does.
 */
import assert from "node:assert/strict";
import { RawClient } from "../../support/raw_http.ts";
import { hostPort, withCli } from "./_cli.ts";

const GET = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

Deno.test("--max-connections 1: a new connection takes the place of an idle one", async () => {
  await withCli(
    ["--port", "0", "-q", "--max-connections", "1"],
    async (cli) => {
      // Open, silent: idle from the moment it is accepted (connections are
      // accepted in order, so before the second one).
      using first = await RawClient.connect(hostPort(cli.url));
      using second = await RawClient.connect(hostPort(cli.url));
      await second.send(GET);
      assert.equal((await second.readResponse()).status, 200);
      assert.equal(await first.readToEnd(), "", "closed quietly");
    },
  );
});

Deno.test("--max-connections 1: a new connection gets 503 while the one open is busy", async () => {
  await withCli(
    ["--port", "0", "-q", "--max-connections", "1"],
    async (cli) => {
      using first = await RawClient.connect(hostPort(cli.url));
      // Answered 405 at once; then the server waits for the rest of the
      // body, to drain it: busy mid-request.
      await first.send(
        "POST /index.html HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc",
      );
      assert.equal((await first.readResponse()).status, 405);
      using second = await RawClient.connect(hostPort(cli.url));
      await second.send(GET);
      const refused = await second.readResponse();
      assert.equal(refused.status, 503);
      assert.equal(refused.headers.get("connection"), "close");
      // The first one is still served.
      await first.send("defghij" + GET);
      assert.equal((await first.readResponse()).status, 200);
    },
  );
});

Deno.test("--max-body-bytes: a larger request body gets 413", async () => {
  await withCli(
    ["--port", "0", "-q", "--max-body-bytes", "10"],
    async (cli) => {
      using client = await RawClient.connect(hostPort(cli.url));
      await client.send(
        `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n${
          "x".repeat(11)
        }`,
      );
      assert.equal((await client.readResponse()).status, 413);
    },
  );
  await withCli(
    ["--port", "0", "-q", "--max-body-bytes", "11"],
    async (cli) => {
      using client = await RawClient.connect(hostPort(cli.url));
      await client.send(
        `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n${
          "x".repeat(11)
        }`,
      );
      // Within the limit: the static handler's own answer to POST.
      assert.equal((await client.readResponse()).status, 405);
    },
  );
});

Deno.test("--headers-timeout: a request head that never ends gets 408", async () => {
  await withCli(
    ["--port", "0", "-q", "--headers-timeout", "100"],
    async (cli) => {
      using client = await RawClient.connect(hostPort(cli.url));
      await client.send("GET / HTTP/1.1\r\nHost: x\r\n");
      assert.equal((await client.readResponse()).status, 408);
      assert.equal(await client.readToEnd(), "", "then it closes");
    },
  );
});

Deno.test("--body-timeout: a request body that stalls is not waited on", async () => {
  await withCli(
    ["--port", "0", "-q", "--body-timeout", "100", "--max-body-bytes", "10"],
    async (cli) => {
      using client = await RawClient.connect(hostPort(cli.url));
      // The static handler answers POST with 405 without reading the body;
      // draining what is left then waits on the client, under the deadline.
      // The request has its answer: no 408 follows it, the server closes.
      await client.send(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nab",
      );
      assert.equal((await client.readResponse()).status, 405);
      assert.equal(await client.readToEnd(), "", "then it closes");
    },
  );
});

Deno.test("--keep-alive-timeout: an idle connection is closed by the server", async () => {
  await withCli(
    ["--port", "0", "-q", "--keep-alive-timeout", "50"],
    async (cli) => {
      using client = await RawClient.connect(hostPort(cli.url));
      await client.send(GET);
      const response = await client.readResponse();
      assert.equal(response.status, 200);
      assert.notEqual(response.headers.get("connection"), "close");
      // Nothing more is sent: the read ends when the server closes.
      assert.equal(await client.readToEnd(), "");
    },
  );
});
