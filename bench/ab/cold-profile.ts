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
import { ProfileTotals } from "./profile-totals";

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
    const totals = new ProfileTotals();
    for (let run = 0; run < Number(values.runs); run++) totals.add(await profileColdStart(bundle, locale));
    totals.print(locale, Number(values.top), 25);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`cold-profile: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
