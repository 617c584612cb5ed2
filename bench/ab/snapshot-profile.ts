/**
 * Where a cold start from the V8 startup snapshot spends its CPU: the bench's snapshot entry bundled
 * again with a source map into a bundle of bench/ab/build-bundle.ts, its blob built with the render
 * function's flags, then `--runs` processes per language started from it under `node --cpu-prof`,
 * frames mapped back to their sources, self time by package or file averaged over the runs.
 *
 *   npx tsx bench/ab/snapshot-profile.ts --bundle /tmp/ab/after --locales en,ar --runs 3 [--top 25]
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { SourceMap } from "node:module";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import type { LocaleId } from "../../functions/core/locales";
import { buildSnapshot, type Bundle, bundleSnapshotEntry } from "../bundle";
import { type CpuProfile, summarizeProfile } from "../profile";
import { runNode } from "../processes";
import { ProfileTotals } from "./profile-totals";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { bundle: { type: "string" }, locales: { type: "string", default: "en" }, runs: { type: "string", default: "3" }, top: { type: "string", default: "25" } },
  });
  if (!values.bundle) throw new Error("usage: snapshot-profile.ts --bundle DIR [--locales en,zh] [--runs 3]");
  const dir = resolve(values.bundle);
  const snapshotEntry = join(dir, "snapshot-entry.js");
  await bundleSnapshotEntry(dir, { sourcemap: true });
  const bundle = { dir, snapshotEntry } as Bundle;
  const snapshot = await buildSnapshot(bundle);
  const map = new SourceMap(JSON.parse(await readFile(`${snapshotEntry}.map`, "utf8")));
  const entryUrl = pathToFileURL(snapshotEntry).href;
  for (const locale of (values.locales ?? "en").split(",") as LocaleId[]) {
    const totals = new ProfileTotals();
    const runs = Number(values.runs);
    for (let run = 0; run < runs; run++) {
      const profDir = await mkdtemp(join(tmpdir(), "letterpress-snapshot-profile-"));
      const args = { mode: "cold", locale, templatesDir: join(dir, "templates"), fontDir: join(dir, "fonts"), dataDir: join(dir, "data") };
      // runNode puts the script before the arguments: here the "script" is the blob, after --snapshot-blob.
      const result = await runNode(snapshot.blob, args, { nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${profDir}`, "--cpu-prof-interval=100", "--snapshot-blob"], cwd: dir });
      if (result.code !== 0) throw new Error(`snapshot run ${locale}: ${result.stderr.slice(-2000)}`);
      process.stdout.write(`${result.stderr.trim().split("\n").at(-1)}\n`);
      const file = (await readdir(profDir)).find((name) => name.endsWith(".cpuprofile"));
      const profile = JSON.parse(await readFile(join(profDir, file ?? "none"), "utf8")) as CpuProfile;
      await rm(profDir, { recursive: true, force: true });
      const summary = summarizeProfile(profile, locale, 1, {
        withLines: true,
        top: 40,
        resolveFrame: (frame) => {
          if (frame.url !== entryUrl && frame.url !== snapshotEntry) return frame;
          const entry = map.findEntry(frame.lineNumber, frame.columnNumber ?? 0);
          if (!("originalSource" in entry) || typeof entry.originalSource !== "string") return frame;
          const source = entry.originalSource.startsWith("file://") ? entry.originalSource : pathToFileURL(resolve(dir, entry.originalSource)).href;
          return { functionName: (entry as { name?: string }).name ?? frame.functionName, url: source, lineNumber: entry.originalLine };
        },
      });
      totals.add(summary);
    }
    totals.print(locale, Number(values.top), 40);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`snapshot-profile: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
