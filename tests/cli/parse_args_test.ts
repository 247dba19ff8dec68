import assert from "node:assert/strict";
import { resolveLimits } from "../../src/http1/limits.ts";
import { CLI_DEFAULTS, type CliOptions } from "../../src/cli/cli_options.ts";
import { CLI_FLAGS, parseArgs, UsageError } from "../../src/cli/parse_args.ts";
import { resolveStaticOptions } from "../../src/static/options.ts";

/** What no flag changes: only the command line's own defaults. */
const DEFAULTS: CliOptions = {
  files: { root: "static" },
  listen: { hostname: "127.0.0.1", port: 8000 },
  tlsPaths: undefined,
  limits: {},
  workers: 1,
  log: { format: "text", verbose: false, quiet: false },
  strictExposure: false,
  help: false,
  version: false,
};

/** A row's expected change to {@linkcode DEFAULTS}, group by group. */
type Want = {
  [K in keyof CliOptions]?: CliOptions[K] extends object
    ? Partial<CliOptions[K]>
    : CliOptions[K];
};

function expected(want: Want): CliOptions {
  return {
    ...DEFAULTS,
    ...want,
    files: { ...DEFAULTS.files, ...want.files },
    listen: { ...DEFAULTS.listen, ...want.listen },
    limits: { ...DEFAULTS.limits, ...want.limits },
    log: { ...DEFAULTS.log, ...want.log },
  };
}

Deno.test("parseArgs() serves static/ on 127.0.0.1:8000 by default", () => {
  assert.deepEqual(parseArgs([]), DEFAULTS);
  assert.deepEqual(CLI_DEFAULTS, DEFAULTS);
});

Deno.test("parseArgs() leaves every other default to the library", () => {
  const { files, limits } = parseArgs([]);
  const handler = resolveStaticOptions(files);
  assert.equal(handler.revalidateMs, 1000);
  assert.equal(handler.compress, true);
  assert.equal(handler.cors, false);
  assert.equal(handler.listing, false);
  assert.equal(handler.dotfiles, false);
  assert.equal(handler.spa, null);
  assert.equal(handler.cleanUrls, false);
  assert.equal(handler.explain, false);
  assert.equal(handler.liveReload, false);
  assert.deepEqual(handler.headers, []);
  const limit = resolveLimits(limits);
  assert.equal(limit.maxConnections, 10000);
  assert.equal(limit.maxBodyBytes, 1048576);
  assert.equal(limit.headersTimeoutMs, 10000);
  assert.equal(limit.bodyTimeoutMs, 30000);
  assert.equal(limit.sendTimeoutMs, 30000);
  assert.equal(limit.keepAliveTimeoutMs, 5000);
  assert.equal(limit.shutdownTimeoutMs, 10000);
});

