/**
 * Raw HTTP/1.1 over real sockets, for what `fetch` cannot do: pipelining,
 * malformed requests, reading exactly what the server wrote and whether it
 * closed. Bytes map to string characters one to one (latin1).
 *
 * @module
 */

/** Where to connect: TCP or a unix socket. */
export type ConnectTo = Deno.ConnectOptions | Deno.UnixConnectOptions;

/** One parsed response. */
export interface RawResponse {
  /** The status code. */
  status: number;
  /** The status line without its CRLF. */
  statusLine: string;
  /** The header fields. */
  headers: Headers;
  /** The body after de-chunking. */
  body: string;
  /** The response exactly as it came over the wire. */
  raw: string;
}

/**
 * Bytes to characters one to one. Not `TextDecoder("latin1")`: the Encoding
 * standard maps that label to windows-1252, which changes 0x80–0x9F.
 */
const latin1 = {
  decode(data: Uint8Array): string {
    let text = "";
    for (let i = 0; i < data.length; i += 8192) {
      text += String.fromCharCode(...data.subarray(i, i + 8192));
    }
    return text;
  },
};

/** Bytes of `text` one per character (the inverse of the latin1 reading). */
export function bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** Where to connect for a server's address. */
export function connectTo(addr: Deno.Addr): ConnectTo {
  if (addr.transport === "unix") return { transport: "unix", path: addr.path };
  const { hostname, port } = addr as Deno.NetAddr;
  return { hostname, port };
}

/**
 * Parse one response at the start of `text`.
 *
 * @param text What has been read so far.
 * @param eof Whether the server has closed (ends a close-delimited body).
 * @param isHead Whether the request was HEAD (no body whatever the headers).
 * @returns The response and how many characters it took, or `null` while
 *   incomplete.
 */
export function parseResponse(
  text: string,
  eof: boolean,
  isHead = false,
): { response: RawResponse; length: number } | null {
  const headEnd = text.indexOf("\r\n\r\n");
  if (headEnd === -1) return null;
  const lines = text.slice(0, headEnd).split("\r\n");
  const statusLine = lines[0];
  const status = Number(statusLine.split(" ")[1]);
  const headers = new Headers();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    headers.append(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  let pos = headEnd + 4;
  let body = "";
  if (isHead || status < 200 || status === 204 || status === 304) {
    // No body.
  } else if (/chunked/i.test(headers.get("transfer-encoding") ?? "")) {
    while (true) {
      const lineEnd = text.indexOf("\r\n", pos);
      if (lineEnd === -1) return null;
      const size = parseInt(text.slice(pos, lineEnd).split(";")[0], 16);
      if (Number.isNaN(size)) throw new SyntaxError("Bad chunk size");
      pos = lineEnd + 2;
      if (size === 0) {
        const trailersEnd = text.indexOf("\r\n", pos);
        if (trailersEnd === -1) return null;
        if (trailersEnd !== pos) {
          const end = text.indexOf("\r\n\r\n", pos);
          if (end === -1) return null;
          pos = end + 4;
        } else {
          pos += 2;
        }
        break;
      }
      if (text.length < pos + size + 2) return null;
      body += text.slice(pos, pos + size);
      pos += size + 2;
    }
  } else if (headers.has("content-length")) {
    const length = Number(headers.get("content-length"));
    if (text.length < pos + length) return null;
    body = text.slice(pos, pos + length);
    pos += length;
  } else {
    if (!eof) return null;
    body = text.slice(pos);
    pos = text.length;
  }
  return {
    response: { status, statusLine, headers, body, raw: text.slice(0, pos) },
    length: pos,
  };
}

/**
 * Parse every response in `text`, read up to the server's close.
 *
 * @param text Everything the server sent.
 * @returns The responses, in order.
 * @throws {SyntaxError} When something is left that is not a response.
 */
export function parseResponses(text: string): RawResponse[] {
  const responses: RawResponse[] = [];
  while (text.length > 0) {
    const parsed = parseResponse(text, true);
    if (parsed === null) {
      throw new SyntaxError(`Incomplete response: ${JSON.stringify(text)}`);
    }
    responses.push(parsed.response);
    text = text.slice(parsed.length);
  }
  return responses;
}

/** A raw client connection that reads responses one at a time. */
export class RawClient {
  /** The socket. */
  readonly conn: Deno.Conn;
  #text = "";
  #eof = false;
  #closed = false;

  private constructor(conn: Deno.Conn) {
    this.conn = conn;
  }

  /** Connect to a server. */
  static async connect(to: ConnectTo): Promise<RawClient> {
    return new RawClient(await Deno.connect(to as Deno.ConnectOptions));
  }

  /** Send bytes (a string is taken one byte per character). */
  async send(data: string | Uint8Array): Promise<void> {
    let buffer = typeof data === "string" ? bytes(data) : data;
    while (buffer.length > 0) {
      buffer = buffer.subarray(await this.conn.write(buffer));
    }
  }

  /** Read once; `false` at end of stream (a reset counts as the end). */
  async #fill(): Promise<boolean> {
    if (this.#eof) return false;
    const buffer = new Uint8Array(64 * 1024);
    let n: number | null;
    try {
      n = await this.conn.read(buffer);
    } catch (error) {
      if (!(error instanceof Deno.errors.ConnectionReset)) throw error;
      n = null;
    }
    if (n === null) {
      this.#eof = true;
      return false;
    }
    this.#text += latin1.decode(buffer.subarray(0, n));
    return true;
  }

  /**
   * Read the next response.
   *
   * @param isHead Whether it answers a HEAD request.
   * @throws {Error} When the server closes before a whole response.
   */
  async readResponse(isHead = false): Promise<RawResponse> {
    while (true) {
      const parsed = parseResponse(this.#text, this.#eof, isHead);
      if (parsed !== null) {
        this.#text = this.#text.slice(parsed.length);
        return parsed.response;
      }
      if (
        !await this.#fill() && parseResponse(this.#text, true, isHead) === null
      ) {
        throw new Error(
          `Closed before a whole response: ${JSON.stringify(this.#text)}`,
        );
      }
    }
  }

  /** Read until `text` has arrived; resolves to everything unread so far. */
  async readUntil(text: string): Promise<string> {
    while (!this.#text.includes(text)) {
      if (!await this.#fill()) {
        throw new Error(`Closed before ${JSON.stringify(text)}`);
      }
    }
    return this.#text;
  }

  /** Read until the server closes; resolves to everything not yet parsed. */
  async readToEnd(): Promise<string> {
    while (await this.#fill());
    const rest = this.#text;
    this.#text = "";
    return rest;
  }

  /** Close the socket (once). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.conn.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Connect, send `request`, read until the server closes, close.
 *
 * @param to Where to connect.
 * @param request The bytes to send.
 * @returns Everything the server sent.
 */
export async function exchange(
  to: ConnectTo,
  request: string | Uint8Array,
): Promise<string> {
  const client = await RawClient.connect(to);
  try {
    await client.send(request);
    return await client.readToEnd();
  } finally {
    client.close();
  }
}
