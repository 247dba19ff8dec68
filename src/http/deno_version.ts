/**
 * Which Deno versions berth runs on, and the one line it says on any other.
 *
 * Deno 2.9.5 is the first whose `Conn.close()` ends a write that waits on a
 * client that stopped reading (denoland/deno#36369). Before it, that write
 * keeps the socket open until the client reads again or goes away, so the
 * send timeout closes nothing: a client that stops reading would hold its
 * socket, its file and a buffer for as long as it likes, silently. Nothing
 * in JavaScript can end such a write, so berth refuses to start there
 * rather than run without its slow-reader defense. Deno 2.9.0 to 2.9.4 fail
 * only that (and 2.9.0's `Deno.serve` drops a HEAD answer's
 * `Content-Length`); before 2.9.0 Deno also lets `--allow-read` read
 * `/proc/self/fd` but not open through it, which the file handler's
 * containment relies on (`src/static/pinned_directory.ts`).
 *
 * The CLI, `serve()` and `createStaticHandler()` check when they start;
 * importing `mod.ts` never does, so that it stays free of side effects.
 *
 * @module
 */

/** The oldest Deno berth runs on. */
export const MINIMUM_DENO_VERSION = "2.9.5";

/** The Deno berth is developed with: the one to install. */
export const PINNED_DENO_VERSION = "2.9.6";

/** `major.minor.patch` as numbers; a pre-release or build suffix is ignored. */
function parseVersion(version: string): number[] | null {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  return match === null ? null : match.slice(1).map(Number);
}

const MINIMUM = parseVersion(MINIMUM_DENO_VERSION)!;

function isOlder(version: number[], than: number[]): boolean {
  for (let i = 0; i < 3; i++) {
    if (version[i] !== than[i]) return version[i] < than[i];
  }
  return false;
}

/**
 * Why berth cannot run on a Deno version, in one line: what is missing and
 * which version to install.
 *
 * @param version A Deno version, as `Deno.version.deno` gives it
 *   (`"2.9.6"`, `"2.10.0-rc.1"`, `"2.9.5+1a2b3c4"`).
 * @returns The line, or `null` when berth runs on it (a version that does
 *   not read as `major.minor.patch` is given the benefit of the doubt).
 */
export function unsupportedDeno(version: string): string | null {
  const parsed = parseVersion(version);
  if (parsed === null || !isOlder(parsed, MINIMUM)) return null;
  const pinned = PINNED_DENO_VERSION;
  return `Deno ${version} is older than ${MINIMUM_DENO_VERSION}, the first where closing a connection ` +
    `ends a write waiting on a client that stopped reading, which berth's send timeout needs; ` +
    `install Deno ${pinned} (deno upgrade ${pinned}, or npm install -g deno@${pinned})`;
}
