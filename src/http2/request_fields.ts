/**
 * Pure: a decoded request field list → the request it describes, or why it
 * is refused. The rules the HPACK codec does not check (RFC 9113 §8.2,
 * §8.3): field names lowercase tokens, values without CR, LF, NUL or
 * surrounding whitespace, no connection-specific fields, `te` only
 * `trailers`, the pseudo-header fields present, known, unrepeated and
 * first; cookie crumbs joined (§8.2.3); `expect` only `100-continue`
 * (RFC 9110 §10.1.1).
 *
 * A refusal is either malformed (§8.1.1: a stream error of type
 * PROTOCOL_ERROR) or a status to answer with, as the HTTP/1.1 engine
 * answers the same fault (414 for a long path).
 *
 * @module
 */

import { HOP_BY_HOP_FIELDS } from "../http/engine_fields.ts";
import {
  FIELD_VALUE_BYTES,
  HEX_BYTES,
  isToken,
  REG_NAME_BYTES,
  REQUEST_TARGET_BYTES,
  TOKEN_BYTES,
} from "../http/token_chars.ts";

/** A request whose fields passed every check. */
export interface Http2RequestHead {
  /** Tells a request from a refusal. */
  kind: "request";
  /** `:method`, case-sensitive as sent. */
  method: string;
  /** `:path` (origin-form, or `*` for OPTIONS); `""` for CONNECT. */
  path: string;
  /** `:authority`, else `host`, else `""`. */
  authority: string;
  /** `:scheme`, `http` or `https`; `""` for CONNECT. */
  scheme: string;
  /** Regular field names, in order, the cookie crumbs joined into one. */
  headerNames: string[];
  /** Their values. */
  headerValues: string[];
  /** `content-length`, or `-1` when not sent. */
  contentLength: number;
  /** The client sent `expect: 100-continue` and waits for a 100 before its body. */
  expectContinue: boolean;
}

/** Why a request's fields were refused. */
export interface RefusedFields {
  /** Tells a refusal from a request. */
  kind: "refused";
  /**
   * The status to answer, or `0` when the request is malformed: a stream
   * error of type PROTOCOL_ERROR (§8.1.1).
   */
  status: number;
  /** A short, stable reason. */
  reason: string;
}

/** The limits the checks apply. */
export interface RequestFieldLimits {
  /** The longest `:path` accepted, in bytes; longer → 414. */
  maxRequestTargetBytes: number;
}

/** Optional whitespace (RFC 9110 §5.6.3) around a list member. */
const OWS_AT_ENDS = /^[ \t]+|[ \t]+$/g;
/** The pseudo-header fields of a request (§8.3.1), by their slot. */
const METHOD = 0;
const SCHEME = 1;
const AUTHORITY = 2;
const PATH = 3;
const COLON = 0x3a;
const SLASH = 0x2f;

/** A pseudo-header field's slot, or -1 for a name §8.3.1 does not define. */
function pseudoSlot(name: string): number {
  switch (name) {
    case ":method":
      return METHOD;
    case ":scheme":
      return SCHEME;
    case ":authority":
      return AUTHORITY;
    case ":path":
      return PATH;
  }
  return -1;
}

/** The regular fields of a request, as they are collected. */
interface Fields {
  names: string[];
  values: string[];
  host: string | null;
  contentLength: number;
  expectContinue: boolean;
}

/**
 * Check a decoded request field list and build the request it describes.
 *
 * @param names Field names as decoded, in order.
 * @param values Their values.
 * @param limits The path limit.
 * @returns The request, or why it is refused.
 */
