/**
 * berth's static handler (`createStaticHandler`) on either engine:
 * `--engine deno` runs it on `Deno.serve`, `--engine berth` on berth's own
 * `serve()`.
 *
 *     deno run --allow-net=127.0.0.1 --allow-read bench/servers/static.ts \
 *       --engine deno --port 18003 --root bench/fixtures/site
 *
 * @module
 */

import { createStaticHandler, serve } from "../../mod.ts";
import { announce, serverArgs } from "./args.ts";

if (import.meta.main) {
  const args = serverArgs();
  const handler = createStaticHandler({ root: args.root });
  const name = `static handler on ${args.engine}`;
  if (args.engine === "berth") {
    serve(handler, {
      hostname: "127.0.0.1",
      port: args.port,
      ...args.limits,
      ...args.tls,
      onListen: announce(name),
    });
  } else {
    Deno.serve(
      {
        hostname: "127.0.0.1",
        port: args.port,
        ...args.tls,
        onListen: announce(name),
      },
      handler,
    );
  }
}
