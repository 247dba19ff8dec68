/**
 * An app and its files on one port: `GET /api/hello` answers JSON from the
 * app; every other path is served from ROOT as berth's command line would,
 * cached files through the engine's fast lane.
 *
 *   deno run --allow-net --allow-read examples/app_and_files.ts ROOT --port P
 *
 * The pattern: the file handler first, the app as its `fallback` for what is
 * not a file. The engine sees one handler, the file handler, so it keeps
 * answering cached files from pre-serialized bytes.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { createStaticHandler, serve } from "../mod.ts";

/** The app: its own routes, and a 404 for the rest. */
function app(request: Request): Response {
  const { pathname } = new URL(request.url);
  if (pathname === "/api/hello" && request.method === "GET") {
    return Response.json({ hello: "world" });
  }
  return new Response("Not Found", { status: 404 });
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    options: { port: { type: "string", default: "8000" } },
    allowPositionals: true,
  });
  const root = positionals[0] ?? "static";
  const files = createStaticHandler({ root, fallback: app });
  serve(files, {
    hostname: "127.0.0.1",
    port: Number(values.port),
    onListen({ hostname, port }) {
      // deno-lint-ignore no-console
      console.log(`Listening on http://${hostname}:${port}/ — serving ${root}`);
    },
  });
}
