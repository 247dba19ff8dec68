/**
 * Directory listings as HTML or JSON.
 *
 * @module
 */

import { join } from "node:path";
import { type Containment, Refused, withEntry } from "./locate_entry.ts";
import { isReachableName } from "./resolve_path.ts";

/**
 * One listed entry.
 */
export interface ListingEntry {
  /** The file or folder name. */
  name: string;
  /** What it is (symlinks are listed as what they point to). */
  kind: "file" | "directory";
  /** Size in bytes for files, `null` for folders. */
  size: number | null;
  /** Modification time in ms since the epoch, or `null` when unknown. */
  mtimeMs: number | null;
  /** Its permission bits (`FileInfo.mode`), or `null` when unknown. */
  mode?: number | null;
}

/**
 * What {@linkcode readListing} may show.
 */
export interface ReadListingOptions {
  /**
   * Where entries may be: the folder itself and every symlink listed are
   * checked as a request for them would be. Dot-named entries are listed
   * only with `containment.dotfiles`.
   */
  containment: Containment;
  /**
   * Most entries listed.
   *
   * @default {10000}
   */
  maxEntries?: number;
}

/** An entry as read from the held folder, before symlinks are followed. */
interface RawEntry {
  name: string;
  info: Deno.FileInfo;
}

/**
 * Read a directory for listing: folders first, then files, each sorted by
 * name. The folder is read where it really is, held while it is read
 * (`pinned_directory.ts`), so a folder swapped for a symlink never lists
 * what is outside. Entries that could not be served are left out:
 * dotfiles (unless allowed), names no URL can reach (a backslash, a
 * control character: see {@linkcode isReachableName}), symlinks the policy
 * refuses or that are broken, and anything that is neither a file nor a
 * folder.
 *
 * @param dir The directory's path as joined under the root.
 * @param options What may be shown.
 * @returns The entries, or `null` when the folder cannot be reached there.
 * @throws What the file system says of the folder (`ENOENT`, `EACCES`…).
 */
export function readListing(
  dir: string,
  options: ReadListingOptions,
): ListingEntry[] | null {
  const max = options.maxEntries ?? 10_000;
  const { containment } = options;
  const raw = withEntry(dir, containment, (found): RawEntry[] | null => {
    if (!found.info.isDirectory) return null;
    const held = found.dir.descend(found.name);
    if (held === null) return null;
    const read: RawEntry[] = [];
    for (const dirent of held.readDir()) {
      if (read.length >= max) break;
      const name = dirent.name;
      if (!containment.dotfiles && name.startsWith(".")) continue;
      if (!isReachableName(name)) continue;
      try {
        read.push({ name, info: held.lstat(name) });
      } catch {
        continue; // vanished, or a name the file system gave back mangled
      }
    }
    return read;
  });
  if (raw === null || raw instanceof Refused) return null;
  const entries: ListingEntry[] = [];
  for (const { name, info: own } of raw) {
    let info: Deno.FileInfo | null = own;
    if (own.isSymlink) {
      // Listed as what it leads to, if a request could follow it there.
      if (containment.kind === "exact") continue;
      try {
        const found = withEntry(
          join(dir, name),
          containment,
          (found) => found.info,
        );
        info = found instanceof Refused ? null : found;
      } catch {
        info = null; // broken
      }
    }
    if (info === null || (!info.isFile && !info.isDirectory)) continue;
    entries.push({
      name,
      kind: info.isDirectory ? "directory" : "file",
      size: info.isDirectory ? null : info.size,
      mtimeMs: info.mtime?.getTime() ?? null,
      mode: info.mode,
    });
  }
  return entries.sort((a, b) =>
    a.kind !== b.kind
      ? (a.kind === "directory" ? -1 : 1)
      : a.name < b.name
      ? -1
      : a.name > b.name
      ? 1
      : 0
  );
}

