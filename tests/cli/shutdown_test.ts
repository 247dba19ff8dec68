/**
 * Stopping: SIGTERM and SIGINT let an in-flight response finish, then exit
 * 0; a second signal exits at once; --shutdown-timeout bounds the wait.
 *
 * The response in flight is a 64 MiB file the test does not read until the
 * server has said it is stopping: the server is then blocked writing it, so
 * it is in flight for sure, without any sleep.
 */
import assert from "node:assert/strict";
import {
  type Cli,
  hostPort,
  type SpawnOptions,
  startCli,
  withRoot,
} from "./_cli.ts";

const BIG = 64 * 1024 * 1024;

/** A GET whose head has been read and whose body is still coming. */
class InFlight {
  readonly conn: Deno.TcpConn;
  readonly contentLength: number;
  /** Body bytes read so far. */
  received: number;
  /** Set by `close()`: a read pending then ends with `Interrupted`. */
  #closed = false;

  private constructor(conn: Deno.TcpConn, length: number, received: number) {
    this.conn = conn;
    this.contentLength = length;
    this.received = received;
  }

  static async start(url: string, path: string): Promise<InFlight> {
    const conn = await Deno.connect(hostPort(url));
    await conn.write(
      new TextEncoder().encode(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`),
    );
    const buffer = new Uint8Array(64 * 1024);
    let head = "";
    let received = 0;
    while (true) {
      const n = await conn.read(buffer);
      if (n === null) throw new Error(`Closed in the head: ${head}`);
      head += new TextDecoder("latin1").decode(buffer.subarray(0, n));
      const end = head.indexOf("\r\n\r\n");
      if (end !== -1) {
        received = head.length - (end + 4);
        head = head.slice(0, end);
        break;
      }
    }
    assert.match(head, /^HTTP\/1\.1 200 /);
    const length = Number(head.match(/\r\ncontent-length: (\d+)/i)?.[1]);
    return new InFlight(conn, length, received);
  }

  /** Read to the end (or a reset); resolves to the body bytes received. */
  async readRest(): Promise<number> {
    const buffer = new Uint8Array(256 * 1024);
    try {
      while (true) {
        const n = await this.conn.read(buffer);
        if (n === null) break;
        this.received += n;
        if (this.received >= this.contentLength) break;
      }
    } catch (error) {
      // A reset is the server's cut; `Interrupted` is our own close of a
      // read still pending (after a failed assertion, which then shows
      // instead of an unhandled rejection).
      const ownClose = this.#closed &&
        error instanceof Deno.errors.Interrupted;
      if (!(error instanceof Deno.errors.ConnectionReset) && !ownClose) {
        throw error;
      }
    }
    return this.received;
  }

  close(): void {
    this.#closed = true;
    this.conn.close();
  }
}

/** A root with a 64 MiB file, a CLI serving it, a GET of it in flight. */
async function withBigResponse(
  args: string[],
  fn: (cli: Cli, inFlight: InFlight) => Promise<void>,
  options?: SpawnOptions,
): Promise<void> {
  await withRoot({ "big.bin": new Uint8Array(BIG) }, async (root) => {
    const cli = await startCli([root, "--port", "0", "-q", ...args], options);
    let inFlight: InFlight | undefined;
    try {
      inFlight = await InFlight.start(cli.url, "/big.bin");
      assert.equal(inFlight.contentLength, BIG);
      await fn(cli, inFlight);
    } finally {
      inFlight?.close();
      cli.kill("SIGKILL");
      await cli.finished();
    }
  });
}

/** Run the graceful-stop scenario with `signal`, with these CLI args. */
async function gracefulStop(
  signal: "SIGTERM" | "SIGINT",
  args: string[] = [],
  options?: SpawnOptions,
): Promise<void> {
  await withBigResponse(
    ["--shutdown-timeout", "60000", ...args],
    async (cli, inFlight) => {
      cli.kill(signal);
      await cli.stderr.waitFor(new RegExp(`${signal}: stopping`));
      // Still served in full after the server began stopping.
      assert.equal(await inFlight.readRest(), BIG);
      const { code, stderr } = await cli.finished();
      assert.equal(code, 0, stderr);
    },
    options,
  );
}

Deno.test("SIGTERM lets an in-flight response finish, then exits 0", async () => {
  await gracefulStop("SIGTERM");
});

Deno.test("SIGINT stops gracefully too", async () => {
  await gracefulStop("SIGINT");
});

Deno.test("a stopping server answers no new connection", async () => {
  await withBigResponse(
    ["--shutdown-timeout", "60000"],
    async (cli, inFlight) => {
      cli.kill("SIGTERM");
      await cli.stderr.waitFor(/SIGTERM: stopping/);
      // Read on meanwhile: a probe that hung must not hold up the exit.
      const rest = inFlight.readRest();
      // Refused, or (while Deno lets go of the socket) reset or closed
      // unanswered: never served.
      let answer = "";
      try {
        using conn = await Deno.connect(hostPort(cli.url));
        await conn.write(new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n"));
        const buffer = new Uint8Array(1024);
        const n = await conn.read(buffer);
        if (n !== null) {
          answer = new TextDecoder().decode(buffer.subarray(0, n));
        }
      } catch (error) {
        assert.ok(
          error instanceof Deno.errors.ConnectionRefused ||
            error instanceof Deno.errors.ConnectionReset ||
            error instanceof Deno.errors.BrokenPipe,
          String(error),
        );
      }
      assert.equal(answer, "");
      assert.equal(await rest, BIG);
      assert.equal((await cli.finished()).code, 0);
    },
  );
});

Deno.test("a second signal exits at once, with 128 + its number", async () => {
  for (const [signal, code] of [["SIGTERM", 143], ["SIGINT", 130]] as const) {
    await withBigResponse(
      ["--shutdown-timeout", "60000"],
      async (cli, inFlight) => {
        cli.kill(signal);
        await cli.stderr.waitFor(new RegExp(`${signal}: stopping`));
        cli.kill(signal);
        // The response never finished: the exit did not wait for it.
        assert.equal((await cli.finished()).code, code);
        assert.ok(await inFlight.readRest() < BIG);
      },
    );
  }
});

Deno.test("--shutdown-timeout: responses still running are cut, exit 0", async () => {
  await withBigResponse(["--shutdown-timeout", "50"], async (cli, inFlight) => {
    cli.kill("SIGTERM");
    // The client never reads, so only the deadline lets the server end.
    assert.equal((await cli.finished()).code, 0);
    assert.ok(await inFlight.readRest() < BIG);
  });
});
