/**
 * The long fuzzing run: `--cases N` parser cases and `--cases N` connection
 * cases (default 1,000,000 each), seeded, bounded in count and in time.
 * Prints progress, cases per second and every failing seed with its input
 * (escaped and hex); exits 1 when anything failed.
 *
 * Cases run in a worker that the main thread watches: a case that never
 * finishes — even one that spins in microtasks and starves the worker's
 * event loop, where no in-process timer could fire — is reported as a hang
 * with its seed and input, and the run goes on from the next case.
 *
 * ```sh
 * deno run -A tools/fuzz.ts                      # 1,000,000 + 1,000,000
 * deno run -A tools/fuzz.ts --cases 100000 --seed 42
 * deno run -A tools/fuzz.ts --known-bugs --replay connection:1903500296
 * ```
 *
 * Options:
 * - `--cases N`: cases of each kind (parser, connection).
 * - `--seed S`: the base seed; case i runs `caseSeed(S, i)`.
 * - `--only parser|connection`: one kind only.
 * - `--max-seconds T`: stop a kind after T seconds (default 1800).
 * - `--max-failures F`: stop a kind after F failures (default 20).
 * - `--hang-seconds H`: a case running longer is a hang (default 10).
 * - `--known-bugs`: exercise the triggers of the bugs this fuzzer found,
 *   all fixed since (the default; kept for old command lines).
 * - `--replay kind:seed`: run one case in this thread and print its report.
 *
 * @module
 */

import {
  type CaseFailure,
  caseSeed,
  connectionInput,
  describeFailure,
  runConnectionCase,
  runParserCase,
} from "../tests/fuzz/mod.ts";

const WORKER_NAME = "berth-fuzz-worker";

type Kind = "parser" | "connection";

interface Options {
  cases: number;
  seed: number;
  only: Kind | null;
  maxSeconds: number;
  maxFailures: number;
  hangSeconds: number;
  knownBugs: boolean;
  replay: string | null;
}

/** What the main thread asks a worker to run. */
interface Job {
  kind: Kind;
  base: number;
  from: number;
  to: number;
  knownBugs: boolean;
  /** Int32 slots: [next case index, accepted heads, canaries answered]. */
  progress: SharedArrayBuffer;
}

type WorkerMessage =
  | { type: "failure"; failure: CaseFailure }
  | { type: "rejection"; reason: string }
  | { type: "error"; message: string }
  | { type: "done" };

const INDEX = 0;
const ACCEPTED = 1;
const CANARIES = 2;

// ---------------------------------------------------------------------------
// Worker side

function workerMain(): void {
  const post = (message: WorkerMessage) =>
    (globalThis as unknown as Worker).postMessage(message);
  globalThis.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    post({ type: "rejection", reason: String(event.reason) });
  });
  globalThis.addEventListener("message", async (event) => {
    await runJob((event as MessageEvent<Job>).data, post);
  });
}

/** Run a job's cases, telling `post` about failures and the end. */
async function runJob(
  job: Job,
  post: (message: WorkerMessage) => void,
  shouldStop: () => boolean = () => false,
): Promise<void> {
  const progress = new Int32Array(job.progress);
  for (let i = job.from; i < job.to && !shouldStop(); i++) {
    Atomics.store(progress, INDEX, i);
    const seed = caseSeed(job.base, i);
    let failure: CaseFailure | null;
    if (job.kind === "parser") {
      const result = runParserCase(seed);
      failure = result.failure;
      if (result.accepted) Atomics.add(progress, ACCEPTED, 1);
    } else {
      const result = await runConnectionCase(seed, {
        knownBugs: job.knownBugs,
      });
      failure = result.failure;
      if (result.canary) Atomics.add(progress, CANARIES, 1);
    }
    Atomics.store(progress, INDEX, i + 1);
    if (failure !== null) post({ type: "failure", failure });
  }
  // One turn for rejections that surface after the last case.
  await new Promise((resolve) => setTimeout(resolve, 0));
  post({ type: "done" });
}

// ---------------------------------------------------------------------------
// Main side

