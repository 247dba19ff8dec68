/**
 * HPACK's static table (RFC 7541 §2.3.1, Appendix A): 61 fixed entries,
 * addressed by indexes 1–61, and the lookups an encoder needs.
 *
 * @module
 */

/** How many entries the static table holds; dynamic indexes start after. */
export const STATIC_TABLE_LENGTH = 61;

// RFC 7541 Appendix A, in index order: entry i + 1 is [name, value].
// deno-fmt-ignore
const ENTRIES: readonly (readonly [string, string])[] = [
  [":authority", ""], [":method", "GET"], [":method", "POST"],
  [":path", "/"], [":path", "/index.html"], [":scheme", "http"],
  [":scheme", "https"], [":status", "200"], [":status", "204"],
  [":status", "206"], [":status", "304"], [":status", "400"],
  [":status", "404"], [":status", "500"], ["accept-charset", ""],
  ["accept-encoding", "gzip, deflate"], ["accept-language", ""],
  ["accept-ranges", ""], ["accept", ""], ["access-control-allow-origin", ""],
  ["age", ""], ["allow", ""], ["authorization", ""], ["cache-control", ""],
  ["content-disposition", ""], ["content-encoding", ""],
  ["content-language", ""], ["content-length", ""], ["content-location", ""],
  ["content-range", ""], ["content-type", ""], ["cookie", ""], ["date", ""],
  ["etag", ""], ["expect", ""], ["expires", ""], ["from", ""], ["host", ""],
  ["if-match", ""], ["if-modified-since", ""], ["if-none-match", ""],
  ["if-range", ""], ["if-unmodified-since", ""], ["last-modified", ""],
  ["link", ""], ["location", ""], ["max-forwards", ""],
  ["proxy-authenticate", ""], ["proxy-authorization", ""], ["range", ""],
  ["referer", ""], ["refresh", ""], ["retry-after", ""], ["server", ""],
  ["set-cookie", ""], ["strict-transport-security", ""],
  ["transfer-encoding", ""], ["user-agent", ""], ["vary", ""], ["via", ""],
  ["www-authenticate", ""],
];

/** Static entry names; `STATIC_NAMES[i - 1]` is the name of index `i`. */
export const STATIC_NAMES: readonly string[] = ENTRIES.map(([name]) => name);

/** Static entry values; `STATIC_VALUES[i - 1]` is the value of index `i`. */
export const STATIC_VALUES: readonly string[] = ENTRIES.map(([, v]) => v);

const nameIndex = new Map<string, number>();
const fieldIndex = new Map<string, Map<string, number>>();
for (let i = ENTRIES.length - 1; i >= 0; i--) {
  // Walked backwards so that the lowest index of a name wins.
  const [name, value] = ENTRIES[i];
  nameIndex.set(name, i + 1);
  let values = fieldIndex.get(name);
  if (values === undefined) fieldIndex.set(name, values = new Map());
  values.set(value, i + 1);
}

/**
 * The lowest static index whose name is `name`.
 *
 * @param name A lowercase field name.
 * @returns Its index (1–61), or `0` when no static entry has that name.
 */
export function staticNameIndex(name: string): number {
  return nameIndex.get(name) ?? 0;
}

/**
 * The static index of the entry `name: value`, if the table holds it.
 *
 * @param name A lowercase field name.
 * @param value The field value.
 * @returns Its index (1–61), or `0` when no static entry matches both.
 */
export function staticFieldIndex(name: string, value: string): number {
  return fieldIndex.get(name)?.get(value) ?? 0;
}
