/**
 * Parser cases: the pure head parser against the reference parser on a
 * mutated head. Both must agree on accept/reject and, on accept, on every
 * field; the parser must never throw, never read outside its span, and
 * return only the documented statuses.
 *
 * @module
 */

import { parseRequestHead } from "../../src/http1/parse_request_head.ts";
import { PreviousHead } from "../../src/http1/previous_head.ts";
import {
  type RequestHead,
  type RequestHeadLimits,
  RequestParseError,
} from "../../src/http1/request_head.ts";
import type { CaseFailure } from "./failure.ts";
import { escapeBytes, toBytes } from "./latin1.ts";
import { generate } from "./mutators.ts";
import {
  referenceParse,
  TARGET_CHARS,
  TOKEN,
  trimOws,
} from "./reference_parser.ts";
import { Rng } from "./rng.ts";

const PARSER_STATUSES = new Set([400, 413, 414, 417, 431, 501, 505]);

function sameResult(
  a: RequestHead | RequestParseError,
  b: RequestHead | RequestParseError,
): boolean {
  if (a instanceof RequestParseError || b instanceof RequestParseError) {
    return a instanceof RequestParseError && b instanceof RequestParseError &&
      a.status === b.status && a.message === b.message;
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Structural checks on an accepted head; returns what is wrong, or null. */
function checkAcceptedHead(
  head: RequestHead,
  limits: RequestHeadLimits,
): string | null {
  if (!TOKEN.test(head.method)) return "method is not a token";
  if (!new RegExp(`^[${TARGET_CHARS}]+$`).test(head.target)) {
    return "target holds a byte outside VCHAR";
  }
  if (head.target.length > limits.maxRequestTargetBytes) {
    return "target over the limit";
  }
  if (head.headerNames.length !== head.headerValues.length) {
    return "names and values differ in length";
  }
  if (head.headerNames.length > limits.maxHeaderCount) {
    return "more fields than the limit";
  }
  for (let i = 0; i < head.headerNames.length; i++) {
    const name = head.headerNames[i];
    const value = head.headerValues[i];
    if (!TOKEN.test(name) || name !== name.toLowerCase()) {
      return `bad field name ${escapeBytes(name)}`;
    }
    // deno-lint-ignore no-control-regex
    if (/[\x00-\x08\x0a-\x1f\x7f]/.test(value)) {
      return `control byte in value of ${name}`;
    }
    if (value !== trimOws(value)) return `untrimmed value of ${name}`;
  }
  const cl = head.contentLength;
  if (cl !== -1 && !(Number.isSafeInteger(cl) && cl >= 0)) {
    return `contentLength ${cl}`;
  }
  const te = head.headerNames.includes("transfer-encoding");
  const hasCl = head.headerNames.includes("content-length");
  if (te && hasCl) return "accepted both Content-Length and Transfer-Encoding";
  if (te !== (cl === -1)) return "chunked framing disagrees with the fields";
  if (head.headerNames.filter((n) => n === "content-length").length > 1) {
    return "accepted two Content-Length fields";
  }
  if (head.headerNames.filter((n) => n === "host").length > 1) {
    return "accepted two Host fields";
  }
  if (head.minorVersion === 0 && head.expectContinue) {
    return "100-continue for HTTP/1.0";
  }
  return null;
}

/** Parser-case knobs. */
export interface ParserCaseResult {
  /** The broken invariant, or `null`. */
  failure: CaseFailure | null;
  /** Whether the parser accepted the head. */
  accepted: boolean;
}

/**
 * One parser case: mutate, cut the head as the engine would, parse it in
 * place and embedded in junk, check the result and compare it with the
 * reference parser.
 *
 * @param seed The case seed.
 * @returns The failure, if any, and whether the head was accepted.
 */
export function runParserCase(seed: number): ParserCaseResult {
  const rng = new Rng(seed);
  const generated = generate(rng);
  const limits: RequestHeadLimits = rng.chance(0.3)
    ? { maxRequestTargetBytes: 48, maxHeaderCount: 6 }
    : { maxRequestTargetBytes: 8192, maxHeaderCount: 100 };
  const head = cutHead(generated.text, () => rng.chance(0.05));
  const origin = `${generated.entry.name} + [${
    generated.mutations.join(", ")
  }]`;
  const fail = (invariant: string, detail: string): ParserCaseResult => ({
    failure: { kind: "parser", seed, invariant, detail, input: head, origin },
    accepted: false,
  });

  const bytes = toBytes(head);
  let result: RequestHead | RequestParseError;
  try {
    result = parseRequestHead(bytes, 0, bytes.length, limits);
  } catch (error) {
    return fail("the parser never throws", String(error));
  }

  // The same head inside a larger buffer, with junk on both sides: the
  // parser must read only its span.
  const before = 1 + rng.int(16);
  const after = 1 + rng.int(16);
  const padded = new Uint8Array(before + bytes.length + after);
  for (let i = 0; i < padded.length; i++) {
    padded[i] = rng.chance(0.5) ? rng.pick([13, 10, 32, 58, 0]) : rng.int(256);
  }
  padded.set(bytes, before);
  let embedded: RequestHead | RequestParseError;
  try {
    embedded = parseRequestHead(padded, before, before + bytes.length, limits);
  } catch (error) {
    return fail("the parser never throws", `embedded: ${String(error)}`);
  }
  if (!sameResult(result, embedded)) {
    return fail(
      "the parser reads only its span",
      `alone: ${show(result)}; embedded: ${show(embedded)}`,
    );
  }

  // After another head on the same connection, or after itself: what the
  // previous head lends (its strings, or itself) changes nothing.
  const sibling = toBytes(cutHead(generate(rng).text, () => false));
  for (
    const previous of [
      parseRequestHead(sibling, 0, sibling.length, limits),
      result,
    ]
  ) {
    if (previous instanceof RequestParseError) continue;
    let after: RequestHead | RequestParseError;
    try {
      after = parseRequestHead(bytes, 0, bytes.length, limits, previous);
    } catch (error) {
      return fail("the parser never throws", `after: ${String(error)}`);
    }
    if (!sameResult(result, after)) {
      return fail(
        "the previous head changes nothing",
        `alone: ${show(result)}; after ${show(previous)}: ${show(after)}`,
      );
    }
  }

  // On a connection, after a head with another request line before the
  // same field section (whose fields it may reuse), and before one: each
  // parses as it does alone.
  const fields = head.slice(head.indexOf("\r\n"));
  const line = rng.chance(0.5)
    ? `${rng.pick(["GET", "HEAD", "CONNECT", "OPTIONS"])} ${
      rng.pick(["/", "/x?y", "*", "http://a.example/x", "a.example:443"])
    } HTTP/1.${rng.pick(["0", "1", "2"])}`
    : cutHead(generate(rng).text, () => false).split("\r\n")[0];
  const neighbour = line + fields;
  for (const [first, second] of [[neighbour, head], [head, neighbour]]) {
    const connection = new PreviousHead();
    const firstBytes = toBytes(first);
    const secondBytes = toBytes(second);
    let got: RequestHead | RequestParseError;
    try {
      connection.parse(firstBytes, 0, firstBytes.length, limits);
      got = connection.parse(secondBytes, 0, secondBytes.length, limits);
    } catch (error) {
      return fail("the parser never throws", `previous: ${String(error)}`);
    }
    const want = second === head
      ? result
      : parseRequestHead(secondBytes, 0, secondBytes.length, limits);
    if (!sameResult(want, got)) {
      return fail(
        "a previous head's field section changes nothing",
        `after ${escapeBytes(first)}: ${show(got)}; alone: ${show(want)}`,
      );
    }
  }

  if (result instanceof RequestParseError) {
    if (!PARSER_STATUSES.has(result.status)) {
      return fail("only documented statuses", show(result));
    }
  } else {
    const wrong = checkAcceptedHead(result, limits);
    if (wrong !== null) return fail("an accepted head is well-formed", wrong);
  }

  const reference = referenceParse(head, limits);
  const accepted = !(result instanceof RequestParseError);
  if (accepted !== reference.ok) {
    return fail(
      "the parser agrees with the reference on accept/reject",
      `berth: ${show(result)}; reference: ${
        reference.ok ? "accepted" : `${reference.status} ${reference.reason}`
      }`,
    );
  }
  if (accepted && reference.ok) {
    const ours = JSON.stringify(result);
    const theirs = JSON.stringify(reference.head);
    if (ours !== theirs) {
      return fail(
        "the parser agrees with the reference on every field",
        `berth: ${ours}; reference: ${theirs}`,
      );
    }
  }
  return { failure: null, accepted };
}

/**
 * Cut a head as the connection does: skip leading CRLFs, end at the first
 * empty line; an unterminated input gets a terminator, and so does a
 * terminated one when `terminate()` says so (asked only then).
 */
function cutHead(generated: string, terminate: () => boolean): string {
  let text = generated;
  while (text.startsWith("\r\n")) text = text.slice(2);
  let end = text.indexOf("\r\n\r\n");
  if (end === -1 || terminate()) {
    text += "\r\n\r\n";
    end = text.indexOf("\r\n\r\n");
  }
  return text.slice(0, end + 4);
}

function show(result: RequestHead | RequestParseError): string {
  return result instanceof RequestParseError
    ? `${result.status} ${result.message}`
    : `accepted ${JSON.stringify(result)}`;
}
