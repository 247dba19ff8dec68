/**
 * From a parsed request head to the handler's `Request`, and the methods a
 * `Request` cannot carry faithfully (the engine answers those itself).
 *
 * @module
 */

import type { RequestBody } from "./request_body.ts";
import type { RequestHead } from "./request_head.ts";

/** Methods a `Request` cannot carry; the engine answers them itself. */
const UNSUPPORTED_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);
/** Methods `new Request()` upper-cases (Fetch's "normalize a method"). */
const NORMALIZED_METHODS = new Set([
  "DELETE",
  "GET",
  "HEAD",
  "OPTIONS",
  "POST",
  "PUT",
]);

/**
 * Whether a `Request` cannot represent `method`, or would change it: CONNECT
 * never tunnels, TRACE never echoes (RFC 9110 §9.3.6, §9.3.8), and `get` is
 * an unknown method, not GET (RFC 9110 §9.1: methods are case-sensitive),
 * yet `new Request()` would turn it into `GET`. All are answered 501.
 *
 * @param method The method as received.
 * @returns `true` when the engine must refuse it.
 */
export function isUnservableMethod(method: string): boolean {
  if (UNSUPPORTED_METHODS.has(method)) return true;
  if (NORMALIZED_METHODS.has(method)) return false;
  const upper = method.toUpperCase();
  return upper !== method && NORMALIZED_METHODS.has(upper);
}

/**
 * Build the handler's `Request`.
 *
 * @param head The parsed head.
 * @param scheme `http://` or `https://`.
 * @param body The body, or `null` when the request has none.
 * @returns The request; `null` when its URL cannot be formed.
 */
export function buildRequest(
  head: RequestHead,
  scheme: string,
  body: RequestBody | null,
): Request | null {
  const target = head.target;
  const url = target.charCodeAt(0) === 0x2f // "/"
    ? scheme + (head.host === "" ? "localhost" : head.host) + target
    : target;
  try {
    // The cheapest public form (bench/generic_floor_bench.ts): a GET built
    // from its URL alone, no init dictionary to convert, and its fields
    // appended one by one. A GET's body, if any, is not the handler's: a
    // `Request` cannot carry it (the engine drains it afterwards).
    const method = head.method;
    const request = method === "GET" ? new Request(url) : new Request(url, {
      method,
      body: body !== null && method !== "HEAD" ? body.stream : null,
      // @ts-ignore: `duplex` is required for a streamed body; the DOM lib
      // of some TypeScript versions does not list it.
      duplex: "half",
    });
    const fields = request.headers;
    const names = head.headerNames;
    const values = head.headerValues;
    for (let i = 0; i < names.length; i++) fields.append(names[i], values[i]);
    return request;
  } catch {
    return null;
  }
}
