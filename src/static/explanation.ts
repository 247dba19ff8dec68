/**
 * Why an answer is what it is (`explain: true`, `--explain`): what each
 * decision noted where it was made — routing (`route_decision.ts`), the
 * site's rules, containment (`locate_entry.ts`, through the lookup that
 * missed), the representation, preconditions and ranges
 * (`file_response.ts`) — kept as data and rendered once, as the words of
 * the `Berth-Explain` field: `304: If-None-Match matched "…"`.
 *
 * The words are printable ASCII and bounded, and repeat no text a client
 * sent (an ETag shown is the file's own, a path is never named, byte
 * ranges are numbers as berth parsed them), so they cannot break a header
 * or a log line.
 *
 * @module
 */

import { STATUS_TEXT } from "../http/status_text.ts";
import type { ContentCoding } from "./accept_encoding.ts";
import { type MissReason, missReason } from "./fs_error_status.ts";
import type { ByteRange } from "./parse_range.ts";
import type { PreconditionOutcome } from "./preconditions.ts";
import type { RedirectStatus } from "./redirects_file.ts";
import type { RouteReason } from "./route_decision.ts";

/**
 * What the router and the handler decide outside the route decision:
 * - `method`: 405; `options`: 204 with `Allow`; `preflight`: a CORS
 *   preflight's 204;
 * - `non-canonical`: a 301 to the canonical path (std's conventions);
 * - `malformed-path` (400), `path-too-long` (414), `unservable-name` (404):
 *   a URL path refused before any lookup;
 * - `outside-mount`: not under `urlRoot`; `no-root`: the root is missing;
 * - `rule-file`: `_redirects` and `_headers` are never served;
 *   `bad-rule-target`: a rewrite whose target is no path under the root;
 * - `not-found-page`: the 404 page answered; `vanished`: the file went
 *   away while it was answered; `error`: an unexpected error (500).
 */
export type HandlerReason =
  | "method"
  | "options"
  | "preflight"
  | "non-canonical"
  | "malformed-path"
  | "path-too-long"
  | "unservable-name"
  | "outside-mount"
  | "no-root"
  | "rule-file"
  | "bad-rule-target"
  | "not-found-page"
  | "vanished"
  | "error";

/** One note, in the order the decisions were made. */
type Note =
  | RouteReason
  | HandlerReason
  | { readonly rule: number; readonly status: RedirectStatus }
  | { readonly headerLines: readonly number[] };

/** What a precondition or a `Range` made of a file's answer. */
type Condition =
  | { readonly outcome: PreconditionOutcome; readonly etag: string | null }
  | { readonly ranges: readonly ByteRange[]; readonly size: number }
  | { readonly unsatisfiable: number }
  | "range-ignored"
  | "if-range-failed";

/** The longest words rendered; longer ones are cut, ending with `...`. */
export const MAX_EXPLAIN_CHARS = 512;
/** Ranges named one by one; more are counted. */
const MAX_RANGES_NAMED = 4;

const PHRASES: Readonly<Record<RouteReason | HandlerReason, string>> = {
  index: "directory index",
  "clean-url": "clean URL (.html)",
  spa: "SPA fallback",
  listing: "directory listing",
  "directory-slash": "directory needs a trailing slash",
  "file-with-slash": "a file takes no trailing slash",
  "clean-url-slash": "a clean URL takes no trailing slash",
  "trailing-slash-always": 'trailingSlash is "always"',
  "trailing-slash-never": 'trailingSlash is "never"',
  hidden: "dotfile hidden (use --dotfiles)",
  "no-index": "directory without an index (use --dir-listing)",
  forbidden: "permission denied",
  missing: "no such file",
  method: "only GET, HEAD and OPTIONS",
  options: "allowed methods",
  preflight: "CORS preflight",
  "non-canonical": "path not canonical",
  "malformed-path":
    "malformed path (bad escape, NUL, backslash or encoded slash)",
  "path-too-long": "path too long",
  "unservable-name": "a name no file can have",
  "outside-mount": "outside urlRoot",
  "no-root": "the root folder is missing",
  "rule-file": "_redirects and _headers are never served",
  "bad-rule-target": "the rule's target is no path under the root",
  "not-found-page": "404 page",
  vanished: "the file went away while answered",
  error: "unexpected error (details to onError)",
};

