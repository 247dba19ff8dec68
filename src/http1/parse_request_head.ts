/**
 * The strict HTTP/1.1 request-head parser (RFC 9112 §2–§7, RFC 9110): one
 * pass over the bytes of a complete head, returning either the parsed
 * {@link RequestHead} or a {@link RequestParseError} carrying the status to
 * answer. It never throws for bad input, allocates little beyond the strings
 * it returns, and interns the common methods and field names.
 *
 * @module
 */

import {
  type RequestHead,
  type RequestHeadLimits,
  RequestParseError,
} from "./request_head.ts";
import {
  FIELD_VALUE_BYTES,
  HEX_BYTES,
  REG_NAME_BYTES,
  REQUEST_TARGET_BYTES,
  TOKEN_BYTES,
} from "../http/token_chars.ts";

const HTAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const PERCENT = 0x25;
const STAR = 0x2a;
const COMMA = 0x2c;
const DOT = 0x2e;
const SLASH = 0x2f;
const ZERO = 0x30;
const COLON = 0x3a;
const SEMICOLON = 0x3b;
const QUESTION = 0x3f;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

/** ASCII case-folding mask: sets bit 5, turning `A`–`Z` into `a`–`z`. */
const FOLD = 0x20;

/** The `TOKEN_BYTES` class of `A`–`Z`: a name holding one needs lowercasing. */
const UPPERCASE_TCHAR = 2;

/** The most significant digits a Content-Length may have (< 2^53). */
const MAX_CONTENT_LENGTH_DIGITS = 15;

/** Field names the parser acts on; every other name is `OTHER`. */
const OTHER = 0;
const HOST = 1;
const CONTENT_LENGTH = 2;
const TRANSFER_ENCODING = 3;
const CONNECTION = 4;
const EXPECT = 5;

/** An interned string with its bytes (lowercase for field names). */
interface Interned {
  readonly bytes: Uint8Array;
  readonly text: string;
  readonly kind: number;
}

/** Interned strings bucketed by byte length, for a length-first lookup. */
type InternIndex = ReadonlyArray<ReadonlyArray<Interned>>;

function buildIndex(
  entries: ReadonlyArray<readonly [string, number]>,
): InternIndex {
  const index: Interned[][] = [];
  for (const [text, kind] of entries) {
    while (index.length <= text.length) index.push([]);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    index[text.length].push({ bytes, text, kind });
  }
  return index;
}

// Methods are case-sensitive (RFC 9110 §9.1): matched exactly, never folded.
const METHODS = buildIndex([
  ["GET", OTHER],
  ["HEAD", OTHER],
  ["POST", OTHER],
  ["PUT", OTHER],
  ["DELETE", OTHER],
  ["OPTIONS", OTHER],
  ["PATCH", OTHER],
  ["CONNECT", OTHER],
  ["TRACE", OTHER],
]);

// Lowercase. Each length bucket is searched linearly, so within one length
// the more frequent name comes first (accept before expect, and so on).
const FIELD_NAMES = buildIndex([
  ["host", HOST],
  ["user-agent", OTHER],
  ["accept", OTHER],
  ["accept-encoding", OTHER],
  ["accept-language", OTHER],
  ["connection", CONNECTION],
  ["cookie", OTHER],
  ["referer", OTHER],
  ["origin", OTHER],
  ["cache-control", OTHER],
  ["if-none-match", OTHER],
  ["if-modified-since", OTHER],
  ["range", OTHER],
  ["if-range", OTHER],
  ["if-match", OTHER],
  ["upgrade-insecure-requests", OTHER],
  ["sec-fetch-site", OTHER],
  ["sec-fetch-mode", OTHER],
  ["sec-fetch-dest", OTHER],
  ["sec-fetch-user", OTHER],
  ["content-length", CONTENT_LENGTH],
  ["content-type", OTHER],
  ["sec-ch-ua", OTHER],
  ["sec-ch-ua-mobile", OTHER],
  ["sec-ch-ua-platform", OTHER],
  ["priority", OTHER],
  ["pragma", OTHER],
  ["authorization", OTHER],
  ["transfer-encoding", TRANSFER_ENCODING],
  ["expect", EXPECT],
  ["upgrade", OTHER],
  ["keep-alive", OTHER],
  ["dnt", OTHER],
  ["te", OTHER],
  ["x-forwarded-for", OTHER],
  ["x-requested-with", OTHER],
]);

