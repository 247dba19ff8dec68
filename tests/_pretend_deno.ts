/**
 * Run a synchronous function while `Deno.version.deno` reads as another
 * version: how the version checks are tested without installing an
 * unsupported Deno. Synchronous, so no other code sees the pretence.
 *
 * @module
 */

/**
 * Call `fn` with `Deno.version.deno` set to `version`, then restore it.
 *
 * @param version The version to pretend.
 * @param fn What to run meanwhile.
 * @returns What `fn` returned.
 */
export function withDenoVersion<T>(version: string, fn: () => T): T {
  const real = Object.getOwnPropertyDescriptor(Deno, "version")!;
  Object.defineProperty(Deno, "version", {
    ...real,
    value: { ...Deno.version, deno: version },
  });
  try {
    return fn();
  } finally {
    Object.defineProperty(Deno, "version", real);
  }
}