export function checkRequestFields(
  names: readonly string[],
  values: readonly string[],
  limits: RequestFieldLimits,
): Http2RequestHead | RefusedFields {
  // By slot; no Map per request.
  const pseudo: (string | undefined)[] = [
    undefined,
    undefined,
    undefined,
    undefined,
  ];
  let pseudoCount = 0;
  const fields: Fields = {
    names: [],
    values: [],
    host: null,
    contentLength: -1,
    expectContinue: false,
  };
  let cookie: string | null = null;
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    const value = values[i];
    if (name.charCodeAt(0) === COLON) {
      // §8.3: pseudo-header fields come first, once each, and only these.
      if (i > pseudoCount) {
        return malformed("Pseudo-header field after a regular field");
      }
      const slot = pseudoSlot(name);
      if (slot < 0) return malformed("Unknown pseudo-header field");
      if (pseudo[slot] !== undefined) {
        return malformed("Repeated pseudo-header field");
      }
      if (!isValidValue(value)) return malformed("Invalid field value");
      pseudo[slot] = value;
      pseudoCount++;
      continue;
    }
    const fault = regularFieldFault(name, value);
    if (fault !== null) return malformed(fault);
    if (name === "cookie") {
      // §8.2.3: crumbs sent as separate fields become one field again.
      cookie = cookie === null ? value : cookie + "; " + value;
      continue;
    }
    const refused = takeRegular(fields, name, value);
    if (refused !== null) return refused;
  }
  if (cookie !== null) {
    fields.names.push("cookie");
    fields.values.push(cookie);
  }
  return buildHead(pseudo, fields, limits);
}

/**
 * Check a trailer section (§8.1): regular fields only, under the same
 * rules; their content is then dropped, as the HTTP/1.1 engine drops
 * chunked trailers (a `Request` has no place for them).
 *
 * @param names Field names as decoded.
 * @param values Their values.
 * @returns `null`, or the reason the trailers are malformed.
 */
export function checkTrailerFields(
  names: readonly string[],
  values: readonly string[],
): string | null {
  for (let i = 0; i < names.length; i++) {
    if (names[i].charCodeAt(0) === COLON) {
      return "Pseudo-header field in trailers";
    }
    const fault = regularFieldFault(names[i], values[i]);
    if (fault !== null) return fault;
  }
  return null;
}

/**
 * Note one regular field; `host`, `content-length` and `expect` are
 * checked too.
 */
function takeRegular(
  fields: Fields,
  name: string,
  value: string,
): RefusedFields | null {
  if (name === "host") {
    if (fields.host !== null) return malformed("Repeated host");
    fields.host = value;
  } else if (name === "content-length") {
    // RFC 9110 §8.6: digits only; a repeat must say the same.
    const length = /^\d{1,15}$/.test(value) ? Number(value) : -1;
    if (
      length < 0 ||
      (fields.contentLength >= 0 && length !== fields.contentLength)
    ) {
      return malformed("Invalid content-length");
    }
    fields.contentLength = length;
  } else if (name === "expect") {
    // RFC 9110 §10.1.1: 100-continue is the only expectation defined; the
    // HTTP/1.1 engine answers any other 417, and so does this one.
    for (const member of value.split(",")) {
      const word = member.replace(OWS_AT_ENDS, "").toLowerCase();
      if (word === "") continue;
      if (word !== "100-continue") {
        return {
          kind: "refused",
          status: 417,
          reason: "Unsupported expectation",
        };
      }
      fields.expectContinue = true;
    }
  }
  fields.names.push(name);
  fields.values.push(value);
  return null;
}

/** The request from its pseudo-header fields and regular fields. */
function buildHead(
  pseudo: readonly (string | undefined)[],
  fields: Fields,
  limits: RequestFieldLimits,
): Http2RequestHead | RefusedFields {
  const method = pseudo[METHOD];
  if (method === undefined) return malformed("Missing :method");
  if (!isToken(method)) return malformed("Invalid :method");
  const sentAuthority = pseudo[AUTHORITY];
  const authority = sentAuthority ?? fields.host ?? "";
  if (sentAuthority !== undefined || fields.host !== null) {
    if (!isValidAuthorityMemo(authority)) {
      return malformed("Invalid :authority");
    }
  }
  // §8.3.1: a host that names another entity than :authority is malformed.
  if (
    fields.host !== null && sentAuthority !== undefined &&
    fields.host.toLowerCase() !== authority.toLowerCase()
  ) {
    return malformed("host differs from :authority");
  }
  const path = pseudo[PATH];
  const scheme = pseudo[SCHEME];
  const head: Http2RequestHead = {
    kind: "request",
    method,
    path: path ?? "",
    authority,
    scheme: scheme ?? "",
    headerNames: fields.names,
    headerValues: fields.values,
    contentLength: fields.contentLength,
    expectContinue: fields.expectContinue,
  };
  if (method === "CONNECT") {
    // §8.5: CONNECT names only an authority.
    if (path !== undefined || scheme !== undefined || authority === "") {
      return malformed("Invalid CONNECT pseudo-header fields");
    }
    return head;
  }
  if (path === undefined || scheme === undefined) {
    return malformed("Missing :path or :scheme");
  }
  if (path.length > limits.maxRequestTargetBytes) {
    return { kind: "refused", status: 414, reason: "Request-target too long" };
  }
  // §8.3.1: a path is non-empty; "*" only for OPTIONS (RFC 9110 §9.3.7).
  if (
    path === "*" ? method !== "OPTIONS" : !isValidPath(path)
  ) return malformed("Invalid :path");
  if (scheme !== "http" && scheme !== "https") {
    return { kind: "refused", status: 400, reason: "Unsupported :scheme" };
  }
  return head;
}