/**
 * Find `bytes[start..end)` among the interned strings. `fold` is `FOLD` for a
 * case-insensitive match against lowercase entries, `0` for an exact one.
 * Folding is only sound because callers pass bytes already checked to be
 * tchars: no tchar other than a letter maps onto a letter, `-` or a digit.
 */
function findInterned(
  index: InternIndex,
  bytes: Uint8Array,
  start: number,
  end: number,
  fold: number,
): Interned | undefined {
  const length = end - start;
  if (length >= index.length) return undefined;
  const bucket = index[length];
  next: for (let k = 0; k < bucket.length; k++) {
    const want = bucket[k].bytes;
    // Backwards: names sharing a prefix (accept-*, sec-fetch-*) differ last.
    for (let j = length - 1; j >= 0; j--) {
      if ((bytes[start + j] | fold) !== want[j]) continue next;
    }
    return bucket[k];
  }
  return undefined;
}

const fromCharCode = String.fromCharCode;

/** Longest string built by concatenating 16-byte pieces; longer uses apply. */
const MAX_PIECEWISE = 512;

/** Most bytes passed to one `fromCharCode.apply`, far below engine limits. */
const APPLY_CHUNK = 4096;

/**
 * Decode `bytes[start..end)` as latin1 (ISO-8859-1: byte n → U+00nn). Not
 * `TextDecoder("latin1")`, which is windows-1252 and remaps 0x80–0x9F.
 *
 * Measured on Deno 2.9: fixed-arity `fromCharCode` calls cost about half of
 * `fromCharCode.apply(null, subarray)` per byte, and a single call for the
 * last 0–15 bytes keeps short names and values flat (one allocation).
 */
function latin1(b: Uint8Array, start: number, end: number): string {
  if (end - start > MAX_PIECEWISE) return latin1Apply(b, start, end);
  let out = "";
  let i = start;
  for (; i + 16 <= end; i += 16) {
    // deno-fmt-ignore
    out += fromCharCode(
      b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5],
      b[i + 6], b[i + 7], b[i + 8], b[i + 9], b[i + 10], b[i + 11],
      b[i + 12], b[i + 13], b[i + 14], b[i + 15],
    );
  }
  return i === end ? out : out + latin1Short(b, i, end - i);
}

/** Decode 1–15 bytes at `b[s]` with one fixed-arity call. */
// deno-fmt-ignore
function latin1Short(b: Uint8Array, s: number, length: number): string {
  switch (length) {
    case 1: return fromCharCode(b[s]);
    case 2: return fromCharCode(b[s], b[s + 1]);
    case 3: return fromCharCode(b[s], b[s + 1], b[s + 2]);
    case 4: return fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3]);
    case 5: return fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4]);
    case 6: return fromCharCode(
      b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5],
    );
    case 7: return fromCharCode(
      b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5],
      b[s + 6],
    );
    case 8: return fromCharCode(
      b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5],
      b[s + 6], b[s + 7],
    );
    case 9: return fromCharCode(
      b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5],
      b[s + 6], b[s + 7], b[s + 8],
    );
    case 10: return fromCharCode(
      b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5],
      b[s + 6], b[s + 7], b[s + 8], b[s + 9],
    );
    case 11: return fromCharCode(
      b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5],
      b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10],
    );
    case 12: return fromCharCode(
      b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5],
      b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11],
    );
    case 13: return fromCharCode(
      b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5],
      b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11],
      b[s + 12],
    );
    case 14: return fromCharCode(
      b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5],
      b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11],
      b[s + 12], b[s + 13],
    );
    case 15: return fromCharCode(
      b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5],
      b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11],
      b[s + 12], b[s + 13], b[s + 14],
    );
  }
  return "";
}

/** Decode a long run as flat strings of `APPLY_CHUNK` bytes. */
function latin1Apply(b: Uint8Array, start: number, end: number): string {
  let out = "";
  for (let i = start; i < end; i += APPLY_CHUNK) {
    const chunk = b.subarray(i, Math.min(i + APPLY_CHUNK, end));
    out += fromCharCode.apply(null, chunk as unknown as number[]);
  }
  return out;
}

/**
 * `text` when it spells `bytes[start..end)` (latin1), else `undefined`: a
 * string the connection's previous request already made is used again
 * rather than made anew (strings are immutable, so sharing one is safe).
 */
