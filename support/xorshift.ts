/**
 * A seeded random number generator for deterministic fixtures and loads.
 *
 * @module
 */

/**
 * A xorshift32 generator: the same seed gives the same sequence.
 *
 * @param seed Any number; 0 is taken as 1.
 * @returns A function giving the next unsigned 32-bit value.
 */
export function xorshift(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}
