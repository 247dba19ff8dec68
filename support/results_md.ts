/**
 * Generated sections of markdown reports (`bench/RESULTS.md`): a section
 * between two HTML comment markers is replaced and the rest of the file
 * kept, and the file is formatted with `deno fmt` so `deno fmt --check`
 * stays clean (tables get aligned).
 *
 * @module
 */

/** Where a generated section starts and ends. */
export interface SectionMarkers {
  /** E.g. `<!-- soak:begin -->`. */
  begin: string;
  /** E.g. `<!-- soak:end -->`. */
  end: string;
}

/**
 * Replace the section between `markers` in the file at `path` with
 * `section` (markers included), or append it when the markers are absent.
 *
 * @param path The markdown file; created when missing.
 * @param markers The section's markers.
 * @param section The new section, starting with `markers.begin` and ending
 * with `markers.end`.
 * @param heading The first line of a file that did not exist yet.
 */
export async function writeMarkedSection(
  path: string,
  markers: SectionMarkers,
  section: string,
  heading = "# berth — measured results",
): Promise<void> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch {
    text = `${heading}\n`;
  }
  const begin = text.indexOf(markers.begin);
  const end = text.indexOf(markers.end);
  text = begin >= 0 && end > begin
    ? text.slice(0, begin) + section + text.slice(end + markers.end.length)
    : text.trimEnd() + "\n\n" + section + "\n";
  await Deno.writeTextFile(path, text);
}

/**
 * Format a markdown file in place with this Deno's `deno fmt`.
 *
 * @param path The file.
 * @returns Whether `deno fmt` succeeded.
 */
export async function formatMarkdownFile(path: string): Promise<boolean> {
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["fmt", "--quiet", path],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch {
    return false;
  }
}

/**
 * Markdown text as `deno fmt` would format it.
 *
 * @param text Markdown.
 * @returns The formatted text (unchanged when `deno fmt` fails).
 */
export async function formatMarkdown(text: string): Promise<string> {
  const path = await Deno.makeTempFile({ suffix: ".md" });
  try {
    await Deno.writeTextFile(path, text);
    await formatMarkdownFile(path);
    return await Deno.readTextFile(path);
  } finally {
    await Deno.remove(path).catch(() => {});
  }
}
