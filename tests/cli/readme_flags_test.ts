/** The README's command-line table documents every flag the parser knows. */
import assert from "node:assert/strict";
import { CLI_FLAGS } from "../../src/cli/parse_args.ts";

Deno.test("README's command-line table lists every CLI flag", async () => {
  const readme = await Deno.readTextFile(
    new URL("../../README.md", import.meta.url),
  );
  const start = readme.indexOf("## Command line");
  const end = readme.indexOf("\n## ", start + 1);
  assert.ok(start >= 0 && end > start, "a Command line section");
  const table = readme.slice(start, end).split("\n").filter((line) =>
    line.startsWith("| `")
  );
  // A flag may share a row (`--cert FILE`, `--key FILE`).
  for (const flag of CLI_FLAGS) {
    assert.ok(
      table.some((row) => row.includes("`" + flag) || row.includes(" " + flag)),
      `README documents ${flag}`,
    );
  }
});
