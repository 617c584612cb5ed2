/**
 * A/B of the warm path: the code of a git revision (A, default HEAD) against the working tree (B),
 * each bundled as the Lambda is (LAMBDA_BUNDLE), run in turn, alternating which goes first, in
 * fresh processes with the render function's NODE_OPTIONS. The machine is shared: the figure to
 * read is the ratio of CPU time per document (median over rounds), and the byte digests say
 * whether B makes the same bytes as A.
 *
 *   npx tsx bench/ab/warm-ab.ts [--base REV] [--locales en,ar] [--formats pdf,html] [--docs 30] [--rounds 5] [--warmups 5] [--mixed]
 *
 * WARM_AB_NODE_PATH adds a folder of packages the base needs and the tree no longer has (a package
 * uninstalled since). --mixed renders every listed language in one process (the batch worker's situation).
 * Every document goes to a reader of its own (the synthetic mail merge of bench/workload.ts). --cycled-a
 * runs A on the old stream instead, cycling the letter's 15 real recipients (pair it with --base HEAD
 * to see how much repeated readers flattered the warm figure: issue 17). --append-css TEXT appends a
 * rule to the seed letter's print.css on both sides (e.g. ".letter p { hyphens: auto; }" to measure
 * the hyphenation stage, which the shipped templates do not ask for); B then runs from a copy of the tree's templates.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { build } from "esbuild";
import { appendFileSync, cpSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { LAMBDA_BUNDLE } from "../../infra/bundling/lambda-bundle";
import { RENDER_NODE_OPTIONS } from "../../functions/render/node-options";

const REPO = resolve(__dirname, "../..");
/** The seed letter's stylesheet, which --append-css extends. */
const SEED_TEMPLATE_CSS = "un-security-council/print.css";
const { values } = parseArgs({
  options: {
    base: { type: "string", default: "HEAD" },
    locales: { type: "string", default: "en,ar,zh" },
    formats: { type: "string", default: "pdf" },
    docs: { type: "string", default: "30" },
    rounds: { type: "string", default: "5" },
    warmups: { type: "string", default: "5" },
    mixed: { type: "boolean", default: false },
    "cycled-a": { type: "boolean", default: false },
    "append-css": { type: "string" },
  },
});

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

async function bundle(root: string, out: string): Promise<string> {
  await build({
    entryPoints: { loop: join(root, "bench/ab/warm-loop.ts") },
    outdir: out,
    bundle: true,
    ...LAMBDA_BUNDLE,
    mainFields: [...LAMBDA_BUNDLE.mainFields],
    logLevel: "error",
  });
  return join(out, "loop.js");
}

interface LoopReport {
  cpuMsPerDoc: number;
  wallMs: number[];
  digest: string;
  maxRssMb: number;
  afterGc: Record<string, number>;
  /** Garbage collections per document in the measured loop (scavenges: what a document allocates). */
  perDoc?: { scavenges: number; majorGcs: number; gcMs: number };
}

