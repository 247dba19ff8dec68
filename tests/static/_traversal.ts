/**
 * The traversal table of the static-files issue: request paths that must
 * never reach a file outside the root. Shared by the in-process handler
 * tests and the raw-socket security suite; the fixtures they run on have a
 * `secret.txt` outside the root, a sibling-prefix `root-secret/` folder and
 * symlinks pointing out (`link-outside.txt`, `link-outside-dir`,
 * `link-prefix`).
 *
 * @module
 */

/** Paths that must never serve anything from outside the root. */
export const TRAVERSAL_PATHS: readonly string[] = [
  "/../x",
  "/../secret.txt",
  "/%2e%2e/x",
  "/%2E%2E/secret.txt",
  "/%2E%2E%2Fx",
  "/%2e%2e%2fsecret.txt",
  "/..%2fx",
  "/..%2Fsecret.txt",
  "/%252e%252e/x",
  "/%252e%252e%252fsecret.txt",
  "/..\\x",
  "/..\\secret.txt",
  "/%5c..%5cx",
  "/%5C..%5Csecret.txt",
  "//etc/passwd",
  "/%00",
  "/hello.txt%00.html",
  "/%c0%ae%c0%ae/x",
  "/%c0%ae%c0%ae%c0%afsecret.txt",
  "/../root-secret/secret.txt",
  "/%2e%2e/root-secret/secret.txt",
  "/..%2froot-secret%2fsecret.txt",
  "/link-outside.txt",
  "/link-outside-dir/secret.txt",
  "/link-outside-dir/",
  "/link-outside-dir",
  "/link-prefix/secret.txt",
  "/docs/../../x",
  "/docs/%2e%2e/%2e%2e/x",
];
