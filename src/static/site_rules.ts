/**
 * A site's own rules: its `_redirects` and `_headers` files at the root
 * (the convention of Netlify and Cloudflare Pages; `redirects_file.ts`,
 * `headers_file.ts`). They are read through the file cache — found and
 * opened with the same containment as any file — parsed again only when
 * their identity changes, and looked at again within the staleness bound
 * (`revalidateMs`), an absent file included. Each problem in a file is
 * reported once per version of it, as `file:line: message`.
 *
 * @module
 */

import { join } from "node:path";
import type { FileEntry, Representation } from "./file_cache.ts";
import { reopen } from "./file_entry.ts";
import {
  type HeaderBlock,
  type HeaderChanges,
  headersFor,
  parseHeadersFile,
} from "./headers_file.ts";
import {
  parseRedirects,
  type RedirectRule,
  type RuleProblem,
} from "./redirects_file.ts";
import type { SiteFiles } from "./site_files.ts";

/** The two files' names, at the root; neither is ever served. */
export const RULE_FILES: readonly string[] = ["_redirects", "_headers"];

/** What the rules say now. */
export interface SiteRuleSet {
  /** `_redirects`' rules, in file order. */
  readonly redirects: readonly RedirectRule[];
  /** `_headers`' blocks, in file order. */
  readonly headers: readonly HeaderBlock[];
}

const NONE: SiteRuleSet = { redirects: [], headers: [] };

/** Largest rules file read: far over what the rule caps let through. */
const MAX_RULE_FILE_BYTES = 4 * 1024 * 1024;

/** A file's bytes: cached, or read again where its entry found it. */
function bytesOf(identity: Representation): Uint8Array | null {
  if (identity.bytes !== null) return identity.bytes;
  try {
    using file = reopen(identity);
    return file?.readAllSync() ?? null;
  } catch {
    return null;
  }
}

/** One rules file as last seen. */
interface Seen<T> {
  /** The representation it was parsed from, or `null` when absent. */
  identity: Representation | null;
  parsed: T[];
  /** When it was last looked for (the cache clock). */
  checkedAt: number;
}

/**
 * The site's rules, kept fresh.
 */
