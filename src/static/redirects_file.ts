/**
 * The `_redirects` file of Netlify and Cloudflare Pages: one rule a line,
 * `FROM TO [STATUS][!]`, `#` comments.
 *
 * Where the two agree, so does berth: statuses 301 (the default), 302,
 * 303, 307, 308, and 200 (a rewrite: TO's content at FROM's URL); `*` in
 * FROM becomes `:splat` in TO, `:name` placeholders match one segment; an
 * absolute TO (`https://…`) is for redirects only; the first matching rule
 * wins. Where they differ, berth follows Netlify: 404 (TO's content with
 * status 404) is accepted, and a rule whose FROM names an existing file does
 * not apply unless forced with `!` after the status ("shadowing"); Netlify's
 * conditions (`Country=…`, query matching) and domain-level FROMs are not
 * supported, and such lines are reported and skipped.
 *
 * @module
 */

import {
  compileUrlPattern,
  type UrlParams,
  type UrlPattern,
} from "./url_pattern.ts";

/** A rule's status: a redirect, a rewrite (200), or a not-found page (404). */
export type RedirectStatus = 200 | 301 | 302 | 303 | 307 | 308 | 404;

/** One `_redirects` rule. */
export interface RedirectRule {
  /** The line it came from (1-based). */
  readonly line: number;
  /** What it matches. */
  readonly from: UrlPattern;
  /** Where it leads, with `:name`/`:splat` to fill in. */
  readonly to: string;
  /** What it answers. */
  readonly status: RedirectStatus;
  /** `!`: applies even where FROM names an existing file. */
  readonly force: boolean;
}

/** A line that was skipped, and why: reported as `file:line`. */
export interface RuleProblem {
  /** The line (1-based). */
  readonly line: number;
  /** What is wrong with it. */
  readonly message: string;
}

/** Limits against abuse of a rules file. */
export interface RuleFileLimits {
  /**
   * Most rules kept; the rest are reported and skipped.
   *
   * @default {2000}
   */
  maxRules?: number;
  /**
   * Longest line, in characters; longer ones are reported and skipped.
   *
   * @default {2000}
   */
  maxLineLength?: number;
}

/** The limits' defaults, written once. */
export const DEFAULT_RULE_FILE_LIMITS: Readonly<Required<RuleFileLimits>> =
  Object.freeze({ maxRules: 2000, maxLineLength: 2000 });

const STATUSES: ReadonlySet<number> = new Set([
  200,
  301,
  302,
  303,
  307,
  308,
  404,
]);

/**
 * Whether a status redirects (the client is sent elsewhere).
 *
 * @param status A rule's status.
 * @returns `false` for a rewrite (200) or a not-found page (404).
 */
export function isRedirect(
  status: RedirectStatus,
): status is 301 | 302 | 303 | 307 | 308 {
  return status !== 200 && status !== 404;
}

function parseRule(
  fields: string[],
  line: number,
): RedirectRule | string {
  if (fields.length < 2) return "a rule needs FROM and TO";
  if (fields.length > 3) {
    return "conditions after the status are not supported";
  }
  const [fromText, to, statusText = "301"] = fields;
  const from = compileUrlPattern(fromText);
  if (typeof from === "string") return `FROM: ${from}`;
  const force = statusText.endsWith("!");
  const status = Number(force ? statusText.slice(0, -1) : statusText);
  if (!/^\d{3}!?$/.test(statusText) || !STATUSES.has(status)) {
    return `unsupported status "${statusText}"`;
  }
  const absolute = /^https?:\/\//i.test(to);
  if (!absolute && !to.startsWith("/")) {
    return `TO must be a path or an http(s) URL`;
  }
  if (absolute && !isRedirect(status as RedirectStatus)) {
    return `an absolute TO is for redirects only, not ${status}`;
  }
  // A target is written into a Location or resolved under the root: no
  // whitespace or control character may hide in it.
  // deno-lint-ignore no-control-regex
  if (/[\x00-\x20\x7f]/.test(to)) return "TO holds a control character";
  return { line, from, to, status: status as RedirectStatus, force };
}

/**
 * Parse a `_redirects` file. Bad lines are skipped and reported; nothing
 * in the file can make this throw.
 *
 * @param text The file's content.
 * @param limits Caps on rules and line length.
 * @returns The rules in file order, and the problems found.
 */
export function parseRedirects(
  text: string,
  limits: RuleFileLimits = {},
): { rules: RedirectRule[]; problems: RuleProblem[] } {
  const { maxRules, maxLineLength } = {
    ...DEFAULT_RULE_FILE_LIMITS,
    ...limits,
  };
  const rules: RedirectRule[] = [];
  const problems: RuleProblem[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    const raw = lines[i];
    if (raw.length > maxLineLength) {
      problems.push({
        line,
        message: `longer than ${maxLineLength} characters`,
      });
      continue;
    }
    const content = raw.replace(/(^|\s)#.*$/, "").trim();
    if (content === "") continue;
    if (rules.length >= maxRules) {
      problems.push({ line, message: `more than ${maxRules} rules` });
      continue;
    }
    const rule = parseRule(content.split(/\s+/), line);
    if (typeof rule === "string") problems.push({ line, message: rule });
    else rules.push(rule);
  }
  return { rules, problems };
}

/** A rule that matched, with what it captured. */
export interface RedirectMatch {
  /** The rule. */
  readonly rule: RedirectRule;
  /** What its FROM captured. */
  readonly params: UrlParams;
}
