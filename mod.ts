/**
 * berth: a strict, fast HTTP/1.1 and HTTP/2 server and static file handler
 * for Deno, with zero dependencies, importable by URL.
 *
 * ```ts ignore
 * import { serve } from "@berth/berth";
 *
 * serve((request) => new Response(`hello ${new URL(request.url).pathname}`), {
 *   port: 8000,
 * });
 * ```
 *
 * @module
 */

export {
  listenUrl,
  serve,
  type ServeOptions,
  type Server,
} from "./src/serve.ts";
export type { ServeHandler, ServeHandlerInfo } from "./src/http1/handler.ts";
export type { AccessLogEntry } from "./src/http1/access_log_entry.ts";
export {
  DEFAULT_LIMITS,
  type ResolvedLimits,
  type ServeLimits,
} from "./src/http1/limits.ts";
export {
  DEFAULT_HTTP2_LIMITS,
  type Http2Limits,
  type ResolvedHttp2Limits,
} from "./src/http2/http2_limits.ts";
export {
  DEFAULT_PROTOCOLS,
  type ProtocolOptions,
  type ResolvedProtocols,
} from "./src/protocol_options.ts";
export { STATUS_TEXT } from "./src/http/status_text.ts";
export {
  createStaticHandler,
  type StaticHandler,
} from "./src/static/static_handler.ts";
export type {
  CompressPolicy,
  StaticHandlerOptions,
  SymlinkPolicy,
  TrailingSlashPolicy,
} from "./src/static/options.ts";
export { serveDir, type ServeDirOptions } from "./src/static/serve_dir.ts";
export { serveFile, type ServeFileOptions } from "./src/static/serve_file.ts";
export type { EtagAlgorithm } from "./src/static/etag.ts";
export {
  type CacheControlInfo,
  type CacheControlPolicy,
  defaultCacheControl,
} from "./src/static/cache_control.ts";
export { contentType, MEDIA_TYPES } from "./src/static/media_types.ts";
