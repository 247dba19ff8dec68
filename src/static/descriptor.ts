/**
 * An open file known by its OS descriptor: what the file handler reads
 * bytes from, so that the bytes sent are those of the file whose place was
 * checked (see `pinned_directory.ts`) and whose identity was taken from the
 * same descriptor.
 *
 * @module
 */

import * as fs from "node:fs";

/**
 * What a file is, as `fstat` on its descriptor says: enough to tell a
 * changed file from an unchanged one.
 */
export interface FileIdentity {
  /** Device number, or `null` when unknown. */
  dev: number | null;
  /** Inode number, or `null` when unknown. */
  ino: number | null;
  /** Length in bytes. */
  size: number;
  /** Modification time in ms since the epoch, or `null` when unknown. */
  mtimeMs: number | null;
}

/**
 * Whether two identities name the same unchanged file.
 *
 * @param a One identity.
 * @param b Another.
 * @returns `true` when device, inode, size and mtime all agree.
 */
export function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino &&
    a.dev === b.dev;
}

/**
 * The identity `Deno.lstat`/`Deno.stat` reports.
 *
 * @param info A `Deno.FileInfo`.
 * @returns Its identity.
 */
export function identityOf(info: Deno.FileInfo): FileIdentity {
  return {
    dev: info.dev ?? null,
    ino: info.ino ?? null,
    size: info.size,
    mtimeMs: info.mtime?.getTime() ?? null,
  };
}

/**
 * An open, read-only file descriptor, closed exactly once.
 */
export class Descriptor {
  /** What `fstat` said when the descriptor was taken. */
  readonly identity: FileIdentity;
  /** Whether it is a regular file. */
  readonly isFile: boolean;
  #fd: number;
  #reading = 0;
  #closeWhenIdle = false;

  /**
   * Take ownership of `fd`; it is closed here if `fstat` fails.
   *
   * @param fd An OS descriptor open for reading.
   */
  constructor(fd: number) {
    this.#fd = fd;
    let stats: fs.Stats;
    try {
      stats = fs.fstatSync(fd);
    } catch (error) {
      this.close();
      throw error;
    }
    this.isFile = stats.isFile();
    this.identity = {
      dev: stats.dev,
      ino: stats.ino,
      size: stats.size,
      mtimeMs: Number.isFinite(stats.mtimeMs)
        ? Math.floor(stats.mtimeMs)
        : null,
    };
  }

  /** Whether {@linkcode Descriptor.close} was called. */
  get closed(): boolean {
    return this.#fd < 0 || this.#closeWhenIdle;
  }

  /**
   * Read the whole file as `fstat` sized it, blocking: for files small
   * enough to keep in memory.
   *
   * @returns The bytes, or `null` when the file is no longer that size.
   */
  readAllSync(): Uint8Array | null {
    const size = this.identity.size;
    const bytes = new Uint8Array(size);
    let filled = 0;
    while (filled < size) {
      const n = fs.readSync(this.#fd, bytes, filled, size - filled, filled);
      if (n === 0) return null; // shrank
      filled += n;
    }
    // One more byte means it grew.
    if (fs.readSync(this.#fd, new Uint8Array(1), 0, 1, size) !== 0) {
      return null;
    }
    return bytes;
  }

  /**
   * Read the first bytes, blocking.
   *
   * @param length How many at most.
   * @returns What was there.
   */
  readHeadSync(length: number): Uint8Array {
    const bytes = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      const n = fs.readSync(this.#fd, bytes, filled, length - filled, filled);
      if (n === 0) break;
      filled += n;
    }
    return bytes.subarray(0, filled);
  }

  /**
   * Read at a position without moving a file offset, off the event loop.
   *
   * @param buffer Where to read to.
   * @param position The offset in the file.
   * @returns How many bytes were read; `0` at the end of the file.
   */
  read(buffer: Uint8Array, position: number): Promise<number> {
    if (this.#fd < 0) {
      return Promise.reject(new Deno.errors.BadResource("File closed"));
    }
    this.#reading++;
    return new Promise<number>((resolve, reject) => {
      fs.read(
        this.#fd,
        buffer,
        0,
        buffer.length,
        position,
        (error, n) => error ? reject(error) : resolve(n),
      );
    }).finally(() => {
      if (--this.#reading === 0 && this.#closeWhenIdle) this.#release();
    });
  }

  /**
   * Close the descriptor; later calls do nothing. A read in flight keeps
   * the number until it ends: closed earlier, the number could be reused by
   * another open and the read would land in that file.
   */
  close(): void {
    if (this.#reading > 0) {
      this.#closeWhenIdle = true;
      return;
    }
    this.#release();
  }

  #release(): void {
    const fd = this.#fd;
    if (fd < 0) return;
    this.#fd = -1;
    try {
      fs.closeSync(fd);
    } catch {
      // Already gone: nothing left to release.
    }
  }

  /** Close the descriptor. */
  [Symbol.dispose](): void {
    this.close();
  }
}
