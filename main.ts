/**
 * The berth command line: serve a folder over HTTP/1.1.
 *
 *     deno run --allow-net --allow-read jsr:@berth/berth/cli [ROOT] [flags]
 *
 * (`main.ts` in a clone.) Run with `--help` for every flag; `--workers`
 * also needs `--unstable-net`. Importing this module does nothing: it
 * starts only as the main module.
 *
 * @module
 */

// deno-lint-ignore-file no-console

import { unsupportedDeno } from "./src/http/deno_version.ts";
import { parseArgs, UsageError } from "./src/cli/parse_args.ts";
import { run } from "./src/cli/run.ts";
import { usage, USAGE_HINT } from "./src/cli/usage.ts";
import denoJson from "./deno.json" with { type: "json" };

async function main(args: string[]): Promise<number> {
  // First: on an older Deno, one clear line rather than a strange failure.
  const unsupported = unsupportedDeno(Deno.version.deno);
  if (unsupported !== null) {
    console.error(`berth: ${unsupported}`);
    return 1;
  }
  let options;
  try {
    options = parseArgs(args, { PORT: readEnv("PORT") });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`berth: ${error.message}\n${USAGE_HINT}`);
    return 2;
  }
  if (options.help) {
    console.log(usage(denoJson.version));
    return 0;
  }
  if (options.version) {
    console.log(`berth ${denoJson.version}`);
    return 0;
  }
  try {
    return await run(options);
  } catch (error) {
    // Never a stack trace, unless asked for.
    console.error(
      `berth: unexpected error: ${
        options.log.verbose && error instanceof Error
          ? error.stack
          : error instanceof Error
          ? error.message
          : String(error)
      }`,
    );
    return 1;
  }
}

/** An environment variable, when `--allow-env` lets us read it. */
function readEnv(name: string): string | undefined {
  const { state } = Deno.permissions.querySync({ name: "env", variable: name });
  return state === "granted" ? Deno.env.get(name) : undefined;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
