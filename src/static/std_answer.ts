/**
 * The last touches that make `serveDir`'s and `serveFile`'s answers read as
 * `@std/http`'s do, field for field: an absolute `Location` and no body on a
 * redirect, the reason phrase alone as an error's body, `charset=UTF-8`, a
 * `Date`, and std's CORS field list. They change how an answer is written,
 * never which answer is given: that is the shared handler's work.
 *
 * @module
 */

import { httpDate } from "../http/http_date.ts";
import { STATUS_TEXT } from "../http/status_text.ts";
import { type EtagAlgorithm, findEtagAlgorithm } from "./etag.ts";
import { responseInit } from "./status_response.ts";

/** What std's `serveDir` allows with `enableCors`, on every answer. */
const STD_CORS_ALLOW_HEADERS =
  "Origin, X-Requested-With, Content-Type, Accept, Range";

const encoder = new TextEncoder();

/**
 * Options of {@linkcode asStdAnswer}.
 */
export interface StdAnswerOptions {
  /** Whether CORS is on (`serveDir`'s `enableCors`). */
  readonly cors: boolean;
}

/**
 * Write an answer of the shared handler as std's file server writes it:
 * - a redirect's `Location` becomes the absolute URL resolved against the
 *   request's (query kept), and the redirect has no body;
 * - an error (4xx, 5xx) has its reason phrase alone as its body, e.g.
 *   `Not Found`, in `text/plain; charset=UTF-8`;
 * - `charset=utf-8` is spelled `charset=UTF-8`, as std's `contentType()`
 *   writes it (the value is case-insensitive, RFC 9110 §8.3.2);
 * - a `Date` is set when there is none (RFC 9110 §6.6.1);
 * - with CORS, every answer but a preflight's lists std's
 *   `Access-Control-Allow-Headers`.
 *
 * @param request The request answered.
 * @param response The shared handler's answer (its body is taken over).
 * @param options Whether CORS is on.
 * @returns The answer to give.
 */
export async function asStdAnswer(
  request: Request,
  response: Response,
  options: StdAnswerOptions,
): Promise<Response> {
  const status = response.status;
  let headers = response.headers;
  let body: BodyInit | null | undefined;
  const location = headers.get("location");
  if (status >= 300 && status < 400 && location !== null) {
    headers = bodilessCopy(headers);
    headers.set("location", new URL(location, request.url).href);
    body = null;
  } else if (status >= 400) {
    const phrase = encoder.encode(STATUS_TEXT[status] ?? "");
    headers = bodilessCopy(headers);
    headers.set("content-type", "text/plain; charset=UTF-8");
    headers.set("content-length", String(phrase.length));
    body = request.method === "HEAD" ? null : phrase;
  }
  const type = headers.get("content-type");
  if (type !== null && type.endsWith("charset=utf-8")) {
    headers.set("content-type", type.slice(0, -"utf-8".length) + "UTF-8");
  }
  if (!headers.has("date")) headers.set("date", httpDate());
  if (options.cors && request.method !== "OPTIONS") {
    headers.set("access-control-allow-headers", STD_CORS_ALLOW_HEADERS);
  }
  if (body === undefined) return response;
  await response.body?.cancel();
  return new Response(body, responseInit(status, headers));
}

/** The headers without those that described the body being replaced. */
function bodilessCopy(headers: Headers): Headers {
  const copy = new Headers(headers);
  copy.delete("content-type");
  copy.delete("content-length");
  return copy;
}

/**
 * The ETag hash named by std's `etagAlgorithm` option: a Web Crypto
 * `AlgorithmIdentifier` (`"SHA-256"`, `{ name: "sha-1" }`; names are
 * case-insensitive, as Web Crypto's are), or berth's `"fnv1a"`.
 *
 * @param value The option as given; `undefined` means std's default.
 * @returns The algorithm.
 * @throws {RangeError} When it names a hash berth has no ETag for.
 */
export function stdEtagAlgorithm(
  value: AlgorithmIdentifier | undefined,
): EtagAlgorithm {
  if (value === undefined) return "SHA-256";
  const name = typeof value === "string" ? value : value?.name;
  const found = typeof name === "string" ? findEtagAlgorithm(name) : null;
  if (found === null) {
    throw new RangeError(
      `Unsupported etagAlgorithm: ${
        JSON.stringify(name)
      } (expected "SHA-1", "SHA-256", "SHA-384", "SHA-512" or "fnv1a")`,
    );
  }
  return found;
}
