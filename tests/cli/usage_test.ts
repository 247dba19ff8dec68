import assert from "node:assert/strict";
import { usage, USAGE_HINT } from "../../src/cli/usage.ts";

Deno.test("usage() opens with the name and the version it is given", () => {
  assert.match(usage("1.2.3"), /^berth 1\.2\.3 /);
  assert.ok(usage("1.2.3").endsWith("\n"));
});

Deno.test("USAGE_HINT points to --help", () => {
  assert.match(USAGE_HINT, /--help/);
});
