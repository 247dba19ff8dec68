/**
 * The reference parser: the RFC 9112 grammar written out as plainly as
 * possible, to be compared with the fast head parser.
 *
 * @module
 */

import type {
  RequestHead,
  RequestHeadLimits,
} from "../../src/http1/request_head.ts";

const TCHAR = "!#$%&'*+\\-.^_`|~0-9A-Za-z";
/**
 * The request-target's characters, for a character class: VCHAR except
 * "#" (never sent) and "\\" (no URI character).
 */
export const TARGET_CHARS = "\\x21\\x22\\x24-\\x5b\\x5d-\\x7e";
const REQUEST_LINE = new RegExp(
  `^([${TCHAR}]+) ([${TARGET_CHARS}]+) HTTP/([0-9])\\.([0-9])$`,
);
const FIELD_LINE = new RegExp(
  `^([${TCHAR}]+):[\\t ]*([\\t\\x20-\\x7e\\x80-\\xff]*)$`,
);
const HOST_PART =
  "(?:\\[[0-9A-Fa-f:.]+\\]|(?:[A-Za-z0-9\\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*)";
const HOST = new RegExp(`^${HOST_PART}(?::[0-9]{0,5})?$`);
const AUTHORITY = new RegExp(
  "^(?:\\[[0-9A-Fa-f:.]+\\]|(?:[A-Za-z0-9\\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})+)" +
    ":[0-9]{1,5}$",
);
const ABSOLUTE = /^https?:\/\/[^/?]/i;
/** A token (RFC 9110 §5.6.2). */
export const TOKEN = new RegExp(`^[${TCHAR}]+$`);

/** Strip RFC 9110 OWS (SP and HTAB only, unlike `String#trim`). */
export function trimOws(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && (text[start] === " " || text[start] === "\t")) start++;
  while (end > start && (text[end - 1] === " " || text[end - 1] === "\t")) {
    end--;
  }
  return text.slice(start, end);
}

/** What the reference parser makes of a head. */
export type ReferenceResult =
  | { ok: true; head: RequestHead }
  | { ok: false; status: number; reason: string };

function refuse(status: number, reason: string): ReferenceResult {
  return { ok: false, status, reason };
}

/**
 * Parse a complete head (ending in CRLF CRLF, cut at its first empty line)
 * by the book. Slow and obvious on purpose.
 *
 * @param head The head, latin1.
 * @param limits The target-length and field-count limits.
 * @returns The parsed head, or a refusal with the status RFC 9112 implies.
 */
export function referenceParse(
  head: string,
  limits: RequestHeadLimits,
): ReferenceResult {
  if (!head.endsWith("\r\n\r\n")) return refuse(400, "incomplete");
  const lines = head.slice(0, -4).split("\r\n");
  if (lines.some((line) => /[\r\n]/.test(line))) {
    return refuse(400, "bare CR or LF");
  }
  const requestLine = REQUEST_LINE.exec(lines[0]);
  if (requestLine === null) {
    const target = lines[0].split(" ")[1] ?? "";
    if (target.length > limits.maxRequestTargetBytes) {
      return refuse(414, "target too long");
    }
    return refuse(400, "request line");
  }
  const [, method, target, major, minor] = requestLine;
  if (target.length > limits.maxRequestTargetBytes) {
    return refuse(414, "target too long");
  }
  if (major !== "1") return refuse(505, "version");
  // RFC 9112 §2.3: HTTP/1.2…1.9 is processed as HTTP/1.1.
  const minorVersion = minor === "0" ? 0 : 1;
  if (method === "CONNECT") {
    if (!AUTHORITY.test(target)) return refuse(400, "authority-form");
  } else if (target === "*") {
    if (method !== "OPTIONS") return refuse(400, "asterisk-form");
  } else if (!target.startsWith("/") && !ABSOLUTE.test(target)) {
    return refuse(400, "target form");
  }

  const headerNames: string[] = [];
  const headerValues: string[] = [];
  const fields = lines.slice(1);
  if (fields.length > limits.maxHeaderCount) return refuse(431, "count");
  let host = "";
  let hosts = 0;
  let contentLengths = 0;
  let contentLength = 0;
  const transferCodings: string[] = [];
  const connection: string[] = [];
  let expectContinue = false;
  for (const line of fields) {
    const field = FIELD_LINE.exec(line);
    if (field === null) return refuse(400, "field line");
    const name = field[1].toLowerCase();
    const value = trimOws(field[2]);
    headerNames.push(name);
    headerValues.push(value);
    const members = () => value.split(",").map(trimOws).filter((m) => m !== "");
    switch (name) {
      case "host":
        if (++hosts > 1) return refuse(400, "two Host");
        if (!HOST.test(value)) return refuse(400, "Host");
        host = value;
        break;
      case "content-length": {
        if (++contentLengths > 1) return refuse(400, "two Content-Length");
        if (!/^[0-9]+$/.test(value)) return refuse(400, "Content-Length");
        const significant = value.replace(/^0+/, "");
        if (significant.length > 15) return refuse(413, "Content-Length");
        contentLength = Number(value);
        break;
      }
      case "transfer-encoding":
        // Empty list members are an error here: berth is strict about
        // the one header that decides framing.
        for (const member of value.split(",")) {
          transferCodings.push(trimOws(member));
        }
        break;
      case "connection":
        connection.push(...members().map((m) => m.toLowerCase()));
        break;
      case "expect":
        for (const member of members()) {
          if (member.toLowerCase() !== "100-continue") {
            return refuse(417, "expectation");
          }
          expectContinue = true;
        }
    }
  }
  if (minorVersion === 1 && hosts === 0) return refuse(400, "no Host");
  if (transferCodings.length > 0) {
    if (contentLengths > 0) return refuse(400, "CL and TE");
    if (minorVersion === 0) return refuse(400, "TE in HTTP/1.0");
    if (
      transferCodings.length !== 1 ||
      transferCodings[0].toLowerCase() !== "chunked"
    ) {
      const unsupported = transferCodings.some((c) =>
        TOKEN.test(c.split(";")[0].trim()) &&
        c.split(";")[0].trim().toLowerCase() !== "chunked"
      );
      return refuse(unsupported ? 501 : 400, "transfer coding");
    }
    contentLength = -1;
  }
  const close = connection.includes("close");
  return {
    ok: true,
    head: {
      method,
      target,
      minorVersion,
      headerNames,
      headerValues,
      host,
      contentLength,
      keepAlive: minorVersion === 1
        ? !close
        : !close && connection.includes("keep-alive"),
      expectContinue: minorVersion === 1 && expectContinue,
    },
  };
}
