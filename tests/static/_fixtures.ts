/**
 * Test fixtures for the static handler: a served `root`, and next to it the
 * things no request may ever reach.
 *
 * @module
 */

import type { StaticHandler } from "../../src/static/static_handler.ts";

/** Content of files outside the root; no response may ever contain it. */
export const SECRET = "TOP-SECRET";

/** A source mtime for siblings to be compared against. */
export const T0 = new Date("2024-01-01T00:00:00Z");

/** A large compressible text, over the 1 KiB on-the-fly threshold. */
export const STYLE = "body { color: rebeccapurple; }\n".repeat(200);

/** A file bigger than the streaming threshold used in tests. */
export const BIG = Array.from(
  { length: 40_000 },
  (_, i) => `line ${i.toString().padStart(6, "0")}\n`,
).join("");

/** The name used for the XSS test. */
export const XSS_NAME = "<img src=x onerror=alert(1)>.txt";

/** Paths of a fixture tree. */
export interface Fixture {
  /** The temp folder holding everything. */
  base: string;
  /** The served folder. */
  root: string;
  /** Remove everything. */
  cleanup(): Promise<void>;
}

/** gzip bytes with CompressionStream. */
export async function gzip(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** gunzip bytes with DecompressionStream. */
export async function gunzip(bytes: Uint8Array): Promise<string> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new DecompressionStream("gzip"));
  return await new Response(stream).text();
}

/** An MPEG transport stream: two 188-byte packets starting with 0x47. */
export function mpegTs(): Uint8Array {
  const bytes = new Uint8Array(376);
  bytes[0] = 0x47;
  bytes[188] = 0x47;
  return bytes;
}

/** Build the fixture tree in a fresh temp folder. */
export async function makeFixture(): Promise<Fixture> {
  const base = await Deno.realPath(
    await Deno.makeTempDir({ prefix: "berth-static-" }),
  );
  const root = `${base}/root`;
  const write = async (path: string, content: string | Uint8Array) => {
    const full = `${root}/${path}`;
    await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
    if (typeof content === "string") await Deno.writeTextFile(full, content);
    else await Deno.writeFile(full, content);
  };
  await write("index.html", "<!doctype html><h1>home</h1>");
  await write("404.html", "<!doctype html><h1>custom not found</h1>");
  await write("hello.txt", "hello, world\n");
  await write("empty.txt", "");
  await write("with space.txt", "spaced out");
  await write("café.txt", "crème brûlée");
  await write("docs/index.html", "<!doctype html><h1>docs</h1>");
  await write(
    "docs/guide.html",
    `<!doctype html>${"<p>guide</p>\n".repeat(200)}`,
  );
  await write("nested/deeper/file.txt", "deep");
  await write("evil.com/dir/index.html", "not a redirect target");
  await write("about.html", "<!doctype html><h1>about</h1>");
  await write("shell.html", "<!doctype html><h1>shell</h1>");
  await write("app.3f9a1c2e.js", "console.log('hashed');\n");
  await write("data.json", '{"ok":true}');
  await write("big.txt", BIG);
  await write("video.ts", mpegTs());
  await write(
    "mod.ts",
    'import { greet } from "./dep.ts";\nimport { twice } from "./extra.mts";\n' +
      'console.log(twice(greet("berth")));\n',
  );
  await write(
    "dep.ts",
    "export function greet(name: string): string {\n  return `hello ${name}`;\n}\n",
  );
  await write(
    "extra.mts",
    "export const twice = (text: string): string => `${text} ${text}`;\n",
  );
  await write(".env", `SECRET=${SECRET}`);
  await write(".git/config", `[core] ${SECRET}`);
  await write(
    ".well-known/security.txt",
    "Contact: mailto:security@example.com",
  );
  await write("listing/a.txt", "a");
  await write("listing/sub/b.txt", "b");
  await write(`listing/${XSS_NAME}`, "xss");
  await write("listing/.hidden", SECRET);

  // Precompressed siblings, at least as new as their source.
  await write("style.css", STYLE);
  await write("style.css.gz", await gzip(STYLE));
  await write("style.css.br", "BROTLI-BYTES");
  await Deno.utime(`${root}/style.css`, T0, T0);
  const later = new Date(T0.getTime() + 10_000);
  await Deno.utime(`${root}/style.css.gz`, later, later);
  await Deno.utime(`${root}/style.css.br`, later, later);
  // A stale sibling: older than its source, so never served.
  await write("stale.css", "/* new */\n".repeat(200));
  await write("stale.css.gz", await gzip("/* old */\n".repeat(200)));
  const earlier = new Date(T0.getTime() - 10_000);
  await Deno.utime(`${root}/stale.css`, T0, T0);
  await Deno.utime(`${root}/stale.css.gz`, earlier, earlier);

  // Outside the root.
  await Deno.mkdir(`${base}/outside`);
  await Deno.writeTextFile(`${base}/outside/secret.txt`, SECRET);
  await Deno.mkdir(`${base}/root-secret`);
  await Deno.writeTextFile(`${base}/root-secret/secret.txt`, SECRET);
  await Deno.writeTextFile(`${base}/x`, SECRET);
  await Deno.writeTextFile(`${base}/secret.txt`, SECRET);

  // Symlinks.
  await Deno.symlink(`${root}/hello.txt`, `${root}/link-inside.txt`);
  await Deno.symlink(`${root}/docs`, `${root}/link-inside-dir`);
  await Deno.symlink("../outside/secret.txt", `${root}/link-outside.txt`);
  await Deno.symlink(`${base}/outside`, `${root}/link-outside-dir`);
  await Deno.symlink(`${base}/root-secret`, `${root}/link-prefix`);
  await Deno.symlink(`${root}/.env`, `${root}/link-to-dotfile`);
  await Deno.symlink(`${base}/outside/secret.txt`, `${root}/listing/out.txt`);

  return {
    base,
    root,
    cleanup: () => Deno.remove(base, { recursive: true }),
  };
}

/** Run `fn` on a fresh fixture tree, removed afterwards. */
export async function withFixture(
  fn: (fx: Fixture) => Promise<void>,
): Promise<void> {
  const fx = await makeFixture();
  try {
    await fn(fx);
  } finally {
    await fx.cleanup();
  }
}

/** A fully read response. */
export interface Answer {
  /** The status. */
  status: number;
  /** The reason phrase the response carries. */
  statusText: string;
  /** The headers. */
  headers: Headers;
  /** The body bytes (empty for a null body). */
  bytes: Uint8Array;
  /** The body as text. */
  text: string;
  /** Whether the body was null. */
  nullBody: boolean;
}

/** Send a request for a path (kept raw in the URL) and read the whole body. */
export async function fetchPath(
  handler: StaticHandler,
  path: string,
  init?: RequestInit,
): Promise<Answer> {
  const response = await handler(new Request(`http://localhost${path}`, init));
  return await readAnswer(response);
}

/** Read a whole response. */
export async function readAnswer(response: Response): Promise<Answer> {
  const nullBody = response.body === null;
  const bytes = new Uint8Array(await response.arrayBuffer());
  return {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
    bytes,
    text: new TextDecoder().decode(bytes),
    nullBody,
  };
}
