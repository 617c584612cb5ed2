/**
 * Where the warm loop's time goes in the working tree: bench/ab/warm-loop.ts bundled as the Lambda
 * is (LAMBDA_BUNDLE, but not minified, with a source map) under `node --cpu-prof`, only the measured
 * loop's samples, frames mapped back to their sources, summarized by file and by function
 * (bench/profile.ts's summary). Bundled, not run through tsx: tsx's CommonJS interop turns every
 * access to an ES module's export into a getter call (parse5's `unicode.js get` at 10% of a warm
 * PDF under tsx is that, and not there in the bundle), and its keepNames adds `__name` calls.
 *
 *   npx tsx bench/ab/warm-profile.ts [--locales en] [--formats pdf] [--docs 40] [--top 40] [--lines drawLine,writePdf]
 */
import { spawnSync } from "node:child_process";
import { build } from "esbuild";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { SourceMap } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import type { LocaleId } from "../../functions/core/locales";
import { RENDER_NODE_OPTIONS } from "../../functions/render/node-options";
import { LAMBDA_BUNDLE } from "../../infra/bundling/lambda-bundle";
import { type CpuProfile, summarizeProfile } from "../profile";

const REPO = resolve(__dirname, "../..");
const { values } = parseArgs({
  options: {
    locales: { type: "string", default: "en" },
    formats: { type: "string", default: "pdf" },
    docs: { type: "string", default: "40" },
    warmups: { type: "string", default: "10" },
    top: { type: "string", default: "40" },
    /** Functions whose own samples are printed by source line (the whole run's, warm-ups too): where inside a hot function the time goes. */
    lines: { type: "string", default: "" },
    /** Functions whose inclusive time (their callees counted) is printed: the stages. */
    stages: {
      type: "string",
      default:
        "fillLetter,hyphenateFragment,parseLetter,styleDocument,build,layout,writePdf,packObjectStreams,sha256Hex,renderHtmlEdition,fontsOfLetter,fontCssOf,pageWithHead,styleLetter,usageRuns,marginBoxCuts",
    },
  },
});

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "warm-profile-"));
  try {
    await build({
      entryPoints: { loop: join(REPO, "bench/ab/warm-loop.ts") },
      outdir: dir,
      bundle: true,
      ...LAMBDA_BUNDLE,
      mainFields: [...LAMBDA_BUNDLE.mainFields],
      minify: false,
      sourcemap: true,
      logLevel: "error",
    });
    const script = join(dir, "loop.js");
    const args = { root: REPO, locales: values.locales.split(","), formats: values.formats.split(","), warmups: Number(values.warmups), docs: Number(values.docs) };
    const child = spawnSync(process.execPath, ["--cpu-prof", `--cpu-prof-dir=${dir}`, "--cpu-prof-interval=100", script, JSON.stringify(args)], {
      env: { ...process.env, NODE_OPTIONS: RENDER_NODE_OPTIONS, NODE_PATH: join(REPO, "node_modules") },
      cwd: REPO,
      encoding: "utf8",
      maxBuffer: 64 << 20,
    });
    if (child.status !== 0) throw new Error(child.stderr);
    const report = JSON.parse(child.stdout.trim().split("\n").pop() as string) as { window: { startUs: number; endUs: number }; cpuMsPerDoc: number; documents: number };
    const file = readdirSync(dir).find((name) => name.endsWith(".cpuprofile")) as string;
    const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as CpuProfile;
    const map = new SourceMap(JSON.parse(readFileSync(`${script}.map`, "utf8")));
    const scriptUrl = pathToFileURL(script).href;
    const summary = summarizeProfile(profile, values.locales as LocaleId, report.documents, {
      window: report.window,
      top: Number(values.top),
      withLines: true,
      resolveFrame: (frame) => {
        if (frame.url !== scriptUrl && frame.url !== script) return frame;
        const entry = map.findEntry(frame.lineNumber, frame.columnNumber ?? 0);
        if (!("originalSource" in entry) || typeof entry.originalSource !== "string") return frame;
        const source = entry.originalSource.startsWith("file://") ? entry.originalSource : pathToFileURL(resolve(dir, entry.originalSource)).href;
        return { functionName: frame.functionName, url: source, lineNumber: entry.originalLine };
      },
    });
    const perDoc = (ms: number) => (ms / report.documents).toFixed(3);
    // Inclusive time of the stages: each sample counts once for every stage on its stack.
    const parentOf = new Map<number, number>();
    for (const node of profile.nodes as (CpuProfile["nodes"][number] & { children?: number[] })[]) for (const child of node.children ?? []) parentOf.set(child, node.id);
    const nameOf = new Map(profile.nodes.map((node) => [node.id, node.callFrame.functionName]));
    const stages = new Set(values.stages.split(","));
    const inclusive = new Map<string, number>();
    let time = profile.startTime;
    let totalUs = 0;
    for (const [index, nodeId] of profile.samples.entries()) {
      time += profile.timeDeltas[index] ?? 0;
      const next = profile.timeDeltas[index + 1] ?? 0;
      if (time < report.window.startUs || time > report.window.endUs) continue;
      if (nameOf.get(nodeId) === "(idle)") continue;
      totalUs += next;
      const seen = new Set<string>();
      for (let id: number | undefined = nodeId; id !== undefined; id = parentOf.get(id)) {
        const name = nameOf.get(id) as string;
        if (stages.has(name) && !seen.has(name)) {
          seen.add(name);
          inclusive.set(name, (inclusive.get(name) ?? 0) + next);
        }
      }
    }
    if (values.lines)
      printLines(profile, new Set(values.lines.split(",")), (line) => {
        const entry = map.findEntry(line - 1, 0);
        return "originalLine" in entry && typeof entry.originalLine === "number"
          ? `${entry.originalSource.replace(/^.*\/(functions|node_modules)\//, "$1/")}:${entry.originalLine + 1}`
          : `bundle:${line}`;
      });
    console.log("inclusive (stages):");
    for (const [name, us] of [...inclusive].sort((a, b) => b[1] - a[1])) console.log(`${((us / totalUs) * 100).toFixed(1).padStart(5)}% ${perDoc(us / 1000).padStart(7)}  ${name}`);
    console.log("");
    console.log(`${values.locales} ${values.formats}: ${report.documents} documents, CPU ${report.cpuMsPerDoc.toFixed(2)} ms/doc, sampled ${perDoc(summary.totalMs)} ms/doc`);
    for (const c of summary.categories.slice(0, 25)) console.log(`${(c.share * 100).toFixed(1).padStart(5)}% ${perDoc(c.ms).padStart(7)}  ${c.name}`);
    console.log("");
    for (const f of summary.functions) console.log(`${(f.share * 100).toFixed(1).padStart(5)}% ${perDoc(f.ms).padStart(7)}  ${f.name}  ${f.location}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The samples of the named functions by source line (V8's positionTicks; bundle lines mapped back), most first. */
function printLines(profile: CpuProfile, names: ReadonlySet<string>, sourceOf: (bundleLine: number) => string): void {
  const ticks = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes as (CpuProfile["nodes"][number] & { positionTicks?: { line: number; ticks: number }[] })[]) {
    if (!names.has(node.callFrame.functionName)) continue;
    for (const { line, ticks: count } of node.positionTicks ?? []) {
      const key = `${node.callFrame.functionName} ${sourceOf(line)}`;
      ticks.set(key, (ticks.get(key) ?? 0) + count);
      total += count;
    }
  }
  console.log(`own samples by line (${[...names].join(", ")}; ${total} samples):`);
  for (const [key, count] of [...ticks].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`${((count / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
  console.log("");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