const MISSES: Readonly<Record<MissReason, string>> = {
  missing: "no such file",
  "not-a-file": "not a regular file",
  "not-capable": "outside what Deno may read (--allow-read)",
  loop: "symlink loop",
  "outside-root": "symlink leaves the root",
  dotfile: "symlink to a hidden dotfile (use --dotfiles)",
  symlink: "symlink not followed (followSymlinks: never)",
};

const SIBLING_SUFFIX: Readonly<Record<ContentCoding, string>> = {
  br: ".br",
  zstd: ".zst",
  gzip: ".gz",
};

/** An ETag shown as it is: strong or weak, printable ASCII, bounded. */
const SHOWN_ETAG = /^(?:W\/)?"[\x21\x23-\x7e]{0,80}"$/;

function etagWords(etag: string | null): string {
  if (etag === null) return "no ETag";
  return SHOWN_ETAG.test(etag) ? etag : "the ETag";
}

function rangeWords(ranges: readonly ByteRange[], size: number): string {
  const named = ranges.slice(0, MAX_RANGES_NAMED).map((range) =>
    `${range.start}-${range.end}`
  ).join(", ");
  const more = ranges.length > MAX_RANGES_NAMED
    ? ` and ${ranges.length - MAX_RANGES_NAMED} more`
    : "";
  const parts = ranges.length > 1 ? " (multipart)" : "";
  return `bytes ${named}${more} of ${size}${parts}`;
}

function conditionWords(condition: Condition): string {
  if (condition === "range-ignored") return "Range ignored (whole file)";
  if (condition === "if-range-failed") {
    return "If-Range did not match (whole file)";
  }
  if ("unsatisfiable" in condition) {
    return `no range within ${condition.unsatisfiable} bytes`;
  }
  if ("ranges" in condition) {
    return rangeWords(condition.ranges, condition.size);
  }
  const etag = etagWords(condition.etag);
  switch (condition.outcome.field) {
    case "if-match":
      return `If-Match did not match ${etag}`;
    case "if-unmodified-since":
      return "modified since If-Unmodified-Since";
    case "if-none-match":
      return `If-None-Match matched ${etag}`;
    case "if-modified-since":
      return "not modified since If-Modified-Since";
  }
  return "preconditions passed";
}

function noteWords(note: Note, miss: MissReason | null): string {
  if (typeof note === "string") {
    return note === "missing" ? MISSES[miss ?? "missing"] : PHRASES[note];
  }
  if ("headerLines" in note) {
    const lines = note.headerLines;
    return `_headers line${lines.length > 1 ? "s" : ""} ${lines.join(", ")}`;
  }
  const what = note.status === 200
    ? "rewrite"
    : note.status === 404
    ? "404 page"
    : "redirect";
  return `${what} by _redirects line ${note.rule}`;
}

/** What an answer the fast lane replays says, the lane's words aside. */
export interface ReplayedWords {
  /** The 200's (and the HEAD's): the answer as recorded. */
  readonly full: string;
  /** The 304's, to an `If-None-Match` that names the answer's ETag. */
  readonly notModified: string;
}

/**
 * Why one answer is what it is: notes left by the decisions that made it,
 * rendered once by {@linkcode Explanation.render}.
 */
export class Explanation {
  readonly #notes: Note[] = [];
  /** Why the path's own lookup found nothing, when it did not. */
  #miss: MissReason | null = null;
  /** The precompressed sibling sent, if any. */
  #sibling: ContentCoding | null = null;
  /** Whether the file was gzipped on the fly. */
  #gzipped = false;
  /** Whether live reload's script element was added to the page. */
  #injected = false;
  #condition: Condition | null = null;

  /**
   * Note a decision's reason (routing's, or the handler's own).
   *
   * @param reason Why.
   */
  note(reason: RouteReason | HandlerReason): void {
    this.#notes.push(reason);
  }

  /**
   * Note that a `_redirects` rule decided.
   *
   * @param line The rule's line.
   * @param status What it answers: a redirect, a rewrite (200) or 404.
   */
  rule(line: number, status: RedirectStatus): void {
    this.#notes.push({ rule: line, status });
  }

  /**
   * Note the `_headers` blocks that applied.
   *
   * @param lines Their lines, in file order.
   */
  headers(lines: readonly number[]): void {
    if (lines.length > 0) this.#notes.push({ headerLines: lines });
  }

