/**
 * The generic-handler case: one tiny `Request → Response` handler on
 * berth's `serve()` (`--engine berth`) or on `Deno.serve` (`--engine deno`).
 *
 *     deno run --allow-net=127.0.0.1 bench/servers/generic.ts \
 *       --engine berth --port 18008
 *
 * @module
 */

import { serve } from "../../mod.ts";
import { announce, serverArgs } from "./args.ts";

/** The handler measured on both engines. */
export function hello(request: Request): Response {
  return new Response("hello " + new URL(request.url).pathname);
}

if (import.meta.main) {
  const args = serverArgs();
  const name = `generic handler on ${args.engine}`;
  if (args.engine === "berth") {
    serve(hello, {
      hostname: "127.0.0.1",
      port: args.port,
      ...args.limits,
      onListen: announce(name),
    });
  } else {
    Deno.serve(
      { hostname: "127.0.0.1", port: args.port, onListen: announce(name) },
      hello,
    );
  }
}
