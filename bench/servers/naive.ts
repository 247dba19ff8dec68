/**
 * A naive static server on `Deno.serve`: per request, `stat` + `open` the
 * file and stream it (no cache, no validators) — what a first attempt looks
 * like, as a floor.
 *
 *     deno run --allow-net=127.0.0.1 --allow-read bench/servers/naive.ts \
 *       --port 18005 --root bench/fixtures/site
 *
 * @module
 */

import { extname, join, normalize } from "node:path";
import { announce, serverArgs } from "./args.ts";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".css": "text/css; charset=utf-8",
};

/** A content type by extension (`/` is HTML). */
export function contentTypeOf(path: string): string {
  if (path.endsWith("/")) return TYPES[".html"];
  return TYPES[extname(path)] ?? "application/octet-stream";
}

if (import.meta.main) {
  const args = serverArgs();
  Deno.serve(
    {
      hostname: "127.0.0.1",
      port: args.port,
      onListen: announce("naive Deno static server"),
    },
    async (request) => {
      let path = decodeURIComponent(new URL(request.url).pathname);
      if (path.endsWith("/")) path += "index.html";
      const file = join(args.root, normalize(path));
      try {
        const info = await Deno.stat(file);
        if (!info.isFile) return new Response("not found", { status: 404 });
        const handle = await Deno.open(file);
        return new Response(handle.readable, {
          headers: {
            "content-type": contentTypeOf(path),
            "content-length": String(info.size),
          },
        });
      } catch {
        return new Response("not found", { status: 404 });
      }
    },
  );
}
