/**
 * Where a cold start's CPU goes, for one bundle built by bench/ab/build-bundle.ts: the bench's own
 * cold profile (bench/profile.ts: `node --cpu-prof`, frames mapped through the bundle's source
 * map), `--runs` processes per language, self time by package or file averaged over them.
 *
 *   npx tsx bench/ab/cold-profile.ts --bundle /tmp/ab/after --locales en,zh --runs 3 [--top 25]
 */
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { LocaleId } from "../../functions/core/locales";
import type { Bundle } from "../bundle";
import { profileColdStart } from "../profile";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { bundle: { type: "string" }, locales: { type: "string", default: "en" }, runs: { type: "string", default: "3" }, top: { type: "string", default: "25" } },
  });
  if (!values.bundle) throw new Error("usage: cold-profile.ts --bundle DIR [--locales en,zh] [--runs 3]");
  const dir = resolve(values.bundle);
  const bundle: Bundle = {
    dir,
    renderEntry: join(dir, "render-entry.js"),
    batchWorker: join(dir, "batch-worker.js"),
    snapshotEntry: join(dir, "snapshot-entry.js"),
    templatesDir: join(dir, "templates"),
    fontDir: join(dir, "fonts"),
    dataDir: join(dir, "data"),
    sizes: { renderEntry: 0, batchWorker: 0, handler: 0 },
    remove: async () => {},
  };
  for (const locale of (values.locales ?? "en").split(",") as LocaleId[]) {
    const totals = new Map<string, number>();
    const functions = new Map<string, number>();
    let total = 0;
    const runs = Number(values.runs);
    for (let run = 0; run < runs; run++) {
      const summary = await profileColdStart(bundle, locale);
      for (const entry of summary.functions) functions.set(`${entry.name} ${entry.location}`, (functions.get(`${entry.name} ${entry.location}`) ?? 0) + entry.ms);
      total += summary.totalMs;
      for (const category of summary.categories) totals.set(category.name, (totals.get(category.name) ?? 0) + category.ms);
    }
    process.stdout.write(`\n${locale}: ${(total / runs).toFixed(0)} ms of samples per process (mean of ${runs})\n`);
    for (const [name, ms] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top)))
      process.stdout.write(`${(ms / runs).toFixed(1).padStart(8)} ms ${((ms / total) * 100).toFixed(1).padStart(5)}%  ${name}\n`);
    process.stdout.write("top functions (each run's top 15, summed):\n");
    for (const [name, ms] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, 25)) process.stdout.write(`${(ms / runs).toFixed(1).padStart(8)} ms  ${name}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`cold-profile: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