Deno.test("parseArgs() reads every flag", () => {
  const table: [string[], Want][] = [
    [["site"], { files: { root: "site" } }],
    [["--port", "0"], { listen: { port: 0 } }],
    [["-p", "8080"], { listen: { port: 8080 } }],
    [["-p8080"], { listen: { port: 8080 } }],
    [["--port=65535"], { listen: { port: 65535 } }],
    [["--host", "0.0.0.0"], { listen: { hostname: "0.0.0.0" } }],
    [["--host", "[::1]"], { listen: { hostname: "::1" } }],
    [["--host", "::"], { listen: { hostname: "::" } }],
    [["--unix", "/tmp/b.sock"], { listen: { path: "/tmp/b.sock", port: 0 } }],
    [
      ["--cert", "c.pem", "--key", "k.pem"],
      { tlsPaths: { certPath: "c.pem", keyPath: "k.pem" } },
    ],
    [["-H", "X-A: 1"], { files: { headers: ["X-A: 1"] } }],
    [
      ["--header", "X-A:1", "-H", "  X-B :  two words "],
      { files: { headers: ["X-A: 1", "X-B: two words"] } },
    ],
    [["-H", "X-Empty:"], { files: { headers: ["X-Empty: "] } }],
    [["--cors"], { files: { cors: true } }],
    [["--dir-listing"], { files: { listing: true } }],
    [["--dotfiles"], { files: { dotfiles: true } }],
    [["--spa"], { files: { spa: "index.html" } }],
    [["--spa=app.html"], { files: { spa: "app.html" } }],
    [["--spa=pages/shell.html"], { files: { spa: "pages/shell.html" } }],
    [["--spa", "dist"], { files: { spa: "index.html", root: "dist" } }],
    [["dist", "--spa"], { files: { spa: "index.html", root: "dist" } }],
    [["--clean-urls"], { files: { cleanUrls: true } }],
    [["--no-compress"], { files: { compress: false } }],
    [["--no-site-rules"], { files: { siteRules: false } }],
    [["--no-watch"], { files: { watch: false } }],
    [["--no-http2"], { listen: { http2: false } }],
    [["--no-h2c"], { listen: { h2c: false } }],
    [["--explain"], { files: { explain: true } }],
    [["--live-reload"], { files: { liveReload: true } }],
    [
      ["--cache-control", "public, max-age=60"],
      { files: { cacheControl: "public, max-age=60" } },
    ],
    [["--max-connections", "1"], { limits: { maxConnections: 1 } }],
    [["--max-body-bytes", "10"], { limits: { maxBodyBytes: 10 } }],
    [["--headers-timeout", "100"], { limits: { headersTimeoutMs: 100 } }],
    [["--body-timeout", "200"], { limits: { bodyTimeoutMs: 200 } }],
    [["--send-timeout", "300"], { limits: { sendTimeoutMs: 300 } }],
    [["--keep-alive-timeout", "50"], { limits: { keepAliveTimeoutMs: 50 } }],
    [["--revalidate", "0"], { files: { revalidateMs: 0 } }],
    [["--revalidate", "60000"], { files: { revalidateMs: 60000 } }],
    [["--shutdown-timeout", "250"], { limits: { shutdownTimeoutMs: 250 } }],
    [["--workers", "4"], { workers: 4 }],
    [["--workers", "auto"], { workers: "auto" }],
    [["--workers=1"], { workers: 1 }],
    [["--log-format", "clf"], { log: { format: "clf" } }],
    [["--log-format", "combined"], { log: { format: "combined" } }],
    [["--log-format", "text"], { log: { format: "text" } }],
    [["-q"], { log: { quiet: true } }],
    [["--quiet"], { log: { quiet: true } }],
    [["-v"], { log: { verbose: true } }],
    [["--verbose"], { log: { verbose: true } }],
    [["--strict-exposure"], { strictExposure: true }],
    [["-h"], { help: true }],
    [["--help"], { help: true }],
    [["-V"], { version: true }],
    [["--version"], { version: true }],
    [["--", "--odd-folder"], { files: { root: "--odd-folder" } }],
  ];
  for (const [args, want] of table) {
    assert.deepEqual(parseArgs(args), expected(want), args.join(" "));
  }
});

Deno.test("parseArgs() table covers every flag the parser knows", () => {
  // Keep in step with the table above: a new flag needs a row there.
  assert.deepEqual([...CLI_FLAGS].sort(), [
    "--body-timeout",
    "--cache-control",
    "--cert",
    "--clean-urls",
    "--cors",
    "--dir-listing",
    "--dotfiles",
    "--explain",
    "--header",
    "--headers-timeout",
    "--help",
    "--host",
    "--keep-alive-timeout",
    "--key",
    "--live-reload",
    "--log-format",
    "--max-body-bytes",
    "--max-connections",
    "--no-compress",
    "--no-cors",
    "--no-dir-listing",
    "--no-dotfiles",
    "--no-h2c",
    "--no-http2",
    "--no-site-rules",
    "--no-watch",
    "--port",
    "--quiet",
    "--revalidate",
    "--send-timeout",
    "--shutdown-timeout",
    "--spa",
    "--strict-exposure",
    "--unix",
    "--verbose",
    "--version",
    "--workers",
  ]);
});

Deno.test("parseArgs() accepts @std/http file_server's flags, the last of --X and --no-X winning", () => {
  const table: [string[], Want][] = [
    [["--no-dir-listing"], { files: { listing: false } }],
    [["--no-dotfiles"], { files: { dotfiles: false } }],
    [["--no-cors"], { files: { cors: false } }],
    [["--cors", "--no-cors"], { files: { cors: false } }],
    [["--no-cors", "--cors"], { files: { cors: true } }],
    [["--dir-listing", "--no-dir-listing", "--dir-listing"], {
      files: { listing: true },
    }],
    [
      ["-c", "c.pem", "-k", "k.pem"],
      { tlsPaths: { certPath: "c.pem", keyPath: "k.pem" } },
    ],
    [["-p=4507"], { listen: { port: 4507 } }],
    [["-H=Cache-Control: no-cache"], {
      files: { headers: ["Cache-Control: no-cache"] },
    }],
    [["-c=c.pem", "-k=k.pem"], {
      tlsPaths: { certPath: "c.pem", keyPath: "k.pem" },
    }],
    // The command std's own tests run, with berth's other defaults.
    [
      [
        "testdata",
        "--cors",
        "-p",
        "4507",
        "--no-dir-listing",
        "--no-dotfiles",
        "-v",
      ],
      {
        files: {
          root: "testdata",
          cors: true,
          listing: false,
          dotfiles: false,
        },
        listen: { port: 4507 },
        log: { verbose: true },
      },
    ],
  ];
  for (const [args, want] of table) {
    assert.deepEqual(parseArgs(args), expected(want), args.join(" "));
  }
});

