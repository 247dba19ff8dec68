/**
 * What a batch of changed paths means to a page under live reload: nothing
 * (only dotfiles and editors' backups changed), stylesheets to fetch again,
 * or a reload.
 *
 * Pure: paths in, a verdict out.
 *
 * @module
 */

import { isAbsolute, relative, sep } from "node:path";
import { classifyName } from "./exposure_kinds.ts";

/** What pages are told after a batch of changes. */
export interface PageChanges {
  /** Reload the page: a change other than to stylesheets, or one missed. */
  reload: boolean;
  /**
   * URL paths (decoded, under the mount point) of the stylesheets that
   * changed; fetched again in place when nothing asks for a reload.
   */
  stylesheets: Set<string>;
}

/** More stylesheets than this in one batch: a reload is simpler. */
export const MAX_STYLESHEETS = 100;

/**
 * Whether a change to this name concerns no page: a dotfile or anything in
 * a dot-folder (`.git/`, vim's `.index.html.swp`, emacs's `.#index.html`),
 * an editor backup (`index.html~`, `*.swp`, `*.bak`), emacs's autosave
 * `#index.html#`. Editors write these while one types and as they save.
 */
function isNoise(segments: readonly string[]): boolean {
  if (segments.some((segment) => segment.startsWith("."))) return true;
  const name = segments[segments.length - 1];
  if (name.length > 1 && name.startsWith("#") && name.endsWith("#")) {
    return true;
  }
  return classifyName(name, false)?.kind === "editor-backup";
}

/** The path's segments under one of `roots`, or `null` when under none. */
function segmentsUnder(
  roots: readonly string[],
  path: string,
): string[] | null {
  for (const root of roots) {
    const inside = relative(root, path);
    if (
      inside !== "" && !isAbsolute(inside) && inside !== ".." &&
      !inside.startsWith(".." + sep)
    ) {
      return inside.split(sep);
    }
  }
  return null;
}

/**
 * Add what changed paths mean to `into`.
 *
 * @param into The batch so far: its verdict grows.
 * @param paths Changed paths, as the watcher reports them (absolute).
 * @param where The folders the paths may lie under (the root as given and
 *   its real path: watchers report either), and the URL path segments the
 *   root is served under.
 * @returns `into`.
 */
export function addPageChanges(
  into: PageChanges,
  paths: readonly string[],
  where: { roots: readonly string[]; mount: readonly string[] },
): PageChanges {
  for (const path of paths) {
    const segments = segmentsUnder(where.roots, path);
    // The root itself, or somewhere unexpected: anything may have changed.
    if (segments === null) {
      into.reload = true;
      continue;
    }
    if (isNoise(segments)) continue;
    if (segments[segments.length - 1].toLowerCase().endsWith(".css")) {
      into.stylesheets.add("/" + [...where.mount, ...segments].join("/"));
      if (into.stylesheets.size > MAX_STYLESHEETS) into.reload = true;
    } else {
      into.reload = true;
    }
  }
  return into;
}
