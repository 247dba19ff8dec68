/**
 * The `_headers` file of Netlify and Cloudflare Pages: a URL pattern alone
 * on a line (no indent), then indented `Name: value` lines for the answers
 * of the paths it matches, and `! Name` to remove a header an earlier
 * matching block set. `#` starts a comment line. Patterns are those of
 * `url_pattern.ts`; a value may use what the pattern captured (`:name`,
 * `:splat`). Every matching block applies, in file order; a name set by two
 * blocks gets both values, joined with `, ` (as both conventions do).
 * Hostname patterns (`https://example.com/*`) are not supported.
 *
 * Fields the engine owns — the framing, `Connection`, `Date` — can never be
 * set here: such lines are reported and skipped.
 *
 * @module
 */

import { ENGINE_FIELDS } from "../http/engine_fields.ts";
import { isToken } from "../http/token_chars.ts";
import {
  DEFAULT_RULE_FILE_LIMITS,
  type RuleFileLimits,
  type RuleProblem,
} from "./redirects_file.ts";
import {
  compileUrlPattern,
  fillUrlTarget,
  matchUrlPattern,
  type UrlPattern,
} from "./url_pattern.ts";

/** One block: a pattern and what it does to the matching answers. */
export interface HeaderBlock {
  /** The line of its pattern (1-based). */
  readonly line: number;
  /** What it matches. */
  readonly pattern: UrlPattern;
  /** Fields to add, lowercased names, values with `:name` to fill in. */
  readonly set: readonly (readonly [string, string])[];
  /** Lowercased names to remove (`! Name`). */
  readonly remove: readonly string[];
}

/** Header values may hold tabs and visible characters, nothing else. */
// deno-lint-ignore no-control-regex
const BAD_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/;

/**
 * Parse a `_headers` file. Bad lines are skipped and reported; nothing in
 * the file can make this throw.
 *
 * @param text The file's content.
 * @param limits Caps on blocks (`maxRules`) and line length.
 * @returns The blocks in file order, and the problems found.
 */
export function parseHeadersFile(
  text: string,
  limits: RuleFileLimits = {},
): { blocks: HeaderBlock[]; problems: RuleProblem[] } {
  const { maxRules, maxLineLength } = {
    ...DEFAULT_RULE_FILE_LIMITS,
    ...limits,
  };
  const blocks: HeaderBlock[] = [];
  const problems: RuleProblem[] = [];
  let current:
    | (HeaderBlock & { set: [string, string][]; remove: string[] })
    | null = null;
  let skipping = false; // inside a block whose pattern was refused
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
    const content = raw.trim();
    if (content === "" || content.startsWith("#")) continue;
    const indented = raw[0] === " " || raw[0] === "\t";
    if (!indented) {
      current = null;
      if (blocks.length >= maxRules) {
        problems.push({ line, message: `more than ${maxRules} blocks` });
        skipping = true;
        continue;
      }
      const pattern = compileUrlPattern(content);
      if (typeof pattern === "string") {
        problems.push({ line, message: pattern });
        skipping = true;
        continue;
      }
      skipping = false;
      current = { line, pattern, set: [], remove: [] };
      blocks.push(current);
      continue;
    }
    if (skipping) continue;
    if (current === null) {
      problems.push({ line, message: "a header line before any path" });
      continue;
    }
    if (content.startsWith("!")) {
      const name = content.slice(1).trim().toLowerCase();
      if (!isToken(name)) {
        problems.push({ line, message: `bad header name "${name}"` });
      } else current.remove.push(name);
      continue;
    }
    const colon = content.indexOf(":");
    if (colon <= 0) {
      problems.push({ line, message: "expected Name: value" });
      continue;
    }
    const name = content.slice(0, colon).trim().toLowerCase();
    const value = content.slice(colon + 1).trim();
    if (!isToken(name)) {
      problems.push({ line, message: `bad header name "${name}"` });
    } else if (ENGINE_FIELDS.has(name)) {
      problems.push({ line, message: `"${name}" is the server's to set` });
    } else if (BAD_VALUE.test(value)) {
      problems.push({
        line,
        message: `the value of "${name}" holds a control character`,
      });
    } else {
      current.set.push([name, value]);
    }
  }
  return { blocks, problems };
}

/** What `_headers` does to one path's answer. */
export interface HeaderChanges {
  /** Fields to set (lowercased names). */
  readonly set: Map<string, string>;
  /** Names to remove from the answer the handler built. */
  readonly remove: Set<string>;
  /** The lines of the blocks that matched, in file order (for `explain`). */
  readonly lines: number[];
}

/**
 * What the blocks matching a path do to its answer: every matching block
 * in file order; a field two blocks set gets both values, `, `-joined; a
 * `! Name` removes what earlier blocks set.
 *
 * @param blocks From {@linkcode parseHeadersFile}.
 * @param segments The request's decoded path segments.
 * @returns Fields to set, names to remove, and which blocks matched.
 */
export function headersFor(
  blocks: readonly HeaderBlock[],
  segments: readonly string[],
): HeaderChanges {
  const set = new Map<string, string>();
  const remove = new Set<string>();
  const lines: number[] = [];
  for (const block of blocks) {
    const params = matchUrlPattern(block.pattern, segments);
    if (params === null) continue;
    lines.push(block.line);
    for (const name of block.remove) {
      set.delete(name);
      remove.add(name);
    }
    for (const [name, template] of block.set) {
      const value = fillUrlTarget(template, params);
      const before = set.get(name);
      set.set(name, before === undefined ? value : `${before}, ${value}`);
      remove.delete(name);
    }
  }
  return { set, remove, lines };
}
