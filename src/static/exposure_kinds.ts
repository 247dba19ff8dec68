/**
 * What should never be public, told by name (and, for a few names, by the
 * first bytes of the file): environment files, version-control and SSH
 * folders, private keys, package-registry credentials, databases, editor
 * backups. Pure: the walk that finds such entries under a root, and decides
 * whether the handler would serve them, is `exposure_audit.ts`.
 *
 * @module
 */

/** A kind of entry that should never be served. */
export type ExposureKind =
  | "env-file"
  | "git-folder"
  | "ssh-folder"
  | "private-key"
  | "npm-token"
  | "pypi-password"
  | "database"
  | "editor-backup";

/** Each kind in words, for messages: "a private key". */
export const EXPOSURE_KIND_TEXT: Readonly<Record<ExposureKind, string>> = {
  "env-file": "an environment file, where secrets usually live",
  "git-folder": "a git repository: every version of every file, and its config",
  "ssh-folder": "an SSH folder",
  "private-key": "a private key",
  "npm-token": "an npm config holding a registry token",
  "pypi-password": "a PyPI config holding a password",
  "database": "a database file",
  "editor-backup": "an editor backup or swap file",
};

/**
 * What a name says: the kind, and whether the file's first bytes must
 * confirm it (`*.pem` is as often a certificate as a key).
 */
export interface NameVerdict {
  /** The kind the name suggests. */
  kind: ExposureKind;
  /** Whether {@linkcode contentConfirms} must agree before it counts. */
  needsContent: boolean;
}

/** SSH's default private key names (`ssh-keygen -t …`). */
const SSH_KEY_NAMES: ReadonlySet<string> = new Set([
  "id_rsa",
  "id_dsa",
  "id_ecdsa",
  "id_ecdsa_sk",
  "id_ed25519",
  "id_ed25519_sk",
]);

/** Extensions by kind; compared in lower case. */
const EXTENSIONS: readonly [string, NameVerdict][] = [
  [".pem", { kind: "private-key", needsContent: true }],
  [".key", { kind: "private-key", needsContent: true }],
  [".sqlite", { kind: "database", needsContent: false }],
  [".sqlite3", { kind: "database", needsContent: false }],
  [".db", { kind: "database", needsContent: false }],
  [".swp", { kind: "editor-backup", needsContent: false }],
  [".swo", { kind: "editor-backup", needsContent: false }],
  [".bak", { kind: "editor-backup", needsContent: false }],
];

/**
 * What an entry's name says of it.
 *
 * @param name The entry's name (one path segment).
 * @param isDirectory Whether it is a folder (only `.git` and `.ssh` count
 *   as folders; every other kind is a file).
 * @returns The verdict, or `null` when the name is unremarkable.
 */
export function classifyName(
  name: string,
  isDirectory: boolean,
): NameVerdict | null {
  if (isDirectory) {
    if (name === ".git") return { kind: "git-folder", needsContent: false };
    if (name === ".ssh") return { kind: "ssh-folder", needsContent: false };
    return null;
  }
  if (name.startsWith(".env")) return { kind: "env-file", needsContent: false };
  if (SSH_KEY_NAMES.has(name)) {
    return { kind: "private-key", needsContent: false };
  }
  if (name === ".npmrc") return { kind: "npm-token", needsContent: true };
  if (name === ".pypirc") return { kind: "pypi-password", needsContent: true };
  if (name.length > 1 && name.endsWith("~")) {
    return { kind: "editor-backup", needsContent: false };
  }
  const lower = name.toLowerCase();
  for (const [extension, verdict] of EXTENSIONS) {
    if (lower.length > extension.length && lower.endsWith(extension)) {
      return verdict;
    }
  }
  return null;
}

/** A PEM private key block: `PRIVATE KEY`, `RSA PRIVATE KEY`, `ENCRYPTED …`. */
const PRIVATE_KEY_BLOCK = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
/** npm's credential keys, bare or scoped to a registry (`//host/:_authToken=`). */
const NPM_CREDENTIAL = /(?:^|[\s:])_(?:authToken|auth|password)\s*=/m;
/** A `password` key in an INI section. */
const PYPI_PASSWORD = /^[ \t]*password[ \t]*[=:]/im;

/**
 * Whether a file's first bytes confirm what its name suggested.
 *
 * @param kind The kind the name suggested (one that needs content).
 * @param prefix The file's first bytes, as text (a bounded prefix).
 * @returns `true` when the content holds a private key block, an npm token
 *   or a PyPI password, as `kind` says; `true` for kinds told by name alone.
 */
export function contentConfirms(kind: ExposureKind, prefix: string): boolean {
  switch (kind) {
    case "private-key":
      return PRIVATE_KEY_BLOCK.test(prefix);
    case "npm-token":
      return NPM_CREDENTIAL.test(prefix);
    case "pypi-password":
      return PYPI_PASSWORD.test(prefix);
    default:
      return true;
  }
}
