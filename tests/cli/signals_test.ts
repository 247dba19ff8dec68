import assert from "node:assert/strict";
import {
  onStopSignals,
  signalExitCode,
  type StopSignal,
} from "../../src/cli/signals.ts";

Deno.test("signalExitCode() is 128 + the signal number", () => {
  assert.equal(signalExitCode("SIGINT"), 130);
  assert.equal(signalExitCode("SIGTERM"), 143);
});

Deno.test({
  name:
    "onStopSignals(): the first signal stops gracefully, a second one exits",
  ignore: Deno.build.os === "windows",
  async fn() {
    const first = Promise.withResolvers<StopSignal>();
    const again = Promise.withResolvers<StopSignal>();
    const dispose = onStopSignals(first.resolve, again.resolve);
    // Signal listeners do not keep the event loop alive; a server would.
    const alive = setInterval(() => {}, 60_000);
    try {
      Deno.kill(Deno.pid, "SIGTERM");
      assert.equal(await first.promise, "SIGTERM");
      // Not SIGINT: `deno test` takes that one for itself.
      Deno.kill(Deno.pid, "SIGTERM");
      assert.equal(await again.promise, "SIGTERM");
    } finally {
      clearInterval(alive);
      dispose();
    }
  },
});