function sameText(
  text: string | undefined,
  bytes: Uint8Array,
  start: number,
  end: number,
): string | undefined {
  if (text === undefined || text.length !== end - start) return undefined;
  for (let i = start; i < end; i++) {
    if (text.charCodeAt(i - start) !== bytes[i]) return undefined;
  }
  return text;
}

/**
 * Field names and values as a head is parsed, copied out at its end into
 * arrays of the exact length: an array grown by `push` from empty holds
 * room for 17 (V8), several times what one or a few fields need. Parsing
 * is synchronous, so one pair serves every head; emptied after each head
 * (see {@linkcode clearScratch}), so they keep no request's strings alive.
 */
const scratchNames: string[] = [];
const scratchValues: string[] = [];

/** Empty the first `count` scratch entries (at most `maxHeaderCount`). */
function clearScratch(count: number): void {
  for (let k = 0; k < count; k++) scratchNames[k] = scratchValues[k] = "";
}

function isDigit(byte: number): boolean {
  return byte >= ZERO && byte <= 0x39;
}

function isOws(byte: number): boolean {
  return byte === SP || byte === HTAB;
}

/**
 * The error for a scan that stopped at `bytes[at]`: a bare LF or bare CR is
 * named as such (RFC 9112 §2.2), anything else gets `reason`.
 */
function stopError(
  bytes: Uint8Array,
  at: number,
  reason: string,
): RequestParseError {
  const byte = bytes[at];
  if (byte === LF) return new RequestParseError(400, "Bare LF");
  if (byte === CR && bytes[at + 1] !== LF) {
    return new RequestParseError(400, "Bare CR");
  }
  return new RequestParseError(400, reason);
}

/** Explain why a field line did not yield `1*tchar ":"` at `bytes[at]`. */
function fieldNameError(
  bytes: Uint8Array,
  lineStart: number,
  at: number,
): RequestParseError {
  let byte = bytes[at];
  if (at === lineStart) {
    // RFC 9112 §5.2: obs-fold is rejected with 400 in requests.
    if (isOws(byte)) return new RequestParseError(400, "Obsolete line folding");
    if (byte === COLON) return new RequestParseError(400, "Empty header name");
  }
  if (byte === LF || byte === CR) return stopError(bytes, at, "Missing colon");
  if (isOws(byte)) {
    // RFC 9112 §5.1: no whitespace between field name and colon (smuggling).
    let i = at;
    while (isOws(bytes[i])) i++;
    if (bytes[i] === COLON) {
      return new RequestParseError(400, "Whitespace before colon");
    }
  }
  // Stops at the head's final CR at the latest.
  while ((byte = bytes[at]) !== COLON && byte !== CR && byte !== LF) at++;
  return new RequestParseError(
    400,
    byte === COLON ? "Invalid header name" : "Missing colon",
  );
}

/**
 * The end of the `uri-host` starting at `bytes[start]` (RFC 9112 §3.2, RFC
 * 3986 §3.2.2): a bracketed IP-literal, or a possibly empty reg-name (which
 * also covers IPv4). Returns `-1` when the host is malformed.
 */
function uriHostEnd(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  if (i < end && bytes[i] === LBRACKET) {
    i++;
    while (
      i < end && (HEX_BYTES[bytes[i]] !== 0 || bytes[i] === COLON ||
        bytes[i] === DOT)
    ) i++;
    if (i === start + 1 || i >= end || bytes[i] !== RBRACKET) return -1;
    return i + 1;
  }
  while (i < end && REG_NAME_BYTES[bytes[i]] !== 0) {
    if (bytes[i] === PERCENT) {
      if (
        i + 2 >= end || HEX_BYTES[bytes[i + 1]] === 0 ||
        HEX_BYTES[bytes[i + 2]] === 0
      ) return -1;
      i += 3;
    } else {
      i++;
    }
  }
  return i;
}

/**
 * Whether `bytes[start..end)` is `uri-host [ ":" port ]` with a port of at
 * most 5 digits. With `authority` set (CONNECT's authority-form, RFC 9112
 * §3.2.3) the host and the port must both be present.
 */
function isValidHost(
  bytes: Uint8Array,
  start: number,
  end: number,
  authority: boolean,
): boolean {
  const hostEnd = uriHostEnd(bytes, start, end);
  if (hostEnd < 0) return false;
  if (hostEnd === end) return !authority;
  if (bytes[hostEnd] !== COLON) return false;
  const digits = end - hostEnd - 1;
  if (digits > 5 || (authority && (digits === 0 || hostEnd === start))) {
    return false;
  }
  for (let i = hostEnd + 1; i < end; i++) if (!isDigit(bytes[i])) return false;
  return true;
}

