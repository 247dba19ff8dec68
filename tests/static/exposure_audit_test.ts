import assert from "node:assert/strict";
import * as fs from "node:fs";
import {
  auditExposure,
  type ExposureAudit,
  type ExposureAuditOptions,
} from "../../src/static/exposure_audit.ts";
import { createStaticHandler } from "../../src/static/static_handler.ts";

const KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEA\n" +
  "-----END OPENSSH PRIVATE KEY-----\n";
const PEM_KEY = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG\n" +
  "-----END PRIVATE KEY-----\n";
const CERT = "-----BEGIN CERTIFICATE-----\nMIIDazCCAlOgAwIBAgIU\n" +
  "-----END CERTIFICATE-----\n";

/** A tree of every kind, and look-alikes that are not. */
const TREE: Record<string, string> = {
  "index.html": "<h1>hi</h1>",
  ".env": "SECRET=1",
  ".env.production": "SECRET=2",
  ".git/config": "[core]",
  ".git/HEAD": "ref: refs/heads/main",
  ".ssh/known_hosts": "host ssh-ed25519 AAAA",
  "id_rsa": KEY,
  "id_rsa.pub": "ssh-rsa AAAA",
  "keys/id_ed25519": KEY,
  "tls/server.pem": PEM_KEY,
  "tls/chain.pem": CERT,
  "tls/server.key": "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n",
  "slides.key": "PK\x03\x04 a Keynote file, not a key",
  ".npmrc": "//registry.npmjs.org/:_authToken=npm_abc123\n",
  "app/.npmrc": "save-exact=true\n",
  ".pypirc": "[pypi]\nusername = __token__\npassword = pypi-abc\n",
  "data/app.sqlite": "SQLite format 3\0",
  "data/cache.db": "SQLite format 3\0",
  "index.html~": "<h1>old</h1>",
  ".index.html.swp": "b0VIM",
  "config.bak": "x",
  ".well-known/security.txt": "Contact: x",
  ".well-known/id_rsa": KEY,
  ".well-known/.env": "SECRET=3",
};

/** What TREE exposes whether or not dotfiles are served, sorted. */
const ALWAYS_SERVED = [
  ".well-known/id_rsa private-key",
  "config.bak editor-backup",
  "data/app.sqlite database",
  "data/cache.db database",
  "id_rsa private-key",
  "index.html~ editor-backup",
  "keys/id_ed25519 private-key",
  "tls/server.key private-key",
  "tls/server.pem private-key",
];

async function withTree(
  files: Record<string, string>,
  fn: (root: string, base: string) => Promise<void>,
): Promise<void> {
  const base = await Deno.realPath(await Deno.makeTempDir());
  try {
    const root = `${base}/root`;
    await Deno.mkdir(root);
    for (const [name, content] of Object.entries(files)) {
      const path = `${root}/${name}`;
      await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), {
        recursive: true,
      });
      await Deno.writeTextFile(path, content);
    }
    await fn(root, base);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
}

/** Findings as `path kind [because]`, sorted: the table each test expects. */
function found(audit: ExposureAudit): string[] {
  return audit.findings.map((f) =>
    [
      f.segments.join("/") + (f.isDirectory ? "/" : ""),
      f.kind,
      ...(f.servedBecause === null ? [] : [f.servedBecause]),
    ].join(" ")
  ).sort();
}

Deno.test("auditExposure() finds each kind that would be served, with dotfiles", async () => {
  await withTree(TREE, async (root) => {
    const audit = await auditExposure(root, { dotfiles: true });
    assert.deepEqual(found(audit), [
      ".env env-file dotfiles",
      ".env.production env-file dotfiles",
      ".git/ git-folder dotfiles",
      ".index.html.swp editor-backup dotfiles",
      ".npmrc npm-token dotfiles",
      ".pypirc pypi-password dotfiles",
      ".ssh/ ssh-folder dotfiles",
      ".well-known/.env env-file dotfiles",
      ...ALWAYS_SERVED,
    ]);
    assert.equal(audit.stoppedBy, null);
    assert.equal(audit.rootReal, root);
  });
});

