import assert from "node:assert/strict";
import { usage, USAGE_HINT } from "../../src/cli/usage.ts";

Deno.test("usage() opens with the name and the version it is given", () => {
  assert.match(usage("1.2.3"), /^berth 1\.2\.3 /);
  assert.ok(usage("1.2.3").endsWith("\n"));
});

Deno.test("USAGE_HINT points to --help", () => {
  assert.match(USAGE_HINT, /--help/);
});

Deno.test("usage() says which flags are accepted for @std/http's file_server", () => {
  const page = usage("1.2.3");
  const start = page.indexOf("Accepted for @std/http");
  assert.ok(start > 0, "a section for std's flags");
  const section = page.slice(start, page.indexOf("\n\n", start));
  for (
    const flag of ["--no-dir-listing", "--no-dotfiles", "--no-cors", "-c", "-k"]
  ) {
    assert.ok(section.includes(flag), flag);
  }
});
