/**
 * The berth command line: serve a folder over HTTP/1.1.
 *
 *     deno run --allow-net --allow-read main.ts [ROOT] [--port N] [--host H]
 *
 * @module
 */

// deno-lint-ignore-file no-console

import { parseArgs, UsageError } from "./src/cli/parse_args.ts";
import { listenUrl, serve } from "./src/serve.ts";
import { createStaticHandler } from "./src/static/static_handler.ts";
import denoJson from "./deno.json" with { type: "json" };

const USAGE = `berth ${denoJson.version} — a static file server

Usage: deno run --allow-net --allow-read main.ts [ROOT] [flags]

  ROOT               folder to serve (default: static)
  -p, --port N       port, 0 for any free one (default: 8000, or $PORT)
      --host H       interface to bind (default: 127.0.0.1;
                     use --host 0.0.0.0 to expose on the network)
  -h, --help         show this help
  -V, --version      show the version
`;

async function main(args: string[]): Promise<number> {
  let options;
  try {
    options = parseArgs(args, { PORT: readEnv("PORT") });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`berth: ${error.message}\nRun with --help for usage.`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  if (options.version) {
    console.log(`berth ${denoJson.version}`);
    return 0;
  }
  const root = options.root;
  try {
    if (!(await Deno.stat(root)).isDirectory) {
      console.error(`berth: not a folder: ${root}`);
      return 1;
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      console.error(`berth: folder not found: ${root}`);
      return 1;
    }
    if (error instanceof Deno.errors.NotCapable) {
      console.error(`berth: no read permission; add --allow-read=${root}`);
      return 1;
    }
    throw error;
  }

  let server;
  try {
    server = serve(createStaticHandler({ root }), {
      hostname: options.host,
      port: options.port,
      onListen(addr) {
        console.log(`Listening on ${listenUrl(addr)} — serving ${root}`);
      },
    });
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) {
      console.error(
        `berth: Port ${options.port} is already in use; choose another with --port`,
      );
      return 1;
    }
    if (error instanceof Deno.errors.NotCapable) {
      console.error(`berth: no network permission; add --allow-net`);
      return 1;
    }
    throw error;
  }
  const stop = () => void server.shutdown();
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  await server.finished;
  Deno.removeSignalListener("SIGINT", stop);
  Deno.removeSignalListener("SIGTERM", stop);
  return 0;
}

/** An environment variable, when `--allow-env` lets us read it. */
function readEnv(name: string): string | undefined {
  const { state } = Deno.permissions.querySync({ name: "env", variable: name });
  return state === "granted" ? Deno.env.get(name) : undefined;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
