/**
 * Connection cases: the connection task on a `MockConn` whose input (the
 * mutated request, then the canary) is split at random points. The
 * engine's handler calls must be a prefix of what the framing model
 * expects (anything more is a desync), its output a well-formed sequence
 * of responses, a 2xx only ever answers a parsed request, and nothing
 * throws or rejects.
 *
 * @module
 */

import { ConnectionTracker } from "../../src/http1/connection_tracker.ts";
import type { ServeHandler } from "../../src/http1/handler.ts";
import { serveConnection } from "../../src/http1/serve_connection.ts";
import { MockConn } from "../../support/mock_conn.ts";
import { CANARY } from "./corpus.ts";
import type { CaseFailure } from "./failure.ts";
import { CONNECTION_LIMITS, model, type ModelCall } from "./framing_model.ts";
import { escapeBytes, fromBytes, toBytes } from "./latin1.ts";
import { generate } from "./mutators.ts";
import { Rng } from "./rng.ts";
import { parseWire } from "./wire_responses.ts";

interface SeenCall {
  method: string;
  url: string;
  threw: boolean;
  /** The handler set out to read the whole body (it may have failed). */
  readWhole: boolean;
}

const encoder = new TextEncoder();

/** A response body that is still coming: framed chunked (or by close). */
function liveBody(text: string): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (let i = 0; i < 8; i++) await Promise.resolve();
      if (sent++ < 2) controller.enqueue(encoder.encode(text));
      else controller.close();
    },
  });
}

/** Resolves `true` once `promise` settles, `false` after `hops` timer turns. */
function settlesWithin(
  promise: Promise<unknown>,
  hops: number,
): Promise<boolean> {
  return new Promise((resolve) => {
    let left = hops;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = () => {
      if (--left <= 0) resolve(false);
      else timer = setTimeout(tick, 0);
    };
    timer = setTimeout(tick, 0);
    const done = () => {
      clearTimeout(timer);
      resolve(true);
    };
    promise.then(done, done);
  });
}

/** Knobs of {@linkcode runConnectionCase}. */
export interface ConnectionCaseOptions {
  /**
   * Exercise the triggers of the engine bugs this fuzzer found (handlers
   * that read a 100-continue body in the background, a stray CRLF before
   * the end of input) with the strict invariants. All are fixed, so this is
   * on by default; `false` replays the older, tolerant model.
   *
   * @default {true}
   */
  knownBugs?: boolean;
}

/** What one connection case did. */
export interface ConnectionCaseResult {
  /** The broken invariant, or `null`. */
  failure: CaseFailure | null;
  /** Handler calls. */
  calls: number;
  /** Whether the canary was answered. */
  canary: boolean;
}

/**
 * The input of connection case `seed` (the mutated request, the canary),
 * without running it: for reports of cases that never finished.
 *
 * @param seed The case seed.
 * @param options As for {@linkcode runConnectionCase}.
 * @returns The PRNG (positioned after the input was drawn), the input,
 *   where it came from and whether it was mutated at all.
 */
export function connectionInput(
  seed: number,
  options: ConnectionCaseOptions = {},
): { rng: Rng; input: string; origin: string; mutated: boolean } {
  const rng = new Rng(seed);
  const generated = generate(rng, 0.4);
  let input = generated.text + CANARY;
  // Clients may send an empty line after a request (RFC 9112 §2.2).
  if (rng.chance(0.05) && (options.knownBugs ?? true)) input += "\r\n";
  const origin = `${generated.entry.name} + [${
    generated.mutations.join(", ")
  }]`;
  return { rng, input, origin, mutated: generated.mutations.length > 0 };
}

/**
 * One connection case: the mutated input and the canary, split at random
 * points, through `serveConnection` on a `MockConn`; then every invariant.
 *
 * @param seed The case seed.
 * @returns The failure, if any, and a little about what happened.
 */
