/**
 * Conditional request evaluation (RFC 9110 §13): the precondition headers
 * in the order of §13.2.2, and `If-Range` (§13.1.5).
 *
 * @module
 */

import { parseHttpDate } from "../http/http_date.ts";

/**
 * The validators of the selected representation.
 */
export interface Validators {
  /** The quoted ETag (`"abc"` or `W/"abc"`), or `null` when none is sent. */
  etag: string | null;
  /** Last modification time in ms since the epoch, or `null` when unknown. */
  lastModified: number | null;
}

/**
 * The outcome of evaluating preconditions: `200` to proceed normally, `304`
 * Not Modified, or `412` Precondition Failed.
 */
export type PreconditionResult = 200 | 304 | 412;

/**
 * One parsed member of an entity-tag list.
 */
export interface EntityTag {
  /** `true` for `W/"…"`. */
  weak: boolean;
  /** The opaque-tag including its quotes. */
  opaque: string;
}

const ENTITY_TAG = /^(W\/)?("[\x21\x23-\x7e\x80-\xff]*")$/;

/**
 * Parse an `If-Match` / `If-None-Match` value: `*` or a comma-separated list
 * of entity-tags. Malformed members are skipped, so they never match.
 *
 * @param value The header value.
 * @returns `"*"`, or the list of well-formed tags (possibly empty).
 */
export function parseEntityTags(value: string): "*" | EntityTag[] {
  if (value.trim() === "*") return "*";
  const tags: EntityTag[] = [];
  for (const part of value.split(",")) {
    const match = ENTITY_TAG.exec(part.trim());
    if (match) tags.push({ weak: match[1] !== undefined, opaque: match[2] });
  }
  return tags;
}

function parseTag(etag: string): EntityTag | null {
  const match = ENTITY_TAG.exec(etag);
  return match ? { weak: match[1] !== undefined, opaque: match[2] } : null;
}

// Strong comparison (RFC 9110 §8.8.3.2): both strong and identical.
function strongMatch(list: "*" | EntityTag[], etag: string | null): boolean {
  if (list === "*") return true;
  const tag = etag === null ? null : parseTag(etag);
  if (tag === null || tag.weak) return false;
  return list.some((t) => !t.weak && t.opaque === tag.opaque);
}

// Weak comparison: opaque-tags equal, weakness ignored.
function weakMatch(list: "*" | EntityTag[], etag: string | null): boolean {
  if (list === "*") return true;
  const tag = etag === null ? null : parseTag(etag);
  if (tag === null) return false;
  return list.some((t) => t.opaque === tag.opaque);
}

// HTTP dates have one-second resolution; compare file times at that grain.
function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** The precondition field that decided an outcome other than `200`. */
export type PreconditionField =
  | "if-match"
  | "if-unmodified-since"
  | "if-none-match"
  | "if-modified-since";

/**
 * What evaluating preconditions decided, and which field decided it
 * (`null` with `200`): one frozen value per outcome, so deciding allocates
 * nothing.
 */
export interface PreconditionOutcome {
  /** `200` to proceed, `304` or `412`. */
  readonly status: PreconditionResult;
  /** The field whose evaluation gave `status`, or `null` for `200`. */
  readonly field: PreconditionField | null;
}

function outcome(
  status: PreconditionResult,
  field: PreconditionField | null,
): PreconditionOutcome {
  return Object.freeze({ status, field });
}

const PROCEED = outcome(200, null);
const IF_MATCH_FAILED = outcome(412, "if-match");
const IF_UNMODIFIED_SINCE_FAILED = outcome(412, "if-unmodified-since");
const IF_NONE_MATCH_MATCHED = outcome(304, "if-none-match");
const IF_NONE_MATCH_FAILED = outcome(412, "if-none-match");
const NOT_MODIFIED_SINCE = outcome(304, "if-modified-since");

/**
 * Evaluate `If-Match`, `If-Unmodified-Since`, `If-None-Match` and
 * `If-Modified-Since` in the order RFC 9110 §13.2.2 prescribes, and say
 * which field decided:
 *
 * 1. `If-Match` present and no strong match → 412.
 * 2. Else `If-Unmodified-Since` valid and the resource is newer → 412.
 * 3. `If-None-Match` present and a weak match → 304 for GET/HEAD, else 412.
 * 4. Else for GET/HEAD, `If-Modified-Since` valid and the resource is not
 *    newer → 304. It is ignored whenever `If-None-Match` is present, and
 *    when its date is in the future (§13.1.3).
 *
 * @param method The request method.
 * @param headers The request headers.
 * @param validators The representation's ETag and modification time.
 * @param now The current time in ms, to ignore future `If-Modified-Since` dates.
 * @returns The outcome: `200` to continue, `304` or `412`, and the field.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decidePreconditions } from "./preconditions.ts";
 *
 * const validators = { etag: '"v1"', lastModified: Date.UTC(2024, 0, 1) };
 * const headers = new Headers({ "if-none-match": '"v1"', "if-modified-since": "x" });
 * assert.deepEqual(decidePreconditions("GET", headers, validators), {
 *   status: 304,
 *   field: "if-none-match",
 * });
 * ```
 */
