/**
 * What went wrong when opening the listener, in one line for people.
 *
 * @module
 */

import type { CliListenOptions, TlsPaths } from "./cli_options.ts";
import { netFlagHost } from "./permissions.ts";

/** Where berth tried to listen: `serve()`'s names, and the TLS files. */
export interface ListenTarget extends CliListenOptions {
  /** The TLS files, when serving HTTPS. */
  tls?: TlsPaths;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Describe an error thrown while opening a listener (by `serve()`).
 *
 * @param error What was thrown.
 * @param target Where berth tried to listen.
 * @returns One line, without the `berth: ` prefix.
 */
export function describeListenError(
  error: unknown,
  target: ListenTarget,
): string {
  const where = target.path ?? netFlagHost(target.hostname, target.port);
  if (error instanceof Deno.errors.AddrInUse) {
    return target.path === undefined
      ? `Port ${target.port} is already in use; choose another with --port`
      : `The socket ${target.path} is already in use (if no server runs there, remove it)`;
  }
  if (error instanceof Deno.errors.AddrNotAvailable) {
    return `Cannot listen on ${where}: no interface of this machine has that address; check --host`;
  }
  if (error instanceof Deno.errors.NotCapable) {
    return `No permission to listen on ${where}: ${message(error)}`;
  }
  if (error instanceof Deno.errors.PermissionDenied) {
    return target.path === undefined && target.port < 1024
      ? `Port ${target.port} needs privileges; choose one above 1023 with --port`
      : `The system refused to listen on ${where}: ${message(error)}`;
  }
  if (target.tls !== undefined) {
    const text = message(error);
    if (/no certificates found/i.test(text)) {
      return `Invalid TLS certificate in ${target.tls.certPath}: ${text} (expected a PEM certificate chain)`;
    }
    if (/no keys found/i.test(text)) {
      return `Invalid TLS key in ${target.tls.keyPath}: ${text} (expected a PEM private key)`;
    }
    if (/key/i.test(text) || error instanceof Deno.errors.InvalidData) {
      return `Invalid TLS certificate or key (${target.tls.certPath}, ${target.tls.keyPath}): ${text}`;
    }
  }
  return `Cannot listen on ${where}: ${message(error)}`;
}
