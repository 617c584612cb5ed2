/**
 * A/B cold starts from V8 startup snapshots: bundles of bench/ab/build-bundle.ts, each with its
 * render.blob built (bench/ab/snapshot-profile.ts builds one; so does `node --snapshot-blob
 * render.blob --build-snapshot snapshot-entry.js` in the folder with LETTERPRESS_SNAPSHOT_ASSETS set),
 * started in turn A B A B ... so both sides meet the same load. Prints medians of the time to the
 * first PDF bytes, of the process's CPU and of its own phases, and whether every PDF is the same bytes.
 *
 *   npx tsx bench/ab/snapshot-ab.ts --runs 9 --locales en,ar --variant before=/tmp/ab/before --variant after=/tmp/ab/after
 *     [--variant "gc=/tmp/ab/after|--single-threaded-gc"]
 */
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { ColdReport } from "../entry/cold-run";
import { lastJsonLine, runNode, runNodeFromSnapshot } from "../processes";
import { summarize } from "../stats";

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: "string", default: "7" }, locales: { type: "string", default: "en" }, variant: { type: "string", multiple: true } } });
  // label=DIR, or label=DIR|node flags (before --snapshot-blob: V8 flags NODE_OPTIONS refuses).
  const variants = (values.variant ?? []).map((text) => {
    const [head = "", flags = ""] = text.split("|");
    return { label: head.slice(0, head.indexOf("=")), dir: resolve(head.slice(head.indexOf("=") + 1)), nodeArgs: flags.split(" ").filter(Boolean) };
  });
  if (variants.length < 2) throw new Error("usage: snapshot-ab.ts --variant a=DIR --variant b=DIR [--runs 7] [--locales en,ar]");
  for (const locale of (values.locales ?? "en").split(",")) {
    const samples = new Map(variants.map((variant) => [variant.label, [] as (ColdReport & { wallMs: number })[]]));
    const pdfs = new Set<string>();
    for (let run = 0; run < Number(values.runs); run++) {
      for (const variant of run % 2 === 0 ? variants : [...variants].reverse()) {
        const args = { mode: "cold", locale, templatesDir: join(variant.dir, "templates"), fontDir: join(variant.dir, "fonts"), dataDir: join(variant.dir, "data") };
        const result =
          variant.nodeArgs.length === 0
            ? await runNodeFromSnapshot(join(variant.dir, "render.blob"), args, variant.dir)
            : await runNode(join(variant.dir, "render.blob"), args, { nodeArgs: [...variant.nodeArgs, "--snapshot-blob"], cwd: variant.dir });
        if (result.code !== 0 || result.firstStdoutAt === undefined) throw new Error(`${variant.label} ${locale}: ${result.stderr.slice(-2000)}`);
        samples.get(variant.label)?.push({ ...lastJsonLine<ColdReport>(result.stderr, variant.label), wallMs: result.firstStdoutAt - result.spawnedAt });
        pdfs.add(result.stdout.toString("base64"));
      }
    }
    const median = (values: number[]) => summarize(values).median.toFixed(1);
    process.stdout.write(`\n${locale} (${values.runs} runs each, interleaved; same PDF bytes: ${pdfs.size === 1 ? "yes" : `NO, ${pdfs.size} different`})\n`);
    process.stdout.write("variant  first-bytes  cpu  restored  letter-loaded  pdf-rendered  maxRSS-MB | CPU: to-main  letter  pdf\n");
    for (const [label, list] of samples) {
      process.stdout.write(
        `${label.padEnd(8)} ${median(list.map((s) => s.wallMs)).padStart(11)} ${median(list.map((s) => s.cpuMs)).padStart(6)} ${median(list.map((s) => s.mainStartMs)).padStart(9)} ${median(list.map((s) => s.letterLoadedMs)).padStart(14)} ${median(list.map((s) => s.pdfRenderedMs)).padStart(13)} ${median(list.map((s) => s.maxRssKb / 1024)).padStart(10)} | ${median(list.map((s) => s.cpuAtMs.mainStart)).padStart(12)} ${median(list.map((s) => s.cpuAtMs.letterLoaded - s.cpuAtMs.rendererReady)).padStart(7)} ${median(list.map((s) => s.cpuMs - s.cpuAtMs.letterLoaded)).padStart(5)}\n`,
      );
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`snapshot-ab: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
