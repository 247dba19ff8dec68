import assert from "node:assert/strict";
import {
  exposureLines,
  MAX_LISTED_FINDINGS,
  reportExposure,
} from "../../src/cli/exposure_report.ts";
import type {
  ExposureAudit,
  ExposureFinding,
} from "../../src/static/exposure_audit.ts";

const CLEAN: ExposureAudit = {
  rootReal: "/srv/site",
  findings: [],
  entriesSeen: 12,
  stoppedBy: null,
};

function finding(change: Partial<ExposureFinding>): ExposureFinding {
  return {
    segments: ["id_rsa"],
    kind: "private-key",
    isDirectory: false,
    linkTarget: null,
    servedBecause: null,
    ...change,
  };
}

Deno.test("exposureLines() says nothing when the audit saw everything and found nothing", () => {
  assert.deepEqual(exposureLines(CLEAN, "site"), []);
});

Deno.test("exposureLines() gives one line per finding, then a summary", () => {
  const audit: ExposureAudit = {
    ...CLEAN,
    findings: [
      finding({
        segments: [".env"],
        kind: "env-file",
        servedBecause: "dotfiles",
      }),
      finding({ segments: ["keys", "id_rsa"] }),
      finding({
        segments: [".git"],
        kind: "git-folder",
        isDirectory: true,
        servedBecause: "dotfiles",
      }),
      finding({
        segments: ["docs", "notes.txt"],
        linkTarget: "/srv/site/keys/k.pem",
      }),
      finding({
        segments: ["_headers"],
        linkTarget: "/srv/site/k.pem",
        servedBecause: "no-site-rules",
      }),
    ],
  };
  assert.deepEqual(exposureLines(audit, "site/"), [
    "exposed: ./site/.env (an environment file, where secrets usually live; a dotfile, served because of --dotfiles)",
    "exposed: ./site/keys/id_rsa (a private key)",
    "exposed: ./site/.git/ (a git repository: every version of every file, and its config; a dotfile, served because of --dotfiles)",
    "exposed: ./site/docs/notes.txt -> ./site/keys/k.pem (a private key)",
    "exposed: ./site/_headers -> ./site/k.pem (a private key; served as a file because of --no-site-rules)",
    "exposure audit: 5 entries that should never be public are served from ./site/; move them out of it (--strict-exposure refuses to start while any is)",
  ]);
  assert.deepEqual(exposureLines({ ...audit, findings: [finding({})] }, "/"), [
    "exposed: /id_rsa (a private key)",
    "exposure audit: 1 entry that should never be public is served from /; move them out of it (--strict-exposure refuses to start while any is)",
  ]);
});

Deno.test("exposureLines() says when the audit stopped early, and by which bound", () => {
  assert.deepEqual(
    exposureLines({ ...CLEAN, entriesSeen: 5000, stoppedBy: "entries" }, "big"),
    [
      "exposure audit: stopped after 5000 entries of ./big (its limit); the rest was not looked at",
    ],
  );
  assert.deepEqual(
    exposureLines(
      { ...CLEAN, entriesSeen: 812, stoppedBy: "time" },
      "big",
      500,
    ),
    [
      "exposure audit: stopped after 812 entries of ./big (its 500 ms budget); the rest was not looked at",
    ],
  );
});

Deno.test("exposureLines() lists at most MAX_LISTED_FINDINGS, and counts the rest", () => {
  const findings = Array.from(
    { length: MAX_LISTED_FINDINGS + 7 },
    (_, i) => finding({ segments: [`f${i}.bak`], kind: "editor-backup" }),
  );
  const lines = exposureLines({ ...CLEAN, findings }, "site");
  assert.equal(lines.length, MAX_LISTED_FINDINGS + 2);
  assert.equal(lines[MAX_LISTED_FINDINGS], "exposed: 7 more not listed");
  assert.match(lines.at(-1)!, /^exposure audit: 107 entries/);
});

Deno.test("reportExposure() audits with the handler's options and says what it found", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${root}/.env`, "A=1");
    await Deno.writeTextFile(`${root}/app.db`, "x");
    const lines: string[] = [];
    const hidden = await reportExposure(
      root,
      { dotfiles: false, siteRules: true },
      (line) => lines.push(line),
    );
    assert.equal(hidden, 1);
    assert.equal(lines.length, 2);
    assert.match(lines[0], /^exposed: .*\/app\.db \(a database file\)$/);
    lines.length = 0;
    assert.equal(
      await reportExposure(
        root,
        { dotfiles: true, siteRules: true },
        (line) => lines.push(line),
      ),
      2,
    );
    lines.length = 0;
    const missing = await reportExposure(
      `${root}/none`,
      { dotfiles: false, siteRules: true },
      (line) => lines.push(line),
    );
    assert.equal(missing, null);
    assert.match(lines[0], /^exposure audit: could not look over /);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