/** Why a regular field is not allowed, or `null`. */
function regularFieldFault(name: string, value: string): string | null {
  if (name.length === 0) return "Invalid field name";
  for (let i = 0; i < name.length; i++) {
    // 1 is a lowercase tchar; 2 is A–Z (§8.2.1); 0 or undefined is no tchar.
    const kind = TOKEN_BYTES[name.charCodeAt(i)];
    if (kind !== 1) {
      return kind === 2 ? "Uppercase field name" : "Invalid field name";
    }
  }
  if (!isValidValue(value)) return "Invalid field value";
  // §8.2.2: HTTP/2 carries no connection-specific fields, and `te` only
  // as "trailers".
  if (HOP_BY_HOP_FIELDS.has(name)) return "Connection-specific field";
  if (name === "te" && value.toLowerCase() !== "trailers") {
    return "te other than trailers";
  }
  return null;
}

/**
 * §8.2.1: no NUL, CR or LF, no whitespace at either end; and, as the
 * HTTP/1.1 engine holds, no other control byte (RFC 9110 §5.5).
 */
function isValidValue(value: string): boolean {
  const last = value.length - 1;
  if (last < 0) return true;
  const first = value.charCodeAt(0);
  const end = value.charCodeAt(last);
  if (first === 0x20 || first === 0x09 || end === 0x20 || end === 0x09) {
    return false;
  }
  for (let i = 0; i <= last; i++) {
    if (FIELD_VALUE_BYTES[value.charCodeAt(i)] !== 1) return false;
  }
  return true;
}

/** An origin-form path: "/" then request-target bytes (no "#", no "\"). */
function isValidPath(path: string): boolean {
  if (path.charCodeAt(0) !== SLASH) return false;
  for (let i = 1; i < path.length; i++) {
    if (REQUEST_TARGET_BYTES[path.charCodeAt(i)] !== 1) return false;
  }
  return true;
}

/**
 * The last authority found valid. A client names the same authority on
 * every request of a connection: one slot (one string, no longer than a
 * field list may be) spares checking it again and again.
 */
let lastValidAuthority: string | null = null;

/** {@linkcode isValidAuthority}, remembering the last valid one. */
function isValidAuthorityMemo(authority: string): boolean {
  if (authority === lastValidAuthority) return true;
  if (!isValidAuthority(authority)) return false;
  lastValidAuthority = authority;
  return true;
}

/**
 * `uri-host [ ":" port ]` (RFC 3986 §3.2.2), without the userinfo §8.3.1
 * forbids: a bracketed IP literal or a reg-name, and at most 5 port digits.
 */
function isValidAuthority(authority: string): boolean {
  let i = 0;
  const end = authority.length;
  if (authority.charCodeAt(0) === 0x5b) { // "["
    i = authority.indexOf("]");
    if (i < 2 || !/^[0-9a-fA-F:.]+$/.test(authority.slice(1, i))) return false;
    i++;
  } else {
    while (i < end) {
      const code = authority.charCodeAt(i);
      if (REG_NAME_BYTES[code] !== 1) break;
      if (code === 0x25) { // "%" and two hex digits
        if (
          HEX_BYTES[authority.charCodeAt(i + 1)] !== 1 ||
          HEX_BYTES[authority.charCodeAt(i + 2)] !== 1
        ) return false;
        i += 2;
      }
      i++;
    }
    if (i === 0) return false;
  }
  if (i === end) return true;
  return authority.charCodeAt(i) === COLON &&
    /^\d{0,5}$/.test(authority.slice(i + 1));
}

function malformed(reason: string): RefusedFields {
  return { kind: "refused", status: 0, reason };
}