Deno.test("auditExposure() leaves dotfiles out by default, but not /.well-known/", async () => {
  await withTree(TREE, async (root) => {
    const audit = await auditExposure(root);
    assert.deepEqual(found(audit), ALWAYS_SERVED);
  });
});

Deno.test("auditExposure() checks content only where the name is not enough", async () => {
  await withTree({
    "a.pem": CERT + PEM_KEY, // a chain with its key: still a key
    "b.pem": CERT,
    "c.key": "not a key",
    ".npmrc": "registry=https://example.com/\n_auth=dXNlcjpwYXNz\n",
    "sub/.npmrc": "registry=https://example.com/\n",
    ".pypirc": "[distutils]\nindex-servers = pypi\n",
    "big.pem": PEM_KEY + "x".repeat(70 * 1024), // larger than any key file
  }, async (root) => {
    const audit = await auditExposure(root, { dotfiles: true });
    assert.deepEqual(found(audit), [
      ".npmrc npm-token dotfiles",
      "a.pem private-key",
    ]);
  });
});

Deno.test("auditExposure() follows a symlink only to inside the root, as the handler does", async () => {
  await withTree({
    "keys/deploy.pem": PEM_KEY,
    "docs/readme.txt": "hello",
    ".env": "SECRET=1",
  }, async (root, base) => {
    await Deno.writeTextFile(`${base}/id_rsa`, KEY);
    await Deno.symlink(`${base}/id_rsa`, `${root}/outside_key`);
    await Deno.symlink("../keys/deploy.pem", `${root}/docs/notes.txt`);
    await Deno.symlink(".env", `${root}/settings`);
    await Deno.symlink("missing", `${root}/dangling.key`);
    await Deno.symlink("loop_b", `${root}/loop_a`);
    await Deno.symlink("loop_a", `${root}/loop_b`);
    await Deno.symlink(".", `${root}/self`); // a folder: never walked twice
    await Deno.symlink(base, `${root}/up`);

    const plain = await auditExposure(root);
    assert.deepEqual(found(plain), [
      "docs/notes.txt private-key",
      "keys/deploy.pem private-key",
    ]);
    const link = plain.findings.find((f) => f.segments[1] === "notes.txt");
    assert.equal(link?.linkTarget, `${root}/keys/deploy.pem`);
    assert.equal(plain.entriesSeen, 13, "each entry once, no loop");

    const withDotfiles = await auditExposure(root, { dotfiles: true });
    assert.deepEqual(found(withDotfiles), [
      ".env env-file dotfiles",
      "docs/notes.txt private-key",
      "keys/deploy.pem private-key",
      "settings env-file dotfiles",
    ]);
  });
});

Deno.test("auditExposure() skips the root's _redirects and _headers unless site rules are off", async () => {
  await withTree({ "keys/k.pem": PEM_KEY }, async (root) => {
    await Deno.symlink("keys/k.pem", `${root}/_headers`);
    await Deno.mkdir(`${root}/sub`);
    await Deno.symlink("../keys/k.pem", `${root}/sub/_headers`);
    assert.deepEqual(found(await auditExposure(root)), [
      "keys/k.pem private-key",
      "sub/_headers private-key",
    ]);
    assert.deepEqual(found(await auditExposure(root, { siteRules: false })), [
      "_headers private-key no-site-rules",
      "keys/k.pem private-key",
      "sub/_headers private-key",
    ]);
  });
});