function parseOptions(args: string[]): Options {
  const options: Options = {
    cases: 1_000_000,
    seed: 1,
    only: null,
    maxSeconds: 1800,
    maxFailures: 20,
    hangSeconds: 10,
    knownBugs: true,
    replay: null,
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = () => {
      const next = args[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    const count = (text: string) => {
      const n = Number(text.replaceAll("_", ""));
      if (!Number.isSafeInteger(n) || n < 0) {
        throw new Error(`${arg}: not a count: ${text}`);
      }
      return n;
    };
    switch (arg) {
      case "--cases":
        options.cases = count(value());
        break;
      case "--seed":
        options.seed = count(value()) >>> 0;
        break;
      case "--only": {
        const kind = value();
        if (kind !== "parser" && kind !== "connection") {
          throw new Error(`--only parser|connection, not ${kind}`);
        }
        options.only = kind;
        break;
      }
      case "--max-seconds":
        options.maxSeconds = count(value());
        break;
      case "--max-failures":
        options.maxFailures = count(value());
        break;
      case "--hang-seconds":
        options.hangSeconds = Math.max(1, count(value()));
        break;
      case "--known-bugs":
        options.knownBugs = true;
        break;
      case "--replay":
        options.replay = value();
        break;
      default:
        throw new Error(`Unknown option ${arg}`);
    }
  }
  return options;
}

interface KindResult {
  kind: Kind;
  cases: number;
  seconds: number;
  failures: CaseFailure[];
  note: string;
}

const write = (text: string) =>
  Deno.stdout.writeSync(new TextEncoder().encode(text));

function startWorker(job: Job, onMessage: (m: WorkerMessage) => void): Worker {
  const worker = new Worker(import.meta.url, {
    type: "module",
    name: WORKER_NAME,
  });
  worker.onmessage = (event: MessageEvent<WorkerMessage>) =>
    onMessage(event.data);
  worker.onerror = (event) => {
    event.preventDefault();
    onMessage({ type: "error", message: event.message });
  };
  worker.postMessage(job);
  return worker;
}

async function runKind(
  kind: Kind,
  options: Options,
  rejections: string[],
): Promise<KindResult> {
  const failures: CaseFailure[] = [];
  const started = performance.now();
  const deadline = started + options.maxSeconds * 1000;
  const progress = new SharedArrayBuffer(3 * 4);
  const slots = new Int32Array(progress);
  let from = 0;
  let stop = false;
  let lastPrint = 0;

  // Without read access a worker cannot load this module: run in this
  // thread then, with no hang watchdog.
  const inline = Deno.permissions.querySync({
    name: "read",
    path: new URL(import.meta.url),
  }).state !== "granted";
  if (inline) {
    write(`${kind}: no --allow-read, running without the hang watchdog\n`);
  }

  const addFailure = (failure: CaseFailure) => {
    failures.push(failure);
    write(`\n${describeFailure(failure)}\n`);
    if (failures.length >= options.maxFailures) {
      write(`${kind}: stopping after ${failures.length} failures\n`);
      stop = true;
    }
  };

  while (from < options.cases && !stop) {
    let done = false;
    const job: Job = {
      kind,
      base: options.seed,
      from,
      to: options.cases,
      knownBugs: options.knownBugs,
      progress,
    };
    const onMessage = (message: WorkerMessage) => {
      if (message.type === "failure") addFailure(message.failure);
      else if (message.type === "rejection") {
        rejections.push(message.reason);
        write(`\nunhandled rejection: ${message.reason}\n`);
      } else if (message.type === "error") {
        rejections.push(message.message);
        write(`\n${kind}: the worker failed: ${message.message}\n`);
        stop = true;
      } else done = true;
    };
    if (inline) {
      const onRejection = (event: PromiseRejectionEvent) => {
        event.preventDefault();
        onMessage({ type: "rejection", reason: String(event.reason) });
      };
      globalThis.addEventListener("unhandledrejection", onRejection);
      const ticker = setInterval(() => {
        const index = Atomics.load(slots, INDEX);
        const seconds = (performance.now() - started) / 1000;
        write(
          `\r${kind}: ${index}/${options.cases} cases, ${
            Math.round(index / seconds)
          }/s, ${failures.length} failed   `,
        );
        if (performance.now() > deadline) stop = true;
      }, 1000);
      await runJob(job, onMessage, () => stop);
      clearInterval(ticker);
      globalThis.removeEventListener("unhandledrejection", onRejection);
      break;
    }
    const worker = startWorker(job, onMessage);
    let seenIndex = -1;
    let seenAt = performance.now();
    while (!done && !stop) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const index = Atomics.load(slots, INDEX);
      const now = performance.now();
      if (index !== seenIndex) {
        seenIndex = index;
        seenAt = now;
      } else if (now - seenAt > options.hangSeconds * 1000) {
        // The case at `index` never finished: report it, skip it.
        const seed = caseSeed(options.seed, index);
        const input = kind === "connection"
          ? connectionInput(seed, { knownBugs: options.knownBugs })
          : { input: "(parser case)", origin: "" };
        addFailure({
          kind,
          seed,
          invariant: "every case finishes (no hang, no starved event loop)",
          detail: `still running after ${options.hangSeconds} s`,
          input: input.input,
          origin: input.origin,
        });
        worker.terminate();
        from = index + 1;
        Atomics.store(slots, INDEX, from);
        break;
      }
      if (now - lastPrint > 1000) {
        lastPrint = now;
        const seconds = (now - started) / 1000;
        write(
          `\r${kind}: ${index}/${options.cases} cases, ${
            Math.round(index / seconds)
          }/s, ${failures.length} failed   `,
        );
      }
      if (now > deadline) {
        write(`\n${kind}: stopping at the ${options.maxSeconds} s bound`);
        stop = true;
      }
    }
    if (done) from = options.cases;
    worker.terminate();
  }
  const cases = Math.min(Atomics.load(slots, INDEX), options.cases);
  const seconds = (performance.now() - started) / 1000;
  write(
    `\r${kind}: ${cases}/${options.cases} cases, ${
      Math.round(cases / seconds)
    }/s, ${failures.length} failed   \n`,
  );
  const note = kind === "parser"
    ? `${Atomics.load(slots, ACCEPTED)} heads accepted`
    : `${Atomics.load(slots, CANARIES)} canaries answered`;
  return { kind, cases, seconds, failures, note };
}

async function main(): Promise<number> {
  const options = parseOptions(Deno.args);
  const rejections: string[] = [];

  if (options.replay !== null) {
    globalThis.addEventListener("unhandledrejection", (event) => {
      event.preventDefault();
      rejections.push(String(event.reason));
    });
    const [kind, seedText] = options.replay.split(":");
    const seed = Number(seedText) >>> 0;
    const result = kind === "parser"
      ? runParserCase(seed)
      : await runConnectionCase(seed, { knownBugs: options.knownBugs });
    write(
      result.failure === null
        ? `${kind} case seed=${seed} passes\n`
        : `${describeFailure(result.failure)}\n`,
    );
    return result.failure === null && rejections.length === 0 ? 0 : 1;
  }

  write(
    `berth fuzz: ${options.cases} cases per kind, base seed ${options.seed}` +
      `${options.knownBugs ? ", known bugs exercised" : ""}\n`,
  );
  const results: KindResult[] = [];
  for (const kind of ["parser", "connection"] as const) {
    if (options.only !== null && options.only !== kind) continue;
    results.push(await runKind(kind, options, rejections));
  }

  write("\nkind        cases      seconds   cases/s   failures\n");
  let failed = rejections.length;
  for (const r of results) {
    failed += r.failures.length;
    write(
      `${r.kind.padEnd(10)}  ${String(r.cases).padStart(9)}  ${
        r.seconds.toFixed(1).padStart(8)
      }  ${String(Math.round(r.cases / r.seconds)).padStart(8)}  ${
        String(r.failures.length).padStart(9)
      }   (${r.note})\n`,
    );
  }
  const total = results.reduce((n, r) => n + r.cases, 0);
  const seconds = results.reduce((n, r) => n + r.seconds, 0);
  write(
    `total       ${String(total).padStart(9)}  ${
      seconds.toFixed(1).padStart(8)
    }  ${String(Math.round(total / seconds)).padStart(8)}  ${
      String(failed).padStart(9)
    }\n`,
  );
  if (rejections.length > 0) {
    write(`unhandled rejections: ${rejections.length}\n`);
  }
  return failed === 0 ? 0 : 1;
}

if ((globalThis as { name?: string }).name === WORKER_NAME) {
  workerMain();
} else {
  Deno.exit(await main());
}
