/**
 * Byte-class lookup tables for HTTP's grammar (the engine's parsers, and any
 * check of a token such as a header name): one `Uint8Array(256)` per grammar
 * rule, so each byte is classified with a single indexed load instead of a
 * chain of comparisons or a regular expression.
 *
 * The tables are shared, module-level constants: read them, never write them.
 *
 * @module
 */

/** A 256-entry table holding `1` for every byte in the inclusive `ranges`. */
function table(ranges: ReadonlyArray<readonly [number, number]>): Uint8Array {
  const t = new Uint8Array(256);
  for (const [from, to] of ranges) t.fill(1, from, to + 1);
  return t;
}

/** Every byte of `chars` as a `[code, code]` range. */
function chars(chars: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars.charCodeAt(i);
    out.push([c, c]);
  }
  return out;
}

/**
 * `tchar` (RFC 9110 §5.6.2): the bytes of a token such as a method or a field
 * name. Non-zero for a tchar; the value is `2` for `A`–`Z` and `1` for every
 * other tchar, so a scanner can OR the entries together to learn both "all
 * bytes valid" and "needs lowercasing" in one pass.
 */
export const TOKEN_BYTES: Uint8Array = (() => {
  const t = table([
    ...chars("!#$%&'*+-.^_`|~"),
    [0x30, 0x39], // DIGIT
    [0x61, 0x7a], // lowercase ALPHA
  ]);
  t.fill(2, 0x41, 0x5b); // uppercase ALPHA
  return t;
})();

/**
 * Non-zero for the bytes allowed inside a field value (RFC 9110 §5.5): HTAB,
 * SP, VCHAR (`0x21`–`0x7E`) and obs-text (`0x80`–`0xFF`). Zero for NUL, the
 * other controls (including CR and LF) and DEL.
 */
export const FIELD_VALUE_BYTES: Uint8Array = table([
  [0x09, 0x09],
  [0x20, 0x7e],
  [0x80, 0xff],
]);

/**
 * Non-zero for the bytes accepted in a request-target: visible ASCII
 * (`0x21`–`0x7E`) except `#`, which only starts a fragment and is never sent
 * (RFC 9112 §3.2), and `\`, which is no URI character. SP, controls, DEL
 * and bytes at or above `0x80` are zero.
 */
export const REQUEST_TARGET_BYTES: Uint8Array = (() => {
  const t = table([[0x21, 0x7e]]);
  t[0x23] = 0;
  // A raw backslash is no URI character (RFC 3986 §2), and the WHATWG URL
  // parser a handler uses turns it into "/" for http URLs: accepting it
  // would make `/a\b` an alias of `/a/b` behind a proxy that filters paths.
  t[0x5c] = 0;
  return t;
})();

/**
 * Non-zero for the bytes of a reg-name or IPv4 address in a `Host` value
 * (RFC 3986 §3.2.2): unreserved, sub-delims and `%` (the caller checks that
 * two hex digits follow it). `:`, `[`, `]`, `@`, `/`, `?`, `#` and
 * whitespace are zero.
 */
export const REG_NAME_BYTES: Uint8Array = table([
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x61, 0x7a],
  ...chars("-._~!$&'()*+,;=%"),
]);

/**
 * Non-zero for hex digits (`0`–`9`, `A`–`F`, `a`–`f`).
 */
export const HEX_BYTES: Uint8Array = table([
  [0x30, 0x39],
  [0x41, 0x46],
  [0x61, 0x66],
]);

/**
 * Whether `byte` is a `tchar` (RFC 9110 §5.6.2), the building block of
 * methods, field names and transfer-coding names.
 *
 * @param byte A byte value, `0`–`255`.
 * @returns `true` for a tchar.
 */
export function isTokenByte(byte: number): boolean {
  // `> 0` rather than `!== 0`: an out-of-range index reads `undefined`.
  return TOKEN_BYTES[byte] > 0;
}

/**
 * Whether `value` is a token (RFC 9110 §5.6.2): one or more tchars, as a
 * method or a field name must be.
 *
 * @param value The string to check.
 * @returns `true` for a non-empty token.
 */
export function isToken(value: string): boolean {
  if (value.length === 0) return false;
  for (let i = 0; i < value.length; i++) {
    // `> 0`: a code unit past 0xff reads `undefined`, which is no tchar.
    if (!(TOKEN_BYTES[value.charCodeAt(i)] > 0)) return false;
  }
  return true;
}