Deno.test("parseArgs() honors PORT when --port is absent", () => {
  assert.equal(parseArgs([], { PORT: "9000" }).listen.port, 9000);
  assert.equal(parseArgs(["--port", "1"], { PORT: "9000" }).listen.port, 1);
  assert.equal(parseArgs(["--unix", "/s"], { PORT: "nope" }).listen.port, 0);
});

Deno.test("parseArgs() rejects bad input with a one-line UsageError", () => {
  const table: [string[], RegExp, Record<string, string>?][] = [
    [["--bogus"], /Unknown option '--bogus'/],
    [["-x"], /Unknown option '-x'/],
    [["--port", "http"], /Invalid port: "http"/],
    [["--port", "70000"], /Invalid port: "70000"/],
    [["--port", "-1"], /argument is ambiguous/],
    [["--port=-1"], /Invalid port: "-1"/],
    [["--port"], /argument missing/],
    [[], /Invalid PORT: "x"/, { PORT: "x" }],
    [["a", "b"], /Expected one folder to serve, got 2/],
    [["a", "--spa", "b.html"], /write --spa=FILE/],
    [[""], /ROOT is an empty path/],
    [["--host", ""], /Invalid host/],
    [["--host", "a b"], /Invalid host/],
    [["--unix", ""], /--unix needs a socket path/],
    [["--unix", "/s", "--port", "1"], /--unix cannot be combined/],
    [["--unix", "/s", "--host", "::1"], /--unix cannot be combined/],
    [["--unix", "/s", "--cert", "c", "--key", "k"], /not with --unix/],
    [["--unix", "/s", "--workers", "2"], /not with --unix/],
    [["--live-reload", "--workers", "2"], /not with --workers/],
    [["--workers", "auto", "--live-reload"], /not with --workers/],
    [["--cert", "c.pem"], /--cert needs --key/],
    [["--key", "k.pem"], /--key needs --cert/],
    [["--cert", "", "--key", "k"], /need file paths/],
    [["-H", "X-A"], /Invalid --header: "X-A" \(expected "Name: value"\)/],
    [["-H", "X A: 1"], /Invalid --header name: "X A"/],
    [["-H", ": 1"], /Invalid --header name: ""/],
    [["-H", "X-A: 1\r\nSet-Cookie: a=b"], /control characters/],
    [["-H", "X-A: \x00"], /control characters/],
    [["--cors=yes"], /does not take an argument/],
    [["--spa="], /Invalid --spa file: ""/],
    [["--spa=../secret.html"], /Invalid --spa file/],
    [["--spa=/abs.html"], /Invalid --spa file/],
    [["--spa=a//b.html"], /Invalid --spa file/],
    [["--no-compress=1"], /does not take an argument/],
    [["--cache-control", ""], /Invalid --cache-control/],
    [["--cache-control", "a\nb"], /Invalid --cache-control/],
    [["--max-connections", "0"], /Invalid --max-connections: "0"/],
    [["--max-connections", "ten"], /Invalid --max-connections: "ten"/],
    [["--max-body-bytes", "1.5"], /Invalid --max-body-bytes: "1.5"/],
    [["--headers-timeout", "1e3"], /Invalid --headers-timeout: "1e3"/],
    [["--keep-alive-timeout", "0"], /Invalid --keep-alive-timeout: "0"/],
    [["--revalidate=-1"], /Invalid --revalidate: "-1"/],
    [["--revalidate", "1.5"], /Invalid --revalidate: "1.5"/],
    [["--revalidate", "86400001"], /Invalid --revalidate: "86400001"/],
    [["--shutdown-timeout", ""], /Invalid --shutdown-timeout: ""/],
    [
      ["--max-body-bytes", "99999999999999999999"],
      /Invalid --max-body-bytes/,
    ],
    [
      ["--workers", "0"],
      /Invalid --workers: "0" \(expected 1 to 256, or auto\)/,
    ],
    [["--workers", "257"], /Invalid --workers: "257"/],
    [["--workers", "many"], /Invalid --workers: "many"/],
    [["--log-format", "json"], /Invalid --log-format: "json"/],
    [["-q", "-v"], /--quiet and --verbose cannot be used together/],
  ];
  for (const [args, want, env] of table) {
    assert.throws(() => parseArgs(args, env), (error: unknown) => {
      assert.ok(error instanceof UsageError, `${args}: ${error}`);
      assert.match(error.message, want, JSON.stringify(args));
      assert.ok(!error.message.includes("\n"), "one line");
      assert.ok(!error.message.includes("\r"), "one line");
      return true;
    });
  }
});
