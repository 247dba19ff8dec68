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
 * import { computeEtag, type EtagAlgorithm } from "./etag.ts";
 *
 * const algorithm: EtagAlgorithm = "SHA-256";
 * assert.match(await computeEtag({ size: 1, mtimeMs: 0 }, null, algorithm), /^"1-[0-9a-f]{16}"$/);
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
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { computeEtag, type EtagSource } from "./etag.ts";
 *
 * const source: EtagSource = { size: 10, mtimeMs: Date.UTC(2024, 0, 1), ino: 7 };
 * assert.ok((await computeEtag(source, null)).startsWith('"a-'));
 * ```
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
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isEtagAlgorithm } from "./etag.ts";
 *
 * assert.equal(isEtagAlgorithm("SHA-256"), true);
 * assert.equal(isEtagAlgorithm("md5"), false);
 * ```
 */
export function isEtagAlgorithm(value: unknown): value is EtagAlgorithm {
  return typeof value === "string" && ALGORITHMS.has(value);
}

// 32-bit FNV-1a over UTF-16 code units; ample to tell versions of one file apart.
function fnv1a(text: string): string {
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
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { computeEtag } from "./etag.ts";
 *
 * const tag = await computeEtag({ size: 26, mtimeMs: 0 }, null, "fnv1a");
 * assert.match(tag, /^"1a-[0-9a-f]{8}"$/);
 * const br = await computeEtag({ size: 26, mtimeMs: 0 }, "br", "fnv1a");
 * assert.equal(br, tag.slice(0, -1) + '-br"');
 * ```
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
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { codedEtag } from "./etag.ts";
 *
 * assert.equal(codedEtag('"1a-abc"', "gzip"), '"1a-abc-gzip"');
 * ```
 */
export function codedEtag(etag: string, coding: string): string {
  return `${etag.slice(0, -1)}-${coding}"`;
}
