import type { LocaleId } from "../functions/core/locales";
import type { Bundle } from "./bundle";
import type { ColdReport, RenderEntryArgs, WarmReport } from "./entry/render-entry";
import { assertExited, lastJsonLine, runNode } from "./processes";
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

/** Warm figures of one language, from a fresh process on the bundle (so its first document is the process's first). */
export async function measureOursWarm(bundle: Bundle, locale: LocaleId, counts: WarmCounts): Promise<OursWarmResult> {
  const args: RenderEntryArgs = { mode: "warm", locale, templatesDir: bundle.templatesDir, fontDir: bundle.fontDir, dataDir: bundle.dataDir, ...counts };
  const run = await runNode(bundle.renderEntry, args);
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
  pdfBytes: number;
  maxRssKb: number;
}

/** Cold starts of the bundled render code: `runs` fresh processes, each to its first PDF. */
export async function measureColdStart(bundle: Bundle, locale: LocaleId, runs: number): Promise<ColdStartResult> {
  const args: RenderEntryArgs = { mode: "cold", locale, templatesDir: bundle.templatesDir, fontDir: bundle.fontDir, dataDir: bundle.dataDir };
  const totals: number[] = [];
  const reports: ColdReport[] = [];
  for (let run = 0; run < runs; run++) {
    const result = await runNode(bundle.renderEntry, args);
    assertExited(result, `cold start ${locale}`);
    if (result.firstStdoutAt === undefined || !result.stdout.subarray(0, 5).equals(Buffer.from("%PDF-"))) {
      throw new Error(`cold start ${locale}: the process wrote no PDF`);
    }
    totals.push(result.firstStdoutAt - result.spawnedAt);
    reports.push(lastJsonLine<ColdReport>(result.stderr, `cold start ${locale}`));
  }
  const median = (pick: (report: ColdReport) => number) => summarize(reports.map(pick)).median;
  return {
    locale,
    toFirstBytes: summarize(totals),
    phases: {
      mainStart: median((r) => r.mainStartMs),
      rendererReady: median((r) => r.rendererReadyMs),
      letterLoaded: median((r) => r.letterLoadedMs),
      pdfRendered: median((r) => r.pdfRenderedMs),
    },
    cpuMs: median((r) => r.cpuMs),
    pdfBytes: reports[0]?.pdfBytes ?? 0,
    maxRssKb: Math.max(...reports.map((r) => r.maxRssKb)),
  };
}
