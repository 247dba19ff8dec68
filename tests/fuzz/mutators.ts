/**
 * The mutators: byte, line and header edits applied to corpus entries, and
 * {@linkcode generate}, which picks an entry and mutates it.
 *
 * @module
 */

import { CORPUS, type CorpusEntry, SMUGGLED } from "./corpus.ts";
import type { Rng } from "./rng.ts";

const INSERTS = [
  "\r",
  "\n",
  "\r\n",
  "\0",
  " ",
  "\t",
  ":",
  ",",
  ";",
  '"',
  "\x7f",
  "\x80",
  "\xff",
  "\x0b",
  "\x0c",
  "\\",
  "%",
  "/",
  "?",
  "#",
  "0",
  "-",
  "=",
  "\r\n\r\n",
  " chunked",
  "\r\n ",
  "a",
  "%00",
  "..",
  "\xa0",
];

const NUMBERS = [
  "0",
  "00",
  "-1",
  "+1",
  "1e3",
  "0x10",
  "4294967296",
  "4294967297",
  "9007199254740991",
  "9007199254740992",
  "18446744073709551615",
  "18446744073709551616",
  "99999999999999999999999",
  "999999999999999",
  "1000000000000000",
  "0000000000000000000001",
  "1 1",
  "1,1",
  "1, 1",
  " 1",
  "1.0",
  "ffffffffffffffff",
  "fffffffffffff",
  "10000000000000",
  "\xb2",
  "-9223372036854758792",
];

const HEADER_LINES = [
  "Content-Length: 0",
  "Content-Length: 5",
  "Content-Length: 1000",
  "Content-Length: 3, 3",
  "Transfer-Encoding: chunked",
  "Transfer-Encoding: chunked, identity",
  "Transfer-Encoding: identity",
  "Transfer-Encoding: gzip, chunked",
  "Transfer-Encoding : chunked",
  "Transfer-Encoding:\tchunked",
  "Transfer-Encoding: \x0bchunked",
  "Transfer-Encoding: CHUNKED",
  "Transfer-Encoding: chunked;q=1",
  "Connection: close",
  "Connection: keep-alive",
  "Connection: Upgrade, close",
  "Expect: 100-continue",
  "Expect: 100-Continue, foo",
  "Host: other",
  "Host:",
  "Host: a b",
  "Host: [::1]:8080",
  "X: \x00",
  " folded",
  "\tfolded",
  "X-Smuggle: GET /__smuggled HTTP/1.1",
  "Cookie: " + "c=1; ".repeat(20),
];

type Mutator = (rng: Rng, s: string) => string;

function insertAt(s: string, at: number, text: string): string {
  return s.slice(0, at) + text + s.slice(at);
}

function lineStarts(s: string): number[] {
  const starts = [0];
  for (let i = s.indexOf("\r\n"); i !== -1; i = s.indexOf("\r\n", i + 2)) {
    starts.push(i + 2);
  }
  return starts;
}