/**
 * Whether `bytes[start..end)` is absolute-form with an http or https scheme
 * (matched case-insensitively, RFC 3986 §3.1) and a non-empty authority.
 */
function isAbsoluteForm(
  bytes: Uint8Array,
  start: number,
  end: number,
): boolean {
  // The target holds only 0x21–0x7E, so folding cannot forge a letter.
  let i = start;
  if (
    end - i < 7 || (bytes[i] | FOLD) !== 0x68 ||
    (bytes[i + 1] | FOLD) !== 0x74 || (bytes[i + 2] | FOLD) !== 0x74 ||
    (bytes[i + 3] | FOLD) !== 0x70
  ) return false;
  i += 4;
  if ((bytes[i] | FOLD) === 0x73) i++;
  if (
    end - i < 4 || bytes[i] !== COLON || bytes[i + 1] !== SLASH ||
    bytes[i + 2] !== SLASH
  ) return false;
  const authority = bytes[i + 3];
  return authority !== SLASH && authority !== QUESTION;
}

/** Bits returned by {@link scanList}; bit n stands for `words[n]`. */
const OTHER_MEMBER = 1 << 30;

/**
 * Match the members of a comma-separated list (`#token`, RFC 9110 §5.6.1)
 * case-insensitively against lowercase `words`. Empty members are skipped.
 * Returns bit n set when `words[n]` occurs, and `OTHER_MEMBER` when some
 * member matched none. Folding is sound: values hold no CTL except HTAB.
 */
function scanList(
  bytes: Uint8Array,
  start: number,
  end: number,
  words: ReadonlyArray<Uint8Array>,
): number {
  let found = 0;
  let i = start;
  while (i < end) {
    const byte = bytes[i];
    if (byte === COMMA || isOws(byte)) {
      i++;
      continue;
    }
    const memberStart = i;
    while (i < end && bytes[i] !== COMMA) i++;
    let memberEnd = i;
    while (isOws(bytes[memberEnd - 1])) memberEnd--;
    const length = memberEnd - memberStart;
    let bit = OTHER_MEMBER;
    next: for (let w = 0; w < words.length; w++) {
      const word = words[w];
      if (word.length !== length) continue;
      for (let j = 0; j < length; j++) {
        if ((bytes[memberStart + j] | FOLD) !== word[j]) continue next;
      }
      bit = 1 << w;
      break;
    }
    found |= bit;
  }
  return found;
}

const ascii = (text: string): Uint8Array =>
  Uint8Array.from(text, (c) => c.charCodeAt(0));

const CONNECTION_WORDS = [ascii("close"), ascii("keep-alive")];
const CONNECTION_CLOSE = 1;
const CONNECTION_KEEP_ALIVE = 2;
const EXPECT_WORDS = [ascii("100-continue")];
const EXPECT_CONTINUE = 1;

/**
 * Check the combined Transfer-Encoding list (RFC 9112 §6.1): it must be
 * exactly `chunked`. Another coding is one we do not implement → 501.
 */
function transferCodingError(fields: string[]): RequestParseError | null {
  let chunked = 0;
  let unsupported = false;
  for (const field of fields) {
    const n = field.length;
    let i = 0;
    for (;;) {
      while (i < n && isOws(field.charCodeAt(i))) i++;
      const start = i;
      while (i < n && TOKEN_BYTES[field.charCodeAt(i)] !== 0) i++;
      const end = i;
      while (i < n && isOws(field.charCodeAt(i))) i++;
      if (start === end) {
        return new RequestParseError(400, "Invalid Transfer-Encoding");
      }
      const isChunked = end - start === 7 &&
        field.slice(start, end).toLowerCase() === "chunked";
      if (i < n && field.charCodeAt(i) === SEMICOLON) {
        // chunked takes no parameters; others are unsupported anyway.
        if (isChunked) {
          return new RequestParseError(400, "Invalid Transfer-Encoding");
        }
        unsupported = true;
        break;
      }
      if (isChunked) chunked++;
      else unsupported = true;
      if (i === n) break;
      if (field.charCodeAt(i) !== COMMA) {
        return new RequestParseError(400, "Invalid Transfer-Encoding");
      }
      i++;
    }
  }
  if (unsupported) {
    return new RequestParseError(501, "Unsupported transfer coding");
  }
  if (chunked > 1) return new RequestParseError(400, "Repeated chunked");
  return null;
}