Deno.test("auditExposure() agrees with the handler on what it serves", async () => {
  await withTree(TREE, async (root, base) => {
    await Deno.writeTextFile(`${base}/outside.pem`, PEM_KEY);
    await Deno.symlink(`${base}/outside.pem`, `${root}/out.pem`);
    await Deno.symlink("id_rsa", `${root}/_redirects`);
    await Deno.symlink(".env", `${root}/env.bak`);
    const candidates = [
      ...Object.keys(TREE),
      ".git/config",
      "out.pem",
      "_redirects",
      "env.bak",
    ];
    const options: ExposureAuditOptions[] = [
      {},
      { dotfiles: true },
      { siteRules: false },
      { dotfiles: true, siteRules: false },
    ];
    for (const option of options) {
      const audit = await auditExposure(root, option);
      const handler = createStaticHandler({ root, ...option });
      for (const path of candidates) {
        const response = await handler(new Request(`http://x/${path}`));
        await response.body?.cancel();
        const finding = audit.findings.some((f) => {
          const shown = f.segments.join("/");
          return shown === path ||
            (f.isDirectory && path.startsWith(shown + "/"));
        });
        const served = response.status === 200;
        // The audit names only what should never be public; everything it
        // names is served, and nothing sensitive it leaves out is.
        if (finding) assert.ok(served, `${path} ${JSON.stringify(option)}`);
        else if (served) {
          assert.ok(
            ["index.html", "id_rsa.pub", ".well-known/security.txt"]
              .includes(path) ||
              /chain\.pem|slides\.key|app\/\.npmrc/.test(path),
            `${path} is served but not named: ${JSON.stringify(option)}`,
          );
        }
      }
    }
  });
});

Deno.test("auditExposure() stops after maxEntries, and says so only when entries were left", async () => {
  const files = Object.fromEntries(
    Array.from({ length: 6 }, (_, i) => [`d${i % 2}/f${i}.db`, "x"]),
  );
  await withTree(files, async (root) => {
    // 2 folders + 6 files.
    const cut = await auditExposure(root, { maxEntries: 5 });
    assert.equal(cut.entriesSeen, 5);
    assert.equal(cut.stoppedBy, "entries");
    assert.equal(cut.findings.length, 3);
    const exact = await auditExposure(root, { maxEntries: 8 });
    assert.equal(exact.entriesSeen, 8);
    assert.equal(exact.stoppedBy, null);
    assert.equal(exact.findings.length, 6);
  });
});

Deno.test("auditExposure() stops at its time budget", async () => {
  await withTree({ "a.db": "x" }, async (root) => {
    const audit = await auditExposure(root, { timeBudgetMs: 0 });
    assert.equal(audit.stoppedBy, "time");
    assert.equal(audit.entriesSeen, 0);
    assert.deepEqual(audit.findings, []);
  });
});

Deno.test("auditExposure() never reads a FIFO, whatever its name", async () => {
  await withTree({}, async (root) => {
    const made = await new Deno.Command("mkfifo", {
      args: [`${root}/server.pem`, `${root}/id_rsa`],
    }).output();
    assert.equal(made.success, true);
    await Deno.symlink("server.pem", `${root}/link.key`);
    // Held open for reading and writing (never blocks on Linux), with a key
    // waiting in it: an audit that read it would name it and take the bytes.
    const fds = [`${root}/server.pem`, `${root}/id_rsa`].map((path) =>
      fs.openSync(path, fs.constants.O_RDWR)
    );
    try {
      for (const fd of fds) fs.writeSync(fd, PEM_KEY);
      const audit = await auditExposure(root);
      assert.deepEqual(audit.findings, []);
      assert.equal(audit.entriesSeen, 3);
      for (const fd of fds) {
        const bytes = new Uint8Array(PEM_KEY.length);
        assert.equal(fs.readSync(fd, bytes), PEM_KEY.length, "still there");
      }
    } finally {
      for (const fd of fds) fs.closeSync(fd);
    }
  });
});

Deno.test("auditExposure() does not name a file no one may read (the handler answers 403)", async () => {
  await withTree({ "id_rsa": KEY, "app.db": "x" }, async (root) => {
    await Deno.chmod(`${root}/id_rsa`, 0o000);
    let readable = true;
    try {
      await Deno.readTextFile(`${root}/id_rsa`);
    } catch {
      readable = false;
    }
    // Root reads whatever the mode says: then the key is served, and named.
    assert.deepEqual(
      found(await auditExposure(root)),
      readable
        ? ["app.db database", "id_rsa private-key"]
        : ["app.db database"],
    );
  });
});
