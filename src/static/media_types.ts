/**
 * Media types for the files a web server hosts, chosen from the file
 * extension, with a Deno-first mapping for TypeScript and JSX modules.
 *
 * @module
 */

/**
 * The built-in extension → media type table (lowercase extensions without
 * the dot). Text-like types get `; charset=utf-8` from {@linkcode contentType}.
 *
 * TypeScript and JSX extensions map to the types Deno accepts for remote
 * modules, so `deno run https://host/mod.ts` works against berth; most
 * servers send `.ts` as `video/mp2t` (MPEG transport streams).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MEDIA_TYPES } from "@berth/berth";
 *
 * assert.equal(MEDIA_TYPES.woff2, "font/woff2");
 * assert.equal(MEDIA_TYPES.ts, "application/typescript");
 * ```
 */
export const MEDIA_TYPES: Readonly<Record<string, string>> = Object.freeze({
  // Documents and code
  html: "text/html",
  htm: "text/html",
  xhtml: "application/xhtml+xml",
  css: "text/css",
  js: "text/javascript",
  mjs: "text/javascript",
  cjs: "text/javascript",
  jsx: "text/jsx",
  ts: "application/typescript",
  mts: "application/typescript",
  cts: "application/typescript",
  tsx: "text/tsx",
  json: "application/json",
  jsonc: "application/json",
  map: "application/json",
  jsonld: "application/ld+json",
  webmanifest: "application/manifest+json",
  wasm: "application/wasm",
  xml: "application/xml",
  xsl: "application/xml",
  rss: "application/rss+xml",
  atom: "application/atom+xml",
  txt: "text/plain",
  text: "text/plain",
  md: "text/markdown",
  markdown: "text/markdown",
  csv: "text/csv",
  tsv: "text/tab-separated-values",
  ics: "text/calendar",
  vtt: "text/vtt",
  yaml: "application/yaml",
  yml: "application/yaml",
  toml: "application/toml",
  pdf: "application/pdf",
  rtf: "application/rtf",
  epub: "application/epub+zip",
  // Images
  png: "image/png",
  apng: "image/apng",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  avif: "image/avif",
  jxl: "image/jxl",
  svg: "image/svg+xml",
  ico: "image/x-icon",
  bmp: "image/bmp",
  tif: "image/tiff",
  tiff: "image/tiff",
  // Fonts
  woff: "font/woff",
  woff2: "font/woff2",
  ttf: "font/ttf",
  otf: "font/otf",
  eot: "application/vnd.ms-fontobject",
  // Audio and video
  mp4: "video/mp4",
  m4v: "video/mp4",
  webm: "video/webm",
  ogv: "video/ogg",
  mov: "video/quicktime",
  m3u8: "application/vnd.apple.mpegurl",
  mpd: "application/dash+xml",
  mp3: "audio/mpeg",
  m4a: "audio/mp4",
  aac: "audio/aac",
  ogg: "audio/ogg",
  oga: "audio/ogg",
  opus: "audio/ogg",
  weba: "audio/webm",
  wav: "audio/wav",
  flac: "audio/flac",
  mid: "audio/midi",
  midi: "audio/midi",
  // 3D models
  gltf: "model/gltf+json",
  glb: "model/gltf-binary",
  // Archives
  zip: "application/zip",
  gz: "application/gzip",
  tgz: "application/gzip",
  br: "application/x-brotli",
  zst: "application/zstd",
  tar: "application/x-tar",
  bz2: "application/x-bzip2",
  xz: "application/x-xz",
  "7z": "application/x-7z-compressed",
});

/**
 * The media type answered for unknown extensions.
 */
export const DEFAULT_MEDIA_TYPE = "application/octet-stream";

/**
 * The media type of an MPEG transport stream (HLS video segments).
 */
export const MPEG_TS_MEDIA_TYPE = "video/mp2t";