export function decidePreconditions(
  method: string,
  headers: Headers,
  validators: Validators,
  now: number = Date.now(),
): PreconditionOutcome {
  const safe = method === "GET" || method === "HEAD";
  const ifMatch = headers.get("if-match");
  if (ifMatch !== null) {
    if (!strongMatch(parseEntityTags(ifMatch), validators.etag)) {
      return IF_MATCH_FAILED;
    }
  } else {
    const ifUnmodifiedSince = headers.get("if-unmodified-since");
    if (ifUnmodifiedSince !== null && validators.lastModified !== null) {
      const date = parseHttpDate(ifUnmodifiedSince);
      if (date !== null && seconds(validators.lastModified) > seconds(date)) {
        return IF_UNMODIFIED_SINCE_FAILED;
      }
    }
  }
  const ifNoneMatch = headers.get("if-none-match");
  if (ifNoneMatch !== null) {
    if (weakMatch(parseEntityTags(ifNoneMatch), validators.etag)) {
      return safe ? IF_NONE_MATCH_MATCHED : IF_NONE_MATCH_FAILED;
    }
    return PROCEED;
  }
  if (safe && validators.lastModified !== null) {
    const ifModifiedSince = headers.get("if-modified-since");
    if (ifModifiedSince !== null) {
      const date = parseHttpDate(ifModifiedSince);
      if (
        date !== null && date <= now &&
        seconds(validators.lastModified) <= seconds(date)
      ) {
        return NOT_MODIFIED_SINCE;
      }
    }
  }
  return PROCEED;
}

/**
 * Evaluate the preconditions as {@linkcode decidePreconditions} does, for
 * the status alone.
 *
 * @param method The request method.
 * @param headers The request headers.
 * @param validators The representation's ETag and modification time.
 * @param now The current time in ms, to ignore future `If-Modified-Since` dates.
 * @returns `200` to continue, `304` or `412`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { evaluatePreconditions } from "./preconditions.ts";
 *
 * const validators = { etag: '"v1"', lastModified: Date.UTC(2024, 0, 1) };
 * const check = (init: Record<string, string>) =>
 *   evaluatePreconditions("GET", new Headers(init), validators);
 * assert.equal(check({ "if-none-match": 'W/"v1"' }), 304);
 * assert.equal(check({ "if-match": '"v0"' }), 412);
 * assert.equal(check({ "if-modified-since": "Mon, 01 Jan 2024 00:00:00 GMT" }), 304);
 * assert.equal(check({}), 200);
 * ```
 */
export function evaluatePreconditions(
  method: string,
  headers: Headers,
  validators: Validators,
  now: number = Date.now(),
): PreconditionResult {
  return decidePreconditions(method, headers, validators, now).status;
}

/**
 * Decide whether a `Range` header may be honoured given `If-Range`
 * (RFC 9110 §13.1.5): with no `If-Range`, yes; with an entity-tag, only on a
 * strong match; with a date, only when it equals the modification time
 * exactly. Otherwise the full representation is sent with 200.
 *
 * @param headers The request headers.
 * @param validators The representation's ETag and modification time.
 * @returns `true` to apply the range, `false` to ignore it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { evaluateIfRange } from "./preconditions.ts";
 *
 * const validators = { etag: '"v1"', lastModified: Date.UTC(2024, 0, 1) };
 * assert.equal(evaluateIfRange(new Headers({ "if-range": '"v1"' }), validators), true);
 * assert.equal(evaluateIfRange(new Headers({ "if-range": 'W/"v1"' }), validators), false);
 * assert.equal(
 *   evaluateIfRange(new Headers({ "if-range": "Mon, 01 Jan 2024 00:00:00 GMT" }), validators),
 *   true,
 * );
 * ```
 */
export function evaluateIfRange(
  headers: Headers,
  validators: Validators,
): boolean {
  const ifRange = headers.get("if-range");
  if (ifRange === null) return true;
  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith("W/")) {
    const tag = parseTag(value);
    return tag !== null && !tag.weak &&
      strongMatch([tag], validators.etag);
  }
  const date = parseHttpDate(value);
  return date !== null && validators.lastModified !== null &&
    seconds(validators.lastModified) === seconds(date);
}
