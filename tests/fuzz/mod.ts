/**
 * berth's seeded mutation fuzzer, for `tests/fuzz_test.ts` (a slice run
 * with the suite) and `tools/fuzz.ts` (the long run). One file per job:
 *
 * - `rng.ts`, `latin1.ts`, `failure.ts`: the core (seeds, bytes as
 *   latin1 strings, a broken invariant and its report);
 * - `corpus.ts` and `mutators.ts`: the inputs, valid and odd requests and
 *   the edits applied to them;
 * - `parser_case.ts`: the pure head parser against `reference_parser.ts`,
 *   a deliberately plain reading of the RFC 9112 grammar;
 * - `connection_case.ts`: the connection task on a `MockConn`, judged by
 *   `framing_model.ts` (which requests a correct engine hands to the
 *   handler) and `wire_responses.ts` (its output, parsed strictly).
 *
 * Every case is a pure function of its seed: a failing seed replays.
 *
 * @module
 */

export {
  type ConnectionCaseOptions,
  type ConnectionCaseResult,
  connectionInput,
  runConnectionCase,
} from "./connection_case.ts";
export { CANARY, CORPUS, type CorpusEntry, SMUGGLED } from "./corpus.ts";
export { type CaseFailure, describeFailure } from "./failure.ts";
export { escapeBytes, fromBytes, toBytes } from "./latin1.ts";
export { type ParserCaseResult, runParserCase } from "./parser_case.ts";
export { referenceParse, type ReferenceResult } from "./reference_parser.ts";
export { caseSeed, Rng } from "./rng.ts";
