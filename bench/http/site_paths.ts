/**
 * The URL paths of a site folder, for the default-site memory readings
 * (`bench/http_bench.ts`, `bench/site_rss.ts`).
 *
 * @module
 */

import { join } from "node:path";

/**
 * `/` and the URL path of every file under `root`, sorted.
 *
 * @param root A folder of the repository (walked whole; symlinks not followed).
 * @returns The paths to request, `/` first.
 */
export async function siteUrlPaths(root: string): Promise<string[]> {
  const paths: string[] = [];
  const walk = async (dir: string, prefix: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const url = `${prefix}/${encodeURIComponent(entry.name)}`;
      if (entry.isDirectory) await walk(join(dir, entry.name), url);
      else if (entry.isFile) paths.push(url);
    }
  };
  await walk(root, "");
  return ["/", ...paths.sort()];
}
