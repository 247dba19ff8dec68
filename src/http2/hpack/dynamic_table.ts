/**
 * HPACK's dynamic table (RFC 7541 §2.3.2, §4): entries in insertion order,
 * the newest at dynamic index 1, bounded in size by the sum of the entries'
 * sizes (§4.1: name and value octets plus 32), the oldest evicted first.
 *
 * @module
 */

/**
 * An entry's size (RFC 7541 §4.1): its name's and value's octets plus 32.
 * Names and values are latin1 strings, one code unit per octet.
 *
 * @param name The field name.
 * @param value The field value.
 * @returns The size in bytes.
 */
export function entrySize(name: string, value: string): number {
  return name.length + value.length + 32;
}

/** Called for each entry evicted, with its insertion number. */
export type EvictionListener = (
  name: string,
  value: string,
  insertion: number,
) => void;

/** The dynamic table of one HPACK encoder or decoder. */
export class DynamicTable {
  /** Ring buffers of names and values; the capacity is a power of two. */
  #names: string[] = new Array(16);
  #values: string[] = new Array(16);
  /** Insertions ever made; entry k (from 0) sits at k & mask. */
  #inserted = 0;
  #length = 0;
  #size = 0;
  #maxSize: number;
  #onEvict: EvictionListener | undefined;

  /**
   * Create an empty table.
   *
   * @param maxSize The maximum size in bytes (RFC 7541 §4.2).
   * @param onEvict Told of each evicted entry (an encoder's index uses it).
   */
  constructor(maxSize: number, onEvict?: EvictionListener) {
    this.#maxSize = maxSize;
    this.#onEvict = onEvict;
  }

  /** How many entries the table holds. */
  get length(): number {
    return this.#length;
  }

  /** The sum of the entries' sizes, in bytes (RFC 7541 §4.1). */
  get size(): number {
    return this.#size;
  }

  /** The maximum size in bytes. */
  get maxSize(): number {
    return this.#maxSize;
  }

  /** How many entries were ever inserted; the next one's insertion number. */
  get insertions(): number {
    return this.#inserted;
  }

  /**
   * The name of the entry at a dynamic index.
   *
   * @param index 1 for the newest entry, up to `length`.
   * @returns The name.
   */
  name(index: number): string {
    return this.#names[(this.#inserted - index) & (this.#names.length - 1)];
  }

  /**
   * The value of the entry at a dynamic index.
   *
   * @param index 1 for the newest entry, up to `length`.
   * @returns The value.
   */
  value(index: number): string {
    return this.#values[(this.#inserted - index) & (this.#values.length - 1)];
  }

  /**
   * Add an entry as the newest, evicting the oldest until it fits. An entry
   * larger than the maximum size empties the table and is not added
   * (RFC 7541 §4.4).
   *
   * @param name The field name.
   * @param value The field value.
   */
  add(name: string, value: string): void {
    const size = entrySize(name, value);
    if (size > this.#maxSize) {
      this.#evictTo(0);
      return;
    }
    this.#evictTo(this.#maxSize - size);
    if (this.#length === this.#names.length) this.#grow();
    const slot = this.#inserted & (this.#names.length - 1);
    this.#names[slot] = name;
    this.#values[slot] = value;
    this.#inserted++;
    this.#length++;
    this.#size += size;
  }

  /**
   * Change the maximum size, evicting the oldest entries until the table
   * fits (RFC 7541 §4.3).
   *
   * @param maxSize The new maximum size in bytes.
   */
  resize(maxSize: number): void {
    this.#maxSize = maxSize;
    this.#evictTo(maxSize);
  }

  /** Evict the oldest entries until the size is at most `limit`. */
  #evictTo(limit: number): void {
    const mask = this.#names.length - 1;
    while (this.#size > limit) {
      const insertion = this.#inserted - this.#length;
      const slot = insertion & mask;
      const name = this.#names[slot];
      const value = this.#values[slot];
      this.#names[slot] = this.#values[slot] = "";
      this.#size -= entrySize(name, value);
      this.#length--;
      this.#onEvict?.(name, value, insertion);
    }
  }

  /** Double the ring buffers, keeping each entry at insertion & mask. */
  #grow(): void {
    const capacity = this.#names.length * 2;
    const names: string[] = new Array(capacity);
    const values: string[] = new Array(capacity);
    for (let k = this.#inserted - this.#length; k < this.#inserted; k++) {
      names[k & (capacity - 1)] = this.#names[k & (capacity / 2 - 1)];
      values[k & (capacity - 1)] = this.#values[k & (capacity / 2 - 1)];
    }
    this.#names = names;
    this.#values = values;
  }
}
