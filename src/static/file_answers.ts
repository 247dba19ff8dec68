/**
 * Answering with the file routing chose, under the handler's policies
 * (`Cache-Control`, compression, ranges, memory), and answering not found:
 * with the 404 page when there is one.
 *
 * A file that changes between its lookup and its answer is looked up
 * again, with every check (`respondWithCurrentFile`); a race on the file
 * system ends in an answer, never in a 5xx.
 *
 * @module
 */

import { CacheControlMemo } from "./cache_control.ts";
import type { Descriptor } from "./descriptor.ts";
import type { Explanation } from "./explanation.ts";
import type { FileEntry } from "./file_cache.ts";
import { describeOpened } from "./file_entry.ts";
import type { FileResponseOptions } from "./file_response.ts";
import { fsErrorStatus } from "./fs_error_status.ts";
import { LiveReloadTag } from "./live_reload_tag.ts";
import type { FileAnswer } from "./memory_answer.ts";
import type { ResolvedStaticOptions } from "./options.ts";
import {
  type LookAgain,
  respondWithCurrentFile,
} from "./respond_with_current_file.ts";
import { joinInsideRoot } from "./resolve_path.ts";
import type { SiteFiles } from "./site_files.ts";
import { statusResponse } from "./status_response.ts";

/**
 * The request being answered, as answering with a file needs it.
 */
export interface Asked {
  /** The GET or HEAD request. */
  readonly request: Request;
  /** Its method. */
  readonly method: string;
  /** The root's real path, as resolved for this request. */
  readonly rootReal: string;
  /** Where the answer's reasons are noted (`explain`), or `null`. */
  readonly explain: Explanation | null;
}

const NO_VARY: readonly string[] = [];
const VARY_ACCEPT: readonly string[] = ["Accept"];

/**
 * The handler's answers with files.
 */
export class FileAnswers {
  /** The files answered with. */
  readonly files: SiteFiles;
  readonly #options: ResolvedStaticOptions;
  readonly #cacheControl: CacheControlMemo;
  /** The 404 page's path, or `null` for none. */
  readonly #notFoundPage: string | null;
  /** What a not-found answer varies on: `Accept` with an SPA fallback. */
  readonly #notFoundVary: readonly string[];
  /** The script element pages get (`liveReload`), or `null`. */
  readonly #liveReload: LiveReloadTag | null;

  /**
   * @param options The handler's options.
   * @param files Where files are looked up.
   */
  constructor(options: ResolvedStaticOptions, files: SiteFiles) {
    this.files = files;
    this.#options = options;
    this.#cacheControl = new CacheControlMemo(options.cacheControl);
    this.#notFoundPage = options.notFoundPage === null
      ? null
      : joinInsideRoot(files.root, options.notFoundPage);
    this.#notFoundVary = options.spa === null ? NO_VARY : VARY_ACCEPT;
    this.#liveReload = options.liveReload
      ? new LiveReloadTag(options.urlRoot)
      : null;
  }

  /**
   * Answer with a file.
   *
   * @param asked The request.
   * @param entry The file's entry.
   * @param spa Whether it is the SPA fallback (its answer varies on
   *   `Accept`).
   * @returns The answer.
   */
  file(asked: Asked, entry: FileEntry, spa = false): Promise<FileAnswer> {
    return this.#answer(asked, entry, 200, spa ? VARY_ACCEPT : NO_VARY);
  }

  /**
   * Answer with a file as a not-found page (status 404): what a
   * `_redirects` rule with status 404 serves.
   *
   * @param asked The request.
   * @param entry The page's entry.
   * @returns The answer.
   */
  notFoundWith(asked: Asked, entry: FileEntry): Promise<FileAnswer> {
    return this.#answer(asked, entry, 404, NO_VARY);
  }

  /**
   * Answer not found: the 404 page with status 404 when there is one,
   * else a plain 404.
   *
   * @param asked The request.
   * @returns The answer.
   */
  async notFound(asked: Asked): Promise<FileAnswer> {
    const vary = this.#notFoundVary;
    if (this.#notFoundPage !== null) {
      const page = await this.files.lookup(this.#notFoundPage, asked.rootReal);
      if (typeof page !== "number" && page.kind === "file") {
        asked.explain?.note("not-found-page");
        return this.#answer(asked, page, 404, vary);
      }
    }
    return statusResponse(
      404,
      asked.method,
      vary.length ? { vary: vary.join(", ") } : undefined,
    );
  }

  /**
   * How to answer with `entry` (a 404 page is never cached as if it were
   * the resource).
   *
   * @param entry The entry about to be answered with.
   * @param fromHeld Whether its bytes come from a held descriptor.
   * @param status `200`, or `404` for the 404 page.
   * @param vary Extra `Vary` members.
   * @returns The options for `respondWithFile`.
   */
  responseOptions(
    entry: FileEntry,
    fromHeld: boolean,
    status: 200 | 404,
    vary: readonly string[],
  ): FileResponseOptions {
    const options = this.#options;
    return {
      cache: fromHeld ? null : this.files.cache,
      maxInMemoryBytes: options.maxCachedFileBytes,
      gzip: options.gzip,
      cacheControl: status === 404
        ? "no-cache"
        : this.#cacheControl.valueFor(entry),
      maxRanges: options.maxRanges,
      emptyFileRanges: options.emptyFileRanges,
      status,
      vary,
      liveReload: this.#liveReload,
    };
  }

  async #answer(
    asked: Asked,
    entry: FileEntry,
    status: 200 | 404,
    vary: readonly string[],
  ): Promise<FileAnswer> {
    const again = new LookAgainFor(this, asked, status, vary);
    try {
      return await respondWithCurrentFile(asked.request, entry, again);
    } catch (error) {
      // Deleted or made unreadable between the lookup and the open.
      const failed = fsErrorStatus(error);
      if (failed === null) throw error;
      this.files.cache.delete(entry.key);
      if (failed === 403) {
        asked.explain?.note("forbidden");
        return statusResponse(403, asked.method);
      }
      return again.gone();
    }
  }
}

/** How one answer looks again when its file changes under it. */
class LookAgainFor implements LookAgain {
  constructor(
    readonly answers: FileAnswers,
    readonly asked: Asked,
    readonly status: 200 | 404,
    readonly vary: readonly string[],
  ) {}

  options(entry: FileEntry, fromHeld: boolean): FileResponseOptions {
    const options = this.answers.responseOptions(
      entry,
      fromHeld,
      this.status,
      this.vary,
    );
    options.explain = this.asked.explain;
    return options;
  }

  changed(entry: FileEntry): void {
    this.answers.files.cache.delete(entry.key);
  }

  async find(entry: FileEntry): Promise<FileEntry | FileAnswer> {
    const again = await this.answers.files.lookup(
      entry.key,
      this.asked.rootReal,
    );
    if (typeof again !== "number" && again.kind === "file") return again;
    if (again === 403) {
      this.asked.explain?.note("forbidden");
      return statusResponse(403, this.asked.method);
    }
    return this.gone();
  }

  describe(entry: FileEntry, file: Descriptor): Promise<FileEntry> {
    return describeOpened(
      entry,
      file,
      this.answers.files.loadOptions(this.asked.rootReal),
    );
  }

  /** Not there (any more): the 404 page, unless that is what vanished. */
  gone(): Promise<FileAnswer> | FileAnswer {
    this.asked.explain?.vanished();
    return this.status === 404
      ? statusResponse(404, this.asked.method)
      : this.answers.notFound(this.asked);
  }
}
