/**
 * Preloaded before a main module (`deno run --preload`), so that it sees an
 * older Deno than the one running it: how the version checks are tested
 * without installing an unsupported Deno.
 *
 * @module
 */

Object.defineProperty(Deno, "version", {
  value: { ...Deno.version, deno: "2.8.3" },
});
