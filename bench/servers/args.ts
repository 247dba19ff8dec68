/**
 * Shared command-line parsing of the benchmark servers:
 * `--port N --root DIR --engine deno|berth`, berth's engine limits, and
 * `--cert FILE --key FILE` for TLS.
 *
 * @module
 */

import { parseArgs } from "node:util";

/** What a benchmark server is asked to do. */
export interface ServerArgs {
  port: number;
  root: string;
  engine: "deno" | "berth";
  /** berth engine limits, only those given. */
  limits: {
    maxConnections?: number;
    keepAliveTimeoutMs?: number;
    headersTimeoutMs?: number;
  };
  /** TLS: the PEM certificate and key (`--cert`, `--key`), or none. */
  tls?: { cert: string; key: string };
}

/** Parse `Deno.args`; exits 2 on a bad command line. */
export function serverArgs(args: string[] = Deno.args): ServerArgs {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      port: { type: "string" },
      root: { type: "string", default: "bench/fixtures/site" },
      engine: { type: "string", default: "deno" },
      "max-connections": { type: "string" },
      "keep-alive-ms": { type: "string" },
      "headers-timeout-ms": { type: "string" },
      cert: { type: "string" },
      key: { type: "string" },
    },
  });
  const num = (v: string | undefined) =>
    v === undefined ? undefined : Number(v);
  const port = Number(values.port);
  const engine = values.engine;
  if (!Number.isInteger(port) || (engine !== "deno" && engine !== "berth")) {
    // deno-lint-ignore no-console
    console.error("usage: --port N [--root DIR] [--engine deno|berth]");
    Deno.exit(2);
  }
  const limits: ServerArgs["limits"] = {};
  const maxConnections = num(values["max-connections"]);
  const keepAliveTimeoutMs = num(values["keep-alive-ms"]);
  const headersTimeoutMs = num(values["headers-timeout-ms"]);
  if (maxConnections !== undefined) limits.maxConnections = maxConnections;
  if (keepAliveTimeoutMs !== undefined) {
    limits.keepAliveTimeoutMs = keepAliveTimeoutMs;
  }
  if (headersTimeoutMs !== undefined) {
    limits.headersTimeoutMs = headersTimeoutMs;
  }
  const tls = values.cert === undefined || values.key === undefined
    ? undefined
    : {
      cert: Deno.readTextFileSync(values.cert),
      key: Deno.readTextFileSync(values.key),
    };
  return { port, root: values.root, engine, limits, tls };
}

/** The `onListen` callback every server uses (one stdout line). */
export function announce(name: string): (addr: Deno.NetAddr) => void {
  return (addr) => {
    // deno-lint-ignore no-console
    console.log(`Listening on http://${addr.hostname}:${addr.port}/ — ${name}`);
  };
}
