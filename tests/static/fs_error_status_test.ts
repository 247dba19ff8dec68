import assert from "node:assert/strict";
import { fsErrorStatus } from "../../src/static/fs_error_status.ts";

const cases: [string, unknown, 403 | 404 | null][] = [
  ["NotFound", new Deno.errors.NotFound("x"), 404],
  ["NotADirectory", new Deno.errors.NotADirectory("x"), 404],
  ["FilesystemLoop", new Deno.errors.FilesystemLoop("x"), 404],
  ["NotCapable", new Deno.errors.NotCapable("x"), 404],
  ["PermissionDenied", new Deno.errors.PermissionDenied("x"), 403],
  [
    "code ENAMETOOLONG",
    Object.assign(new Error("x"), { code: "ENAMETOOLONG" }),
    404,
  ],
  ["code EACCES", Object.assign(new Error("x"), { code: "EACCES" }), 403],
  ["another error", new Error("boom"), null],
  ["a thrown non-error", null, null],
];

for (const [name, error, expected] of cases) {
  Deno.test(`fsErrorStatus() maps ${name} to ${expected}`, () => {
    assert.equal(fsErrorStatus(error), expected);
  });
}
