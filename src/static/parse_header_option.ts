/**
 * Header fields given as an option: the static handler's `headers` (and
 * `cacheControl`), and the command line's `--header` and `--cache-control`.
 *
 * @module
 */

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Control characters other than horizontal tab: never in a field value.
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;

/**
 * Whether `name` can be a header field name (an RFC 9110 token).
 *
 * @param name The name as given.
 * @returns `true` when it is a token.
 */
export function isHeaderName(name: string): boolean {
  return TOKEN.test(name);
}

/**
 * Whether `value` can be sent as a header field value: no CR, LF, NUL or
 * other control character (a horizontal tab is fine).
 *
 * @param value The value as given.
 * @returns `true` when it is safe to send.
 */
export function isHeaderValue(value: string): boolean {
  return !CONTROL.test(value);
}

/**
 * Parse extra headers given as a record or as `"Name: value"` strings,
 * checking that names are tokens and values carry no CR, LF or NUL.
 *
 * @param headers The option value.
 * @returns Name/value pairs.
 * @throws {TypeError} When a header is malformed.
 */
export function parseHeaderOption(
  headers: Readonly<Record<string, string>> | readonly string[],
): [string, string][] {
  const pairs: [string, string][] = [];
  if (Array.isArray(headers)) {
    for (const line of headers) {
      if (typeof line !== "string" || !line.includes(":")) {
        throw new TypeError('Option "headers" entries must be "Name: value"');
      }
      const colon = line.indexOf(":");
      pairs.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
    }
  } else if (typeof headers === "object" && headers !== null) {
    for (const [name, value] of Object.entries(headers)) {
      if (typeof value !== "string") {
        throw new TypeError(`Header "${name}" must have a string value`);
      }
      pairs.push([name, value.trim()]);
    }
  } else {
    throw new TypeError('Option "headers" must be a record or an array');
  }
  for (const [name, value] of pairs) {
    if (!isHeaderName(name)) {
      throw new TypeError(`Invalid header name "${name}"`);
    }
    if (!isHeaderValue(value)) {
      throw new TypeError(`Invalid value for header "${name}"`);
    }
  }
  return pairs;
}
