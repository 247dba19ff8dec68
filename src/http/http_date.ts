/**
 * HTTP-dates (RFC 9110 §5.6.7): parsing the three forms a recipient must
 * accept, formatting the IMF-fixdate a sender must use, and the current
 * `Date` header value (RFC 9110 §6.6.1), formatted at most once a second.
 *
 * @module
 */

const MONTHS = [
  "jan",
  "feb",
  "mar",
  "apr",
  "may",
  "jun",
  "jul",
  "aug",
  "sep",
  "oct",
  "nov",
  "dec",
];

// IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
const IMF_FIXDATE =
  /^[A-Za-z]{3}, (\d{2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
// Obsolete RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"
const RFC850_DATE =
  /^[A-Za-z]{6,9}, (\d{2})-([A-Za-z]{3})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
// Obsolete asctime: "Sun Nov  6 08:49:37 1994"
const ASCTIME_DATE =
  /^[A-Za-z]{3} ([A-Za-z]{3}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

/**
 * Parse an HTTP-date in any of the three formats a recipient must accept
 * (RFC 9110 §5.6.7). Anything else — including the many strings
 * `Date.parse` would guess at — is invalid, so a malformed conditional
 * header is ignored rather than misread.
 *
 * @param value The header value, e.g. `"Sun, 06 Nov 1994 08:49:37 GMT"`.
 * @returns Milliseconds since the epoch (a whole second), or `null` when
 * the value is not a valid HTTP-date.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseHttpDate } from "./http_date.ts";
 *
 * assert.equal(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777000);
 * assert.equal(parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"), 784111777000);
 * assert.equal(parseHttpDate("Sun Nov  6 08:49:37 1994"), 784111777000);
 * assert.equal(parseHttpDate("yesterday"), null);
 * ```
 */
export function parseHttpDate(value: string): number | null {
  const text = value.trim();
  let day: number, month: string, year: number;
  let hour: number, minute: number, second: number;
  let m = IMF_FIXDATE.exec(text);
  if (m) {
    [day, month, year] = [Number(m[1]), m[2], Number(m[3])];
    [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6])];
  } else if ((m = RFC850_DATE.exec(text))) {
    [day, month] = [Number(m[1]), m[2]];
    [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6])];
    year = twoDigitYear(Number(m[3]));
  } else if ((m = ASCTIME_DATE.exec(text))) {
    [month, day, year] = [m[1], Number(m[2].trim()), Number(m[6])];
    [hour, minute, second] = [Number(m[3]), Number(m[4]), Number(m[5])];
  } else {
    return null;
  }
  const monthIndex = MONTHS.indexOf(month.toLowerCase());
  // Leap seconds (60) are allowed by the grammar; Date.UTC rolls them over.
  if (
    monthIndex < 0 || day < 1 || day > 31 || hour > 23 || minute > 59 ||
    second > 60
  ) {
    return null;
  }
  const ms = Date.UTC(year, monthIndex, day, hour, minute, second);
  // Reject impossible days such as 31 Feb, which Date.UTC would roll over.
  if (new Date(ms).getUTCDate() !== day && second !== 60) return null;
  return ms;
}

// RFC 9110 §5.6.7: a two-digit year more than 50 years in the future means
// the most recent past year with the same last two digits.
function twoDigitYear(yy: number): number {
  const now = new Date().getUTCFullYear();
  let year = Math.floor(now / 100) * 100 + yy;
  if (year > now + 50) year -= 100;
  return year;
}

/**
 * Format a time as an IMF-fixdate, the form servers must send
 * (RFC 9110 §5.6.7). Milliseconds are dropped.
 *
 * @param ms Milliseconds since the epoch.
 * @returns The date, e.g. `"Sun, 06 Nov 1994 08:49:37 GMT"`.
 */
export function formatHttpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

// The `Date` of the current second: every response within it shares the
// string, so a busy server formats it once a second, not once a response.
let cachedSecond = -1;
let cachedValue = "";

/**
 * The `Date` header value for a time, usually now: an IMF-fixdate cached
 * for the second it names.
 *
 * @param nowMs The time in milliseconds since the epoch.
 * @returns The formatted date; the same string object within one second.
 */
export function httpDate(nowMs: number = Date.now()): string {
  const second = Math.floor(nowMs / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedValue = formatHttpDate(second * 1000);
  }
  return cachedValue;
}