/**
 * Parse one complete HTTP/1.1 request head: the request line, the field
 * lines and the terminating empty line. Validates it strictly (RFC 9112,
 * RFC 9110) and decides the message framing, keep-alive and
 * `Expect: 100-continue`.
 *
 * The caller has already found the end of the head, skipped empty lines
 * before the request line and enforced the total head-size limit.
 *
 * @param bytes The buffer holding the head.
 * @param start Index of the first byte of the request line.
 * @param end Index just past the head's final `\r\n\r\n`.
 * @param limits Request-target length (→ 414) and field count (→ 431) limits.
 * @param previous The previous head parsed on the same connection, if any:
 *   its strings are used again where this head repeats them (the same
 *   target, the same value of the same field at the same place), and when
 *   this head repeats it whole (method, target, version and every field
 *   line, up to case and whitespace the parse drops) it is the answer
 *   itself: everything a head holds follows from those. Only read.
 * @param previousFieldsAt Where in `bytes` the previous head's field
 *   section starts again, byte for byte, and runs to `end` (from the CRLF
 *   that ends its request line to the final empty line), parsed under the
 *   same `limits`; `-1` (the default) when unknown. The caller vouches for
 *   it (see `PreviousHead`). When this head's request line ends there and
 *   has the previous one's minor version, its fields are the previous
 *   head's and only the request line is parsed: the field lines' parse
 *   depends on nothing else of the request line.
 * @returns The parsed head, or a {@link RequestParseError} with the status
 * to answer (400, 413, 414, 417, 431, 501 or 505) and a stable reason.
 */
export function parseRequestHead(
  bytes: Uint8Array,
  start: number,
  end: number,
  limits: RequestHeadLimits,
  previous?: RequestHead,
  previousFieldsAt = -1,
): RequestHead | RequestParseError {
  const head = parseHead(
    bytes,
    start,
    end,
    limits,
    previous,
    previousFieldsAt,
  );
  // A refusal may come after some fields went into the scratch arrays.
  if (head instanceof RequestParseError) clearScratch(scratchNames.length);
  return head;
}

