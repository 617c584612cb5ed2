/**
 * A/B of the batch (issue 17 item 3): the batch worker of a git revision (A, default HEAD) against
 * the working tree's (B), each bundled as the bench bundles it, run in turn on the same jobs, the
 * same embedded S3 code and the same assets (the tree's), alternating which goes first. The machine
 * is shared: read the ratios of one run (wall, worker CPU, S3 server CPU) and the requests per
 * document; failures must be 0 on both sides.
 *
 *   npx tsx bench/ab/batch-ab.ts [--base REV] [--letters 200] [--rounds 3] [--workers 2] [--no-store]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { loadLetter } from "../../functions/letters/load-letters";
import { LAMBDA_BUNDLE } from "../../infra/bundling/lambda-bundle";
import { buildBundle, REPO_ROOT } from "../bundle";
import { type BatchResult, measureBatch } from "../measure-batch";
import { BENCH_LETTER_ID, batchJobs, localeAvailability } from "../workload";
import { DEFAULT_TEMPLATE } from "../../functions/core/letter/schema";
import { catalogLocales } from "../../functions/templates/load-template-set";

const { values } = parseArgs({
  options: {
    base: { type: "string", default: "HEAD" },
    letters: { type: "string", default: "200" },
    rounds: { type: "string", default: "3" },
    workers: { type: "string", default: "2" },
    "no-store": { type: "boolean", default: false },
  },
});

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "batch-ab-"));
  const bundle = await buildBundle();
  try {
    const rootA = join(work, "a");
    execFileSync("sh", ["-c", `mkdir -p ${rootA} && git -C ${REPO_ROOT} archive ${values.base} | tar -x -C ${rootA}`]);
    symlinkSync(join(REPO_ROOT, "node_modules"), join(rootA, "node_modules"));
    await build({
      entryPoints: { "batch-worker-a": join(rootA, "bench/entry/batch-worker.ts") },
      outdir: bundle.dir,
      bundle: true,
      ...LAMBDA_BUNDLE,
      mainFields: [...LAMBDA_BUNDLE.mainFields],
      logLevel: "error",
    });
    const workerA = join(bundle.dir, "batch-worker-a.js");
    const parsed = await loadLetter(join(REPO_ROOT, "data"), BENCH_LETTER_ID);
    const locales = localeAvailability(parsed, catalogLocales(join(REPO_ROOT, "templates"), DEFAULT_TEMPLATE))
      .filter((entry) => entry.available)
      .map((entry) => entry.locale);
    const jobs = batchJobs(parsed, locales, Number(values.letters));
    const options = { workers: Number(values.workers), lanes: 4, chunk: 8, store: !values["no-store"] };
    const a: BatchResult[] = [];
    const b: BatchResult[] = [];
    const runA = async () => a.push(await measureBatch({ ...bundle, batchWorker: workerA }, jobs, options));
    const runB = async () => b.push(await measureBatch(bundle, jobs, options));
    console.log(
      `A = ${values.base}, B = working tree; ${jobs.length} letters (${locales.length} languages), store ${options.store}, ${values.rounds} rounds; load ${loadavg()
        .map((x) => x.toFixed(2))
        .join(" ")}`,
    );
    for (let round = 0; round < Number(values.rounds); round++) {
      if (round % 2 === 0) {
        await runA();
        await runB();
      } else {
        await runB();
        await runA();
      }
    }
    const row = (name: string, rs: BatchResult[]) => {
      const docs = rs[0]?.documents ?? 1;
      const req = rs[0]?.requests ?? { put: 0, head: 0, get: 0, other: 0 };
      return `| ${name} | ${median(rs.map((r) => r.wallMs / 1000)).toFixed(2)} | ${median(rs.map((r) => r.workerCpuMs / 1000)).toFixed(2)} | ${median(rs.map((r) => r.serverCpuMs / 1000)).toFixed(2)} | ${(req.put / docs).toFixed(2)} / ${(req.head / docs).toFixed(2)} / ${(req.get / docs).toFixed(2)} | ${rs.map((r) => r.failures).join(",")} | ${median(rs.map((r) => r.workerMaxRssKb / 1024)).toFixed(0)} |`;
    };
    console.log("| side | wall s (median) | worker CPU s | S3 server CPU s | PUT / HEAD / GET per document | failed (per round) | worker maxRSS MB |");
    console.log("| --- | --- | --- | --- | --- | --- | --- |");
    console.log(row("A", a));
    console.log(row("B", b));
    const ratio = (f: (r: BatchResult) => number) => (median(b.map(f)) / median(a.map(f))).toFixed(3);
    console.log(
      `B/A: wall ${ratio((r) => r.wallMs)}, worker CPU ${ratio((r) => r.workerCpuMs)}, server CPU ${ratio((r) => r.serverCpuMs)}; load ${loadavg()
        .map((x) => x.toFixed(2))
        .join(" ")}`,
    );
  } finally {
    await bundle.remove();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
