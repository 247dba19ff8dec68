/**
 * The `Date` header value (RFC 9110 §6.6.1, §5.6.7 IMF-fixdate), formatted at
 * most once a second.
 *
 * @module
 */

let cachedSecond = -1;
let cachedValue = "";

/**
 * The current time as an IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
 *
 * @param nowMs The time in milliseconds since the epoch.
 * @returns The formatted date; the same string object within one second.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { httpDate } from "./http_date.ts";
 * assert.equal(httpDate(784111777000), "Sun, 06 Nov 1994 08:49:37 GMT");
 * ```
 */
export function httpDate(nowMs: number = Date.now()): string {
  const second = Math.floor(nowMs / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedValue = new Date(second * 1000).toUTCString();
  }
  return cachedValue;
}
