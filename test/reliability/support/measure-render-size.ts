/**
 * How render time and memory grow with the text of one language: a measurement, not a test (the
 * limits in functions/core/letter/schema.ts and functions/letters/reader-rules.ts are sized from it).
 * Renders the largest letter's English PDF and HTML in a fresh child process per run, with the
 * deployed V8 flags and a roomy heap so large sizes can be seen, and prints the medians.
 *
 *   npx tsx test/reliability/support/measure-render-size.ts 131072,262144,524288 3
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { RENDER_NODE_OPTIONS } from "../../../functions/render/node-options";

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const MB = 1024 * 1024;

const [sizesArg = "131072,262144,524288", runsArg = "3", heapArg = "2048"] = process.argv.slice(2);
for (const size of sizesArg.split(",").map(Number)) {
  const runs: { pdfMs: number; heapAfterGc: number; maxRss: number }[] = [];
  for (let run = 0; run < Number(runsArg); run++) {
    const output = execFileSync(
      process.execPath,
      [
        "--expose-gc",
        `--max-old-space-size=${heapArg}`,
        ...RENDER_NODE_OPTIONS.split(" "),
        "--import",
        "tsx",
        join(__dirname, "render-largest-letter.ts"),
        "en",
        String(size),
        "1",
      ],
      { encoding: "utf8", maxBuffer: 16 * MB },
    );
    const { documents } = JSON.parse(output) as { documents: { format: string; ms: number; heapAfterGc: number; maxRss: number }[] };
    const pdf = documents.find((document) => document.format === "pdf")!;
    runs.push({ pdfMs: pdf.ms, heapAfterGc: Math.max(...documents.map((document) => document.heapAfterGc)), maxRss: Math.max(...documents.map((document) => document.maxRss)) });
  }
  console.log(
    JSON.stringify({
      fileKiB: size / 1024,
      runs: runs.length,
      pdfSeconds: median(runs.map((run) => run.pdfMs)) / 1000,
      heapAfterGcMB: Math.round(median(runs.map((run) => run.heapAfterGc)) / MB),
      peakRssMB: Math.round(median(runs.map((run) => run.maxRss)) / MB),
    }),
  );
}
