/**
 * The defaults of {@linkcode StaticHandlerOptions}, written once, and their
 * validation: one check per option, applied in one loop.
 *
 * @module
 */

import {
  type AnswerConventions,
  BERTH_CONVENTIONS,
} from "./answer_conventions.ts";
import {
  type CacheControlPolicy,
  defaultCacheControl,
} from "./cache_control.ts";
import { type EtagAlgorithm, isEtagAlgorithm } from "./etag.ts";
import { DEFAULT_FILE_CACHE_OPTIONS } from "./file_cache.ts";
import type {
  CompressPolicy,
  StaticHandlerOptions,
  SymlinkPolicy,
  TrailingSlashPolicy,
} from "./options.ts";
import { isHeaderValue, parseHeaderOption } from "./parse_header_option.ts";
import { resolveUrlPath } from "./resolve_path.ts";

/**
 * The defaults of {@linkcode StaticHandlerOptions}, written once, as a
 * caller would write them (`onError`, `onWarning` and `fallback` have
 * none). Each field's `@default`
 * says the same; a test holds them to it.
 */
export const DEFAULT_STATIC_OPTIONS: Readonly<
  Required<Omit<StaticHandlerOptions, "onError" | "onWarning" | "fallback">>
> = Object.freeze({
  root: ".",
  urlRoot: "",
  index: Object.freeze(["index.html"]),
  dotfiles: false,
  listing: false,
  spa: false,
  cleanUrls: false,
  trailingSlash: "redirect",
  compress: true,
  cacheControl: defaultCacheControl,
  headers: Object.freeze({}),
  cors: false,
  followSymlinks: "inside-root",
  etag: true,
  etagAlgorithm: "fnv1a",
  // The handler's cache is a FileCache: its defaults are the cache's.
  revalidateMs: DEFAULT_FILE_CACHE_OPTIONS.revalidateMs,
  watch: true,
  maxCachedFileBytes: DEFAULT_FILE_CACHE_OPTIONS.maxFileBytes,
  cacheBudgetBytes: DEFAULT_FILE_CACHE_OPTIONS.budgetBytes,
  notFoundPage: "404.html",
  maxRanges: 16,
  siteRules: true,
  explain: false,
  liveReload: false,
  now: DEFAULT_FILE_CACHE_OPTIONS.now,
});

/** Checks one option's value (its default when not given) and converts it. */
type Resolver<T> = (value: unknown, name: string) => T;

function boolean(value: unknown, name: string): boolean {
  if (typeof value !== "boolean") {
    throw new TypeError(`Option "${name}" must be a boolean`);
  }
  return value;
}

function count(value: unknown, name: string): number {
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new TypeError(`Option "${name}" must be a number`);
  }
  if (value < 0 || !(Number.isSafeInteger(value) || value === Infinity)) {
    throw new RangeError(`Option "${name}" must be a non-negative integer`);
  }
  return value;
}

function oneOf<T extends string>(allowed: readonly T[]): Resolver<T> {
  return (value, name) => {
    if (
      typeof value !== "string" ||
      !(allowed as readonly string[]).includes(value)
    ) {
      throw new RangeError(
        `Option "${name}" must be one of ${
          allowed.map((a) => `"${a}"`).join(", ")
        }`,
      );
    }
    return value as T;
  };
}

function fn<T extends (...args: never[]) => unknown>(
  value: unknown,
  name: string,
): T {
  if (typeof value !== "function") {
    throw new TypeError(`Option "${name}" must be a function`);
  }
  return value as T;
}

// A path under the root, given in an option: parsed like a URL path so it
// can never point outside the root either.
function rootPath(value: string, name: string): string[] {
  const resolved = resolveUrlPath(
    "/" + value.split("/").map(encodeURIComponent).join("/"),
  );
  if (!resolved.ok || resolved.segments.length === 0) {
    throw new RangeError(`Option "${name}" must be a path inside the root`);
  }
  return resolved.segments;
}

/**
 * Each option's check and conversion, in one table: what the handler uses
 * is {@linkcode ResolvedStaticOptions}, derived from it.
 */
