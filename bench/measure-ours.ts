import type { LocaleId } from "../functions/core/locales";
import type { Bundle, Snapshot } from "./bundle";
import type { ColdReport, RenderEntryArgs, WarmReport } from "./entry/render-entry";
import { assertExited, lastJsonLine, type NodeRun, runNode, runNodeFromSnapshot } from "./processes";
import { summarize, type Summary } from "./stats";

export interface WarmCounts {
  warmups: number;
  iterations: number;
  htmlIterations: number;
}

export interface OursWarmResult {
  locale: LocaleId;
  pdf: Summary;
  html: Summary;
  report: WarmReport;
}

/**
 * Turns of the machine between our warm stream and another measurement (Chromium's): before every
 * `every`-th measured PDF, and once after the last, the process waits while `take` runs.
 */
export interface Turns {
  every: number;
  take: () => Promise<void>;
}

/** How many turns `Turns` gives away in a stream of `iterations` measured PDFs. */
export function turnCount(iterations: number, every: number): number {
  return Math.ceil(iterations / every) + 1;
}

/**
 * Warm figures of one language, from a fresh process on the bundle (so its first document is the
 * process's first). With `turns`, the stream is measured in turns with another measurement.
 */
export async function measureOursWarm(bundle: Bundle, locale: LocaleId, counts: WarmCounts, turns?: Turns): Promise<OursWarmResult> {
  const args: RenderEntryArgs = {
    mode: "warm",
    locale,
    templatesDir: bundle.templatesDir,
    fontDir: bundle.fontDir,
    dataDir: bundle.dataDir,
    ...counts,
    ...(turns ? { turnEvery: turns.every } : {}),
  };
  const run = await runNode(bundle.renderEntry, args, turns ? { onTurn: turns.take } : {});
  assertExited(run, `warm ${locale}`);
  const report = lastJsonLine<WarmReport>(run.stdout.toString("utf8"), `warm ${locale}`);
  return { locale, pdf: summarize(report.pdfMs), html: summarize(report.htmlMs), report };
}

export interface ColdStartResult {
  locale: LocaleId;
  /** Spawn of `node bundle.js` to the first PDF bytes on its stdout, as the parent sees it. */
  toFirstBytes: Summary;
  /** Medians of the process's own phases, in milliseconds since it started. */
  phases: { mainStart: number; rendererReady: number; letterLoaded: number; pdfRendered: number };
  /** Median CPU time of the process (every thread) up to its rendered PDF: steadier than wall time on a loaded machine. */
  cpuMs: number;
  /** Medians of the CPU time each phase took: to the main function (node started, bundle loaded or snapshot restored), the renderer made (none from a snapshot), the letter read and validated, the first PDF rendered. */
  cpuPhases: { toMain: number; renderer: number; letter: number; pdf: number };
  pdfBytes: number;
  maxRssKb: number;
}

/** One start's figures, read from its run. */
function coldRun(run: NodeRun, what: string): { toFirstBytes: number; report: ColdReport; pdf: Buffer } {
  assertExited(run, what);
  if (run.firstStdoutAt === undefined || !run.stdout.subarray(0, 5).equals(Buffer.from("%PDF-"))) throw new Error(`${what}: the process wrote no PDF`);
  return { toFirstBytes: run.firstStdoutAt - run.spawnedAt, report: lastJsonLine<ColdReport>(run.stderr, what), pdf: run.stdout };
}

function coldResult(locale: LocaleId, runs: { toFirstBytes: number; report: ColdReport }[]): ColdStartResult {
  const reports = runs.map((run) => run.report);
  const median = (pick: (report: ColdReport) => number) => summarize(reports.map(pick)).median;
  return {
    locale,
    toFirstBytes: summarize(runs.map((run) => run.toFirstBytes)),
    phases: {
      mainStart: median((r) => r.mainStartMs),
      rendererReady: median((r) => r.rendererReadyMs),
      letterLoaded: median((r) => r.letterLoadedMs),
      pdfRendered: median((r) => r.pdfRenderedMs),
    },
    cpuMs: median((r) => r.cpuMs),
    cpuPhases: {
      toMain: median((r) => r.cpuAtMs.mainStart),
      renderer: median((r) => r.cpuAtMs.rendererReady - r.cpuAtMs.mainStart),
      letter: median((r) => r.cpuAtMs.letterLoaded - r.cpuAtMs.rendererReady),
      pdf: median((r) => r.cpuMs - r.cpuAtMs.letterLoaded),
    },
    pdfBytes: reports[0]?.pdfBytes ?? 0,
    maxRssKb: Math.max(...reports.map((r) => r.maxRssKb)),
  };
}

export interface ColdStartsResult {
  bundle: ColdStartResult;
  /** The same starts from the V8 startup snapshot, when one was built; `sameBytes`: every PDF equal to the bundle's. */
  snapshot?: ColdStartResult & SnapshotBytes;
}

/** Whether the snapshot's PDFs are the bundle's: when not, how many differ, and whether the bundle's own runs agreed (which side varies). */
export interface SnapshotBytes {
  sameBytes: boolean;
  differing: number;
  bundleRunsAgree: boolean;
}

/**
 * Cold starts of the bundled render code: `runs` fresh processes, each to its first PDF. With a
 * snapshot, each run starts one process on the bundle and then one from the snapshot, in turn, so
 * both see the same machine load; the snapshot's PDFs are compared byte for byte with the bundle's.
 */
export async function measureColdStart(bundle: Bundle, locale: LocaleId, runs: number, snapshot?: Snapshot): Promise<ColdStartsResult> {
  const args: RenderEntryArgs = { mode: "cold", locale, templatesDir: bundle.templatesDir, fontDir: bundle.fontDir, dataDir: bundle.dataDir };
  const plain: ReturnType<typeof coldRun>[] = [];
  const restored: ReturnType<typeof coldRun>[] = [];
  for (let run = 0; run < runs; run++) {
    // In the bundle's folder, as Lambda runs a function in its task root: stylesheets are named
    // relative to the working folder, and their names are part of the PDF's /ID.
    plain.push(coldRun(await runNode(bundle.renderEntry, args, { cwd: bundle.dir }), `cold start ${locale}`));
    if (snapshot) restored.push(coldRun(await runNodeFromSnapshot(snapshot.blob, args, bundle.dir), `cold start ${locale} from the snapshot`));
  }
  const reference = plain[0]?.pdf;
  return {
    bundle: coldResult(locale, plain),
    ...(snapshot
      ? {
          snapshot: {
            ...coldResult(locale, restored),
            sameBytes: restored.every((run) => reference !== undefined && run.pdf.equals(reference)),
            differing: restored.filter((run) => reference === undefined || !run.pdf.equals(reference)).length,
            bundleRunsAgree: plain.every((run) => reference !== undefined && run.pdf.equals(reference)),
          },
        }
      : {}),
  };
}
