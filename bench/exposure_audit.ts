// deno-lint-ignore-file no-console
/**
 * What the start-up exposure audit costs: `auditExposure()` over generated
 * trees — small, exactly at its entry limit, and four times over it (where
 * it must stop at the limit) — with a few findings in each. Prints the
 * median wall time of several runs and what the audit saw.
 *
 *   deno run --allow-read --allow-write bench/exposure_audit.ts [--reps 7]
 *
 * The trees live in a temporary folder, removed at the end.
 *
 * @module
 */

import { parseArgs } from "node:util";
import {
  auditExposure,
  DEFAULT_AUDIT_BOUNDS,
} from "../src/static/exposure_audit.ts";
import { median } from "./http/cases.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { reps: { type: "string", default: "7" } },
});
const REPS = Number(values.reps);

/** A tree of `folders` folders of `files` files each, two of them keys. */
async function makeTree(dir: string, folders: number, files: number) {
  await Deno.mkdir(dir);
  for (let f = 0; f < folders; f++) {
    const folder = `${dir}/d${f}`;
    await Deno.mkdir(folder);
    for (let i = 0; i < files; i++) {
      await Deno.writeTextFile(`${folder}/page${i}.html`, "<p>x</p>");
    }
  }
  await Deno.writeTextFile(`${dir}/id_rsa`, "key");
  await Deno.writeTextFile(
    `${dir}/d0/server.pem`,
    "-----BEGIN PRIVATE KEY-----\nMIIE\n",
  );
}

const base = await Deno.makeTempDir({ prefix: "berth-audit-bench-" });
try {
  const limit = DEFAULT_AUDIT_BOUNDS.maxEntries;
  // folders × (files + 1) + 2 entries: 101, exactly the limit, ~4 times it.
  const cases: [number, number][] = [[9, 10], [49, 101], [196, 101]];
  console.log(
    `(limit: ${limit} entries, ${DEFAULT_AUDIT_BOUNDS.timeBudgetMs} ms)`,
  );
  console.log(`| tree | entries seen | findings | stopped by | median ms |`);
  console.log(`| ---- | ------------ | -------- | ---------- | --------- |`);
  for (const [folders, files] of cases) {
    const name = `${folders * (files + 1) + 2} entries`;
    const root = `${base}/t${folders}`;
    await makeTree(root, folders, files);
    const times: number[] = [];
    let last;
    for (let rep = 0; rep < REPS; rep++) {
      const start = performance.now();
      last = await auditExposure(root);
      times.push(performance.now() - start);
    }
    console.log(
      `| ${name} | ${last!.entriesSeen} | ${last!.findings.length} | ${
        last!.stoppedBy ?? "—"
      } | ${median(times).toFixed(1)} |`,
    );
  }
} finally {
  await Deno.remove(base, { recursive: true });
}
