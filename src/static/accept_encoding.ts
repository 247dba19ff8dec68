/**
 * `Accept-Encoding` negotiation with q-values (RFC 9110 §12.5.3).
 *
 * @module
 */

/**
 * A content-coding berth can serve: precompressed or compressed on the fly.
 */
export type ContentCoding = "br" | "zstd" | "gzip";

/**
 * Server preference among equally weighted codings: brotli and zstd beat
 * gzip on size.
 */
export const CODING_PREFERENCE: readonly ContentCoding[] = [
  "br",
  "zstd",
  "gzip",
];

const Q_VALUE = /^q=(0(\.\d{0,3})?|1(\.0{0,3})?)$/i;

/**
 * Parse `Accept-Encoding` into a map of lowercase coding → q-value.
 * `x-gzip` counts as `gzip` (RFC 9110 §8.4.1.3). Members with an invalid
 * q-value are dropped.
 *
 * @param header The header value.
 * @returns Each listed coding (and `*`) with its weight, 0–1.
 */
export function parseAcceptEncoding(header: string): Map<string, number> {
  const weights = new Map<string, number>();
  for (const member of header.split(",")) {
    const [name, ...params] = member.split(";");
    let coding = name.trim().toLowerCase();
    if (coding === "") continue;
    if (coding === "x-gzip") coding = "gzip";
    let q = 1;
    let valid = true;
    for (const param of params) {
      const p = param.trim();
      if (p === "") continue;
      const match = Q_VALUE.exec(p);
      if (match) q = Number(p.slice(2));
      else if (/^q=/i.test(p)) valid = false;
    }
    // When a coding is listed twice, keep the higher weight.
    if (valid) weights.set(coding, Math.max(q, weights.get(coding) ?? 0));
  }
  return weights;
}

/**
 * Choose the content-coding to send among those available: the one with the
 * highest q-value above zero, ties broken by {@linkcode CODING_PREFERENCE}.
 * `*` weighs codings not listed by name; `q=0` excludes a coding; an
 * `identity` listed with a higher weight than every coding wins. With no
 * `Accept-Encoding` header, identity is sent (the safe reading for old
 * clients).
 *
 * @param header The `Accept-Encoding` value, or `null` when absent.
 * @param available The codings that could be served for this file.
 * @returns The chosen coding, or `null` for identity.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { negotiateEncoding } from "./accept_encoding.ts";
 *
 * assert.equal(negotiateEncoding("gzip, deflate, br, zstd", ["gzip", "br"]), "br");
 * assert.equal(negotiateEncoding("br;q=0.1, gzip", ["gzip", "br"]), "gzip");
 * assert.equal(negotiateEncoding("br;q=0", ["br"]), null);
 * assert.equal(negotiateEncoding(null, ["gzip"]), null);
 * ```
 */
export function negotiateEncoding(
  header: string | null,
  available: readonly ContentCoding[],
): ContentCoding | null {
  if (header === null || available.length === 0) return null;
  return chooseEncoding(parseAcceptEncoding(header), available);
}

/**
 * {@linkcode negotiateEncoding} on weights already parsed with
 * {@linkcode parseAcceptEncoding}: what lets a caller parse a header once
 * and choose among several sets of codings, or reuse the parse for the next
 * request carrying the same header.
 *
 * @param weights The parsed `Accept-Encoding` of a request that has one.
 * @param available The codings that could be served for this file.
 * @returns The chosen coding, or `null` for identity.
 */
export function chooseEncoding(
  weights: ReadonlyMap<string, number>,
  available: readonly ContentCoding[],
): ContentCoding | null {
  const star = weights.get("*");
  let best: ContentCoding | null = null;
  let bestQ = 0;
  for (const coding of CODING_PREFERENCE) {
    if (!available.includes(coding)) continue;
    const q = weights.get(coding) ?? star ?? 0;
    if (q > bestQ) {
      best = coding;
      bestQ = q;
    }
  }
  // An explicitly preferred identity wins over a lower-weighted coding.
  const identity = weights.get("identity");
  if (identity !== undefined && identity > bestQ) return null;
  return best;
}