/**
 * Escape text for HTML content and attribute values.
 *
 * @param text Any text.
 * @returns The text with `& < > " '` replaced by entities.
 */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) =>
      c === "&"
        ? "&amp;"
        : c === "<"
        ? "&lt;"
        : c === ">"
        ? "&gt;"
        : c === '"'
        ? "&quot;"
        : "&#39;",
  );
}

/**
 * A human-readable size: bytes below 1 KiB, else one decimal with a binary
 * unit.
 *
 * @param size Bytes.
 * @returns E.g. `"512 B"`, `"1.5 KiB"`.
 */
export function formatSize(size: number): string {
  const units = ["KiB", "MiB", "GiB", "TiB"];
  if (size < 1024) return `${size} B`;
  let value = size;
  let unit = -1;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

// The default site's look (static/style.css: its colours, type and column),
// inline so a listing needs no other request and works under any root.
const LISTING_CSS =
  `:root{color-scheme:light dark;--ink:#1d2733;--paper:#f7f5f0;\
--accent:#0b6e99;--muted:#5b6572;--rule:#ebe7de}
@media (prefers-color-scheme:dark){:root{--ink:#e6e9ee;--paper:#141a21;\
--accent:#5cc3ef;--muted:#9aa4b1;--rule:#222b35}}
*{box-sizing:border-box}
body{margin:0;font:17px/1.6 system-ui,-apple-system,"Segoe UI",sans-serif;\
color:var(--ink);background:var(--paper)}
main{max-width:44rem;margin:0 auto;padding:3rem 1.25rem 4rem}
h1{font-size:1.6rem;margin:0 0 1.5rem;letter-spacing:-.02em;\
overflow-wrap:anywhere}
a{color:var(--accent)}
table{width:100%;border-collapse:collapse}
th{text-align:left;font-size:.9rem;font-weight:600;color:var(--muted)}
th,td{padding:.3rem 1rem .3rem 0;border-bottom:1px solid var(--rule)}
th:last-child,td:last-child{padding-right:0}
td:first-child{overflow-wrap:anywhere}
.size{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
time{color:var(--muted);font-variant-numeric:tabular-nums;white-space:nowrap}`;

function hrefFor(base: string, entry: ListingEntry): string {
  // Every character that could end the attribute or start a scheme
  // (`javascript:`) is percent-encoded.
  return base + encodeURIComponent(entry.name) +
    (entry.kind === "directory" ? "/" : "");
}

/**
 * A mode as std's listing writes it: the kind (`d` or `-`), then the
 * owner's, group's and others' `rwx`, space-separated (`d rwx r-x r-x`).
 */
function modeText(entry: ListingEntry): string {
  if (entry.mode === undefined || entry.mode === null) return "(unknown mode)";
  const bits = (shift: number) =>
    ((entry.mode! >> shift) & 4 ? "r" : "-") +
    ((entry.mode! >> shift) & 2 ? "w" : "-") +
    ((entry.mode! >> shift) & 1 ? "x" : "-");
  return `${entry.kind === "directory" ? "d" : "-"} ${bits(6)} ${bits(3)} ${
    bits(0)
  }`;
}

function isoDate(ms: number | null): string {
  return ms === null ? "" : new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");
}

/**
 * Render a listing as an HTML page. Names are escaped, links are
 * percent-encoded and absolute (so they work with or without a trailing
 * slash), folders come first.
 *
 * @param displayPath The decoded URL path shown in the title, e.g. `/docs/`.
 * @param hrefBase The encoded URL path of the folder, ending with `/`.
 * @param entries From {@linkcode readListing}.
 * @param showParent Whether to link `../`.
 * @returns The HTML document.
 */
export function renderListingHtml(
  displayPath: string,
  hrefBase: string,
  entries: readonly ListingEntry[],
  showParent: boolean,
): string {
  const title = `Index of ${escapeHtml(displayPath)}`;
  const parent = showParent ? hrefBase.replace(/[^/]*\/$/, "") : null;
  return listingPage(title, title, listingRows(hrefBase, parent, entries));
}

/**
 * Render a listing as an HTML page with relative links, as std's
 * `serveDir` does: `./name` for each entry, `..` for the parent, and a
 * heading whose names link back up to the mount point (`home`). They work
 * under any prefix a proxy adds, as long as the folder's URL ends with `/`.
 * Names are escaped and links percent-encoded, folders come first.
 *
 * @param displayPath The decoded URL path shown in the title, e.g. `/docs/`.
 * @param below The folder's decoded segments below the mount point.
 * @param entries From {@linkcode readListing}.
 * @returns The HTML document.
 */
export function renderRelativeListingHtml(
  displayPath: string,
  below: readonly string[],
  entries: readonly ListingEntry[],
): string {
  const names = ["home", ...below];
  const crumbs = names.map((name, i) => {
    const up = names.length - 1 - i;
    const href = up === 0 ? "." : "../".repeat(up);
    return `<a href="${href}">${escapeHtml(name)}</a>`;
  });
  const heading = `Index of ${crumbs.join("/")}/`;
  const parent = below.length > 0 ? ".." : null;
  return listingPage(
    `Index of ${escapeHtml(displayPath)}`,
    heading,
    listingRows("./", parent, entries, true),
    true,
  );
}

/** A row per entry, after the parent's when there is one. */
function listingRows(
  hrefBase: string,
  parent: string | null,
  entries: readonly ListingEntry[],
  withMode = false,
): string[] {
  const rows: string[] = [];
  if (parent !== null) {
    rows.push(
      `<tr>${withMode ? "<td></td>" : ""}<td><a href="${
        escapeHtml(parent)
      }">../</a></td><td></td><td></td></tr>`,
    );
  }
  for (const entry of entries) {
    const label = entry.name + (entry.kind === "directory" ? "/" : "");
    const size = entry.size === null ? "" : formatSize(entry.size);
    const date = isoDate(entry.mtimeMs);
    const mode = withMode
      ? `<td class="mode">\n  ${modeText(entry)}\n</td>`
      : "";
    rows.push(
      `<tr>${mode}<td><a href="${escapeHtml(hrefFor(hrefBase, entry))}">${
        escapeHtml(label)
      }</a></td><td class="size">${size}</td><td><time datetime="${date}">${
        date.replace("T", " ").replace("Z", "")
      }</time></td></tr>`,
    );
  }
  return rows;
}

/** The page around a listing's rows; `title` and `heading` are HTML. */
function listingPage(
  title: string,
  heading: string,
  rows: string[],
  withMode = false,
): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>
${LISTING_CSS}
</style>
</head>
<body>
<main>
<h1>${heading}</h1>
<table>
<thead><tr>${
    withMode ? "<th>Mode</th>" : ""
  }<th>Name</th><th class="size">Size</th><th>Modified (UTC)</th></tr></thead>
<tbody>
${rows.join("\n")}
</tbody>
</table>
</main>
</body>
</html>
`;
}

/**
 * Render a listing as JSON: `{ "path", "entries": [{ "name", "type",
 * "size", "modified", "url" }] }`, folders first.
 *
 * @param displayPath The decoded URL path of the folder.
 * @param hrefBase The encoded URL path of the folder, ending with `/`.
 * @param entries From {@linkcode readListing}.
 * @returns The JSON text.
 */
export function renderListingJson(
  displayPath: string,
  hrefBase: string,
  entries: readonly ListingEntry[],
): string {
  return JSON.stringify({
    path: displayPath,
    entries: entries.map((entry) => ({
      name: entry.name,
      type: entry.kind,
      size: entry.size,
      modified: entry.mtimeMs === null ? null : isoDate(entry.mtimeMs),
      url: hrefFor(hrefBase, entry),
    })),
  });
}
