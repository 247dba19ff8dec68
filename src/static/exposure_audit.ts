/**
 * A bounded look over a root for what should never be public (the kinds of
 * `exposure_kinds.ts`) and that the file handler would actually serve under
 * the given options: the handler's own rules decide, taken from where it
 * keeps them — a dot-named entry only with `dotfiles` (`/.well-known/`
 * always: `isHiddenPath`), a name no URL can reach never (`isReachableName`),
 * a symlink only when its real path stays inside the root's
 * (`isRealPathAllowed`), and `_redirects`/`_headers` at the root never while
 * site rules are followed (`RULE_FILES`).
 *
 * The walk is breadth-first, so what sits near the top is seen first, and
 * stops after `maxEntries` entries or `timeBudgetMs`, whichever comes first,
 * saying so. It never follows a symlinked folder (whatever is inside the
 * root is reached by its real path anyway, and a link can make a loop), and
 * it never opens what is not a regular file: entry types come from the
 * directory itself, as `lstat` would say, and the few files whose content
 * is checked are opened non-blocking and checked again with `fstat`, so a
 * FIFO is never read.
 *
 * @module
 */

import * as fs from "node:fs";
import { basename, join, relative, sep } from "node:path";
import {
  classifyName,
  contentConfirms,
  type ExposureKind,
  type NameVerdict,
} from "./exposure_kinds.ts";
import { O_READ } from "./open_entry.ts";
import {
  isHiddenPath,
  isReachableName,
  isRealPathAllowed,
} from "./resolve_path.ts";
import { RULE_FILES } from "./site_rules.ts";

/** The handler's options the audit weighs, and the audit's bounds. */
export interface ExposureAuditOptions {
  /**
   * Whether dotfiles are served (the handler's `dotfiles`).
   *
   * @default {false}
   */
  dotfiles?: boolean;
  /**
   * Whether the root's `_redirects` and `_headers` are followed, and so
   * never served (the handler's `siteRules`).
   *
   * @default {true}
   */
  siteRules?: boolean;
  /**
   * Most entries looked at before the audit stops.
   *
   * @default {5000}
   */
  maxEntries?: number;
  /**
   * Longest time the audit takes before it stops, in milliseconds.
   *
   * @default {500}
   */
  timeBudgetMs?: number;
}

/** The audit's bounds when none are given. */
export const DEFAULT_AUDIT_BOUNDS: Readonly<
  Required<Pick<ExposureAuditOptions, "maxEntries" | "timeBudgetMs">>
> = Object.freeze({ maxEntries: 5000, timeBudgetMs: 500 });

/** An entry that should never be public and would be served. */
export interface ExposureFinding {
  /** Its URL path's segments under the root. */
  segments: string[];
  /** What it is. */
  kind: ExposureKind;
  /** Whether it is a folder (`.git`, `.ssh`): everything in it is served. */
  isDirectory: boolean;
  /** For a symlink, the real path it leads to; else `null`. */
  linkTarget: string | null;
  /**
   * The option that makes it served where the defaults would not:
   * `"dotfiles"` (a dot-named entry on its way), `"no-site-rules"` (a root
   * `_redirects` or `_headers` served as a file), or `null`.
   */
  servedBecause: "dotfiles" | "no-site-rules" | null;
}

/** What the audit found, and how far it got. */
export interface ExposureAudit {
  /** The root's real path. */
  rootReal: string;
  /** What would be served, in the order found. */
  findings: ExposureFinding[];
  /** Entries looked at. */
  entriesSeen: number;
  /**
   * `null` when every entry was looked at; else the bound that stopped the
   * walk with entries left: `"entries"` (`maxEntries`) or `"time"`.
   */
  stoppedBy: "entries" | "time" | null;
}

/** The most of a file whose content is checked: a PEM key is far smaller. */
const MAX_CHECKED_FILE_BYTES = 64 * 1024;
/** How much of such a file is read. */
const CONTENT_PREFIX_BYTES = 4096;

const decoder = new TextDecoder();

/**
 * A regular file's first bytes as text, or `null` when it cannot be read
 * (then the handler cannot serve it either), is not a regular file, or is
 * too large to hold what is looked for. `withContent` false only checks
 * that it opens.
 */
function readPrefix(path: string, withContent: boolean): string | null {
  let fd: number;
  try {
    fd = fs.openSync(path, O_READ);
  } catch {
    return null;
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return null;
    if (!withContent) return "";
    if (stat.size > MAX_CHECKED_FILE_BYTES) return null;
    const bytes = new Uint8Array(Math.min(stat.size, CONTENT_PREFIX_BYTES));
    const read = fs.readSync(fd, bytes, 0, bytes.length, 0);
    return decoder.decode(bytes.subarray(0, read));
  } catch {
    return null;
  } finally {
    fs.closeSync(fd);
  }
}

/** The first verdict the names give that the file's content confirms. */
function confirmedKind(
  verdicts: NameVerdict[],
  path: string,
): ExposureKind | null {
  let prefix: string | null | undefined;
  for (const { kind, needsContent } of verdicts) {
    if (needsContent) {
      prefix ??= readPrefix(path, true);
      if (prefix !== null && contentConfirms(kind, prefix)) return kind;
    } else if (readPrefix(path, false) !== null) {
      return kind;
    }
  }
  return null;
}

