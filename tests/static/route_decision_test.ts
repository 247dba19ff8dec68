import assert from "node:assert/strict";
import {
  resolveStaticOptions,
  type StaticHandlerOptions,
  type TrailingSlashPolicy,
} from "../../src/static/options.ts";
import {
  decideRoute,
  type PathKind,
  type RouteAction,
  type RouteFacts,
  type RouteReason,
} from "../../src/static/route_decision.ts";

interface Row {
  name: string;
  input: {
    /** The URL path below the mount point, as a client sends it. */
    path: string;
    facts?: Partial<RouteFacts>;
    options?: StaticHandlerOptions;
  };
  want: RouteAction;
  /** Why, when the row checks it. */
  why?: RouteReason | null;
}

/** Facts for a path such as `/docs/`: its segments and trailing slash. */
function factsFor(path: string, more: Partial<RouteFacts> = {}): RouteFacts {
  const segments = path.split("/").filter((segment) => segment !== "");
  return {
    segments,
    trailingSlash: path.length > 1 && path.endsWith("/"),
    acceptsHtml: false,
    ...more,
  };
}

const ROWS: Row[] = [
  // What is looked at first, and what is never looked at.
  {
    name: "a path is looked at first",
    input: { path: "/a.txt" },
    want: "look-target",
    why: null,
  },
  {
    name: "a dotfile is not found, unlooked-at",
    input: { path: "/.env" },
    want: "not-found",
    why: "hidden",
  },
  {
    name: "a dot-folder is not found",
    input: { path: "/.git/config" },
    want: "not-found",
    why: "hidden",
  },
  {
    name: "/.well-known/ is looked at",
    input: { path: "/.well-known/x" },
    want: "look-target",
  },
  {
    name: "a dotfile with dotfiles on",
    input: { path: "/.env", options: { dotfiles: true } },
    want: "look-target",
  },

  // Files.
  {
    name: "a file",
    input: { path: "/a.txt", facts: { target: "file" } },
    want: "serve-target",
    why: null,
  },
  {
    name: "a file with a slash",
    input: { path: "/a.txt/", facts: { target: "file" } },
    want: "not-found",
    why: "file-with-slash",
  },
  {
    name: "a file with a slash, always",
    input: {
      path: "/a.txt/",
      facts: { target: "file" },
      options: { trailingSlash: "always" },
    },
    want: "not-found",
  },
  {
    name: "a file with a slash, never",
    input: {
      path: "/a.txt/",
      facts: { target: "file" },
      options: { trailingSlash: "never" },
    },
    want: "redirect-to-no-slash",
    why: "trailing-slash-never",
  },
  {
    name: "a file with a slash, ignore",
    input: {
      path: "/a.txt/",
      facts: { target: "file" },
      options: { trailingSlash: "ignore" },
    },
    want: "serve-target",
  },
  {
    name: "a forbidden path",
    input: { path: "/a.txt", facts: { target: "forbidden" } },
    want: "forbidden",
    why: "forbidden",
  },

  // Folders: the canonical slash form, then the index, then a listing.
  {
    name: "a folder without its slash",
    input: { path: "/docs", facts: { target: "directory" } },
    want: "redirect-to-slash",
    why: "directory-slash",
  },
  {
    name: "a folder without its slash, always",
    input: {
      path: "/docs",
      facts: { target: "directory" },
      options: { trailingSlash: "always" },
    },
    want: "redirect-to-slash",
  },
  {
    name: "a folder without its slash, never",
    input: {
      path: "/docs",
      facts: { target: "directory" },
      options: { trailingSlash: "never" },
    },
    want: "look-index",
  },
  {
    name: "a folder without its slash, ignore",
    input: {
      path: "/docs",
      facts: { target: "directory" },
      options: { trailingSlash: "ignore" },
    },
    want: "look-index",
  },
  {
    name: "a folder with its slash",
    input: { path: "/docs/", facts: { target: "directory" } },
    want: "look-index",
  },
  {
    name: "a folder with its slash, never",
    input: {
      path: "/docs/",
      facts: { target: "directory" },
      options: { trailingSlash: "never" },
    },
    want: "redirect-to-no-slash",
    why: "trailing-slash-never",
  },
  {
    name: "a folder with its slash, ignore",
    input: {
      path: "/docs/",
      facts: { target: "directory" },
      options: { trailingSlash: "ignore" },
    },
    want: "look-index",
  },
  {
    name: "the root has one form",
    input: { path: "/", facts: { target: "directory" } },
    want: "look-index",
  },
  {
    name: "the root has one form, never",
    input: {
      path: "/",
      facts: { target: "directory" },
      options: { trailingSlash: "never" },
    },
    want: "look-index",
  },
  {
    name: "the mount point without its slash",
    input: {
      path: "/",
      facts: { target: "directory" },
      options: { urlRoot: "static" },
    },
    want: "redirect-to-slash",
  },
  {
    name: "a folder's index file",
    input: { path: "/docs/", facts: { target: "directory", index: "file" } },
    want: "serve-index",
    why: "index",
  },
  {
    name: "a folder's forbidden index",
    input: {
      path: "/docs/",
      facts: { target: "directory", index: "forbidden" },
    },
    want: "forbidden",
  },
  {
    name: "a folder without index",
    input: { path: "/docs/", facts: { target: "directory", index: "missing" } },
    want: "not-found",
    why: "no-index",
  },
  {
    name: "a folder without index, listing",
    input: {
      path: "/docs/",
      facts: { target: "directory", index: "missing" },
      options: { listing: true },
    },
    want: "list",
    why: "listing",
  },
  {
    name: "a folder's index wins over a listing",
    input: {
      path: "/docs/",
      facts: { target: "directory", index: "file" },
      options: { listing: true },
    },
    want: "serve-index",
  },

  // Nothing there: not found, unless clean URLs or the SPA fallback apply.
  {
    name: "a missing file",
    input: { path: "/a.txt", facts: { target: "missing" } },
    want: "not-found",
    why: "missing",
  },
  {
    name: "a missing name without extension, no options",
    input: { path: "/about", facts: { target: "missing" } },
    want: "not-found",
  },
  {
    name: "a clean URL is looked at",
    input: {
      path: "/about",
      facts: { target: "missing" },
      options: { cleanUrls: true },
    },
    want: "look-clean-url",
  },
  {
    name: "no clean URL for a name with an extension",
    input: {
      path: "/about.x",
      facts: { target: "missing" },
      options: { cleanUrls: true },
    },
    want: "not-found",
  },
  {
    name: "no clean URL for a dotted name",
    input: {
      path: "/v1.2",
      facts: { target: "missing" },
      options: { cleanUrls: true },
    },
    want: "not-found",
  },
  {
    name: "a clean URL",
    input: {
      path: "/about",
      facts: { target: "missing", cleanUrl: "file" },
      options: { cleanUrls: true },
    },
    want: "serve-clean-url",
    why: "clean-url",
  },
  {
    name: "a clean URL with a slash",
    input: {
      path: "/about/",
      facts: { target: "missing", cleanUrl: "file" },
      options: { cleanUrls: true },
    },
    want: "redirect-to-no-slash",
    why: "clean-url-slash",
  },
  {
    name: "a clean URL with a slash, never",
    input: {
      path: "/about/",
      facts: { target: "missing", cleanUrl: "file" },
      options: { cleanUrls: true, trailingSlash: "never" },
    },
    want: "redirect-to-no-slash",
  },
  {
    name: "a clean URL with a slash, ignore",
    input: {
      path: "/about/",
      facts: { target: "missing", cleanUrl: "file" },
      options: { cleanUrls: true, trailingSlash: "ignore" },
    },
    want: "serve-clean-url",
  },
  {
    name: "a clean URL with a slash, always",
    input: {
      path: "/about/",
      facts: { target: "missing", cleanUrl: "file" },
      options: { cleanUrls: true, trailingSlash: "always" },
    },
    want: "serve-clean-url",
  },
  {
    name: "a clean URL without a slash, always",
    input: {
      path: "/about",
      facts: { target: "missing", cleanUrl: "file" },
      options: { cleanUrls: true, trailingSlash: "always" },
    },
    want: "redirect-to-slash",
    why: "trailing-slash-always",
  },
  {
    name: "a clean URL without a slash, never",
    input: {
      path: "/about",
      facts: { target: "missing", cleanUrl: "file" },
      options: { cleanUrls: true, trailingSlash: "never" },
    },
    want: "serve-clean-url",
  },
  {
    name: "a forbidden clean URL page",
    input: {
      path: "/about",
      facts: { target: "missing", cleanUrl: "forbidden" },
      options: { cleanUrls: true },
    },
    want: "forbidden",
  },
  {
    name: "a clean URL page that is a folder",
    input: {
      path: "/about",
      facts: { target: "missing", cleanUrl: "directory" },
      options: { cleanUrls: true },
    },
    want: "not-found",
  },
  {
    name: "a missing clean URL page",
    input: {
      path: "/about",
      facts: { target: "missing", cleanUrl: "missing" },
      options: { cleanUrls: true },
    },
    want: "not-found",
  },
  {
    name: "the SPA fallback is looked at",
    input: {
      path: "/app/42",
      facts: { target: "missing", acceptsHtml: true },
      options: { spa: true },
    },
    want: "look-spa",
  },
  {
    name: "the SPA fallback",
    input: {
      path: "/app/42",
      facts: { target: "missing", acceptsHtml: true, spa: "file" },
      options: { spa: true },
    },
    want: "serve-spa",
    why: "spa",
  },
  {
    name: "the SPA fallback with a slash",
    input: {
      path: "/app/42/",
      facts: { target: "missing", acceptsHtml: true, spa: "file" },
      options: { spa: true },
    },
    want: "serve-spa",
  },
  {
    name: "a missing SPA fallback",
    input: {
      path: "/app/42",
      facts: { target: "missing", acceptsHtml: true, spa: "missing" },
      options: { spa: true },
    },
    want: "not-found",
  },
  {
    name: "a forbidden SPA fallback",
    input: {
      path: "/app/42",
      facts: { target: "missing", acceptsHtml: true, spa: "forbidden" },
      options: { spa: true },
    },
    want: "not-found",
  },
  {
    name: "no SPA fallback without Accept: text/html",
    input: {
      path: "/app/42",
      facts: { target: "missing" },
      options: { spa: true },
    },
    want: "not-found",
  },
  {
    name: "no SPA fallback for an asset",
    input: {
      path: "/app.js",
      facts: { target: "missing", acceptsHtml: true },
      options: { spa: true },
    },
    want: "not-found",
  },
  {
    name: "no SPA fallback when off",
    input: { path: "/app/42", facts: { target: "missing", acceptsHtml: true } },
    want: "not-found",
  },
  {
    name: "a clean URL before the SPA fallback",
    input: {
      path: "/about",
      facts: { target: "missing", acceptsHtml: true },
      options: { cleanUrls: true, spa: true },
    },
    want: "look-clean-url",
  },
  {
    name: "the SPA fallback after a missing clean URL",
    input: {
      path: "/about",
      facts: { target: "missing", acceptsHtml: true, cleanUrl: "missing" },
      options: { cleanUrls: true, spa: true },
    },
    want: "look-spa",
  },
  {
    name: "no SPA fallback after a forbidden clean URL",
    input: {
      path: "/about",
      facts: { target: "missing", acceptsHtml: true, cleanUrl: "forbidden" },
      options: { cleanUrls: true, spa: true },
    },
    want: "forbidden",
  },
  {
    name: "no SPA fallback for a forbidden path",
    input: {
      path: "/about",
      facts: { target: "forbidden", acceptsHtml: true },
      options: { spa: true },
    },
    want: "forbidden",
  },
  {
    name: "no SPA fallback for a folder without index",
    input: {
      path: "/docs/",
      facts: { target: "directory", index: "missing", acceptsHtml: true },
      options: { spa: true },
    },
    want: "not-found",
  },
];