export class SiteRules {
  readonly #files: SiteFiles;
  readonly #warn: (message: string) => void;
  readonly #changed: () => void;
  readonly #now: () => number;
  readonly #revalidateMs: number;
  #redirects: Seen<RedirectRule> = {
    identity: null,
    parsed: [],
    checkedAt: -Infinity,
  };
  #headers: Seen<HeaderBlock> = {
    identity: null,
    parsed: [],
    checkedAt: -Infinity,
  };
  #current: SiteRuleSet = NONE;
  #refreshing = false;

  /**
   * @param files Where the site's files are found.
   * @param hooks `warn`: told each problem once; `changed`: told when the
   *   rules changed (what was answered before may not hold).
   * @param clock The cache clock and the staleness bound.
   */
  constructor(
    files: SiteFiles,
    hooks: { warn: (message: string) => void; changed: () => void },
    clock: { now: () => number; revalidateMs: number },
  ) {
    this.#files = files;
    this.#warn = hooks.warn;
    this.#changed = hooks.changed;
    this.#now = clock.now;
    this.#revalidateMs = clock.revalidateMs;
  }

  /**
   * Whether the rules were looked at within the staleness bound: what a
   * fast-lane hit needs, as it does not look.
   *
   * @param now The cache clock, read once by the caller.
   * @returns `true` while neither file needs a look.
   */
  fresh(now: number): boolean {
    return now - this.#redirects.checkedAt < this.#revalidateMs &&
      now - this.#headers.checkedAt < this.#revalidateMs;
  }

  /**
   * A watcher saw a rules file change: look at both again before anything
   * else is answered by the rules as they were (the fast lane waits for
   * the next ordinary request to look).
   */
  invalidate(): void {
    this.#redirects.checkedAt = -Infinity;
    this.#headers.checkedAt = -Infinity;
  }

  /**
   * The rules now, looking at the files again once the staleness bound has
   * passed.
   *
   * @param rootReal The root's real path now.
   * @returns The rules.
   */
  async current(rootReal: string): Promise<SiteRuleSet> {
    const now = this.#now();
    if (this.fresh(now)) return this.#current;
    return await this.#lookAgain(rootReal, now, this.#revalidateMs);
  }

  /**
   * Look at the files again in the background once half the staleness
   * bound has passed, as the fast lane asks on a hit: under steady traffic
   * the rules never go stale, and no request waits for the look.
   *
   * @param now The cache clock, read once by the caller.
   * @param rootReal The root's real path now.
   */
  refreshAhead(now: number, rootReal: string): void {
    const half = this.#revalidateMs / 2;
    if (
      this.#refreshing ||
      (now - this.#redirects.checkedAt < half &&
        now - this.#headers.checkedAt < half)
    ) {
      return;
    }
    this.#refreshing = true;
    this.#lookAgain(rootReal, now, half).catch(() => {
      // Left as they were: the next ordinary request looks again.
    }).finally(() => this.#refreshing = false);
  }

  /** Look at each file last seen `olderThan` ms ago or more. */
  async #lookAgain(
    rootReal: string,
    now: number,
    olderThan: number,
  ): Promise<SiteRuleSet> {
    // Both looks start now: each file's check time moves at once, so a
    // fast-lane hit never sees one fresh and the other stale.
    const [redirects, headers] = await Promise.all([
      this.#look(
        this.#redirects,
        "_redirects",
        rootReal,
        now,
        (text) => {
          const { rules, problems } = parseRedirects(text);
          return { parsed: rules, problems };
        },
        olderThan,
      ),
      this.#look(
        this.#headers,
        "_headers",
        rootReal,
        now,
        (text) => {
          const { blocks, problems } = parseHeadersFile(text);
          return { parsed: blocks, problems };
        },
        olderThan,
      ),
    ]);
    if (redirects || headers) {
      this.#current = {
        redirects: this.#redirects.parsed,
        headers: this.#headers.parsed,
      };
      this.#changed();
    }
    return this.#current;
  }

  /** Whether `_headers` has any block (else answers need no look). */
  get hasHeaders(): boolean {
    return this.#current.headers.length > 0;
  }

  /**
   * What `_headers` does to the answer for these segments.
   *
   * @param segments The request's decoded path segments (below the mount).
   * @returns Fields to set, names to remove and the blocks' lines, or
   *   `null` when there is no block at all.
   */
  headersFor(segments: readonly string[]): HeaderChanges | null {
    const blocks = this.#current.headers;
    return blocks.length === 0 ? null : headersFor(blocks, segments);
  }

  /** Look at one file again; `true` when what it says changed. */
  async #look<T>(
    seen: Seen<T>,
    name: string,
    rootReal: string,
    now: number,
    parse: (text: string) => { parsed: T[]; problems: RuleProblem[] },
    olderThan: number,
  ): Promise<boolean> {
    if (now - seen.checkedAt < olderThan) return false;
    seen.checkedAt = now;
    let found;
    try {
      found = await this.#files.lookup(join(this.#files.root, name), rootReal);
    } catch (error) {
      found = 404 as const;
      this.#warn(`${name}: ${error instanceof Error ? error.message : error}`);
    }
    const entry = typeof found === "number" || found.kind !== "file"
      ? null
      : found as FileEntry;
    const identity = entry?.identity ?? null;
    if (identity === seen.identity) return false;
    seen.identity = identity;
    if (identity === null) {
      const had = seen.parsed.length > 0;
      seen.parsed = [];
      return had;
    }
    const bytes = identity.size > MAX_RULE_FILE_BYTES
      ? null
      : bytesOf(identity);
    if (bytes === null) {
      this.#warn(
        `${name}: too large or unreadable (${identity.size} bytes); ignored`,
      );
      seen.parsed = [];
      return true;
    }
    const text = new TextDecoder().decode(bytes);
    const { parsed, problems } = parse(text);
    for (const problem of problems) {
      this.#warn(`${name}:${problem.line}: ${problem.message}; line skipped`);
    }
    seen.parsed = parsed;
    return true;
  }
}