const MUTATORS: readonly [string, Mutator][] = [
  ["flip", (rng, s) => {
    if (s.length === 0) return s;
    const at = rng.int(s.length);
    const c = rng.chance(0.5)
      ? s.charCodeAt(at) ^ (1 << rng.int(8))
      : rng.int(256);
    return s.slice(0, at) + String.fromCharCode(c) + s.slice(at + 1);
  }],
  ["insert", (rng, s) => insertAt(s, rng.int(s.length + 1), rng.pick(INSERTS))],
  ["delete", (rng, s) => {
    const at = rng.int(s.length + 1);
    return s.slice(0, at) + s.slice(at + 1 + rng.int(8));
  }],
  ["move-crlf", (rng, s) => {
    const starts = lineStarts(s).slice(1);
    if (starts.length === 0) return s;
    const at = rng.pick(starts) - 2;
    const cut = s.slice(0, at) + s.slice(at + 2);
    const to = rng.int(cut.length + 1);
    return insertAt(cut, to, rng.pick(["\r\n", "\r\n", "\n", "\r", ""]));
  }],
  ["duplicate-line", (rng, s) => {
    const starts = lineStarts(s);
    if (starts.length < 2) return s;
    const i = rng.int(starts.length - 1);
    const line = s.slice(starts[i], starts[i + 1]);
    return insertAt(s, rng.pick(starts), line);
  }],
  ["number", (rng, s) => {
    const runs = [...s.matchAll(/[0-9a-fA-F]*[0-9][0-9a-fA-F]*/g)];
    if (runs.length === 0) return s;
    const run = rng.pick(runs);
    const at = run.index!;
    const value = rng.chance(0.7)
      ? rng.pick(NUMBERS)
      : String(rng.u32() * rng.u32());
    return s.slice(0, at) + value + s.slice(at + run[0].length);
  }],
  ["truncate", (rng, s) => s.slice(0, rng.int(s.length + 1))],
  ["insert-header", (rng, s) => {
    const starts = lineStarts(s).slice(1);
    if (starts.length === 0) return s;
    return insertAt(s, rng.pick(starts), rng.pick(HEADER_LINES) + "\r\n");
  }],
  ["case", (rng, s) => {
    if (s.length === 0) return s;
    const at = rng.int(s.length);
    const c = s.charCodeAt(at);
    if (!/[A-Za-z]/.test(s[at])) return s;
    return s.slice(0, at) + String.fromCharCode(c ^ 0x20) + s.slice(at + 1);
  }],
  ["splice", (rng, s) => {
    const other = rng.chance(0.2) ? SMUGGLED : rng.pick(CORPUS).text;
    const from = rng.int(other.length);
    const piece = other.slice(from, from + 1 + rng.int(40));
    return insertAt(s, rng.int(s.length + 1), piece);
  }],
  ["inflate", (rng, s) => {
    if (s.length === 0) return s;
    const at = rng.int(s.length);
    const piece = s.slice(at, at + 1 + rng.int(12));
    return insertAt(s, at, piece.repeat(8 + rng.int(120)));
  }],
  ["swap-lines", (rng, s) => {
    const starts = lineStarts(s);
    if (starts.length < 3) return s;
    const i = 1 + rng.int(starts.length - 2);
    const a = s.slice(starts[i - 1], starts[i]);
    const b = s.slice(starts[i], starts[i + 1] ?? s.length);
    if (!b.endsWith("\r\n")) return s;
    return s.slice(0, starts[i - 1]) + b + a + s.slice(starts[i + 1]);
  }],
];

/** A mutated corpus entry. */
export interface Generated {
  /** The corpus entry it came from. */
  entry: CorpusEntry;
  /** The mutators applied, in order. */
  mutations: string[];
  /** The resulting bytes, latin1. */
  text: string;
}

/**
 * Pick a corpus entry (sometimes two, pipelined) and mutate it.
 *
 * @param rng The case's PRNG.
 * @param bodyBias Probability of mutating only what follows the first head
 *   (bodies, chunk framing, the pipelined requests), which keeps that head
 *   valid so the framing behind it is what gets fuzzed.
 * @returns The entry, the mutators applied and the resulting bytes.
 */
export function generate(rng: Rng, bodyBias = 0): Generated {
  let entry = rng.pick(CORPUS);
  let text = entry.text;
  if (rng.chance(0.1)) {
    const second = rng.pick(CORPUS);
    text += second.text;
    if (second.smuggle) entry = second;
  }
  const mutations: string[] = [];
  let count = 0;
  if (!rng.chance(1 / 16)) {
    count = 1;
    while (count < 8 && rng.chance(0.45)) count++;
  }
  let kept = "";
  const headEnd = text.indexOf("\r\n\r\n");
  if (count > 0 && headEnd !== -1 && rng.chance(bodyBias)) {
    kept = text.slice(0, headEnd + 4);
    text = text.slice(headEnd + 4);
    mutations.push("body-only:");
  }
  for (let i = 0; i < count; i++) {
    const [name, mutate] = rng.pick(MUTATORS);
    text = mutate(rng, text);
    mutations.push(name);
  }
  return { entry, mutations, text: kept + text };
}
