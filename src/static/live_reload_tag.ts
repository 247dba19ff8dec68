/**
 * The `<script>` element live reload adds to HTML pages, and how it is
 * added: before the page's last `</body>` when it has one, else at the end.
 * Either way the page grows by exactly the element's length, so an answer's
 * `Content-Length` is known from the file's size alone: HEAD, 304 and 412
 * never read the file.
 *
 * The element loads the script from the reserved path (`live_reload.ts`)
 * rather than inlining it, so a `Content-Security-Policy` of
 * `script-src 'self'` lets it run.
 *
 * @module
 */

import { fnv1a } from "./etag.ts";

/** Where live reload's paths live, under the mount point. */
export const LIVE_RELOAD_FOLDER = ".berth";
/** The event stream's name in {@linkcode LIVE_RELOAD_FOLDER}. */
export const EVENTS_NAME = "live-reload";
/** The script's name in {@linkcode LIVE_RELOAD_FOLDER}. */
export const SCRIPT_NAME = "live-reload.js";

const encoder = new TextEncoder();
const END_TAG = encoder.encode("</body");

/** ASCII whitespace, `>` and `/`: what may follow an end tag's name. */
function endsTagName(byte: number | undefined): boolean {
  return byte === 0x3e || byte === 0x2f || byte === 0x20 || byte === 0x09 ||
    byte === 0x0a || byte === 0x0c || byte === 0x0d;
}

/**
 * Where the last `</body>` starts (any case, `</BODY >` too), or `-1`.
 * Bytes, not text: in UTF-8 no byte of a multi-byte character is ASCII.
 *
 * @param page The page's bytes.
 * @returns The offset of its `<`, or `-1` when there is none.
 */
export function lastBodyEndTag(page: Uint8Array): number {
  for (let at = page.length - END_TAG.length - 1; at >= 0; at--) {
    if (page[at] !== 0x3c || page[at + 1] !== 0x2f) continue;
    let i = 2;
    // ASCII letters only: OR-ing 0x20 lower-cases them.
    while (i < END_TAG.length && (page[at + i] | 0x20) === END_TAG[i]) i++;
    if (i === END_TAG.length && endsTagName(page[at + i])) return at;
  }
  return -1;
}

/**
 * The script element for one mount point, and the pages it goes into.
 */
export class LiveReloadTag {
  /** The element's bytes: `<script src="/.berth/live-reload.js"></script>`. */
  readonly bytes: Uint8Array;
  /**
   * What a page's ETag gets appended (inside its quotes) once the element
   * is in it: a hash of the element, so a page with it never validates a
   * copy without it, or with another.
   */
  readonly etagSuffix: string;

  /**
   * @param mount The URL path segments the files are served under
   *   (`urlRoot`), decoded.
   */
  constructor(mount: readonly string[]) {
    const path = [...mount, LIVE_RELOAD_FOLDER, SCRIPT_NAME]
      .map(encodeURIComponent).join("/");
    // encodeURIComponent leaves no `"`, `<` or `>`: the attribute is safe.
    const element = `<script src="/${path}"></script>`;
    this.bytes = encoder.encode(element);
    this.etagSuffix = "lr" + fnv1a(element);
  }

  /**
   * Whether answers of this type get the element: HTML pages only.
   *
   * @param contentType The answer's `Content-Type`.
   * @returns `true` for `text/html`, with or without parameters.
   */
  injects(contentType: string): boolean {
    return contentType.slice(0, 9).toLowerCase() === "text/html" &&
      (contentType.length === 9 || contentType[9] === ";" ||
        contentType[9] === " ");
  }

  /**
   * The page with the element before its last `</body>`, or at its end when
   * it has none.
   *
   * @param page The page as on disk.
   * @returns A new array, `bytes.length` longer.
   */
  injectInto(page: Uint8Array): Uint8Array<ArrayBuffer> {
    const tag = this.bytes;
    const found = lastBodyEndTag(page);
    const at = found === -1 ? page.length : found;
    const out = new Uint8Array(page.length + tag.length);
    out.set(page.subarray(0, at));
    out.set(tag, at);
    out.set(page.subarray(at), at + tag.length);
    return out;
  }

  /**
   * A page too large to hold whole, streamed, with the element after its
   * last byte (browsers run a script after `</html>`).
   *
   * @param page The page's stream.
   * @returns The stream of the page and then the element.
   */
  appendTo(page: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
    const tag = this.bytes;
    return page.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        flush(controller) {
          controller.enqueue(tag.slice());
        },
      }),
    );
  }
}