// Non-`text/*` types that are text and so get a charset parameter.
const TEXT_LIKE = new Set([
  "application/javascript",
  "application/typescript",
  "application/json",
  "application/ld+json",
  "application/manifest+json",
  "application/xml",
  "application/xhtml+xml",
  "application/rss+xml",
  "application/atom+xml",
  "application/yaml",
  "application/toml",
  "application/vnd.apple.mpegurl",
  "image/svg+xml",
]);

// Types already compressed (or binary enough) that gzip would waste CPU.
const COMPRESSIBLE = new Set([
  "application/javascript",
  "application/typescript",
  "application/json",
  "application/ld+json",
  "application/manifest+json",
  "application/wasm",
  "application/xml",
  "application/xhtml+xml",
  "application/rss+xml",
  "application/atom+xml",
  "application/yaml",
  "application/toml",
  "application/rtf",
  "application/dash+xml",
  "application/vnd.apple.mpegurl",
  "application/vnd.ms-fontobject",
  "image/svg+xml",
  "image/x-icon",
  "image/bmp",
  "font/ttf",
  "font/otf",
  "model/gltf+json",
]);

/**
 * The lowercase extension of the last path segment, without the dot; `""`
 * for names without one and for dotfiles such as `.env`.
 *
 * @param path A file path or URL path.
 * @returns The extension, e.g. `"js"` for `"/a/app.3f9a.JS"`.
 */
export function extensionOf(path: string): string {
  const slash = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  const name = path.slice(slash + 1);
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
}

/**
 * The `Content-Type` for a file, from its extension: a type from
 * {@linkcode MEDIA_TYPES} with `; charset=utf-8` for text types, or
 * `application/octet-stream` when the extension is unknown.
 *
 * @param path A file name or path; only the extension is looked at.
 * @returns The `Content-Type` header value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { contentType } from "@berth/berth";
 *
 * assert.equal(contentType("index.html"), "text/html; charset=utf-8");
 * assert.equal(contentType("logo.png"), "image/png");
 * assert.equal(contentType("mod.ts"), "application/typescript; charset=utf-8");
 * assert.equal(contentType("blob.xyz"), "application/octet-stream");
 * ```
 */
export function contentType(path: string): string {
  const type = MEDIA_TYPES[extensionOf(path)];
  if (type === undefined) return DEFAULT_MEDIA_TYPE;
  return isTextType(type) ? `${type}; charset=utf-8` : type;
}

/**
 * Whether a media type is text, and so is labelled `charset=utf-8`.
 *
 * @param type A media type without parameters, e.g. `"text/css"`.
 * @returns `true` for `text/*` and the text-like application types.
 */
export function isTextType(type: string): boolean {
  return type.startsWith("text/") || TEXT_LIKE.has(type);
}

/**
 * Whether gzip is worth applying to a type: text and a few binary formats
 * that compress well. Images, fonts in WOFF, audio, video and archives are
 * already compressed.
 *
 * @param contentTypeValue A `Content-Type` value; parameters are ignored.
 * @returns `true` when compression usually pays off.
 */
export function isCompressible(contentTypeValue: string): boolean {
  const semi = contentTypeValue.indexOf(";");
  const type = (semi < 0 ? contentTypeValue : contentTypeValue.slice(0, semi))
    .trim().toLowerCase();
  return type.startsWith("text/") || COMPRESSIBLE.has(type);
}

/**
 * Bytes needed by {@linkcode isMpegTransportStream}: up to the second
 * 188-byte packet's sync byte.
 */
export const MPEG_TS_SNIFF_BYTES = 189;

/**
 * Whether the start of a file looks like an MPEG transport stream: the sync
 * byte `0x47` at offsets 0 and 188 (the packet size). Used so a `.ts` HLS
 * segment stays `video/mp2t` while a `.ts` TypeScript module does not.
 *
 * @param head At least the first {@linkcode MPEG_TS_SNIFF_BYTES} bytes.
 * @returns `true` when both sync bytes are present.
 */
export function isMpegTransportStream(head: Uint8Array): boolean {
  return head.length >= MPEG_TS_SNIFF_BYTES && head[0] === 0x47 &&
    head[188] === 0x47;
}
