/**
 * The served root's real path, re-resolved like any cache entry: trusted
 * for `revalidateMs`, so that swapping a `current -> releases/N` symlink
 * takes effect within that bound, as a changed file does.
 *
 * @module
 */

import { fsErrorStatus } from "./fs_error_status.ts";

/**
 * How {@linkcode RootRealPath} keeps time.
 */
export interface RootRealPathOptions {
  /** How long a resolved path is trusted, in ms (the file cache's bound). */
  readonly revalidateMs: number;
  /** The file cache's clock, in ms. */
  readonly now: () => number;
}

/**
 * The root's real path as last resolved, and when.
 */
export class RootRealPath {
  /** The real path, or `null` when unknown (never resolved, or gone). */
  real: string | null = null;
  /** When {@linkcode RootRealPath.real} was resolved (the cache clock). */
  checkedAt = 0;
  readonly #path: string;
  readonly #revalidateMs: number;
  readonly #halfMs: number;
  readonly #now: () => number;

  /**
   * @param path The root as an absolute path, possibly through symlinks.
   * @param options The staleness bound and the clock.
   */
  constructor(path: string, options: RootRealPathOptions) {
    this.#path = path;
    this.#revalidateMs = options.revalidateMs;
    this.#halfMs = options.revalidateMs / 2;
    this.#now = options.now;
  }

  /**
   * The real path, resolved again when older than `revalidateMs`: what a
   * request on the ordinary path checks containment against.
   *
   * @returns The real path, or `null` when the root is not there (or not
   * readable).
   * @throws What resolving threw, when it is not a file-system refusal.
   */
  async resolve(): Promise<string | null> {
    const now = this.#now();
    if (this.real !== null && now - this.checkedAt < this.#revalidateMs) {
      return this.real;
    }
    try {
      const real = await Deno.realPath(this.#path);
      this.real = real;
      this.checkedAt = now;
      return real;
    } catch (error) {
      this.real = null;
      if (fsErrorStatus(error) !== null) return null;
      throw error;
    }
  }

  /**
   * Whether the fast lane may answer at `now`: the root must be as fresh as
   * the file, as on the ordinary path. Past half its bound it is resolved
   * again first, synchronously: one blocking realpath every
   * `revalidateMs / 2` costs less than a request that would wait for it.
   *
   * @param now The cache clock, read once by the caller.
   * @returns `true` when the real path is known and within its bound.
   */
  readyForHit(now: number): boolean {
    if (this.real === null) return false;
    const age = now - this.checkedAt;
    if (age < this.#halfMs) return true;
    if (age >= this.#revalidateMs) return false;
    return this.#resolveNow();
  }

  /** Resolve the real path again, synchronously (for the fast lane). */
  #resolveNow(): boolean {
    const checkedAt = this.#now();
    try {
      this.real = Deno.realPathSync(this.#path);
      this.checkedAt = checkedAt;
      return true;
    } catch {
      // Gone or unreadable: the ordinary path resolves it and answers.
      this.real = null;
      return false;
    }
  }
}
