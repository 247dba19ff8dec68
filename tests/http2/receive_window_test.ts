/**
 * ReceiveWindow: what the peer may still send (RFC 9113 §6.9), refused
 * past it, and credit given back in few, large increments that never
 * leave a sender waiting.
 */

import assert from "node:assert/strict";
import { ReceiveWindow } from "../../src/http2/receive_window.ts";

Deno.test("ReceiveWindow.receive() refuses a frame past the window", () => {
  const window = new ReceiveWindow(100);
  assert.ok(window.receive(60));
  assert.ok(window.receive(40));
  assert.equal(window.available, 0);
  assert.equal(window.receive(1), false);
  assert.equal(window.available, 0, "a refused frame is not counted");
});

Deno.test("ReceiveWindow.consume() gives credit back a quarter at a time", () => {
  const window = new ReceiveWindow(100);
  window.receive(60);
  assert.equal(window.consume(10), 0, "the peer still has 40");
  assert.equal(window.consume(14), 0);
  assert.equal(window.consume(1), 25, "a quarter consumed");
  assert.equal(window.available, 65);
});

Deno.test("ReceiveWindow.consume() gives everything back when the peer runs low", () => {
  const window = new ReceiveWindow(100);
  window.receive(80);
  assert.equal(window.consume(1), 1, "the peer has 20 left: no waiting");
  assert.equal(window.available, 21);
  assert.equal(window.consume(0), 0);
});

Deno.test("ReceiveWindow.grant() and adjust() move what the peer may send", () => {
  const window = new ReceiveWindow(1000, 100);
  window.grant(900);
  assert.equal(window.available, 1000);
  window.adjust(-1500);
  assert.equal(window.available, -500);
  assert.equal(window.receive(1), false, "below zero nothing fits");
});
