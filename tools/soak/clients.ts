/**
 * The soak's Deno clients, beside wrk's load: downloads given up at random
 * points, byte ranges checked against the file, conditional requests (304
 * checked), HEAD, and whole downloads hashed with sha256.
 *
 * @module
 */

import type { BerthProcess } from "../../support/berth_process.ts";
import { xorshift } from "../../support/xorshift.ts";
import { type FixtureFile, sha256Hex } from "./fixtures.ts";

const MiB = 1024 * 1024;

/** What the Deno clients counted and what went wrong. */
export interface Tally {
  aborts: number;
  ranges: number;
  multiRanges: number;
  conditional304: number;
  conditional200: number;
  heads: number;
  hashes: number;
  hashedBytes: number;
  failures: string[];
}

function newTally(): Tally {
  return {
    aborts: 0,
    ranges: 0,
    multiRanges: 0,
    conditional304: 0,
    conditional200: 0,
    heads: 0,
    hashes: 0,
    hashedBytes: 0,
    failures: [],
  };
}

/**
 * Record a failure in `tally`: the first 50, then an ellipsis.
 *
 * @param tally The counts of a run.
 * @param message What went wrong.
 */
export function fail(tally: Tally, message: string): void {
  if (tally.failures.length < 50) tally.failures.push(message);
  else if (tally.failures.length === 50) tally.failures.push("…");
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Mixed Deno clients, each a loop that ends when `stop` aborts. */
export class Clients {
  readonly tally = newTally();
  readonly #origin: string;
  readonly #port: number;
  readonly #files: FixtureFile[];
  readonly #large: FixtureFile[];
  readonly #next = xorshift(0xc11e);
  readonly #client = Deno.createHttpClient({});
  readonly #stop: AbortSignal;
  readonly #open = new Set<Deno.Conn>();
  #closed = false;

  constructor(berth: BerthProcess, files: FixtureFile[], stop: AbortSignal) {
    this.#origin = berth.origin;
    this.#port = berth.port;
    this.#files = files;
    this.#large = files.filter((f) => f.kind === "large");
    this.#stop = stop;
  }

  #pick<T>(list: T[]): T {
    return list[this.#next() % list.length];
  }

  /** Run every loop until `stop`; resolves once all have ended. */
  async run(): Promise<void> {
    const loops = [
      this.#loop(() => this.#abort()),
      this.#loop(() => this.#abort()),
      this.#loop(() => this.#range()),
      this.#loop(() => this.#range()),
      this.#loop(() => this.#conditional()),
      this.#loop(() => this.#download()),
    ];
    await Promise.all(loops);
  }

  /** Close what is still open (pooled fetch connections, raw sockets). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const conn of this.#open) {
      try {
        conn.close();
      } catch {
        // Closed already.
      }
    }
    this.#open.clear();
    this.#client.close();
  }

  async #loop(step: () => Promise<void>): Promise<void> {
    while (!this.#stop.aborted) {
      try {
        await step();
      } catch (error) {
        if (this.#stop.aborted) return;
        fail(this.tally, `client error: ${String(error).slice(0, 200)}`);
      }
    }
  }

  async #fetch(path: string, init: RequestInit = {}): Promise<Response> {
    return await fetch(this.#origin + path, {
      ...init,
      client: this.#client,
      signal: AbortSignal.any([this.#stop, AbortSignal.timeout(60_000)]),
    });
  }

  /** A raw download given up at a random point. */
  async #abort(): Promise<void> {
    const file = this.#pick(this.#large);
    const conn = await Deno.connect({
      hostname: "127.0.0.1",
      port: this.#port,
    });
    this.#open.add(conn);
    try {
      const mode = this.#next() % 4;
      const request = `GET ${file.path} HTTP/1.1\r\nHost: soak\r\n\r\n`;
      if (mode === 0) {
        // Half a head, then gone.
        await conn.write(new TextEncoder().encode(request.slice(0, 20)));
      } else {
        await conn.write(new TextEncoder().encode(request));
        if (mode > 1) {
          const want = mode === 2 ? 1 : this.#next() % (4 * MiB);
          const buffer = new Uint8Array(256 * 1024);
          let got = 0;
          while (got < want) {
            const n = await conn.read(buffer);
            if (n === null) {
              fail(this.tally, `abort client: ${file.path} closed at ${got}`);
              break;
            }
            got += n;
          }
        }
      }
      this.tally.aborts++;
    } finally {
      this.#open.delete(conn);
      conn.close(); // unread bytes pending: a reset
    }
  }

  /** A byte range (or several), checked against the file. */
  async #range(): Promise<void> {
    const file = this.#pick(this.#files);
    const size = file.bytes.length;
    if (this.#next() % 8 === 0) {
      // Multipart: status and type only.
      const response = await this.#fetch(file.path, {
        headers: { range: "bytes=0-9,20-29" },
      });
      const type = response.headers.get("content-type") ?? "";
      await response.body?.cancel();
      if (response.status !== 206 || !type.startsWith("multipart/byteranges")) {
        fail(
          this.tally,
          `multi-range ${file.path}: ${response.status} ${type}`,
        );
      }
      this.tally.multiRanges++;
      return;
    }
    let start: number;
    let end: number;
    let header: string;
    switch (this.#next() % 3) {
      case 0: {
        start = this.#next() % size;
        end = Math.min(size - 1, start + this.#next() % (2 * MiB));
        header = `bytes=${start}-${end}`;
        break;
      }
      case 1: {
        start = Math.max(0, size - 1 - this.#next() % (256 * 1024));
        end = size - 1;
        header = `bytes=${start}-`;
        break;
      }
      default: {
        const n = 1 + this.#next() % Math.min(size, 256 * 1024);
        start = size - n;
        end = size - 1;
        header = `bytes=-${n}`;
      }
    }
    const response = await this.#fetch(file.path, {
      headers: { range: header, "accept-encoding": "identity" },
    });
    const body = new Uint8Array(await response.arrayBuffer());
    const expected = file.bytes.subarray(start, end + 1);
    const contentRange = response.headers.get("content-range");
    if (
      response.status !== 206 ||
      contentRange !== `bytes ${start}-${end}/${size}` ||
      !equalBytes(body, expected)
    ) {
      fail(
        this.tally,
        `range ${file.path} ${header}: ${response.status} ${contentRange} ` +
          `${body.length} bytes (want ${expected.length})`,
      );
    }
    this.tally.ranges++;
  }

  /** A conditional GET: 304 for the current validator, 200 otherwise. */
  async #conditional(): Promise<void> {
    const file = this.#pick(this.#files);
    const head = await this.#fetch(file.path, {
      method: "HEAD",
      headers: { "accept-encoding": "identity" },
    });
    await head.body?.cancel();
    this.tally.heads++;
    const etag = head.headers.get("etag");
    const lastModified = head.headers.get("last-modified");
    if (
      head.status !== 200 || etag === null || lastModified === null ||
      head.headers.get("content-length") !== String(file.bytes.length)
    ) {
      fail(this.tally, `HEAD ${file.path}: ${head.status} ${etag}`);
      return;
    }
    const variants: [Record<string, string>, number][] = [
      [{ "if-none-match": etag }, 304],
      [{ "if-none-match": "*" }, 304],
      [{ "if-modified-since": lastModified }, 304],
      [{ "if-none-match": '"soak-no-such-etag"' }, 200],
    ];
    const [headers, want] = this.#pick(variants);
    const response = await this.#fetch(file.path, {
      headers: { ...headers, "accept-encoding": "identity" },
    });
    const body = new Uint8Array(await response.arrayBuffer());
    if (response.status !== want) {
      fail(
        this.tally,
        `conditional ${file.path} ${JSON.stringify(headers)}: ` +
          `${response.status}, want ${want}`,
      );
      return;
    }
    if (want === 304) {
      if (body.length !== 0) fail(this.tally, `304 with a body: ${file.path}`);
      this.tally.conditional304++;
    } else {
      if (!equalBytes(body, file.bytes)) {
        fail(this.tally, `conditional 200 body differs: ${file.path}`);
      }
      this.tally.conditional200++;
    }
  }

  /** A whole download, hashed (half the time a large file). */
  async #download(): Promise<void> {
    const file = this.#next() % 2 === 0
      ? this.#pick(this.#large)
      : this.#pick(this.#files);
    // Let fetch ask for gzip as browsers do: a compressed answer must
    // inflate to the very same bytes.
    const response = await this.#fetch(file.path);
    const body = new Uint8Array(await response.arrayBuffer());
    const hash = await sha256Hex(body);
    if (response.status !== 200 || hash !== file.sha256) {
      fail(
        this.tally,
        `download ${file.path}: ${response.status}, ${body.length} bytes, ` +
          `sha256 ${hash.slice(0, 12)}… want ${file.sha256.slice(0, 12)}…`,
      );
    }
    this.tally.hashes++;
    this.tally.hashedBytes += body.length;
  }
}