const RESOLVERS = {
  root(value, name): string {
    if (typeof value !== "string" || value === "") {
      throw new TypeError(`Option "${name}" must be a non-empty string`);
    }
    return value;
  },
  /** The URL prefix, as decoded segments. */
  urlRoot(value, name): string[] {
    if (typeof value !== "string") {
      throw new TypeError(`Option "${name}" must be a string`);
    }
    const trimmed = value.replace(/^\/+|\/+$/g, "");
    return trimmed === "" ? [] : rootPath(trimmed, name);
  },
  index(value, name): string[] {
    if (value === false) return [];
    if (!Array.isArray(value)) {
      throw new TypeError(
        `Option "${name}" must be an array of names or false`,
      );
    }
    return value.map((file: unknown) => {
      if (typeof file !== "string") {
        throw new TypeError(`Option "${name}" must contain strings`);
      }
      const segments = rootPath(file, name);
      if (segments.length !== 1 || segments[0] !== file) {
        throw new RangeError(
          `Option "${name}" entries must be plain file names`,
        );
      }
      return file;
    });
  },
  dotfiles: boolean,
  listing: boolean,
  /** The SPA fallback as segments under the root, or `null`. */
  spa(value, name): string[] | null {
    if (value === true) return ["index.html"];
    if (value === false) return null;
    if (typeof value !== "string") {
      throw new TypeError(`Option "${name}" must be a boolean or a file name`);
    }
    return rootPath(value, name);
  },
  cleanUrls: boolean,
  trailingSlash: oneOf<TrailingSlashPolicy>([
    "redirect",
    "always",
    "never",
    "ignore",
  ]),
  compress(value, name): CompressPolicy {
    if (value !== true && value !== false && value !== "precompressed") {
      throw new RangeError(
        `Option "${name}" must be true, false or "precompressed"`,
      );
    }
    return value;
  },
  cacheControl(value, name): CacheControlPolicy {
    if (
      typeof value !== "function" &&
      (typeof value !== "string" || !isHeaderValue(value))
    ) {
      throw new TypeError(
        `Option "${name}" must be a header value or a function`,
      );
    }
    return value as CacheControlPolicy;
  },
  /** Extra headers as name/value pairs. */
  headers: (value): [string, string][] =>
    parseHeaderOption(value as NonNullable<StaticHandlerOptions["headers"]>),
  cors: boolean,
  followSymlinks: oneOf<SymlinkPolicy>(["inside-root", "always", "never"]),
  etag: boolean,
  etagAlgorithm(value, name): EtagAlgorithm {
    if (!isEtagAlgorithm(value)) {
      throw new RangeError(
        `Option "${name}" must be "fnv1a", "SHA-1", "SHA-256", "SHA-384" or "SHA-512"`,
      );
    }
    return value;
  },
  revalidateMs: count,
  watch: boolean,
  maxCachedFileBytes: count,
  cacheBudgetBytes: count,
  /** The 404 page as segments under the root, or `null`. */
  notFoundPage(value, name): string[] | null {
    if (value === false) return null;
    if (typeof value !== "string") {
      throw new TypeError(`Option "${name}" must be a file name or false`);
    }
    return rootPath(value, name);
  },
  maxRanges(value, name): number {
    const max = count(value, name);
    if (max < 1) throw new RangeError(`Option "${name}" must be at least 1`);
    return max;
  },
  siteRules: boolean,
  explain: boolean,
  liveReload: boolean,
  /** The three options without a default. */
  onWarning(value, name): StaticHandlerOptions["onWarning"] {
    return value === undefined ? undefined : fn(value, name);
  },
  onError(value, name): StaticHandlerOptions["onError"] {
    return value === undefined ? undefined : fn(value, name);
  },
  fallback(value, name): StaticHandlerOptions["fallback"] {
    return value === undefined ? undefined : fn(value, name);
  },
  now: fn<() => number>,
} satisfies {
  [Name in keyof StaticHandlerOptions]-?: Resolver<unknown>;
};

/** An option's name. */
type OptionName = keyof typeof RESOLVERS;

/**
 * {@linkcode StaticHandlerOptions} with defaults applied and values checked:
 * what each resolver returns (paths under the root as segments, headers as
 * pairs), `compress` split into the two switches the handler tests, and the
 * entry point's {@linkcode AnswerConventions} (berth's, from
 * {@linkcode resolveStaticOptions}).
 */
export type ResolvedStaticOptions =
  & { [Name in OptionName]: ReturnType<(typeof RESOLVERS)[Name]> }
  & {
    /** Whether precompressed siblings are used. */
    precompressed: boolean;
    /** Whether on-the-fly gzip is used. */
    gzip: boolean;
  }
  & AnswerConventions;

/**
 * Options for which `null` has always meant "the default" (they were read
 * with `??`); elsewhere `null` is refused, as the types say.
 */
const NULL_MEANS_DEFAULT: ReadonlySet<string> = new Set([
  "root",
  "urlRoot",
  "compress",
  "etagAlgorithm",
  "headers",
  "now",
]);

/**
 * Apply defaults and validate options, so mistakes surface when the handler
 * is created rather than on some later request. An option left `undefined`
 * takes its default from {@linkcode DEFAULT_STATIC_OPTIONS}; the
 * conventions are berth's.
 *
 * @param options The options as given.
 * @returns The resolved options.
 * @throws {TypeError} When an option has the wrong type.
 * @throws {RangeError} When an option has an unsupported value.
 */
export function resolveStaticOptions(
  options: StaticHandlerOptions = {},
): ResolvedStaticOptions {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("Options must be an object");
  }
  const defaults: Partial<Record<OptionName, unknown>> = DEFAULT_STATIC_OPTIONS;
  const resolved: Partial<Record<OptionName, unknown>> = {};
  for (const name of Object.keys(RESOLVERS) as OptionName[]) {
    const given = options[name];
    const value = given === undefined ||
        (given === null && NULL_MEANS_DEFAULT.has(name))
      ? defaults[name]
      : given;
    resolved[name] = RESOLVERS[name](value, name);
  }
  const fields = resolved as Omit<
    ResolvedStaticOptions,
    "precompressed" | "gzip" | keyof AnswerConventions
  >;
  return {
    ...fields,
    precompressed: fields.compress !== false,
    gzip: fields.compress === true,
    ...BERTH_CONVENTIONS,
  };
}
