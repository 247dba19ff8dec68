/**
 * The startup exposure audit as the command line says it: one line per
 * entry that should never be public and would be served, then a summary;
 * nothing when the audit looked at everything and found nothing.
 *
 * @module
 */

import { relative, sep } from "node:path";
import {
  auditExposure,
  DEFAULT_AUDIT_BOUNDS,
  type ExposureAudit,
  type ExposureFinding,
} from "../static/exposure_audit.ts";
import { EXPOSURE_KIND_TEXT } from "../static/exposure_kinds.ts";
import { displayPath } from "./banner.ts";

/** Findings listed one a line; past this many, a count stands for the rest. */
export const MAX_LISTED_FINDINGS = 100;

/** Why a finding is served where the defaults would not serve it. */
const BECAUSE: Record<NonNullable<ExposureFinding["servedBecause"]>, string> = {
  "dotfiles": "a dotfile, served because of --dotfiles",
  "no-site-rules": "served as a file because of --no-site-rules",
};

/** `root` joined with `/`-separated segments, as messages show paths. */
function under(root: string, segments: readonly string[]): string {
  const base = displayPath(root).replace(/(?<=.)\/+$/, "");
  if (segments.length === 0) return base;
  return `${base === "/" ? "" : base}/${segments.join("/")}`;
}

function findingLine(
  finding: ExposureFinding,
  root: string,
  rootReal: string,
): string {
  let shown = under(root, finding.segments) + (finding.isDirectory ? "/" : "");
  if (finding.linkTarget !== null) {
    const target = relative(rootReal, finding.linkTarget);
    shown += ` -> ${under(root, target === "" ? [] : target.split(sep))}`;
  }
  const what = EXPOSURE_KIND_TEXT[finding.kind];
  const because = finding.servedBecause === null
    ? ""
    : `; ${BECAUSE[finding.servedBecause]}`;
  return `exposed: ${shown} (${what}${because})`;
}

/**
 * The lines that report an audit.
 *
 * @param audit What {@linkcode auditExposure} found.
 * @param root The root as given on the command line.
 * @param timeBudgetMs The audit's time budget, to name it when it stopped
 *   the walk.
 * @returns One line per finding (at most {@linkcode MAX_LISTED_FINDINGS}),
 *   then a summary; none when nothing was found and nothing left unseen.
 */
export function exposureLines(
  audit: ExposureAudit,
  root: string,
  timeBudgetMs: number = DEFAULT_AUDIT_BOUNDS.timeBudgetMs,
): string[] {
  const { findings, rootReal } = audit;
  const lines = findings.slice(0, MAX_LISTED_FINDINGS).map((finding) =>
    findingLine(finding, root, rootReal)
  );
  if (findings.length > MAX_LISTED_FINDINGS) {
    lines.push(
      `exposed: ${findings.length - MAX_LISTED_FINDINGS} more not listed`,
    );
  }
  const folder = displayPath(root);
  if (findings.length > 0) {
    const count = findings.length === 1
      ? "1 entry that should never be public is"
      : `${findings.length} entries that should never be public are`;
    lines.push(
      `exposure audit: ${count} served from ${folder}; move them out of it (--strict-exposure refuses to start while any is)`,
    );
  }
  if (audit.stoppedBy !== null) {
    const bound = audit.stoppedBy === "entries"
      ? "its limit"
      : `its ${timeBudgetMs} ms budget`;
    lines.push(
      `exposure audit: stopped after ${audit.entriesSeen} entries of ${folder} (${bound}); the rest was not looked at`,
    );
  }
  return lines;
}

/**
 * Audit the root for what the handler with these options would serve and
 * should not, and say what was found.
 *
 * @param root The root as given on the command line.
 * @param options The handler's `dotfiles` and `siteRules`.
 * @param say Where each line goes (stderr).
 * @returns How many entries were found, or `null` when the audit could
 *   not run (then it said why).
 */
export async function reportExposure(
  root: string,
  options: { dotfiles: boolean; siteRules: boolean },
  say: (line: string) => void,
): Promise<number | null> {
  let audit: ExposureAudit;
  try {
    audit = await auditExposure(root, options);
  } catch (e) {
    say(
      `exposure audit: could not look over ${displayPath(root)}: ${
        e instanceof Error ? e.message : String(e)
      }`,
    );
    return null;
  }
  for (const line of exposureLines(audit, root)) say(line);
  return audit.findings.length;
}
