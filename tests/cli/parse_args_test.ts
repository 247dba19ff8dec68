import assert from "node:assert/strict";
import { parseArgs, UsageError } from "../../src/cli/parse_args.ts";

Deno.test("parseArgs() serves static/ on 127.0.0.1:8000 by default", () => {
  assert.deepEqual(parseArgs([]), {
    root: "static",
    port: 8000,
    host: "127.0.0.1",
    help: false,
    version: false,
  });
});

Deno.test("parseArgs() takes ROOT, --port and --host", () => {
  const options = parseArgs(["site", "--port", "0", "--host", "0.0.0.0"]);
  assert.equal(options.root, "site");
  assert.equal(options.port, 0);
  assert.equal(options.host, "0.0.0.0");
});

Deno.test("parseArgs() takes -p and unbrackets an IPv6 host", () => {
  const options = parseArgs(["-p", "8080", "--host", "[::1]"]);
  assert.equal(options.port, 8080);
  assert.equal(options.host, "::1");
});

Deno.test("parseArgs() honors PORT when --port is absent", () => {
  assert.equal(parseArgs([], { PORT: "9000" }).port, 9000);
  assert.equal(parseArgs(["--port", "1"], { PORT: "9000" }).port, 1);
});

Deno.test("parseArgs() rejects bad input with a one-line UsageError", () => {
  const table: [string[], RegExp][] = [
    [["--bogus"], /Unknown option '--bogus'/],
    [["--port", "http"], /Invalid port: "http"/],
    [["--port", "70000"], /Invalid port: "70000"/],
    [["--port", "-1"], /argument is ambiguous/],
    [["--port=-1"], /Invalid port: "-1"/],
    [["a", "b"], /Expected one folder to serve, got 2/],
    [["--host", ""], /Invalid host/],
  ];
  for (const [args, want] of table) {
    assert.throws(() => parseArgs(args), (error: unknown) => {
      assert.ok(error instanceof UsageError, `${args}: ${error}`);
      assert.match(error.message, want);
      assert.ok(!error.message.includes("\n"), "one line");
      return true;
    });
  }
});

Deno.test("parseArgs() reads --help and --version", () => {
  assert.equal(parseArgs(["--help"]).help, true);
  assert.equal(parseArgs(["-h"]).help, true);
  assert.equal(parseArgs(["-V"]).version, true);
});
