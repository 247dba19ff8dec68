import assert from "node:assert/strict";
import {
  type GrantQuery,
  leastPrivilege,
  leastPrivilegeLines,
  mainModuleArg,
  type PrivilegeNeeds,
} from "../../src/cli/least_privilege.ts";

/** What a `deno run` command line grants, as Deno answers queries of it. */
interface Grants {
  all?: ("read" | "write" | "net" | "env" | "sys" | "run" | "ffi")[];
  read?: string[];
  write?: string[];
  /** `host` (every port) or `host:port`. */
  net?: string[];
  env?: string[];
  sys?: string[];
}

function inside(dir: string, path: string): boolean {
  return path === dir || path.startsWith(dir === "/" ? "/" : dir + "/");
}

function grants(given: Grants): GrantQuery {
  return (d) => {
    if (given.all?.includes(d.name as never)) return true;
    switch (d.name) {
      case "read":
      case "write": {
        const path = d.path === undefined ? undefined : String(d.path);
        return path !== undefined &&
          (given[d.name] ?? []).some((dir) => inside(dir, path));
      }
      case "net":
        return d.host !== undefined &&
          (given.net ?? []).some((h) =>
            h === d.host || d.host!.startsWith(h + ":")
          );
      case "env":
        return d.variable !== undefined &&
          (given.env ?? []).includes(d.variable);
      case "sys":
        return d.kind !== undefined && (given.sys ?? []).includes(d.kind);
      default:
        return false;
    }
  };
}

/** berth in /work/site serving /work/site/public on 127.0.0.1:8000. */
const NEEDS: PrivilegeNeeds = {
  root: "/work/site/public",
  listen: { transport: "tcp", hostname: "127.0.0.1", port: 8000 },
  tlsFiles: [],
  workingDirectory: null,
  portFromEnv: false,
  listsInterfaces: false,
};

const EXACT: Grants = {
  read: ["/work/site/public"],
  net: ["127.0.0.1:8000"],
};

Deno.test("leastPrivilege() is null when what was granted is what the run needs", () => {
  assert.equal(leastPrivilege(NEEDS, grants(EXACT)), null);
  // A grant for another host cannot be seen from inside the process.
  assert.equal(
    leastPrivilege(NEEDS, grants({ ...EXACT, net: ["127.0.0.1:8000", "x"] })),
    null,
  );
});

Deno.test("leastPrivilege() names what was granted beyond the need", () => {
  const table: [Grants, string[]][] = [
    [{ ...EXACT, all: ["read"] }, ["read: every file"]],
    [{ ...EXACT, read: ["/work"] }, ["read: /work"]],
    [{ ...EXACT, read: ["/"] }, ["read: /"]],
    [{ ...EXACT, all: ["net"] }, ["net: every host"]],
    [{ ...EXACT, net: ["127.0.0.1"] }, ["net: every port of 127.0.0.1"]],
    [{ ...EXACT, write: ["/work/site/public"] }, [
      "write: /work/site/public",
    ]],
    [{ ...EXACT, write: ["/work"] }, ["write: /work"]],
    [{ ...EXACT, all: ["write"] }, ["write: every file"]],
    [{ ...EXACT, all: ["env", "sys", "run", "ffi"] }, [
      "env: every variable",
      "sys: every kind",
      "run: any program",
      "ffi: any library",
    ]],
    [{ all: ["read", "net"] }, ["read: every file", "net: every host"]],
    [
      { all: ["read", "write", "net", "env", "sys", "run", "ffi"] },
      ["everything: --allow-all"],
    ],
  ];
  for (const [given, beyond] of table) {
    const hint = leastPrivilege(NEEDS, grants(given));
    assert.deepEqual(hint?.beyond, beyond, JSON.stringify(given));
    assert.deepEqual(hint?.flags, [
      "--allow-read=/work/site/public",
      "--allow-net=127.0.0.1:8000",
    ]);
  }
});

Deno.test("leastPrivilege() keeps read access to the working directory when berth holds folders through it", () => {
  const all: Grants = { all: ["read", "net"] };
  // The root inside the working directory: `.` covers it.
  const within = leastPrivilege(
    { ...NEEDS, root: "public", workingDirectory: Deno.cwd() },
    grants(all),
  );
  assert.deepEqual(within?.flags, [
    "--allow-read=.",
    "--allow-net=127.0.0.1:8000",
  ]);
  assert.equal(within?.narrowerRead, "./public");
  // Elsewhere: both, and the line says why.
  const apart = leastPrivilege(
    { ...NEEDS, workingDirectory: "/home/me" },
    grants(all),
  );
  assert.deepEqual(apart?.flags, [
    "--allow-read=/work/site/public,.",
    "--allow-net=127.0.0.1:8000",
  ]);
  assert.equal(apart?.narrowerRead, "/work/site/public");
  // Serving the working directory itself (or a folder above it): nothing
  // to add, nothing to explain.
  for (const root of [".", "/work/site"]) {
    const same = leastPrivilege(
      {
        ...NEEDS,
        root,
        workingDirectory: root === "." ? Deno.cwd() : "/work/site/public",
      },
      grants(all),
    );
    assert.deepEqual(same?.flags, [
      `--allow-read=${root}`,
      "--allow-net=127.0.0.1:8000",
    ]);
    assert.equal(same?.narrowerRead, null);
  }
  // Granted exactly, the working directory is no more than the need.
  assert.equal(
    leastPrivilege(
      { ...NEEDS, workingDirectory: "/home/me" },
      grants({ ...EXACT, read: ["/work/site/public", "/home/me"] }),
    ),
    null,
  );
});

