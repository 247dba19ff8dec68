/**
 * A tiny raw HTTP/1.1 client over `Deno.connect`, for readiness checks,
 * probes (status, size, ETag) and the connection-holding helper. No pooling:
 * every probe is one `Connection: close` exchange, so the harness never
 * leaves idle connections on a server under test.
 *
 * @module
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A parsed response head. */
export interface ResponseHead {
  status: number;
  /** Lower-cased field names. */
  headers: Map<string, string>;
  /** Offset of the first body byte. */
  bodyStart: number;
}

/** A whole probe response. */
export interface ProbeResponse extends ResponseHead {
  /** Body size in bytes (as received). */
  bodyBytes: number;
  /** The first bytes of the body, decoded. */
  bodyText: string;
}

function indexOfHeadEnd(bytes: Uint8Array, length: number): number {
  for (let i = 3; i < length; i++) {
    if (
      bytes[i] === 10 && bytes[i - 1] === 13 && bytes[i - 2] === 10 &&
      bytes[i - 3] === 13
    ) return i + 1;
  }
  return -1;
}

/** Parse a response head from the start of `bytes`, or null if incomplete. */
export function parseHead(
  bytes: Uint8Array,
  length = bytes.length,
): ResponseHead | null {
  const end = indexOfHeadEnd(bytes, length);
  if (end < 0) return null;
  const lines = decoder.decode(bytes.subarray(0, end - 4)).split("\r\n");
  const status = Number(lines[0].split(" ")[1]);
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) {
      headers.set(
        line.slice(0, colon).trim().toLowerCase(),
        line.slice(colon + 1).trim(),
      );
    }
  }
  return { status, headers, bodyStart: end };
}

/**
 * Whether `bytes[0..length)` holds one whole response (Content-Length or
 * chunked framing; a 304 or HEAD-less bodyless status has no body).
 */
export function responseComplete(bytes: Uint8Array, length: number): boolean {
  const head = parseHead(bytes, length);
  if (head === null) return false;
  if (head.status === 304 || head.status === 204) return true;
  const te = head.headers.get("transfer-encoding");
  if (te !== undefined && te.toLowerCase().includes("chunked")) {
    const tail = decoder.decode(
      bytes.subarray(Math.max(0, length - 5), length),
    );
    return tail === "0\r\n\r\n";
  }
  const cl = Number(head.headers.get("content-length") ?? NaN);
  return Number.isFinite(cl) && length - head.bodyStart >= cl;
}

/** Options of {@linkcode httpGet}. */
export interface GetOptions {
  /** Extra request header fields. */
  headers?: Record<string, string>;
  /** Give up after this long (default 3000 ms). */
  timeoutMs?: number;
  /** Stop reading after this many bytes (default 8 MiB). */
  maxBytes?: number;
}

/**
 * `GET path` on 127.0.0.1:port with `Connection: close`, read to EOF.
 *
 * @throws When the connection fails, times out or the response is garbled.
 */
export async function httpGet(
  port: number,
  path: string,
  options: GetOptions = {},
): Promise<ProbeResponse> {
  const timeoutMs = options.timeoutMs ?? 3000;
  const maxBytes = options.maxBytes ?? 8 * 1024 * 1024;
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const timer = setTimeout(() => {
    try {
      conn.close();
    } catch {
      // already closed
    }
  }, timeoutMs);
  try {
    const extra = Object.entries(options.headers ?? {})
      .map(([k, v]) => `${k}: ${v}\r\n`).join("");
    await conn.write(encoder.encode(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${extra}Connection: close\r\n\r\n`,
    ));
    const chunks: Uint8Array[] = [];
    let total = 0;
    const buf = new Uint8Array(64 * 1024);
    // Bounded by maxBytes and by the timer closing the connection.
    while (total < maxBytes) {
      const n = await conn.read(buf);
      if (n === null) break;
      chunks.push(buf.slice(0, n));
      total += n;
    }
    const all = new Uint8Array(total);
    let offset = 0;
    for (const c of chunks) {
      all.set(c, offset);
      offset += c.length;
    }
    const head = parseHead(all);
    if (head === null) throw new Error(`no response head from :${port}${path}`);
    const body = all.subarray(head.bodyStart);
    return {
      ...head,
      bodyBytes: body.length,
      bodyText: decoder.decode(body.subarray(0, 256)),
    };
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch {
      // already closed by the timer
    }
  }
}
