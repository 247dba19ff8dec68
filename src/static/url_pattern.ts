/**
 * URL path patterns of the `_redirects` and `_headers` conventions
 * (Netlify, Cloudflare Pages): literal segments, `:name` placeholders that
 * match one segment, and one `*` splat at the end that matches the rest.
 * Matching walks the segments once — no user-written regular expression,
 * so no pattern can backtrack.
 *
 * Patterns and paths are compared on decoded segments (as the router has
 * them), so `/caf%C3%A9` and `/café` are the same path; values put into a
 * target are percent-encoded again.
 *
 * @module
 */

/** One piece of a pattern: a segment to match. */
export type UrlPatternPart =
  | { kind: "literal"; text: string }
  | { kind: "placeholder"; name: string }
  /** `*` at the end, after `prefix` in its segment (`/img-*`: "img-"). */
  | { kind: "splat"; prefix: string };

/** A compiled pattern. */
export interface UrlPattern {
  /** The pattern as written. */
  readonly source: string;
  /** Its pieces, one per segment. */
  readonly parts: readonly UrlPatternPart[];
  /** Whether a trailing `/` was written (it matches with or without). */
  readonly trailingSlash: boolean;
}

/** What a match captured: placeholder values, and `splat`. */
export type UrlParams = Readonly<Record<string, string>>;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Compile a path pattern.
 *
 * @param source The pattern, starting with `/`.
 * @returns The pattern, or a message saying what is wrong with it.
 */
export function compileUrlPattern(source: string): UrlPattern | string {
  if (!source.startsWith("/")) return `a path must start with "/"`;
  const raw = source.slice(1).split("/");
  const trailingSlash = raw.length > 1 && raw[raw.length - 1] === "";
  const segments = raw.filter((segment) => segment !== "");
  const parts: UrlPatternPart[] = [];
  for (let i = 0; i < segments.length; i++) {
    let segment: string;
    try {
      segment = decodeURIComponent(segments[i]);
    } catch {
      return `bad percent-encoding in "${segments[i]}"`;
    }
    const star = segment.indexOf("*");
    if (star !== -1) {
      if (star !== segment.length - 1 || i !== segments.length - 1) {
        return `"*" may only end a pattern`;
      }
      parts.push({ kind: "splat", prefix: segment.slice(0, -1) });
    } else if (segment.startsWith(":")) {
      const name = segment.slice(1);
      if (!NAME.test(name) || name === "splat") {
        return `bad placeholder ":${name}"`;
      }
      parts.push({ kind: "placeholder", name });
    } else {
      parts.push({ kind: "literal", text: segment });
    }
  }
  return { source, parts, trailingSlash };
}

/**
 * Match decoded path segments against a pattern.
 *
 * @param pattern A compiled pattern.
 * @param segments The request's decoded path segments.
 * @returns The captured values, or `null` when it does not match.
 */
export function matchUrlPattern(
  pattern: UrlPattern,
  segments: readonly string[],
): UrlParams | null {
  const params: Record<string, string> = {};
  const parts = pattern.parts;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part.kind === "splat") {
      const rest = segments.slice(i);
      const first = rest[0] ?? "";
      if (!first.startsWith(part.prefix)) return null;
      if (rest.length === 0 && part.prefix !== "") return null;
      rest[0] = first.slice(part.prefix.length);
      params.splat = rest.length === 0 ? "" : rest.join("/");
      return params;
    }
    const segment = segments[i];
    if (segment === undefined) return null;
    if (part.kind === "literal") {
      if (segment !== part.text) return null;
    } else {
      params[part.name] = segment;
    }
  }
  return segments.length === parts.length ? params : null;
}

/**
 * Put captured values into a target (`/news/:year/:splat`): each value is
 * percent-encoded per segment, so nothing captured can add a separator, a
 * query or a line break.
 *
 * @param target The target as written (a path, or an absolute URL).
 * @param params What a match captured.
 * @returns The target with the values in.
 */
export function fillUrlTarget(target: string, params: UrlParams): string {
  return target.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (whole, name) => {
    const value = params[name];
    if (value === undefined) return whole;
    return value.split("/").map(encodeURIComponent).join("/");
  });
}
