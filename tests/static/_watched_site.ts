/**
 * A file handler told it is served (its `ON_SERVE` hook called, as `serve()`
 * does), on a temporary root and a clock the test moves; a stand-in for
 * `Deno.watchFs` that reports only what the test pushes; and a counter of
 * the `lstat`s made of a name. Shared by the tests of watching.
 */

import { FAST_LANE, type FastLaneCarrier } from "../../src/http/fast_lane.ts";
import { ON_SERVE, type ServeAware } from "../../src/http/serve_lifecycle.ts";
import type { StaticHandlerOptions } from "../../src/static/options.ts";
import type { SiteWatch } from "../../src/static/site_watch.ts";
import {
  createStaticHandler,
  STATIC_INTERNALS,
  type StaticInternals,
} from "../../src/static/static_handler.ts";

const decoder = new TextDecoder();

/** A handler being served, and how to ask it. */
export interface Served {
  root: string;
  /** The watch, or `null` when the handler never watches. */
  watch: SiteWatch | null;
  internals: StaticInternals;
  warnings: string[];
  /** The cache clock, for the test to move. */
  clock: { now: number };
  /** The fast lane's body for `GET path`, or `undefined` (not answered). */
  lane(path: string, headers?: Record<string, string>): string | undefined;
  /** The ordinary path's body for `GET path`. */
  get(path: string, headers?: Record<string, string>): Promise<string>;
  /** The ordinary path's answer. */
  fetch(path: string, headers?: Record<string, string>): Promise<Response>;
  /** Tell the handler another engine serves with it; returns its stop. */
  serveAgain(): () => Promise<void>;
  /** Resolves with the next warning. */
  nextWarning(): Promise<string>;
}

/**
 * Run `fn` with a served handler on a fresh root holding `note.txt` ("a
 * note"), and whatever `setUp` adds; stop serving and remove the root
 * after.
 *
 * @param options The handler's options (`now` and `onWarning` are the
 *   helper's).
 * @param fn The test.
 * @param setUp Adds files to the root before the handler starts.
 */
export async function withServed(
  options: StaticHandlerOptions,
  fn: (served: Served) => Promise<void>,
  setUp?: (root: string) => Promise<void>,
): Promise<void> {
  const base = await Deno.realPath(await Deno.makeTempDir());
  const root = `${base}/site`;
  await Deno.mkdir(root);
  await Deno.writeTextFile(`${root}/note.txt`, "a note");
  await setUp?.(root);
  const clock = { now: 0 };
  const warnings: string[] = [];
  let warned = (_: string) => {};
  const handler = createStaticHandler({
    root: options.root ?? root,
    now: () => clock.now,
    onWarning(message) {
      warnings.push(message);
      warned(message);
    },
    ...options,
  });
  const carrier = handler as FastLaneCarrier & ServeAware;
  /** Serve with the handler, as `serve()` does; returns how it ends. */
  const serveIt = () => {
    const lifecycle = carrier[ON_SERVE]!();
    return async () => {
      await lifecycle.shuttingDown();
      await lifecycle.stopped();
    };
  };
  const internals = (handler as unknown as {
    [STATIC_INTERNALS]: StaticInternals;
  })[STATIC_INTERNALS];
  const stop = carrier[ON_SERVE] === undefined
    ? () => Promise.resolve()
    : serveIt();
  const fetchIt = (path: string, headers: Record<string, string> = {}) =>
    handler(new Request(`http://a${path}`, { headers }));
  try {
    await fn({
      root,
      watch: internals.watch,
      internals,
      warnings,
      clock,
      lane(path, headers = {}) {
        const hit = carrier[FAST_LANE]!({
          method: "GET",
          target: path,
          headerNames: Object.keys(headers),
          headerValues: Object.values(headers),
        }, Date.now());
        if (hit instanceof Promise) throw new Error("No load is in flight");
        return hit && decoder.decode(hit.head).split("\r\n\r\n")[1];
      },
      async get(path, headers) {
        return await (await fetchIt(path, headers)).text();
      },
      fetch: fetchIt,
      serveAgain: serveIt,
      nextWarning: () => within(new Promise((tell) => warned = tell)),
    });
  } finally {
    await stop();
    await Deno.remove(base, { recursive: true });
  }
}

/**
 * `promise`, or a rejection after `ms`: a bound on a wait, never a pause.
 *
 * @param promise What to wait for.
 * @param ms The bound.
 * @returns What `promise` resolves with.
 */
export async function within<T>(promise: Promise<T>, ms = 10_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("Not within bound")), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** A `Deno.watchFs` stand-in that reports only what the test pushes. */
export interface FakeWatchFs {
  /** Put this in place of `Deno.watchFs` (`useWatchFsForTests`). */
  watchFs(): Deno.FsWatcher;
  /** Report `event`; resolves once it was handled. */
  push(event: Deno.FsEvent): Promise<void>;
  /** End the watch with `error`, as Deno does. */
  fail(error: Error): void;
}

/**
 * A stand-in for `Deno.watchFs`: silent unless told.
 *
 * @returns The stand-in.
 */
export function fakeWatchFs(): FakeWatchFs {
  const queue: (Deno.FsEvent | Error)[] = [];
  let wake: (() => void) | null = null;
  let pulled: (() => void) | null = null;
  let closed = false;
  async function* events(): AsyncGenerator<Deno.FsEvent> {
    while (true) {
      pulled?.();
      pulled = null;
      while (queue.length === 0 && !closed) {
        await new Promise<void>((resolve) => wake = resolve);
      }
      if (closed) return;
      const next = queue.shift()!;
      if (next instanceof Error) throw next;
      yield next;
    }
  }
  return {
    watchFs: () => ({
      close() {
        closed = true;
        wake?.();
      },
      [Symbol.dispose]() {},
      [Symbol.asyncIterator]: events,
    }),
    push(event) {
      const handled = new Promise<void>((resolve) => pulled = resolve);
      queue.push(event);
      wake?.();
      return within(handled);
    },
    fail(error) {
      queue.push(error);
      wake?.();
    },
  };
}

/**
 * Count the `lstat`s of entries named `name` while `fn` runs, through a
 * wrapper around `Deno.lstatSync` (what every way of holding a directory
 * looks with: a bare name, a `/proc/self/fd/N/` path or a real path).
 *
 * @param name The entry's bare name.
 * @param fn What to count during.
 * @returns How many `lstat`s named it.
 */
export async function countLstats(
  name: string,
  fn: () => Promise<void>,
): Promise<number> {
  const lstatSync = Deno.lstatSync;
  let count = 0;
  Deno.lstatSync = (path) => {
    const text = String(path);
    if (text === name || text.endsWith(`/${name}`)) count++;
    return lstatSync(path);
  };
  try {
    await fn();
  } finally {
    Deno.lstatSync = lstatSync;
  }
  return count;
}
