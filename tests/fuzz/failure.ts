/**
 * A broken invariant, with what is needed to replay it, and its report.
 *
 * @module
 */

import { escapeBytes, toBytes } from "./latin1.ts";

/** A broken invariant, with what is needed to replay it. */
export interface CaseFailure {
  /** Which runner. */
  kind: "parser" | "connection";
  /** The case seed: `runParserCase(seed)` / `runConnectionCase(seed)`. */
  seed: number;
  /** The invariant that broke. */
  invariant: string;
  /** What was seen. */
  detail: string;
  /** The input, latin1. */
  input: string;
  /** Where it came from. */
  origin: string;
}

/** A multi-line report of a failure: seed, invariant, input escaped and hex. */
export function describeFailure(failure: CaseFailure): string {
  const hex = Array.from(
    toBytes(failure.input.slice(0, 512)),
    (b) => b.toString(16).padStart(2, "0"),
  ).join(" ");
  return [
    `${failure.kind} case seed=${failure.seed} broke "${failure.invariant}"`,
    `  origin: ${failure.origin}`,
    `  detail: ${failure.detail}`,
    `  input:  ${escapeBytes(failure.input)}`,
    `  hex:    ${hex}${failure.input.length > 512 ? " …" : ""}`,
  ].join("\n");
}
