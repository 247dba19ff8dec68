/**
 * What changed paths mean to a page under live reload: pure, as a table.
 */

import assert from "node:assert/strict";
import {
  addPageChanges,
  MAX_STYLESHEETS,
  type PageChanges,
} from "../../src/static/live_reload_changes.ts";

const ROOTS = ["/srv/site", "/real/site"];

function changes(
  paths: string[],
  mount: string[] = [],
): { reload: boolean; stylesheets: string[] } {
  const into: PageChanges = { reload: false, stylesheets: new Set() };
  addPageChanges(into, paths, { roots: ROOTS, mount });
  return { reload: into.reload, stylesheets: [...into.stylesheets] };
}

Deno.test("addPageChanges() tells stylesheets from pages, and ignores editors' noise", () => {
  const cases: {
    name: string;
    paths: string[];
    mount?: string[];
    want: { reload: boolean; stylesheets: string[] };
  }[] = [
    {
      name: "a stylesheet",
      paths: ["/srv/site/css/site.css"],
      want: { reload: false, stylesheets: ["/css/site.css"] },
    },
    {
      name: "a stylesheet, reported under the real path, twice",
      paths: ["/real/site/a.CSS", "/real/site/a.CSS"],
      want: { reload: false, stylesheets: ["/a.CSS"] },
    },
    {
      name: "under a mount point",
      paths: ["/srv/site/a.css"],
      mount: ["static"],
      want: { reload: false, stylesheets: ["/static/a.css"] },
    },
    {
      name: "a page",
      paths: ["/srv/site/index.html"],
      want: { reload: true, stylesheets: [] },
    },
    {
      name: "a stylesheet and a script",
      paths: ["/srv/site/a.css", "/srv/site/app.js"],
      want: { reload: true, stylesheets: ["/a.css"] },
    },
    {
      name: "a precompressed sibling is not a stylesheet",
      paths: ["/srv/site/a.css.gz"],
      want: { reload: true, stylesheets: [] },
    },
    {
      name: "the root itself",
      paths: ["/srv/site"],
      want: { reload: true, stylesheets: [] },
    },
    {
      name: "somewhere else",
      paths: ["/elsewhere/a.css", "/srv/site-other/a.css"],
      want: { reload: true, stylesheets: [] },
    },
    {
      name: "noise: dotfiles, dot-folders, backups, swap and autosave files",
      paths: [
        "/srv/site/.git/index",
        "/srv/site/.index.html.swp",
        "/srv/site/css/.#site.css",
        "/srv/site/index.html~",
        "/srv/site/notes.swp",
        "/srv/site/old.bak",
        "/srv/site/#index.html#",
      ],
      want: { reload: false, stylesheets: [] },
    },
  ];
  for (const { name, paths, mount, want } of cases) {
    assert.deepEqual(changes(paths, mount), want, name);
  }
});

Deno.test("addPageChanges() reloads instead of naming too many stylesheets", () => {
  const paths = Array.from(
    { length: MAX_STYLESHEETS + 1 },
    (_, i) => `/srv/site/s${i}.css`,
  );
  assert.equal(changes(paths.slice(1)).reload, false);
  assert.equal(changes(paths).reload, true);
});