export async function runConnectionCase(
  seed: number,
  options: ConnectionCaseOptions = {},
): Promise<ConnectionCaseResult> {
  const knownBugs = options.knownBugs ?? true;
  const { rng, input, origin, mutated } = connectionInput(seed, options);
  const limits = CONNECTION_LIMITS;
  const fail = (invariant: string, detail: string): ConnectionCaseResult => ({
    failure: {
      kind: "connection",
      seed,
      invariant,
      detail: `${detail}\n  trace:  ${trace.join("; ")}; chunks ${
        chunks.map((c) => c.length).join(",")
      }\n  output: ${escapeBytes(fromBytes(conn.outputBytes))}`,
      input,
      origin,
    },
    calls: seen.length,
    canary: false,
  });

  // Random split points; sometimes byte by byte.
  const bytes = toBytes(input);
  const chunks: Uint8Array[] = [];
  if (rng.chance(0.03) && bytes.length <= 400) {
    for (let i = 0; i < bytes.length; i++) {
      chunks.push(bytes.subarray(i, i + 1));
    }
  } else {
    const cuts = new Set<number>();
    const count = rng.int(6);
    for (let i = 0; i < count; i++) cuts.add(1 + rng.int(bytes.length));
    let from = 0;
    for (const cut of [...cuts].sort((a, b) => a - b)) {
      if (cut > from && cut < bytes.length) {
        chunks.push(bytes.subarray(from, cut));
        from = cut;
      }
    }
    chunks.push(bytes.subarray(from));
  }
  const conn = new MockConn(chunks, {
    maxWriteBytes: rng.chance(0.1) ? 1 + rng.int(7) : undefined,
  });

  const seen: SeenCall[] = [];
  const trace: string[] = [];
  let current = -1;
  const handler: ServeHandler = async (request) => {
    const n = seen.length;
    current = n;
    const call: SeenCall = {
      method: request.method,
      url: request.url,
      threw: false,
      readWhole: false,
    };
    seen.push(call);
    const mode = rng.int(10);
    trace.push(`call ${n} ${request.method} ${request.url} mode ${mode}`);
    try {
      if (request.body !== null) {
        if (mode < 4) {
          call.readWhole = true;
          await request.arrayBuffer();
        } else if (mode === 4) {
          const reader = request.body.getReader();
          await reader.read();
          reader.releaseLock();
        } else if (
          mode === 5 && (knownBugs || !request.headers.has("expect"))
        ) {
          // Read late, never awaited: the engine must still frame right.
          request.text().catch(() => {});
        }
      }
    } catch (error) {
      if (rng.chance(0.5)) {
        call.threw = true;
        throw error;
      }
    }
    if (mode === 9) {
      call.threw = true;
      throw new Error("handler failure");
    }
    const text = `${request.method} ${new URL(request.url).pathname}`;
    const headers = { "x-call": String(n), "content-type": "text/plain" };
    switch (rng.int(6)) {
      case 0:
        return new Response(liveBody(text), { headers });
      case 1:
        return new Response(null, { status: 204, headers });
      case 2:
        return new Response(null, { headers });
      case 3:
        return new Response(text, { status: 404, headers });
      default:
        return new Response(text, { headers });
    }
  };
  const onError = () =>
    new Response("handler failed", {
      status: 500,
      headers: { "x-call": String(current) },
    });

  const tracker = new ConnectionTracker(10);
  let rejected: unknown = null;
  const task = serveConnection(conn, handler, { limits, tracker, onError })
    .catch((error) => {
      rejected = error ?? "rejected";
    });
  if (!await settlesWithin(task, 20)) {
    try {
      conn.close();
    } catch {
      // Already closed.
    }
    await settlesWithin(task, 20);
    return fail("serveConnection settles without waiting on time", "hung");
  }
  if (rejected !== null) {
    return fail("serveConnection never rejects", String(rejected));
  }
  if (!conn.closed) return fail("the connection is closed at the end", "open");

  // ---- the model and the handler calls: desync
  const expected = model(input, limits, (i) => seen[i]?.readWhole ?? true);
  const expectedCalls = expected.events.filter((e): e is ModelCall =>
    e.kind === "call"
  );
  for (let i = 0; i < seen.length; i++) {
    const want = expectedCalls[i];
    if (
      want === undefined || want.method !== seen[i].method ||
      want.url !== seen[i].url
    ) {
      return fail(
        "the handler sees exactly the requests framing allows (no desync)",
        `call ${i} was ${seen[i].method} ${seen[i].url}; the model expected ${
          want === undefined ? "no more calls" : `${want.method} ${want.url}`
        }; model calls: ${
          expectedCalls.map((c) => `${c.method} ${c.url}`).join(" | ")
        }`,
      );
    }
  }
  const smuggled = seen.find((c) => c.url.includes("/__smuggled"));
  if (
    smuggled !== undefined &&
    (!mutated ||
      !expectedCalls.some((c) => c.url.includes("/__smuggled")))
  ) {
    return fail("a smuggled request is never answered", smuggled.url);
  }

  // ---- the output: well-formed, in order, 2xx only for parsed requests
  const wire = parseWire(
    fromBytes(conn.outputBytes),
    (call) => call !== null && expectedCalls[call]?.rawMethod === "HEAD",
  );
  if (wire.error !== null) {
    return fail("the output is well-formed HTTP/1.1", wire.error);
  }
  const responses = wire.responses;
  let nextCall = 0;
  let stars = 0;
  const starsAllowed = (() => {
    // OPTIONS * answers the model allows before the last seen call's next.
    let count = 0;
    let calls = 0;
    for (const event of expected.events) {
      if (event.kind === "call") {
        if (calls++ >= seen.length) break;
      } else count++;
    }
    return count;
  })();
  for (let i = 0; i < responses.length; i++) {
    const r = responses[i];
    const last = i === responses.length - 1;
    if (r.close && !last) {
      return fail(
        "nothing follows a response that closes",
        `response ${i} (${r.status}) closes, ${
          responses.length - i - 1
        } follow`,
      );
    }
    if (r.call !== null) {
      if (r.call !== nextCall) {
        return fail(
          "each handler call is answered once, in order",
          `response ${i} answers call ${r.call}, expected call ${nextCall}`,
        );
      }
      nextCall++;
      if (r.status === 500 && !seen[r.call].threw) {
        return fail("a 500 only when the handler failed", `call ${r.call}`);
      }
      continue;
    }
    if (r.status === 100) {
      if (last) return fail("a 100 is followed by a final answer", "last");
      continue;
    }
    if (r.status === 204) {
      if (++stars > starsAllowed) {
        return fail(
          "a 2xx only for requests that parse",
          `an engine 204 the model did not expect (${stars} > ${starsAllowed})`,
        );
      }
      continue;
    }
    if (r.status >= 200 && r.status < 300) {
      return fail("a 2xx only for requests that parse", `engine ${r.status}`);
    }
    if (!last || !r.close) {
      return fail(
        "an engine error response closes and comes last",
        `response ${i}: ${r.status}`,
      );
    }
  }
  if (nextCall < seen.length - 1) {
    return fail(
      "each handler call is answered once, in order",
      `${seen.length} calls, ${nextCall} answered`,
    );
  }
  const lastResponse = responses[responses.length - 1];
  const engineError = lastResponse !== undefined &&
    lastResponse.call === null &&
    lastResponse.status >= 400;
  if (nextCall === seen.length - 1 && !engineError) {
    return fail(
      "each handler call is answered once, in order",
      `call ${seen.length - 1} got no answer`,
    );
  }

  // ---- liveness and the engine's own answers, against the model
  if (seen.length < expectedCalls.length) {
    // Stopping early is right only when the last answer said so (or the
    // model allows it); an engine error here refused a valid request.
    const mayClose = expectedCalls[seen.length - 1]?.mayClose ?? false;
    const announced = lastResponse !== undefined &&
      lastResponse.call !== null &&
      lastResponse.close;
    if (!mayClose && !announced) {
      return fail(
        "a valid pipelined request is answered (no early close, no desync)",
        `${seen.length} of ${expectedCalls.length} expected calls; last ` +
          `response: ${
            lastResponse === undefined
              ? "none"
              : `${lastResponse.status}${
                lastResponse.call === null ? " from the engine" : ""
              }${
                lastResponse.close ? " with close" : " keeping the connection"
              }`
          }`,
      );
    }
  } else if (seen.length === expectedCalls.length) {
    const stop = expected.stop;
    if (stop.kind === "close" && !lastResponse?.close) {
      return fail(
        "a request that ends the connection is answered with close",
        `last response ${lastResponse?.status ?? "none"} without close`,
      );
    }
    const lastAnswer = responses.filter((r) => r.call !== null).at(-1);
    const lastCall = expectedCalls[expectedCalls.length - 1];
    if (stop.kind === "error" && (lastAnswer?.close || lastCall?.mayClose)) {
      // The handler's answer ended the connection (an HTTP/1.0 body of
      // unknown length, an unread 100-continue body): nothing more is read.
    } else if (stop.kind === "error") {
      if (
        !engineError ||
        (lastResponse.status !== stop.status &&
          lastResponse.status !== stop.alternative)
      ) {
        return fail(
          "a refused request is answered with the status the parser gives",
          `expected ${stop.status} (${stop.reason}), got ${
            lastResponse === undefined
              ? "nothing"
              : `${lastResponse.status}${
                lastResponse.call === null ? "" : " from the handler"
              }`
          }`,
        );
      }
    } else if (
      stop.kind === "eof" && engineError && (knownBugs || !stop.strayCrlf)
    ) {
      return fail(
        "a clean end of input gets no error response",
        `got ${lastResponse.status}`,
      );
    }
  }
  const canary = seen.some((c) => c.url.endsWith("/__canary"));
  return { failure: null, calls: seen.length, canary };
}
