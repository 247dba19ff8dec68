/**
 * The fuzzer's PRNG and case seeds: every case is a pure function of its
 * seed, so a failing seed replays.
 *
 * @module
 */

/** mulberry32 over a splitmix-scrambled seed: small, fast, good enough. */
export class Rng {
  #state: number;

  /** @param seed Any 32-bit integer. */
  constructor(seed: number) {
    let z = (seed >>> 0) + 0x9e3779b9 | 0;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    this.#state = (z ^ (z >>> 16)) >>> 0;
  }

  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A uniform integer in `[0, n)`. */
  int(n: number): number {
    return n <= 0 ? 0 : this.u32() % n;
  }

  /** `true` with probability `p`. */
  chance(p: number): boolean {
    return this.u32() / 0x1_0000_0000 < p;
  }

  /** One element of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

/** The seed of case `index` of a run started with `base`. */
export function caseSeed(base: number, index: number): number {
  return (base + Math.imul(index, 0x9e3779b1)) >>> 0;
}
