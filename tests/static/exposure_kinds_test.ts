import assert from "node:assert/strict";
import {
  classifyName,
  contentConfirms,
  type ExposureKind,
} from "../../src/static/exposure_kinds.ts";

Deno.test("classifyName() tells each kind by name, and what needs its content", () => {
  const table: [string, boolean, ExposureKind | null, boolean?][] = [
    [".env", false, "env-file", false],
    [".env.local", false, "env-file", false],
    [".envrc", false, "env-file", false],
    ["env", false, null],
    [".git", true, "git-folder", false],
    [".git", false, null], // a worktree's gitfile holds only a path
    [".ssh", true, "ssh-folder", false],
    ["git", true, null],
    ["id_rsa", false, "private-key", false],
    ["id_ed25519", false, "private-key", false],
    ["id_ecdsa_sk", false, "private-key", false],
    ["id_rsa.pub", false, null],
    ["server.pem", false, "private-key", true],
    ["SERVER.KEY", false, "private-key", true],
    [".npmrc", false, "npm-token", true],
    [".pypirc", false, "pypi-password", true],
    ["app.sqlite", false, "database", false],
    ["app.sqlite3", false, "database", false],
    ["cache.db", false, "database", false],
    ["db", false, null],
    ["index.html~", false, "editor-backup", false],
    ["~", false, null],
    [".index.html.swp", false, "editor-backup", false],
    ["notes.swo", false, "editor-backup", false],
    ["config.bak", false, "editor-backup", false],
    ["index.html", false, null],
    ["keys", true, null],
  ];
  for (const [name, isDirectory, kind, needsContent] of table) {
    assert.deepEqual(
      classifyName(name, isDirectory),
      kind === null ? null : { kind, needsContent },
      name,
    );
  }
  // A name that is only an extension is not that extension's kind.
  assert.equal(classifyName(".db", false), null);
  assert.equal(classifyName(".pem", false), null);
});

Deno.test("contentConfirms() looks for a key block, an npm token, a PyPI password", () => {
  const table: [ExposureKind, string, boolean][] = [
    ["private-key", "-----BEGIN PRIVATE KEY-----\n", true],
    ["private-key", "-----BEGIN RSA PRIVATE KEY-----\n", true],
    ["private-key", "-----BEGIN EC PRIVATE KEY-----\n", true],
    ["private-key", "-----BEGIN ENCRYPTED PRIVATE KEY-----\n", true],
    ["private-key", "-----BEGIN OPENSSH PRIVATE KEY-----\n", true],
    ["private-key", "-----BEGIN CERTIFICATE-----\n", false],
    ["private-key", "-----BEGIN PUBLIC KEY-----\n", false],
    ["npm-token", "//registry.npmjs.org/:_authToken=npm_x\n", true],
    ["npm-token", "_auth = dXNlcjpw\n", true],
    ["npm-token", "//r.example/:_password=cGFzcw==\n", true],
    ["npm-token", "registry=https://r.example/\nsave-exact=true\n", false],
    ["npm-token", "my_authToken=x\n", false],
    ["pypi-password", "[pypi]\nusername = u\npassword = p\n", true],
    ["pypi-password", "[pypi]\n  Password: p\n", true],
    ["pypi-password", "[pypi]\nusername = u\n", false],
    ["database", "anything", true],
  ];
  for (const [kind, text, want] of table) {
    assert.equal(contentConfirms(kind, text), want, `${kind}: ${text}`);
  }
});