function run(script: string, root: string, locales: string[], stream: "fresh" | "cycled" = "fresh"): LoopReport {
  const args = { root, locales, formats: values.formats.split(","), warmups: Number(values.warmups), docs: Number(values.docs), stream };
  const child = spawnSync(process.execPath, ["--expose-gc", script, JSON.stringify(args)], {
    // The bundle sits outside the tree: packages it resolves at run time (fonts, patterns) come from the tree's node_modules.
    env: { ...process.env, NODE_OPTIONS: RENDER_NODE_OPTIONS, NODE_PATH: [join(root, "node_modules"), process.env.WARM_AB_NODE_PATH].filter(Boolean).join(":") },
    // Template folders are named relative to the working directory (in messages and in the stylesheets' names).
    cwd: root,
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  if (child.status !== 0) throw new Error(`${script} ${locales}: exit ${child.status}\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split("\n").pop() as string) as LoopReport;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "warm-ab-"));
  try {
    // A: the base revision's tree, with this tree's loop and node_modules.
    const rootA = join(work, "a");
    execFileSync("sh", ["-c", `mkdir -p ${rootA} && git -C ${REPO} archive ${values.base} | tar -x -C ${rootA}`]);
    cpSync(join(REPO, "bench/ab/warm-loop.ts"), join(rootA, "bench/ab/warm-loop.ts"));
    // The loop's mail merge (types only from functions/), so both sides render the same readers.
    cpSync(join(REPO, "bench/workload.ts"), join(rootA, "bench/workload.ts"));
    symlinkSync(join(REPO, "node_modules"), join(rootA, "node_modules"));
    const scriptA = await bundle(rootA, join(work, "bundle-a"));
    const scriptB = await bundle(REPO, join(work, "bundle-b"));
    // B's root: the tree itself, or a copy of its templates with the rule appended (data and packages linked).
    let rootB = REPO;
    const extraCss = values["append-css"];
    if (extraCss) {
      rootB = join(work, "b");
      cpSync(join(REPO, "templates"), join(rootB, "templates"), { recursive: true });
      symlinkSync(join(REPO, "data"), join(rootB, "data"));
      symlinkSync(join(REPO, "node_modules"), join(rootB, "node_modules"));
      for (const root of [rootA, rootB]) appendFileSync(join(root, "templates", SEED_TEMPLATE_CSS), `\n${extraCss}\n`);
    }
    const groups = values.mixed ? [values.locales.split(",")] : values.locales.split(",").map((locale) => [locale]);
    const rounds = Number(values.rounds);
    const streamA = values["cycled-a"] ? "cycled" : "fresh";
    console.log(
      `A = ${values.base} (${execFileSync("git", ["-C", REPO, "rev-parse", "--short", values.base], { encoding: "utf8" }).trim()}), B = working tree; A's stream ${streamA}, B's fresh; ${values.formats}, ${values.docs} docs x ${rounds} rounds`,
    );
    console.log(
      "| locales | CPU ms/doc A | CPU ms/doc B | B/A CPU | wall median A | wall median B | B/A wall | bytes | maxRSS A / B MB | after GC A (heap/ext/ab) | after GC B | scavenges/doc A / B | GC ms/doc A / B |",
    );
    console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for (const locales of groups) {
      const a: LoopReport[] = [];
      const b: LoopReport[] = [];
      for (let round = 0; round < rounds; round++) {
        if (round % 2 === 0) {
          a.push(run(scriptA, rootA, locales, streamA));
          b.push(run(scriptB, rootB, locales));
        } else {
          b.push(run(scriptB, rootB, locales));
          a.push(run(scriptA, rootA, locales, streamA));
        }
      }
      const cpuA = median(a.map((r) => r.cpuMsPerDoc));
      const cpuB = median(b.map((r) => r.cpuMsPerDoc));
      const wallA = median(a.map((r) => median(r.wallMs)));
      const wallB = median(b.map((r) => median(r.wallMs)));
      const same = a.every((r) => r.digest === a[0]?.digest) && b.every((r) => r.digest === a[0]?.digest);
      // Medians over rounds; "-" for a loop that did not report them.
      const perDoc = (reports: LoopReport[], key: "scavenges" | "gcMs") =>
        reports.every((r) => r.perDoc) ? median(reports.map((r) => (r.perDoc as NonNullable<LoopReport["perDoc"]>)[key])).toFixed(2) : "-";
      const gc = (r: LoopReport) => `${r.afterGc.heapUsed}/${r.afterGc.external}/${r.afterGc.arrayBuffers}`;
      console.log(
        `| ${locales.join(",")} | ${cpuA.toFixed(2)} | ${cpuB.toFixed(2)} | ${(cpuB / cpuA).toFixed(3)} | ${wallA.toFixed(2)} | ${wallB.toFixed(2)} | ${(wallB / wallA).toFixed(3)} | ${same ? "identical" : `DIFFER ${a[0]?.digest} ${b[0]?.digest}`} | ${median(a.map((r) => r.maxRssMb))} / ${median(b.map((r) => r.maxRssMb))} | ${gc(a[0] as LoopReport)} | ${gc(b[0] as LoopReport)} | ${perDoc(a, "scavenges")} / ${perDoc(b, "scavenges")} | ${perDoc(a, "gcMs")} / ${perDoc(b, "gcMs")} |`,
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