/** What one entry of a folder is, once symlinks are resolved. */
interface Resolved {
  /** The path to read it by (its real path, for a symlink). */
  path: string;
  isDirectory: boolean;
  isFile: boolean;
  /** The real path a symlink leads to, else `null`. */
  linkTarget: string | null;
}

/** The option that makes an entry served: a dot-named entry, a rules file. */
function because(
  hidden: boolean,
  ruleFile = false,
): ExposureFinding["servedBecause"] {
  return hidden ? "dotfiles" : ruleFile ? "no-site-rules" : null;
}

/** One walk: its options, bounds and what it found so far. */
class Walk {
  readonly audit: ExposureAudit;
  readonly #dotfiles: boolean;
  readonly #siteRules: boolean;
  readonly #maxEntries: number;
  readonly #deadline: number;
  /** Folders still to look in, as segments under the root. */
  readonly folders: string[][] = [[]];

  constructor(rootReal: string, options: ExposureAuditOptions) {
    this.audit = { rootReal, findings: [], entriesSeen: 0, stoppedBy: null };
    this.#dotfiles = options.dotfiles ?? false;
    this.#siteRules = options.siteRules ?? true;
    this.#maxEntries = options.maxEntries ?? DEFAULT_AUDIT_BOUNDS.maxEntries;
    this.#deadline = performance.now() +
      (options.timeBudgetMs ?? DEFAULT_AUDIT_BOUNDS.timeBudgetMs);
  }

  /** Whether a bound is reached with an entry still to look at. */
  stopped(): boolean {
    const audit = this.audit;
    if (audit.entriesSeen >= this.#maxEntries) audit.stoppedBy = "entries";
    else if (performance.now() >= this.#deadline) audit.stoppedBy = "time";
    return audit.stoppedBy !== null;
  }

  /** Look at one entry of the folder at `parent`. */
  async look(parent: string[], entry: Deno.DirEntry): Promise<void> {
    this.audit.entriesSeen++;
    const name = entry.name;
    if (!isReachableName(name)) return;
    const segments = [...parent, name];
    const hiddenUrl = isHiddenPath(segments);
    if (hiddenUrl && !this.#dotfiles) return;
    const ruleFile = parent.length === 0 && RULE_FILES.includes(name);
    if (ruleFile && this.#siteRules) return;
    const { rootReal } = this.audit;
    const found = await this.#resolve(join(rootReal, ...segments), entry);
    if (found === null) return;
    if (found.isDirectory && found.linkTarget === null) {
      const verdict = classifyName(name, true);
      if (verdict === null) this.folders.push(segments);
      else this.#add(segments, verdict.kind, found, because(hiddenUrl));
      return;
    }
    if (!found.isDirectory && !found.isFile) return; // never served
    const names = found.linkTarget === null
      ? [name]
      : [name, basename(found.linkTarget)];
    const verdicts = names.map((n) => classifyName(n, found.isDirectory))
      .filter((verdict) => verdict !== null);
    if (verdicts.length === 0) return;
    const kind = found.isDirectory
      ? verdicts[0].kind
      : confirmedKind(verdicts, found.path);
    if (kind === null) return;
    const hiddenReal = found.linkTarget !== null &&
      found.linkTarget !== rootReal &&
      isHiddenPath(relative(rootReal, found.linkTarget).split(sep));
    this.#add(
      segments,
      kind,
      found,
      because(hiddenUrl || hiddenReal, ruleFile),
    );
  }

  /** The entry's type, following a symlink only to inside the root. */
  async #resolve(path: string, entry: Deno.DirEntry): Promise<Resolved | null> {
    if (!entry.isSymlink) {
      return {
        path,
        isDirectory: entry.isDirectory,
        isFile: entry.isFile,
        linkTarget: null,
      };
    }
    try {
      // A dangling link or a loop throws: neither is served.
      const real = await Deno.realPath(path);
      if (!isRealPathAllowed(this.audit.rootReal, real, this.#dotfiles)) {
        return null;
      }
      const info = await Deno.stat(real);
      return {
        path: real,
        isDirectory: info.isDirectory,
        isFile: info.isFile,
        linkTarget: real,
      };
    } catch {
      return null;
    }
  }

  #add(
    segments: string[],
    kind: ExposureKind,
    found: Resolved,
    servedBecause: ExposureFinding["servedBecause"],
  ): void {
    this.audit.findings.push({
      segments,
      kind,
      isDirectory: found.isDirectory,
      linkTarget: found.linkTarget,
      servedBecause,
    });
  }
}

/**
 * Look over `root` for entries that should never be public and that a file
 * handler with these options would serve, within the bounds.
 *
 * @param root The folder served.
 * @param options The handler's `dotfiles` and `siteRules`, and the bounds.
 * @returns What was found, and whether the walk stopped early.
 * @throws What the file system says of `root` itself (`ENOENT`…).
 */
export async function auditExposure(
  root: string,
  options: ExposureAuditOptions = {},
): Promise<ExposureAudit> {
  const walk = new Walk(await Deno.realPath(root), options);
  const { folders, audit } = walk;
  for (let next = 0; next < folders.length; next++) {
    const parent = folders[next];
    try {
      // One entry at a time: a folder of a million names costs no more.
      for await (const entry of Deno.readDir(join(audit.rootReal, ...parent))) {
        if (walk.stopped()) return audit;
        await walk.look(parent, entry);
      }
    } catch {
      // Unreadable (or gone): the handler answers 403 (or 404) there.
    }
  }
  return audit;
}
