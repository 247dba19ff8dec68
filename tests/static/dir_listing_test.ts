import assert from "node:assert/strict";
import {
  escapeHtml,
  formatSize,
  readListing,
  renderListingHtml,
  renderListingJson,
  renderRelativeListingHtml,
} from "../../src/static/dir_listing.ts";

Deno.test("readListing() lists folders first, hides dotfiles and links that leave the root", async () => {
  const base = await Deno.realPath(await Deno.makeTempDir());
  try {
    const root = `${base}/root`;
    await Deno.mkdir(`${root}/b-dir`, { recursive: true });
    await Deno.mkdir(`${root}/a-dir`);
    await Deno.writeTextFile(`${root}/z.txt`, "z");
    await Deno.writeTextFile(`${root}/a.txt`, "aa");
    await Deno.writeTextFile(`${root}/.hidden`, "h");
    await Deno.writeTextFile(`${base}/outside.txt`, "o");
    await Deno.symlink(`${base}/outside.txt`, `${root}/out-link.txt`);
    await Deno.symlink(`${root}/a.txt`, `${root}/in-link.txt`);
    await Deno.symlink(`${root}/missing`, `${root}/broken-link`);
    const containment = {
      kind: "inside-root" as const,
      root,
      rootReal: root,
      dotfiles: false,
    };
    const entries = readListing(root, { containment });
    assert.deepEqual(entries?.map((e) => e.name), [
      "a-dir",
      "b-dir",
      "a.txt",
      "in-link.txt",
      "z.txt",
    ]);
    assert.equal(entries?.[2].size, 2);
    assert.equal(entries?.[0].size, null);
    const all = readListing(root, {
      containment: { ...containment, kind: "anywhere", dotfiles: true },
    });
    assert.ok(all?.some((e) => e.name === ".hidden"));
    assert.ok(all?.some((e) => e.name === "out-link.txt"));
    const none = readListing(root, {
      containment: { ...containment, kind: "exact" },
    });
    assert.ok(none !== null);
    assert.ok(!none.some((e) => e.name.includes("link")));
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("renderListingHtml() escapes names and percent-encodes links", () => {
  const html = renderListingHtml("/x/<b>/", "/x/%3Cb%3E/", [
    {
      name: "<img src=x onerror=alert(1)>.txt",
      kind: "file",
      size: 1,
      mtimeMs: 0,
    },
    { name: "javascript:alert(1)", kind: "file", size: 1, mtimeMs: 0 },
    { name: 'q"uote', kind: "directory", size: null, mtimeMs: null },
  ], true);
  assert.ok(!html.includes("<img"));
  assert.ok(!html.includes("<b>"));
  assert.ok(html.includes("&lt;img src=x onerror=alert(1)&gt;.txt"));
  assert.ok(
    html.includes(
      'href="/x/%3Cb%3E/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E.txt"',
    ),
  );
  assert.ok(html.includes('href="/x/%3Cb%3E/javascript%3Aalert(1)"'));
  assert.ok(html.includes('href="/x/%3Cb%3E/q%22uote/"'));
  assert.ok(html.includes('href="/x/"'), "parent link");
});

Deno.test("renderListingHtml() looks like the default site, inline, with sizes and their heading aligned right", async () => {
  const html = renderListingHtml("/d/", "/d/", [
    { name: "a.txt", kind: "file", size: 2048, mtimeMs: 0 },
  ], false);
  // Every colour of static/style.css, light and dark, and its typeface.
  const css = await Deno.readTextFile(
    new URL("../../static/style.css", import.meta.url),
  );
  const colours = [
    ...css.matchAll(/--(ink|paper|accent|muted): (#[0-9a-f]+)/g),
  ];
  assert.equal(colours.length, 8);
  for (const [, name, value] of colours) {
    assert.ok(html.includes(`--${name}:${value}`), `--${name}: ${value}`);
  }
  assert.match(html, /font:17px\/1\.6 system-ui/);
  // No other request: no stylesheet link, no script.
  assert.doesNotMatch(html, /<link|<script/);
  assert.match(html, /\.size\{text-align:right/);
  assert.match(html, /<th class="size">Size<\/th>/);
  assert.match(html, /<td class="size">2\.0 KiB<\/td>/);
});

Deno.test("renderListingJson() gives names, types, sizes, dates and links", () => {
  const json = JSON.parse(renderListingJson("/d/", "/d/", [
    { name: "sub", kind: "directory", size: null, mtimeMs: null },
    { name: "a b.txt", kind: "file", size: 3, mtimeMs: Date.UTC(2024, 0, 2) },
  ]));
  assert.deepEqual(json, {
    path: "/d/",
    entries: [
      {
        name: "sub",
        type: "directory",
        size: null,
        modified: null,
        url: "/d/sub/",
      },
      {
        name: "a b.txt",
        type: "file",
        size: 3,
        modified: "2024-01-02T00:00:00Z",
        url: "/d/a%20b.txt",
      },
    ],
  });
});

Deno.test("escapeHtml() and formatSize() format safely", () => {
  assert.equal(escapeHtml(`&<>"'`), "&amp;&lt;&gt;&quot;&#39;");
  assert.equal(formatSize(0), "0 B");
  assert.equal(formatSize(1024 * 1024 * 3), "3.0 MiB");
});

Deno.test("readListing() leaves out names no link could open (backslash, control characters)", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir());
  try {
    for (
      const name of ["a\\b.txt", "tab\there.txt", "nl\nhere.txt", "ok é.txt"]
    ) {
      await Deno.writeTextFile(`${root}/${name}`, "x");
    }
    const entries = readListing(root, {
      containment: {
        kind: "inside-root",
        root,
        rootReal: root,
        dotfiles: false,
      },
    });
    assert.deepEqual(entries?.map((e) => e.name), ["ok é.txt"]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("renderRelativeListingHtml() links entries, the parent and each heading name relatively", () => {
  const html = renderRelativeListingHtml("/docs/<b>/", ["docs", "<b>"], [
    { name: "a b.txt", kind: "file", size: 1, mtimeMs: 0 },
    { name: "sub", kind: "directory", size: null, mtimeMs: null },
    { name: "<img src=x>", kind: "file", size: 1, mtimeMs: 0 },
  ]);
  assert.ok(html.includes('<a href="./a%20b.txt">a b.txt</a>'));
  assert.ok(html.includes('<a href="./sub/">sub/</a>'));
  assert.ok(
    html.includes('<a href="./%3Cimg%20src%3Dx%3E">&lt;img src=x&gt;</a>'),
  );
  assert.ok(html.includes('<a href="..">../</a>'));
  assert.ok(
    html.includes(
      'Index of <a href="../../">home</a>/<a href="../">docs</a>/<a href=".">&lt;b&gt;</a>/',
    ),
  );
  assert.ok(!html.includes("<b>"));
  assert.ok(html.includes("<title>Index of /docs/&lt;b&gt;/</title>"));
});

Deno.test("renderRelativeListingHtml() has no parent link at the mount point", () => {
  const html = renderRelativeListingHtml("/", [], []);
  assert.ok(html.includes('Index of <a href=".">home</a>/'));
  assert.ok(!html.includes('href=".."'));
});

Deno.test("renderRelativeListingHtml() has std's mode column: the kind, then rwx for owner, group and others", () => {
  const html = renderRelativeListingHtml("/d/", ["d"], [
    { name: "sub", kind: "directory", size: null, mtimeMs: 0, mode: 0o755 },
    { name: "a.txt", kind: "file", size: 1, mtimeMs: 0, mode: 0o640 },
    { name: "b.txt", kind: "file", size: 1, mtimeMs: 0, mode: null },
  ]);
  assert.match(html, /<th>Mode<\/th>/);
  assert.match(html, /<td class="mode">\s*d rwx r-x r-x\s*<\/td>/);
  assert.match(html, /<td class="mode">\s*- rw- r-- ---\s*<\/td>/);
  assert.match(html, /<td class="mode">\s*\(unknown mode\)\s*<\/td>/);
  // berth's own listing has no mode column.
  assert.doesNotMatch(
    renderListingHtml("/d/", "/d/", [{
      name: "a.txt",
      kind: "file",
      size: 1,
      mtimeMs: 0,
      mode: 0o644,
    }], false),
    /class="mode"/,
  );
});