/** {@linkcode parseRequestHead}, leaving the scratch arrays filled on a refusal. */
function parseHead(
  bytes: Uint8Array,
  start: number,
  end: number,
  limits: RequestHeadLimits,
  previous: RequestHead | undefined,
  previousFieldsAt: number,
): RequestHead | RequestParseError {
  // The contract says the head ends with CRLF CRLF. Checking it once lets
  // every scan below run without bounds checks: none of them passes a CR.
  if (
    end - start < 4 || bytes[end - 4] !== CR || bytes[end - 3] !== LF ||
    bytes[end - 2] !== CR || bytes[end - 1] !== LF
  ) return new RequestParseError(400, "Incomplete head");

  // Request line (RFC 9112 §3): method SP request-target SP HTTP-version.
  let i = start;
  while (TOKEN_BYTES[bytes[i]] !== 0) i++;
  if (bytes[i] !== SP || i === start) {
    const byte = bytes[i];
    const visible = byte > SP && byte !== 0x7f;
    return stopError(
      bytes,
      i,
      visible ? "Invalid method" : "Invalid request line",
    );
  }
  const method = findInterned(METHODS, bytes, start, i, 0)?.text ??
    latin1(bytes, start, i);

  const targetStart = ++i;
  while (REQUEST_TARGET_BYTES[bytes[i]] !== 0) i++;
  const targetEnd = i;
  if (bytes[i] !== SP) {
    // Measure the would-be target first: an overlong one answers 414 even
    // when it also holds a bad byte.
    let j = i;
    while (bytes[j] !== SP && bytes[j] !== CR && bytes[j] !== LF) j++;
    if (j - targetStart > limits.maxRequestTargetBytes) {
      return new RequestParseError(414, "Request-target too long");
    }
    return stopError(
      bytes,
      i,
      bytes[i] === CR ? "Invalid request line" : "Invalid request-target",
    );
  }
  if (targetEnd - targetStart > limits.maxRequestTargetBytes) {
    return new RequestParseError(414, "Request-target too long");
  }
  if (targetEnd === targetStart) {
    return new RequestParseError(400, "Invalid request line");
  }

  // HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive (RFC 9112 §2.3).
  // Each comparison fails on a CR, so none reads past the head.
  const v = ++i;
  if (
    bytes[v] !== 0x48 || bytes[v + 1] !== 0x54 || bytes[v + 2] !== 0x54 ||
    bytes[v + 3] !== 0x50 || bytes[v + 4] !== SLASH ||
    !isDigit(bytes[v + 5]) || bytes[v + 6] !== DOT || !isDigit(bytes[v + 7])
  ) {
    return stopError(
      bytes,
      v,
      bytes[v] === SP ? "Invalid request line" : "Invalid HTTP version",
    );
  }
  if (bytes[v + 8] !== CR || bytes[v + 9] !== LF) {
    return stopError(bytes, v + 8, "Invalid HTTP version");
  }
  if (bytes[v + 5] !== 0x31) {
    return new RequestParseError(505, "HTTP version not supported");
  }
  // RFC 9112 §2.3: a higher minor version of a major version we implement
  // (HTTP/1.2…1.9) is processed as the highest we know, HTTP/1.1.
  const minorVersion = bytes[v + 7] === 0x30 ? 0 : 1;

  // Request-target forms (RFC 9112 §3.2): CONNECT takes authority-form
  // only, `*` is for OPTIONS only, everything else origin- or absolute-form.
  const first = bytes[targetStart];
  if (method === "CONNECT") {
    if (!isValidHost(bytes, targetStart, targetEnd, true)) {
      return new RequestParseError(400, "Invalid request-target form");
    }
  } else if (first === STAR && targetEnd - targetStart === 1) {
    if (method !== "OPTIONS") {
      return new RequestParseError(400, "Invalid request-target form");
    }
  } else if (
    first !== SLASH && !isAbsoluteForm(bytes, targetStart, targetEnd)
  ) {
    return new RequestParseError(400, "Invalid request-target form");
  }
  const target = targetEnd - targetStart === 1 && first === SLASH
    ? "/"
    : sameText(previous?.target, bytes, targetStart, targetEnd) ??
      latin1(bytes, targetStart, targetEnd);

  // The previous head's field section follows this request line: what its
  // parse found holds again, as it depends on nothing of the request line
  // but the minor version (Host required, chunked refused in HTTP/1.0,
  // keep-alive, 100-continue). Everything taken from the request line is
  // this head's own, checked above.
  if (
    v + 8 === previousFieldsAt && previous !== undefined &&
    previous.minorVersion === minorVersion
  ) {
    if (previous.method === method && previous.target === target) {
      return previous;
    }
    return {
      method,
      target,
      minorVersion,
      headerNames: previous.headerNames,
      headerValues: previous.headerValues,
      host: previous.host,
      contentLength: previous.contentLength,
      keepAlive: previous.keepAlive,
      expectContinue: previous.expectContinue,
    };
  }

  // Field lines (RFC 9112 §5): field-name ":" OWS field-value OWS CRLF.
  const previousNames = previous?.headerNames;
  const previousValues = previous?.headerValues;
  let fieldCount = 0;
  // Whether this head repeats `previous` so far.
  let repeats = previous !== undefined && previous.method === method &&
    previous.target === target && previous.minorVersion === minorVersion;
  const maxHeaderCount = limits.maxHeaderCount;
  let host = "";
  let hostCount = 0;
  let contentLength = 0;
  let hasContentLength = false;
  let transferEncodings: string[] | null = null;
  let connection = 0;
  let expect = 0;
  i = v + 10;
  for (;;) {
    const lineStart = i;
    if (bytes[i] === CR) {
      if (bytes[i + 1] !== LF) return new RequestParseError(400, "Bare CR");
      // The caller cut the head at its first empty line.
      if (i + 2 !== end) return new RequestParseError(400, "Malformed head");
      break;
    }
    if (fieldCount >= maxHeaderCount) {
      return new RequestParseError(431, "Too many header fields");
    }

    let classes = 0;
    let c: number;
    while ((c = TOKEN_BYTES[bytes[i]]) !== 0) {
      classes |= c;
      i++;
    }
    if (bytes[i] !== COLON || i === lineStart) {
      return fieldNameError(bytes, lineStart, i);
    }
    const nameEnd = i++;
    while (isOws(bytes[i])) i++;
    const valueStart = i;
    while (FIELD_VALUE_BYTES[bytes[i]] !== 0) i++;
    if (bytes[i] !== CR || bytes[i + 1] !== LF) {
      return stopError(bytes, i, "Invalid header value");
    }
    let valueEnd = i;
    while (valueEnd > valueStart && isOws(bytes[valueEnd - 1])) valueEnd--;
    i += 2;

    const interned = findInterned(FIELD_NAMES, bytes, lineStart, nameEnd, FOLD);
    let name: string;
    let kind = OTHER;
    if (interned !== undefined) {
      name = interned.text;
      kind = interned.kind;
    } else {
      name = latin1(bytes, lineStart, nameEnd);
      if (classes & UPPERCASE_TCHAR) name = name.toLowerCase();
    }
    const again = previousNames?.[fieldCount] === name
      ? sameText(previousValues![fieldCount], bytes, valueStart, valueEnd)
      : undefined;
    const value = again ?? latin1(bytes, valueStart, valueEnd);
    if (again === undefined) repeats = false;
    scratchNames[fieldCount] = name;
    scratchValues[fieldCount] = value;
    fieldCount++;
    if (kind === OTHER) continue;

    if (kind === HOST) {
      // RFC 9112 §3.2: exactly one valid Host, else 400.
      if (++hostCount > 1) return new RequestParseError(400, "Multiple Host");
      if (!isValidHost(bytes, valueStart, valueEnd, false)) {
        return new RequestParseError(400, "Invalid Host");
      }
      host = value;
    } else if (kind === CONTENT_LENGTH) {
      // RFC 9112 §6.3: a repeated or list-valued Content-Length is a
      // smuggling vector, so only one field of 1*DIGIT is accepted.
      if (hasContentLength) {
        return new RequestParseError(400, "Multiple Content-Length");
      }
      hasContentLength = true;
      let j = valueStart;
      while (j < valueEnd && bytes[j] === ZERO) j++;
      const significant = j;
      let n = 0;
      for (; j < valueEnd && isDigit(bytes[j]); j++) {
        n = n * 10 + bytes[j] - ZERO;
      }
      if (j !== valueEnd || valueStart === valueEnd) {
        return new RequestParseError(400, "Invalid Content-Length");
      }
      // Leading zeros are fine; only significant digits count toward 2^53.
      if (valueEnd - significant > MAX_CONTENT_LENGTH_DIGITS) {
        return new RequestParseError(413, "Content-Length too large");
      }
      contentLength = n;
    } else if (kind === TRANSFER_ENCODING) {
      (transferEncodings ??= []).push(value);
    } else if (kind === CONNECTION) {
      connection |= scanList(bytes, valueStart, valueEnd, CONNECTION_WORDS);
    } else {
      // RFC 9110 §10.1.1: the only expectation defined is 100-continue.
      expect |= scanList(bytes, valueStart, valueEnd, EXPECT_WORDS);
      if (expect & OTHER_MEMBER) {
        return new RequestParseError(417, "Unsupported expectation");
      }
    }
  }

  if (minorVersion === 1 && hostCount === 0) {
    return new RequestParseError(400, "Missing Host");
  }
  if (transferEncodings !== null) {
    // RFC 9112 §6.3: both framing headers at once is a smuggling attempt.
    if (hasContentLength) {
      return new RequestParseError(
        400,
        "Content-Length with Transfer-Encoding",
      );
    }
    // RFC 9112 §6.1: an HTTP/1.0 peer cannot have sent a chunked body.
    if (minorVersion === 0) {
      return new RequestParseError(400, "Transfer-Encoding in HTTP/1.0");
    }
    const error = transferCodingError(transferEncodings);
    if (error !== null) return error;
    contentLength = -1;
  }

  if (repeats && fieldCount === previousNames!.length) {
    clearScratch(fieldCount);
    return previous!;
  }
  const headerNames = scratchNames.slice(0, fieldCount);
  const headerValues = scratchValues.slice(0, fieldCount);
  clearScratch(fieldCount);
  return {
    method,
    target,
    minorVersion,
    headerNames,
    headerValues,
    host,
    contentLength,
    keepAlive: minorVersion === 1
      ? (connection & CONNECTION_CLOSE) === 0
      : (connection & (CONNECTION_CLOSE | CONNECTION_KEEP_ALIVE)) ===
        CONNECTION_KEEP_ALIVE,
    // RFC 9110 §10.1.1: ignore 100-continue from an HTTP/1.0 client.
    expectContinue: minorVersion === 1 && (expect & EXPECT_CONTINUE) !== 0,
  };
}
