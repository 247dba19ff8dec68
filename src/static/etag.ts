/**
 * Strong entity tags derived from file metadata (RFC 9110 §8.8.3).
 *
 * @module
 */

/**
 * How an ETag's opaque part is computed from a file's size and modification
 * time: `"fnv1a"` (fast, synchronous) or a Web Crypto digest name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createStaticHandler } from "@berth/berth";
 *
 * const root = await Deno.makeTempDir();
 * try {
 *   await Deno.writeTextFile(`${root}/a.txt`, "a");
 *   const handler = createStaticHandler({ root, etagAlgorithm: "SHA-256" });
 *   const response = await handler(new Request("http://localhost/a.txt"));
 *   await response.body?.cancel();
 *   // Strong (no `W/`): the size in hex, then 64 bits of the SHA-256 digest.
 *   assert.match(response.headers.get("etag")!, /^"1-[0-9a-f]{16}"$/);
 * } finally {
 *   await Deno.remove(root, { recursive: true });
 * }
 * ```
 */
export type EtagAlgorithm =
  | "fnv1a"
  | "SHA-1"
  | "SHA-256"
  | "SHA-384"
  | "SHA-512";

/**
 * The file facts an ETag is derived from.
 */
export interface EtagSource {
  /** Size in bytes. */
  size: number;
  /** Modification time in ms since the epoch, or `null` when unknown. */
  mtimeMs: number | null;
  /** Inode number when known; a replaced file with equal size and time still gets a new tag. */
  ino?: number | null;
}

const ALGORITHMS = new Set(["fnv1a", "SHA-1", "SHA-256", "SHA-384", "SHA-512"]);

/**
 * Whether a value names a supported {@linkcode EtagAlgorithm}.
 *
 * @param value Any value, typically an option.
 * @returns `true` for `"fnv1a"`, `"SHA-1"`, `"SHA-256"`, `"SHA-384"`, `"SHA-512"`.
 */
export function isEtagAlgorithm(value: unknown): value is EtagAlgorithm {
  return typeof value === "string" && ALGORITHMS.has(value);
}

/**
 * The supported {@linkcode EtagAlgorithm} a name stands for, compared
 * case-insensitively as Web Crypto compares algorithm names.
 *
 * @param name A name such as `"sha-256"`.
 * @returns The algorithm (`"SHA-256"`), or `null` when none is supported by
 *   that name.
 */
export function findEtagAlgorithm(name: string): EtagAlgorithm | null {
  const lower = name.toLowerCase();
  for (const algorithm of ALGORITHMS) {
    if (algorithm.toLowerCase() === lower) return algorithm as EtagAlgorithm;
  }
  return null;
}

/**
 * 32-bit FNV-1a over UTF-16 code units, as 8 hex digits: ample to tell
 * versions of one file (or of one generated text) apart.
 *
 * @param text What to hash.
 * @returns The hash, e.g. `"a5f1fa85"`.
 */
export function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}

/**
 * Compute a strong ETag for a file version. The tag changes whenever the
 * size, modification time or inode changes, and differs per content-coding
 * so a gzip body and the identity body never share a validator
 * (RFC 9110 §8.8.3.3).
 *
 * @param source The file's size, mtime and (optionally) inode.
 * @param coding The content-coding of the body (`"br"`, `"zstd"`, `"gzip"`),
 * or `null` for identity.
 * @param algorithm The hash to use.
 * @returns A quoted strong ETag such as `"1a-3f2c9e10"` or `"1a-3f2c9e10-br"`.
 */
export async function computeEtag(
  source: EtagSource,
  coding: string | null,
  algorithm: EtagAlgorithm = "fnv1a",
): Promise<string> {
  const input = `${source.size}:${source.mtimeMs ?? ""}:${source.ino ?? ""}`;
  let hash: string;
  if (algorithm === "fnv1a") {
    hash = fnv1a(input);
  } else {
    const digest = await crypto.subtle.digest(
      algorithm,
      new TextEncoder().encode(input),
    );
    // 16 hex digits (64 bits) keep the header short and collisions negligible.
    hash = Array.from(
      new Uint8Array(digest, 0, 8),
      (b) => b.toString(16).padStart(2, "0"),
    ).join("");
  }
  return `"${source.size.toString(16)}-${hash}${coding ? `-${coding}` : ""}"`;
}

/**
 * Derive the ETag of a coded variant from the identity ETag, for bodies
 * compressed on the fly from the identity file.
 *
 * @param etag The identity ETag, quoted.
 * @param coding The content-coding, e.g. `"gzip"`.
 * @returns The same tag with `-coding` appended inside the quotes.
 */
export function codedEtag(etag: string, coding: string): string {
  return `${etag.slice(0, -1)}-${coding}"`;
}
