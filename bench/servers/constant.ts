/**
 * The `Deno.serve` ceiling: every fixture file preloaded into memory at
 * start, each request answered with the bytes for its path (no I/O, no
 * validators). `/` answers `index.html`.
 *
 *     deno run --allow-net=127.0.0.1 --allow-read bench/servers/constant.ts \
 *       --port 18004 --root bench/fixtures/site
 *
 * @module
 */

import { join, relative } from "node:path";
import { announce, serverArgs } from "./args.ts";
import { contentTypeOf } from "./naive.ts";

/** Every regular file under `root`, keyed by URL path. */
export function preload(root: string): Map<string, Uint8Array<ArrayBuffer>> {
  const files = new Map<string, Uint8Array<ArrayBuffer>>();
  const dirs = [root];
  // Bounded by the fixture tree.
  while (dirs.length > 0) {
    const dir = dirs.pop()!;
    for (const entry of Deno.readDirSync(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) dirs.push(path);
      else if (entry.isFile) {
        files.set("/" + relative(root, path), Deno.readFileSync(path));
      }
    }
  }
  return files;
}

if (import.meta.main) {
  const args = serverArgs();
  const files = preload(args.root);
  const index = files.get("/index.html");
  if (index) files.set("/", index);
  Deno.serve(
    {
      hostname: "127.0.0.1",
      port: args.port,
      onListen: announce("Deno.serve in-memory"),
    },
    (request) => {
      const { pathname } = new URL(request.url);
      const body = files.get(pathname);
      if (body === undefined) return new Response("not found", { status: 404 });
      return new Response(body, {
        headers: { "content-type": contentTypeOf(pathname) },
      });
    },
  );
}
