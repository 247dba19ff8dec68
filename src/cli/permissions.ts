/**
 * Permission checks done before acting, so a missing permission is reported
 * as the exact flag to add instead of an error (or a prompt) halfway.
 *
 * @module
 */

import { displayPath } from "./banner.ts";

/** What berth is about to touch. */
export interface PermissionPlan {
  /** The folder to serve. */
  root: string;
  /** Where to listen. */
  listen:
    | { transport: "tcp"; hostname: string; port: number }
    | { transport: "unix"; path: string };
  /** TLS files to read, with what each is (`"certificate"`, `"key"`). */
  tlsFiles: { path: string; what: string }[];
  /**
   * The folder of berth's own modules, which worker threads load (they need
   * read access to it); absent without workers or when berth runs by URL.
   */
  modulesDir?: string;
}

async function granted(descriptor: Deno.PermissionDescriptor) {
  try {
    return (await Deno.permissions.query(descriptor)).state === "granted";
  } catch {
    return false;
  }
}

/**
 * The host part of an `--allow-net` value: IPv6 in brackets, the port only
 * when a fixed one was asked.
 *
 * @param hostname The interface.
 * @param port The port; `0` leaves it out.
 * @returns For example `127.0.0.1:8000`, `[::1]:8000`, `0.0.0.0`.
 */
export function netFlagHost(hostname: string, port: number): string {
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  return port === 0 ? host : `${host}:${port}`;
}

/**
 * Check every permission berth needs for `plan`.
 *
 * @param plan What berth is about to touch.
 * @returns A one-line message naming the flag to add, or `null` when all
 *   are granted.
 */
export async function missingPermission(
  plan: PermissionPlan,
): Promise<string | null> {
  const root = displayPath(plan.root);
  if (!await granted({ name: "read", path: plan.root })) {
    return `no permission to read ${root}; add --allow-read=${root}`;
  }
  for (const { path, what } of plan.tlsFiles) {
    if (!await granted({ name: "read", path })) {
      const shown = displayPath(path);
      return `no permission to read the TLS ${what} ${shown}; add --allow-read=${shown} (or --allow-read=${root},${shown})`;
    }
  }
  if (
    plan.modulesDir !== undefined &&
    !await granted({ name: "read", path: plan.modulesDir })
  ) {
    return `--workers needs read access to berth's modules in ${plan.modulesDir}; add --allow-read=${root},${plan.modulesDir} (or --allow-read)`;
  }
  const listen = plan.listen;
  if (listen.transport === "unix") {
    const path = listen.path;
    const missing: string[] = [];
    if (!await granted({ name: "read", path })) {
      missing.push(`--allow-read=${path}`);
    }
    if (!await granted({ name: "write", path })) {
      missing.push(`--allow-write=${path}`);
    }
    if (!await granted({ name: "net", host: `unix:${path}` })) {
      missing.push(`--allow-net=unix:${path}`);
    }
    if (missing.length > 0) {
      return `no permission to listen on the unix socket ${path}; add ${
        missing.join(" ")
      }`;
    }
    return null;
  }
  const host = netFlagHost(listen.hostname, listen.port);
  const queried = listen.hostname.includes(":")
    ? `[${listen.hostname}]:${listen.port}`
    : `${listen.hostname}:${listen.port}`;
  if (!await granted({ name: "net", host: queried })) {
    return `no permission to listen on ${queried}; add --allow-net=${host}`;
  }
  return null;
}