for (const { name, input, want, why } of ROWS) {
  Deno.test(`decideRoute() decides ${name}`, () => {
    const facts = factsFor(input.path, input.facts);
    const decision = decideRoute(facts, resolveStaticOptions(input.options));
    assert.equal(decision.action, want);
    if (why !== undefined) assert.equal(decision.why, why);
  });
}

const KINDS: readonly PathKind[] = [
  "file",
  "directory",
  "forbidden",
  "missing",
];
const POLICIES: readonly TrailingSlashPolicy[] = [
  "redirect",
  "always",
  "never",
  "ignore",
];
const LOOKED_AT = {
  "look-target": "target",
  "look-index": "index",
  "look-clean-url": "cleanUrl",
  "look-spa": "spa",
} as const;
const SERVED = {
  "serve-target": "target",
  "serve-index": "index",
  "serve-clean-url": "cleanUrl",
  "serve-spa": "spa",
} as const;

Deno.test("decideRoute() looks at each fact once, and serves the last one looked at", () => {
  let decided = 0;
  for (
    const path of ["/", "/a", "/a/", "/a.txt", "/a.txt/", "/.env", "/x/y"]
  ) {
    for (const trailingSlash of POLICIES) {
      for (const flags of [0, 1, 2, 3, 4, 5, 6, 7]) {
        const policy = resolveStaticOptions({
          trailingSlash,
          cleanUrls: (flags & 1) !== 0,
          spa: (flags & 2) !== 0,
          listing: (flags & 4) !== 0,
        });
        // Every world the four facts can describe.
        for (let world = 0; world < 4 ** 4; world++) {
          const disk = {
            target: KINDS[world % 4],
            index: KINDS[(world >> 2) % 4],
            cleanUrl: KINDS[(world >> 4) % 4],
            spa: KINDS[(world >> 6) % 4],
          };
          const facts = factsFor(path, { acceptsHtml: true });
          const looked: string[] = [];
          let decision = decideRoute(facts, policy);
          while (decision.action in LOOKED_AT) {
            assert.equal(decision.why, null, "a look says no why");
            const fact = LOOKED_AT[decision.action as keyof typeof LOOKED_AT];
            assert.equal(facts[fact], undefined, `${fact} looked at twice`);
            facts[fact] = disk[fact];
            looked.push(fact);
            decision = decideRoute(facts, policy);
          }
          const { action } = decision;
          if (action in SERVED) {
            const fact = SERVED[action as keyof typeof SERVED];
            assert.equal(looked.at(-1), fact, `${path}: ${action}`);
            assert.equal(facts[fact], "file");
          }
          // Every answer says why, but a file served as named.
          assert.equal(
            decision.why === null,
            action === "serve-target",
            `${path}: ${action} ${decision.why}`,
          );
          decided++;
        }
      }
    }
  }
  assert.equal(decided, 7 * 4 * 8 * 256);
});
