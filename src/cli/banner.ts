/**
 * The start-up banner. Its first line, `Listening on <url> — serving <root>`,
 * is for scripts as much as for people: it is never colored off a terminal
 * and its URL is the first whitespace-free word after `Listening on`.
 *
 * @module
 */

import { isAbsolute } from "node:path";
import { listenUrl } from "../serve.ts";

/** What the banner describes. */
export interface BannerInfo {
  /** The address listened on (the real port when 0 was asked). */
  addr: Deno.Addr;
  /** Whether it speaks TLS. */
  secure: boolean;
  /** Whether TLS offers HTTP/2 (`h2`) beside HTTP/1.1. */
  http2?: boolean;
  /** The folder served, as given. */
  root: string;
  /** How many worker threads serve (1: the main thread). */
  workers: number;
  /**
   * Addresses of this machine's interfaces, for the network URLs when bound
   * to every interface; `null` when unknown (no `--allow-sys`).
   */
  interfaces: Deno.NetworkInterfaceInfo[] | null;
  /** ANSI colors (only on a terminal, and not with `NO_COLOR`). */
  color: boolean;
  /** Whether responses say why they are what they are (`--explain`). */
  explain?: boolean;
  /** Whether pages reload when files change (`--live-reload`). */
  liveReload?: boolean;
}

/**
 * What the banner says when `--explain` is on: the words tell any client
 * how the site is laid out, so it is a tool for development.
 */
export const EXPLAIN_WARNING =
  "Warning: --explain tells every client why each answer is what it is " +
  "(Berth-Explain), and so how the site is laid out: for development only";

/**
 * What the banner says when `--live-reload` is on: pages are changed on
 * the way out, which no deployment wants.
 */
export const LIVE_RELOAD_WARNING =
  "Warning: --live-reload adds a script to every HTML page and reloads " +
  "open pages when a file changes: for development only";

/**
 * A path for messages: relative paths get a leading `./`, so `static` reads
 * as `./static`.
 *
 * @param path A path as given on the command line.
 * @returns The path to show.
 */
export function displayPath(path: string): string {
  if (
    isAbsolute(path) || path === "." || path === ".." ||
    path.startsWith("./") || path.startsWith("../")
  ) {
    return path;
  }
  return `./${path}`;
}

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "::1" ||
    hostname.startsWith("127.");
}

function isWildcard(hostname: string): boolean {
  return hostname === "0.0.0.0" || hostname === "::";
}

/**
 * The banner's lines.
 *
 * @param info What to describe.
 * @returns The lines, first the machine-readable one.
 */
export function bannerLines(info: BannerInfo): string[] {
  const bold = (text: string) => info.color ? `\x1b[1m${text}\x1b[22m` : text;
  const cyan = (text: string) => info.color ? `\x1b[36m${text}\x1b[39m` : text;
  const dim = (text: string) => info.color ? `\x1b[2m${text}\x1b[22m` : text;
  const yellow = (text: string) =>
    info.color ? `\x1b[33m${text}\x1b[39m` : text;

  const url = listenUrl(info.addr, info.secure);
  const lines = [
    `Listening on ${bold(cyan(url))} — serving ${displayPath(info.root)}`,
  ];
  if (info.secure && info.http2) {
    lines.push("  h2 and http/1.1, as each client chooses (ALPN)");
  }
  if (info.workers > 1) {
    lines.push(`  ${info.workers} worker threads share the port`);
  }
  if (info.explain) lines.push(`  ${yellow(EXPLAIN_WARNING)}`);
  if (info.liveReload) lines.push(`  ${yellow(LIVE_RELOAD_WARNING)}`);
  if (info.addr.transport !== "tcp") return lines;
  const { hostname, port } = info.addr;
  if (isLoopback(hostname)) {
    lines.push(dim("  Use --host 0.0.0.0 to expose on the network"));
  } else if (isWildcard(hostname)) {
    if (info.interfaces === null) {
      lines.push(dim(`  --host ${hostname} listens on every interface`));
    } else {
      for (const iface of info.interfaces) {
        if (hostname === "0.0.0.0" && iface.family !== "IPv4") continue;
        if (iface.family === "IPv6" && iface.address.startsWith("fe80:")) {
          continue; // link-local: useless in a URL without a zone
        }
        const addr: Deno.NetAddr = {
          transport: "tcp",
          hostname: iface.address,
          port,
        };
        lines.push(`  Network: ${cyan(listenUrl(addr, info.secure))}`);
      }
    }
  }
  return lines;
}

/**
 * This machine's interface addresses when `--allow-sys` grants them, else
 * `null` (quietly: the banner then says the server listens everywhere).
 *
 * @returns The interfaces, or `null`.
 */
export function networkInterfaces(): Deno.NetworkInterfaceInfo[] | null {
  try {
    const { state } = Deno.permissions.querySync({
      name: "sys",
      kind: "networkInterfaces",
    });
    if (state !== "granted") return null;
    return Deno.networkInterfaces();
  } catch {
    return null;
  }
}

/**
 * Whether stdout gets ANSI colors: a terminal, and no `NO_COLOR`.
 *
 * @returns `true` to color.
 */
export function useColor(): boolean {
  if (Deno.noColor) return false;
  try {
    return Deno.stdout.isTerminal();
  } catch {
    return false;
  }
}
