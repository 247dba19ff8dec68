/**
 * `serve()` over listeners other than a plain TCP one it opened itself: TLS,
 * and a listener whose accept fails (EMFILE and the like).
 */

import assert from "node:assert/strict";
import { serve } from "../src/serve.ts";
import { makeCertificate } from "./_tls.ts";

const HOST = "127.0.0.1";

const certificate = await makeCertificate();

Deno.test({
  name: "serve() speaks HTTPS with cert and key, and the URL says https",
  ignore: certificate === null,
  async fn() {
    const { cert, key } = certificate!;
    const server = serve(
      (request) => new Response(`scheme ${new URL(request.url).protocol}`),
      { hostname: HOST, port: 0, cert, key, onListen() {} },
    );
    const client = Deno.createHttpClient({ caCerts: [cert] });
    try {
      const response = await fetch(`https://${HOST}:${server.addr.port}/`, {
        client,
      });
      assert.equal(response.status, 200);
      assert.equal(await response.text(), "scheme https:");
    } finally {
      client.close();
      await server.shutdown();
    }
  },
});

Deno.test({
  name: "serve() serves on a Deno.listenTls listener it is given",
  ignore: certificate === null,
  async fn() {
    const { cert, key } = certificate!;
    const listener = Deno.listenTls({ hostname: HOST, port: 0, cert, key });
    const server = serve(() => new Response("tls"), {
      listener,
      onListen() {},
    });
    const client = Deno.createHttpClient({ caCerts: [cert] });
    try {
      const response = await fetch(`https://${HOST}:${server.addr.port}/`, {
        client,
      });
      assert.equal(await response.text(), "tls");
    } finally {
      client.close();
      await server.shutdown();
    }
  },
});

Deno.test("serve() refuses cert without key", () => {
  assert.throws(
    () => serve(() => new Response(), { cert: "x", onListen() {} }),
    TypeError,
  );
});

/**
 * A listener whose first accept fails as an exhausted file table would, then
 * works: the accept loop must back off and go on, not end.
 */
class FlakyListener implements AsyncIterable<Deno.Conn> {
  failures: number;
  readonly #inner: Deno.Listener;
  constructor(inner: Deno.Listener, failures: number) {
    this.#inner = inner;
    this.failures = failures;
  }
  get addr(): Deno.Addr {
    return this.#inner.addr;
  }
  close(): void {
    this.#inner.close();
  }
  async *[Symbol.asyncIterator](): AsyncGenerator<Deno.Conn> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error("Too many open files (os error 24)");
    }
    yield* this.#inner;
  }
}

Deno.test("serve() keeps accepting after accept fails", async () => {
  const inner = Deno.listen({ hostname: HOST, port: 0 });
  const flaky = new FlakyListener(inner, 3);
  const logged: unknown[] = [];
  // The engine reports accept failures on stderr, as Deno.serve does.
  // deno-lint-ignore no-console
  const originalError = console.error;
  // deno-lint-ignore no-console
  console.error = (...args: unknown[]) => logged.push(args.join(" "));
  const server = serve(() => new Response("still here"), {
    listener: flaky as unknown as Deno.Listener,
    onListen() {},
  });
  try {
    const response = await fetch(`http://${HOST}:${server.addr.port}/`);
    assert.equal(await response.text(), "still here");
    assert.equal(flaky.failures, 0, "every failure was retried");
    assert.equal(logged.length, 1, "one log line per burst of failures");
    assert.match(String(logged[0]), /accept failed, retrying/);
  } finally {
    // deno-lint-ignore no-console
    console.error = originalError;
    await server.shutdown();
  }
});
