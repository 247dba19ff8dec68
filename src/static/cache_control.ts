/**
 * The default `Cache-Control` policy: content-hashed names are immutable,
 * everything else is revalidated (cheaply, with 304s).
 *
 * @module
 */

/**
 * What a `Cache-Control` policy is told about a file being served.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type CacheControlInfo, defaultCacheControl } from "@berth/berth";
 *
 * // Images for a day; everything else as by default.
 * const policy = (info: CacheControlInfo) =>
 *   info.contentType.startsWith("image/") ? "public, max-age=86400" : defaultCacheControl(info);
 * assert.equal(
 *   policy({ name: "logo.png", contentType: "image/png", hashed: false }),
 *   "public, max-age=86400",
 * );
 * assert.equal(
 *   policy({ name: "app.3f9a1c2e.js", contentType: "text/javascript; charset=utf-8", hashed: true }),
 *   "public, max-age=31536000, immutable",
 * );
 * ```
 */
export interface CacheControlInfo {
  /** The file name (last path segment) of the file served. */
  name: string;
  /** The `Content-Type` that will be sent. */
  contentType: string;
  /**
   * Whether the name carries a content hash, as bundlers emit them
   * (`app.3f9a1c2e.js`, `chunk-5GKVSQ3D.js`, `index-Bx3kP9aQ.js`): its
   * content can never change under that name.
   */
  hashed: boolean;
}

/**
 * A `Cache-Control` policy: a fixed header value for every file, or a
 * function choosing per file (return `null` to send no header).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createStaticHandler } from "@berth/berth";
 *
 * const root = await Deno.makeTempDir();
 * try {
 *   await Deno.writeTextFile(`${root}/report.csv`, "a,b\n");
 *   const handler = createStaticHandler({ root, cacheControl: "private, no-store" });
 *   const response = await handler(new Request("http://localhost/report.csv"));
 *   assert.equal(response.headers.get("cache-control"), "private, no-store");
 *   await response.body?.cancel();
 * } finally {
 *   await Deno.remove(root, { recursive: true });
 * }
 * ```
 */
export type CacheControlPolicy =
  | string
  | ((info: CacheControlInfo) => string | null);

/**
 * For content-hashed names: cache for a year and never revalidate.
 */
export const CACHE_IMMUTABLE = "public, max-age=31536000, immutable";
/**
 * For HTML: caches may store it but must revalidate before each use.
 */
export const CACHE_NO_CACHE = "no-cache";
/**
 * For other files: storable, always revalidated with the ETag.
 */
export const CACHE_REVALIDATE = "public, max-age=0, must-revalidate";

// A `.` or `-` separated token of 8–64 characters before the extension,
// shaped like the hashes bundlers emit: lowercase hex (webpack, parcel:
// `app.3f9a1c2e.js`), uppercase base32 (esbuild: `chunk-5GKVSQ3D.js`) or
// mixed-case base64url (vite: `index-Bx3kP9aQ.js`), always with a digit and
// a letter. Words (`app.settings.js`, `ui-v2beta11.js`) and dates
// (`log.20240101.txt`) stay out: a false positive would pin a mutable file
// in caches for a year, a false negative only costs a revalidation.
const HASHED = /[.-]([A-Za-z0-9_]{8,64})(?:\.min)?\.[A-Za-z0-9]+$/;
const LOWER_HEX = /^[0-9a-f]+$/;
const UPPER_BASE32 = /^[0-9A-Z]+$/;

/**
 * Whether a file name carries a content hash, so its content can never
 * change under that name.
 *
 * @param name A file name such as `app.3f9a1c2e.js`.
 * @returns `true` when a hash-like token precedes the extension.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isHashedFileName } from "./cache_control.ts";
 *
 * assert.equal(isHashedFileName("app.3f9a1c2e.js"), true);
 * assert.equal(isHashedFileName("chunk-5GKVSQ3D.js"), true);
 * assert.equal(isHashedFileName("app.settings.js"), false);
 * assert.equal(isHashedFileName("ui-v2beta11.js"), false);
 * assert.equal(isHashedFileName("index.html"), false);
 * ```
 */
export function isHashedFileName(name: string): boolean {
  const match = HASHED.exec(name);
  if (!match) return false;
  const token = match[1];
  if (!/\d/.test(token) || !/[A-Za-z]/.test(token)) return false;
  return LOWER_HEX.test(token) || UPPER_BASE32.test(token) ||
    (/[a-z]/.test(token) && /[A-Z]/.test(token));
}

/**
 * The default policy: `public, max-age=31536000, immutable` for hashed
 * names, `no-cache` for HTML, `public, max-age=0, must-revalidate` for the
 * rest.
 *
 * @param info The file being served.
 * @returns The `Cache-Control` value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultCacheControl } from "@berth/berth";
 *
 * assert.equal(
 *   defaultCacheControl({ name: "index.html", contentType: "text/html; charset=utf-8", hashed: false }),
 *   "no-cache",
 * );
 * ```
 */
export function defaultCacheControl(info: CacheControlInfo): string {
  if (info.hashed) return CACHE_IMMUTABLE;
  if (info.contentType.startsWith("text/html")) return CACHE_NO_CACHE;
  return CACHE_REVALIDATE;
}

/**
 * Apply a policy to a file.
 *
 * @param policy A fixed value, a function, or `undefined` for the default.
 * @param name The file name served.
 * @param contentType The `Content-Type` that will be sent.
 * @returns The header value, or `null` to send none.
 */
export function cacheControlFor(
  policy: CacheControlPolicy | undefined,
  name: string,
  contentType: string,
): string | null {
  if (typeof policy === "string") return policy;
  const info = { name, contentType, hashed: isHashedFileName(name) };
  return policy ? policy(info) : defaultCacheControl(info);
}

/**
 * A policy applied once per file: the value chosen for a cache entry is
 * remembered for that entry (weakly: it goes when the entry does), so a
 * policy function runs once per entry — which outlives every revalidation
 * that finds its file unchanged — not once per request. A fixed value is
 * simply returned.
 */
export class CacheControlMemo {
  readonly #policy: CacheControlPolicy | undefined;
  readonly #chosen = new WeakMap<object, string | null>();

  /**
   * @param policy A fixed value, a function, or `undefined` for the default.
   */
  constructor(policy: CacheControlPolicy | undefined) {
    this.#policy = policy;
  }

  /**
   * The `Cache-Control` value for a file, chosen on its first use.
   *
   * @param file The file served (a cache entry: its identity is the key).
   * @returns The header value, or `null` to send none.
   */
  valueFor(
    file: { readonly name: string; readonly contentType: string },
  ): string | null {
    const policy = this.#policy;
    if (typeof policy === "string") return policy;
    let value = this.#chosen.get(file);
    if (value === undefined) {
      value = cacheControlFor(policy, file.name, file.contentType);
      this.#chosen.set(file, value);
    }
    return value;
  }
}
