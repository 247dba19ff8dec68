/**
 * berth's static handler (`createStaticHandler`) on either engine:
 * `--engine deno` runs it on `Deno.serve`, `--engine berth` on berth's own
 * `serve()`. Exits 3 when the handler cannot be loaded yet (the harness then
 * marks this server "n/a").
 *
 *     deno run --allow-net=127.0.0.1 --allow-read bench/servers/static.ts \
 *       --engine deno --port 18003 --root bench/fixtures/site
 *
 * @module
 */

import { serve } from "../../mod.ts";
import { announce, serverArgs } from "./args.ts";

type Handler = (request: Request) => Promise<Response>;
type Factory = (options: { root: string }) => Handler;

/**
 * `createStaticHandler`, from `mod.ts` once exported there, else from its
 * module. Specifiers are computed so `deno check` of the bench does not
 * depend on a module that is still being written.
 */
export async function loadStaticHandlerFactory(): Promise<Factory | string> {
  const candidates = ["../../mod.ts", "../../src/static/static_handler.ts"];
  const failures: string[] = [];
  for (const candidate of candidates) {
    const specifier = new URL(candidate, import.meta.url).href;
    try {
      const mod = await import(specifier) as Record<string, unknown>;
      if (typeof mod.createStaticHandler === "function") {
        return mod.createStaticHandler as Factory;
      }
      failures.push(`${candidate}: no createStaticHandler export`);
    } catch (error) {
      failures.push(`${candidate}: ${String(error).split("\n")[0]}`);
    }
  }
  return failures.join("; ");
}

if (import.meta.main) {
  const args = serverArgs();
  const factory = await loadStaticHandlerFactory();
  if (typeof factory === "string") {
    // deno-lint-ignore no-console
    console.error(`static handler unavailable: ${factory}`);
    Deno.exit(3);
  }
  const handler = factory({ root: args.root });
  const name = `static handler on ${args.engine}`;
  if (args.engine === "berth") {
    serve(handler, {
      hostname: "127.0.0.1",
      port: args.port,
      ...args.limits,
      onListen: announce(name),
    });
  } else {
    Deno.serve(
      { hostname: "127.0.0.1", port: args.port, onListen: announce(name) },
      handler,
    );
  }
}
