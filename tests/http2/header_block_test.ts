/**
 * HeaderBlockAssembler: a field block from HEADERS and its CONTINUATION
 * frames (RFC 9113 §4.3, §6.10), joined into bytes of its own, under a size
 * cap and a cap on CONTINUATION frames (the CONTINUATION flood).
 */

import assert from "node:assert/strict";
import type { ContinuationFrame } from "../../src/http2/frame_continuation.ts";
import type { HeadersFrame } from "../../src/http2/frame_headers.ts";
import {
  type AssembledBlock,
  HeaderBlockAssembler,
  MAX_CONTINUATION_FRAMES,
} from "../../src/http2/header_block.ts";
import { Http2Error } from "../../src/http2/http2_error.ts";
import { latin1Bytes } from "./_bytes.ts";
import { assertError } from "./_frames.ts";

function headers(
  streamId: number,
  fragment: string,
  endHeaders: boolean,
): HeadersFrame {
  return {
    kind: "headers",
    streamId,
    endStream: true,
    endHeaders,
    priority: null,
    fragment: latin1Bytes(fragment),
  };
}

function continuation(
  streamId: number,
  fragment: string,
  endHeaders: boolean,
): ContinuationFrame {
  return {
    kind: "continuation",
    streamId,
    endHeaders,
    fragment: latin1Bytes(fragment),
  };
}

function block(result: AssembledBlock | Http2Error | null): string {
  assert.ok(result !== null && !(result instanceof Http2Error), `${result}`);
  return String.fromCharCode(...result.block);
}

Deno.test("HeaderBlockAssembler.start() gives a one-frame block at once", () => {
  const assembler = new HeaderBlockAssembler(100);
  const frame = headers(1, "abc", true);
  const result = assembler.start(frame);
  assert.equal(block(result), "abc");
  assert.equal((result as AssembledBlock).headers, frame);
  assert.equal(assembler.streamId, 0, "no block in progress");
});

Deno.test("HeaderBlockAssembler joins HEADERS and CONTINUATION frames", () => {
  const assembler = new HeaderBlockAssembler(100);
  const first = headers(3, "ab", false);
  assert.equal(assembler.start(first), null);
  assert.equal(assembler.streamId, 3, "in progress on stream 3");
  const second = continuation(3, "cd", false);
  assert.equal(assembler.continue(second), null);
  // The parts were copied: the read buffer they came in may be reused.
  first.fragment.fill(0x21);
  second.fragment.fill(0x21);
  const result = assembler.continue(continuation(3, "e", true));
  assert.equal(block(result), "abcde");
  assert.equal((result as AssembledBlock).headers, first);
  assert.equal(assembler.streamId, 0);
});

Deno.test("HeaderBlockAssembler.continue() without a block is a PROTOCOL_ERROR", () => {
  const assembler = new HeaderBlockAssembler(100);
  assertError(assembler.continue(continuation(1, "a", true)), {
    code: "PROTOCOL_ERROR",
    scope: "connection",
    reason: "CONTINUATION without a field block in progress",
  });
});

Deno.test("HeaderBlockAssembler.continue() on another stream is a PROTOCOL_ERROR", () => {
  const assembler = new HeaderBlockAssembler(100);
  assembler.start(headers(1, "a", false));
  assertError(assembler.continue(continuation(3, "b", true)), {
    code: "PROTOCOL_ERROR",
    scope: "connection",
    reason: "CONTINUATION without a field block in progress",
  });
});

Deno.test("HeaderBlockAssembler takes MAX_CONTINUATION_FRAMES, and not one more", () => {
  const enough = new HeaderBlockAssembler(1000);
  enough.start(headers(1, "h", false));
  for (let i = 1; i < MAX_CONTINUATION_FRAMES; i++) {
    assert.equal(enough.continue(continuation(1, "c", false)), null);
  }
  assert.equal(
    block(enough.continue(continuation(1, "c", true))),
    "h" + "c".repeat(MAX_CONTINUATION_FRAMES),
  );

  const flood = new HeaderBlockAssembler(1000);
  flood.start(headers(1, "", false));
  for (let i = 0; i < MAX_CONTINUATION_FRAMES; i++) {
    assert.equal(flood.continue(continuation(1, "", false)), null);
  }
  assertError(flood.continue(continuation(1, "", false)), {
    code: "ENHANCE_YOUR_CALM",
    scope: "connection",
    reason: "Too many CONTINUATION frames",
  });
  assert.equal(flood.streamId, 0, "the block is dropped");
});

Deno.test("HeaderBlockAssembler refuses a block over its size cap", () => {
  const tooLarge = {
    code: "ENHANCE_YOUR_CALM",
    scope: "connection" as const,
    reason: "Field block too large",
  };
  assertError(
    new HeaderBlockAssembler(4).start(headers(1, "abcde", true)),
    tooLarge,
  );
  const assembler = new HeaderBlockAssembler(4);
  assert.equal(assembler.start(headers(1, "ab", false)), null);
  assert.equal(assembler.continue(continuation(1, "cd", false)), null);
  assertError(assembler.continue(continuation(1, "e", true)), tooLarge);
  assert.equal(assembler.streamId, 0);
});
