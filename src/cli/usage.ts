/**
 * The `--help` page and the one-line hint printed after a usage error.
 *
 * @module
 */

import { DEFAULT_LIMITS } from "../http1/limits.ts";
import { DEFAULT_STATIC_OPTIONS } from "../static/options.ts";
import { CLI_DEFAULTS } from "./cli_options.ts";

/**
 * Printed after a usage error's one-line reason.
 */
export const USAGE_HINT = "Run with --help for usage.";

/**
 * The usage page: every flag with its default, and an example per common
 * task.
 *
 * @param version berth's version, for the first line.
 * @returns The page, ending with a newline.
 */
export function usage(version: string): string {
  const d = DEFAULT_LIMITS;
  const cli = CLI_DEFAULTS;
  return `berth ${version} — a static file server

Usage:
  deno run --allow-net --allow-read main.ts [ROOT] [flags]

  ROOT                        the folder to serve (default: ${cli.files.root})

Listening:
  -p, --port N                TCP port; 0 picks a free one
                              (default: ${cli.listen.port}, or $PORT when --allow-env lets berth read it)
      --host HOST             interface to bind (default: ${cli.listen.hostname}, this machine only;
                              --host 0.0.0.0 exposes it on the network)
      --unix PATH             listen on a unix socket instead of TCP (default: off); Deno needs
                              --allow-read=PATH --allow-write=PATH --allow-net=unix:PATH
  -c, --cert FILE             HTTPS: the PEM certificate chain (default: off; needs --key)
  -k, --key FILE              HTTPS: the PEM private key (default: off; needs --cert)
      --no-http2              HTTP/1.1 only (default: HTTP/2 too: over HTTPS when the client
                              chooses h2 with ALPN, on plain HTTP as h2c with prior knowledge)
      --no-h2c                no h2c: on plain HTTP, a connection opening with HTTP/2's
                              preface gets 505 (default: served with HTTP/2, as proxies and
                              load balancers speak it to their origins)

Responses:
  -H, --header "Name: value"  add this header to every response; repeatable (default: none)
      --cors                  Access-Control-Allow-Origin: * and answers to preflight
                              requests (default: off)
      --dir-listing           list the files of a folder that has no index.html (default: off)
      --dotfiles              serve dotfiles and dot-folders (default: off, they are 404;
                              /.well-known/ is always served)
      --spa, --spa=FILE       single-page app: an unknown path asked for as a page gets
                              index.html, or FILE (default: off). Write FILE with "=":
                              "--spa dist" means --spa and ROOT dist
      --clean-urls            serve /about from about.html (default: off)
      --no-compress           send files as they are: no gzip, no precompressed .br/.zst/.gz
                              siblings (default: compress)
      --no-site-rules         serve ROOT/_redirects and ROOT/_headers as files instead of
                              following them (default: follow them, as Netlify and
                              Cloudflare Pages do)
      --cache-control VALUE   this Cache-Control on every file (default: no-cache for HTML,
                              a year and immutable for hashed names like app.3f9a1c2e.js,
                              must-revalidate for the rest)
      --revalidate MS         how long a file's metadata and bytes are trusted before the
                              next stat: a changed file is served within MS ms; 0 checks
                              on every request (default: ${DEFAULT_STATIC_OPTIONS.revalidateMs})
      --no-watch              do not watch ROOT for changes: only re-check files every
                              --revalidate MS (default: watch, and serve a change at once)
      --explain               say why in a Berth-Explain header on each response, and in the
                              access log: "304: If-None-Match matched ...", "404: symlink
                              leaves the root", "fast lane: 200: file" (default: off).
                              For development: it tells clients how the site is laid out
      --live-reload           reload open pages when a file under ROOT changes; a changed
                              stylesheet is swapped in place (default: off). HTML pages get a
                              <script> that listens on /.berth/live-reload. For development,
                              with one thread (not with --workers)

Accepted for @std/http's file_server commands, which run unchanged:
      --no-dir-listing, --no-dotfiles, --no-cors
                              listing, dotfiles and CORS off: std turns them on by default,
                              berth does not, so alone they change nothing; of --cors and
                              --no-cors (and the others), the last one given wins
  -c, -k, -p=N, -H=VALUE      std's short forms of --cert, --key, --port and --header;
                              -v, -V, -h and --host mean what they mean in std

Limits:
      --max-connections N     connections open at once; at the cap a new one replaces
                              an idle one, or gets 503 if all are busy
                              (default: ${d.maxConnections})
      --max-body-bytes N      largest request body; more gets 413 (default: ${d.maxBodyBytes})
      --headers-timeout MS    time for a request's head to arrive; then 408
                              (default: ${d.headersTimeoutMs})
      --body-timeout MS       time allowed between two reads of a request body; then 408,
                              or a close once the response started
                              (default: ${d.bodyTimeoutMs})
      --send-timeout MS       time a write may wait for the client to read; then the
                              connection closes (default: ${d.sendTimeoutMs})
      --keep-alive-timeout MS how long an idle connection is kept open
                              (default: ${d.keepAliveTimeoutMs})
      --shutdown-timeout MS   on SIGINT/SIGTERM, how long in-flight responses may take
                              before their connections are closed (default: ${d.shutdownTimeoutMs})

Parallelism:
      --workers N|auto        serve from N threads sharing the port with SO_REUSEPORT (Linux;
                              elsewhere one); auto is one per core (default: ${cli.workers}, the main
                              thread). Deno 2.9 gates SO_REUSEPORT: add --unstable-net, or
                              "unstable": ["net"] in deno.json. A worker that dies is restarted

Safety:
      --strict-exposure       refuse to start (exit 1) while the start-up audit finds files
                              that should never be public and would be served: .env*, .git/,
                              keys, tokens, databases, backups (default: off; they are named
                              on stderr, and served)

Output:
  -q, --quiet                 no access log (default: one line per request, to stdout)
  -v, --verbose               access log with the client's address, user agent and worker,
                              and the settings at start, on stderr (default: off)
      --log-format FORMAT     text:     GET /path 200 1560 B 0.4 ms (default)
                              clf:      Common Log Format
                              combined: Common Log Format, then referer and user agent
  -h, --help                  show this page
  -V, --version               show the version

The first line printed is "Listening on <url> — serving <root>", for scripts.
When berth was given more permissions than the run needs, the banner ends with
the exact command that is enough. Errors go to stderr. Exit status: 0 after
SIGINT/SIGTERM (in-flight responses finish first; a second signal exits at once,
130 or 143), 1 when berth cannot serve (port in use, folder or permission
missing, bad TLS files, --strict-exposure), 2 on a bad command line.

Examples:
  Serve ./static at http://127.0.0.1:8000/:
    deno run --allow-net --allow-read main.ts

  Serve ./dist on every interface, port 3000, reading only ./dist (--allow-sys lets
  the banner list the network URLs):
    deno run --allow-net --allow-read=dist --allow-sys=networkInterfaces \\
      main.ts dist --host 0.0.0.0 --port 3000

  A single-page app with CORS (unknown pages get index.html):
    deno run --allow-net --allow-read main.ts dist --spa --cors

  HTTPS:
    deno run --allow-net --allow-read main.ts --cert cert.pem --key key.pem

  Behind a reverse proxy, on a unix socket:
    deno run --allow-net=unix:/tmp/berth.sock --allow-read --allow-write=/tmp/berth.sock \\
      main.ts --unix /tmp/berth.sock

  Security headers and a short cache:
    deno run --allow-net --allow-read main.ts -H "X-Frame-Options: DENY" \\
      --cache-control "public, max-age=60"

  Every core, Common Log Format:
    deno run --unstable-net --allow-net --allow-read main.ts --workers auto --log-format clf
`;
}
