/**
 * What berth relies on in Deno's file watching (`Deno.watchFs`), checked on
 * the Deno running the suite, and how `ChangeWatcher` reports it.
 */

import assert from "node:assert/strict";
import {
  type ChangeHandlers,
  ChangeWatcher,
  useWatchFsForTests,
} from "../../src/static/change_watcher.ts";

/** Every report, and a way to wait for one that names a path. */
class Reports implements ChangeHandlers {
  readonly paths: string[] = [];
  structural = 0;
  lostCount = 0;
  errors: unknown[] = [];
  #waiters: { until: () => boolean; tell: () => void }[] = [];

  changed(paths: readonly string[], structural: boolean): void {
    this.paths.push(...paths);
    if (structural) this.structural++;
    this.#check();
  }
  lost(): void {
    this.lostCount++;
    this.#check();
  }
  failed(error: unknown): void {
    this.errors.push(error);
    this.#check();
  }

  /** Resolves once `until` holds; rejects after `ms` (a bound, not a wait). */
  when(until: () => boolean, ms = 10_000): Promise<void> {
    if (until()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w.until !== until);
        reject(new Error("No such report"));
      }, ms);
      this.#waiters.push({
        until,
        tell: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  #check(): void {
    this.#waiters = this.#waiters.filter((waiter) => {
      if (!waiter.until()) return true;
      waiter.tell();
      return false;
    });
  }
}

async function withWatched(
  fn: (root: string, reports: Reports) => Promise<void>,
): Promise<void> {
  const root = await Deno.realPath(await Deno.makeTempDir());
  const reports = new Reports();
  await Deno.writeTextFile(`${root}/a.txt`, "one");
  const watcher = new ChangeWatcher(root, reports);
  try {
    await fn(root, reports);
  } finally {
    await watcher.close();
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("ChangeWatcher reports each write after it, the content read then is the new one", async () => {
  await withWatched(async (root, reports) => {
    const path = `${root}/a.txt`;
    const seen: string[] = [];
    const reportAfter = async (count: number) => {
      await reports.when(() => reports.paths.length > count);
      // Read as a reload after the report would.
      seen.push(await Deno.readTextFile(path));
    };
    using file = await Deno.open(path, { write: true, truncate: true });
    let count = reports.paths.length;
    await file.write(new TextEncoder().encode("two"));
    await reportAfter(count);
    count = reports.paths.length;
    await file.write(new TextEncoder().encode(" three"));
    await reportAfter(count);
    // The first report may be of the truncation, read after "two" was
    // written; never of content older than the write it follows.
    assert.equal(seen[0].startsWith("two"), true);
    assert.equal(seen[1], "two three");
    assert.equal(reports.lostCount, 0);
  });
});

Deno.test("ChangeWatcher hears nothing of berth's own reads, stats and opens", async () => {
  await withWatched(async (root, reports) => {
    for (let i = 0; i < 5; i++) {
      Deno.readFileSync(`${root}/a.txt`);
      Deno.lstatSync(`${root}/a.txt`);
      Deno.openSync(`${root}/a.txt`).close();
      Deno.readDirSync(root);
    }
    // Events come in order: a later write's report follows any read's.
    await Deno.writeTextFile(`${root}/b.txt`, "b");
    await reports.when(() => reports.paths.includes(`${root}/b.txt`));
    assert.deepEqual(reports.paths.filter((p) => p.endsWith("a.txt")), []);
  });
});

Deno.test("ChangeWatcher says events were lost when more come than Deno's queue holds", async () => {
  await withWatched(async (root, reports) => {
    // Written while this thread cannot read events: three each (create,
    // modify, close), over the 1,024 Deno queues.
    for (let i = 0; i < 1000; i++) {
      Deno.writeTextFileSync(`${root}/f${i}.txt`, "x");
    }
    await reports.when(() => reports.lostCount > 0);
    assert.ok(
      new Set(reports.paths).size < 1000,
      "some writes went unreported",
    );
  });
});

Deno.test("ChangeWatcher reports names that come and go as structural", async () => {
  await withWatched(async (root, reports) => {
    await Deno.mkdir(`${root}/d`);
    await reports.when(() => reports.paths.includes(`${root}/d`));
    assert.ok(reports.structural > 0);
    const before = reports.structural;
    await Deno.writeTextFile(`${root}/a.txt`, "changed");
    await reports.when(() => reports.paths.includes(`${root}/a.txt`));
    assert.equal(reports.structural, before, "a write is not structural");
  });
});

Deno.test("ChangeWatcher throws when the folder cannot be watched", () => {
  assert.throws(
    () => new ChangeWatcher("/no/such/folder/for/berth", new Reports()),
    Deno.errors.NotFound,
  );
});

Deno.test("ChangeWatcher reports a watcher error as failed, once, and stops", async () => {
  const reports = new Reports();
  let closed = false;
  useWatchFsForTests(() => ({
    close() {
      closed = true;
    },
    [Symbol.dispose]() {},
    async *[Symbol.asyncIterator]() {
      yield { kind: "modify", paths: ["/x"] } as Deno.FsEvent;
      // What Deno delivers when a watch cannot be added (max_user_watches).
      throw new Error("OS file watch limit reached.");
    },
  }));
  try {
    const watcher = new ChangeWatcher("/anywhere", reports);
    await reports.when(() => reports.errors.length > 0);
    assert.deepEqual(reports.paths, ["/x"]);
    assert.match(String(reports.errors[0]), /watch limit/);
    await watcher.close();
    assert.equal(closed, true);
    assert.equal(reports.errors.length, 1);
  } finally {
    useWatchFsForTests(null);
  }
});