  /**
   * Told by the lookup of the path itself when it found nothing to serve:
   * the first such cause is the one a not-found answer gives.
   *
   * @param cause What the lookup failed with, or `null` for an entry that
   *   is neither a file nor a folder.
   */
  missed(cause: unknown): void {
    this.#miss ??= missReason(cause);
  }

  /**
   * Note how the file is represented, forgetting what an earlier attempt at
   * answering it noted (a file that changed is answered again).
   *
   * @param sibling The precompressed sibling sent, or `null`.
   * @param gzipped Whether it is gzipped on the fly.
   */
  represented(sibling: ContentCoding | null, gzipped: boolean): void {
    this.#sibling = sibling;
    this.#gzipped = gzipped;
    this.#injected = false;
    this.#condition = null;
  }

  /**
   * Note that the page is sent as is on disk plus live reload's script
   * element (`liveReload`), after {@linkcode Explanation.represented}.
   */
  injected(): void {
    this.#injected = true;
  }

  /**
   * Note what the preconditions decided (RFC 9110 §13.2.2).
   *
   * @param outcome The outcome, with the field that decided it.
   * @param etag The file's ETag they were weighed against.
   */
  precondition(outcome: PreconditionOutcome, etag: string | null): void {
    this.#condition = { outcome, etag };
  }

  /**
   * Note the ranges sent (206).
   *
   * @param ranges The ranges, sorted.
   * @param size The representation's size.
   */
  ranged(ranges: readonly ByteRange[], size: number): void {
    this.#condition = { ranges, size };
  }

  /**
   * Note that no range asked for lies within the file (416).
   *
   * @param size The representation's size.
   */
  unsatisfiable(size: number): void {
    this.#condition = { unsatisfiable: size };
  }

  /**
   * Note that a `Range` was not used: malformed, another unit, too many
   * ranges (`"range-ignored"`), or an `If-Range` that did not match.
   *
   * @param why Which.
   */
  wholeFile(why: "range-ignored" | "if-range-failed"): void {
    this.#condition = why;
  }

  /**
   * Forget what answering a file noted: it went away, and the answer is
   * another one.
   */
  vanished(): void {
    this.represented(null, false);
    this.note("vanished");
  }

  /**
   * The words, for an answer with `status`: `STATUS: note; note…`, or
   * `200: file` for a file served as named.
   *
   * @param status The answer's status.
   * @returns Printable ASCII, at most {@linkcode MAX_EXPLAIN_CHARS}.
   */
  render(status: number): string {
    return this.#words(status, this.#condition);
  }

  /**
   * What the fast lane's replays of this answer (a full 200) say: as the
   * ordinary path would, for a request without a `Range`, and for one whose
   * `If-None-Match` names the answer's ETag.
   *
   * @param etag The answer's ETag.
   * @returns The words.
   */
  replayed(etag: string | null): ReplayedWords {
    const notModified = {
      outcome: { status: 304, field: "if-none-match" },
      etag,
    } as const;
    return {
      full: this.#words(200, null),
      notModified: this.#words(304, notModified),
    };
  }

  /**
   * The notes that depend on the URL path and not on the file (what the
   * rules and routing decided): two paths to one file that differ here
   * cannot share the fast lane's answers.
   *
   * @returns The notes' words.
   */
  routeWords(): string {
    return this.#notes.map((note) => noteWords(note, this.#miss)).join("; ");
  }

  #words(status: number, condition: Condition | null): string {
    const parts = this.#notes.map((note) => noteWords(note, this.#miss));
    if (this.#sibling !== null) {
      parts.push(`precompressed ${SIBLING_SUFFIX[this.#sibling]} sibling`);
    } else if (this.#gzipped) {
      parts.push("gzip on the fly");
    }
    if (this.#injected) parts.push("live reload script added");
    if (condition !== null) parts.push(conditionWords(condition));
    const words = parts.length > 0
      ? parts.join("; ")
      : status === 200
      ? "file"
      : (STATUS_TEXT[status] ?? "answer").toLowerCase();
    return bounded(`${status}: ${words}`);
  }
}

/** Printable ASCII only, and at most MAX_EXPLAIN_CHARS. */
function bounded(text: string): string {
  // Every piece is ASCII by construction; this is the line of defence that
  // keeps a header value one line whatever a configured name holds.
  const ascii = text.replace(/[^\x20-\x7e]/g, "?");
  return ascii.length <= MAX_EXPLAIN_CHARS
    ? ascii
    : ascii.slice(0, MAX_EXPLAIN_CHARS - 3) + "...";
}