Deno.test("leastPrivilege() reads TLS files and berth's modules, writes and listens on a unix socket", () => {
  const all = grants({ all: ["read", "write", "net"] });
  const tls = leastPrivilege({
    ...NEEDS,
    tlsFiles: [
      { path: "/etc/tls/cert.pem", what: "certificate" },
      { path: "/work/site/public/../key.pem", what: "key" },
    ],
    modulesDir: "/opt/berth/src",
    portFromEnv: true,
    listsInterfaces: true,
  }, all);
  assert.deepEqual(tls?.flags, [
    "--allow-read=/work/site/public,/etc/tls/cert.pem,/work/site/public/../key.pem,/opt/berth/src",
    "--allow-net=127.0.0.1:8000",
    "--allow-env=PORT",
    "--allow-sys=networkInterfaces",
  ]);
  const unix = leastPrivilege({
    ...NEEDS,
    listen: { transport: "unix", path: "/run/berth.sock" },
  }, all);
  assert.deepEqual(unix?.flags, [
    "--allow-read=/work/site/public,/run/berth.sock",
    "--allow-write=/run/berth.sock",
    "--allow-net=unix:/run/berth.sock",
  ]);
  // Any port of the host is the need when the port is 0.
  const anyPort = leastPrivilege({
    ...NEEDS,
    listen: { transport: "tcp", hostname: "::1", port: 0 },
  }, grants({ read: ["/work/site/public"], net: ["[::1]"], all: ["env"] }));
  assert.deepEqual(anyPort?.beyond, ["env: every variable"]);
  assert.deepEqual(anyPort?.flags, [
    "--allow-read=/work/site/public",
    "--allow-net=[::1]",
  ]);
});

Deno.test("leastPrivilegeLines() shows the command to run instead, quoted for a shell, set off as the banner's hints", () => {
  const hint = {
    beyond: ["read: every file"],
    flags: ["--allow-read=.", "--allow-net=127.0.0.1:8000"],
    narrowerRead: "./site",
  };
  const run = {
    main: "main.ts",
    args: ["site", "-H", "X-Frame-Options: DENY", "--workers", "2"],
    unstableNet: true,
    color: false,
  };
  const lines = leastPrivilegeLines(hint, run);
  assert.equal(
    lines[0],
    "  This run needs less than it was given (read: every file). Least privilege:",
  );
  assert.equal(
    lines[1],
    "    deno run --allow-read=. --allow-net=127.0.0.1:8000 --unstable-net main.ts site -H 'X-Frame-Options: DENY' --workers 2",
  );
  assert.match(lines[2], /^ {4}\(\. is the working directory: /);
  assert.match(lines[2], /--allow-read=\.\/site alone is narrower/);
  assert.equal(lines.length, 3);
  // Run with --allow-all on Linux, folders are held by descriptor: the
  // narrower command would trade a closed race for a narrowed one, and the
  // lines say so.
  const all = leastPrivilegeLines(hint, { ...run, descriptorMode: true });
  assert.match(
    all[3],
    /--allow-all is what lets berth hold folders by descriptor, which closes a symlink swap race inside the root; with this command the race is narrowed, not closed/,
  );
  assert.deepEqual(
    leastPrivilegeLines(hint, { ...run, color: true }),
    lines.map((line) => `\x1b[2m${line}\x1b[22m`),
  );
  assert.equal(
    leastPrivilegeLines(
      { beyond: ["net: every host"], flags: [], narrowerRead: null },
      {
        main: "https://jsr.io/@berth/berth/0.1.0/main.ts",
        args: ["it's"],
        unstableNet: false,
        color: false,
      },
    )[1],
    `    deno run https://jsr.io/@berth/berth/0.1.0/main.ts 'it'\\''s'`,
  );
});

Deno.test("mainModuleArg() names main.ts relative to the working directory when inside it", () => {
  assert.equal(
    mainModuleArg("file:///work/berth/main.ts", "/work/berth"),
    "main.ts",
  );
  assert.equal(
    mainModuleArg("file:///work/berth/main.ts", "/work/site"),
    "/work/berth/main.ts",
  );
  assert.equal(
    mainModuleArg("file:///work/my%20berth/main.ts", null),
    "/work/my berth/main.ts",
  );
  assert.equal(
    mainModuleArg("https://jsr.io/@berth/berth/0.1.0/main.ts", "/work"),
    "https://jsr.io/@berth/berth/0.1.0/main.ts",
  );
});
