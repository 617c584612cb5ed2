/**
 * The bench's render process: what the render Lambda does to make a document, and nothing else
 * (templates and fonts from disk, letter data from a folder instead of the bucket). The renderer is
 * made by createRenderer, the factory the render function's fromEnvironment calls, with the same
 * options (A4, a flat font folder when bundled). The harness
 * bundles it with esbuild as the Lambda is bundled, then spawns `node` on the bundle:
 *
 *   cold     render one PDF, write its bytes to stdout as soon as they exist (the parent times
 *            spawn -> first byte), then the process's own phase timings as JSON on stderr
 *            (./cold-run.ts; ./snapshot-entry.ts does the same from a V8 startup snapshot)
 *   warm     render a stream of personalized letters; print the timings as one JSON line
 *   profile  like warm, and print the measured loop's window on the monotonic clock, so the
 *            harness can cut the warm loop out of a `node --cpu-prof` profile
 */
import * as z from "zod";
import { renderDocument } from "../../functions/core/render-document";
import { loadLetter } from "../../functions/letters/load-letters";
import { createRenderer, type RendererOptions } from "../../functions/render/create-renderer";
import { bundledHyphenation } from "./bundled-assets";
import { type RenderEntryArgs, renderCold, renderEntryArgsSchema } from "./cold-run";
import { countPdfPages } from "../stats";
import { BENCH_LETTER_ID, mailMergeLetter, ordinalRange, personalizedStream } from "../workload";

export { type RenderEntryArgs, renderEntryArgsSchema } from "./cold-run";

/** What a warm (or profile) run prints: one JSON line on stdout. */
export interface WarmReport {
  locale: string;
  /** createRenderer (templates; fonts load lazily) and reading + validating the letter. */
  setupMs: number;
  /** The first PDF of this process (fonts parsed, code not yet optimized), then the first HTML page. */
  firstPdfMs: number;
  firstHtmlMs: number;
  pdfMs: number[];
  htmlMs: number[];
  /** The general letter (no recipient) in this language. */
  pdfBytes: number;
  htmlBytes: number;
  pdfPages: number;
  /** The largest and smallest personalized PDF of the stream. */
  personalizedPdfBytes: { min: number; max: number };
  /** process.resourceUsage().maxRSS, in kilobytes. */
  maxRssKb: number;
  /** The measured PDF loop on the monotonic clock (microseconds), for cutting CPU profiles. */
  window: { startUs: number; endUs: number };
  /** When each measured PDF started, on the same clock: where the turns with Chromium fell (test/bench/paired.test.ts). */
  pdfStartsUs: number[];
}

export type { ColdReport } from "./cold-run";

/** The renderer options of a bench process: the render function's (A4; the bundle's flat font folder and hyphenation patterns). */
function rendererOptions(args: RenderEntryArgs): RendererOptions {
  return { templatesDir: args.templatesDir, ...(args.fontDir ? { fontDir: args.fontDir, hyphenationDir: bundledHyphenation() } : {}), paper: "A4" };
}

const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

/**
 * Hands the machine to the harness (over the IPC channel it spawned this process with) and resolves
 * when the harness hands it back: Chromium prints its share of the same stream in between, so both
 * are measured over the same minutes of a shared machine (bench/measure-paired.ts).
 */
function yieldTurn(): Promise<void> {
  return new Promise((resolve) => {
    process.once("message", () => resolve());
    process.send?.({ turn: "harness" });
  });
}

async function warm(args: Extract<RenderEntryArgs, { mode: "warm" | "profile" }>): Promise<void> {
  const started = performance.now();
  const renderer = await createRenderer(rendererOptions(args));
  const parsed = await loadLetter(args.dataDir, BENCH_LETTER_ID);
  const setupMs = performance.now() - started;

  // A mail merge per format, each document to a reader this process has not rendered before (the
  // HTML stream's ordinals follow the PDF stream's): see bench/workload.ts mailMergeLetter.
  const pdfLength = 1 + args.warmups + args.iterations;
  const htmlLength = 1 + args.warmups + args.htmlIterations;
  const pdfMerge = mailMergeLetter(parsed, ordinalRange(1, pdfLength));
  const htmlMerge = mailMergeLetter(parsed, ordinalRange(1 + pdfLength, htmlLength));
  const pdfStream = personalizedStream(pdfMerge, args.locale, "pdf", pdfLength);
  const htmlStream = personalizedStream(htmlMerge, args.locale, "html", htmlLength);
  const timed = async (request: (typeof pdfStream)[number]) => {
    const begin = performance.now();
    const document = await renderDocument(renderer, request.format === "pdf" ? pdfMerge : htmlMerge, request);
    return { ms: performance.now() - begin, bytes: document.bytes };
  };

  const [firstPdfRequest, ...pdfRest] = pdfStream;
  const [firstHtmlRequest, ...htmlRest] = htmlStream;
  const firstPdf = await timed(firstPdfRequest as (typeof pdfStream)[number]);
  const firstHtml = await timed(firstHtmlRequest as (typeof htmlStream)[number]);

  const pdfMs: number[] = [];
  const pdfStartsUs: number[] = [];
  const sizes: number[] = [firstPdf.bytes.length];
  let window = { startUs: 0, endUs: 0 };
  const turnEvery = process.send && args.turnEvery !== undefined ? args.turnEvery : undefined;
  for (const [index, request] of pdfRest.entries()) {
    if (turnEvery !== undefined && index >= args.warmups && (index - args.warmups) % turnEvery === 0) await yieldTurn();
    if (index === args.warmups) window = { startUs: monotonicUs(), endUs: 0 };
    if (index >= args.warmups) pdfStartsUs.push(monotonicUs());
    const { ms, bytes } = await timed(request);
    if (index >= args.warmups) pdfMs.push(ms);
    sizes.push(bytes.length);
  }
  window.endUs = monotonicUs();
  // The harness's last turn, then the channel closed so the process can end once its report is out.
  if (turnEvery !== undefined) {
    await yieldTurn();
    process.disconnect();
  }

  const htmlMs: number[] = [];
  for (const [index, request] of htmlRest.entries()) {
    const { ms } = await timed(request);
    if (index >= args.warmups) htmlMs.push(ms);
  }

  const general = await renderDocument(renderer, parsed, { letterId: BENCH_LETTER_ID, locale: args.locale, format: "pdf", recipientId: null });
  const generalHtml = await renderDocument(renderer, parsed, { letterId: BENCH_LETTER_ID, locale: args.locale, format: "html", recipientId: null });
  const report: WarmReport = {
    locale: args.locale,
    setupMs,
    firstPdfMs: firstPdf.ms,
    firstHtmlMs: firstHtml.ms,
    pdfMs,
    htmlMs,
    pdfBytes: general.bytes.length,
    htmlBytes: generalHtml.bytes.length,
    pdfPages: countPdfPages(general.bytes),
    personalizedPdfBytes: { min: Math.min(...sizes), max: Math.max(...sizes) },
    maxRssKb: process.resourceUsage().maxRSS,
    window,
    pdfStartsUs,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

async function main(): Promise<void> {
  const parsedArgs = renderEntryArgsSchema.safeParse(JSON.parse(process.argv[2] ?? "null"));
  if (!parsedArgs.success) {
    process.stderr.write(`render-entry: bad arguments: ${z.prettifyError(parsedArgs.error)}\n`);
    process.exit(2);
  }
  const args = parsedArgs.data;
  if (args.mode === "cold") {
    const mainStartMs = performance.now();
    await renderCold(createRenderer(rendererOptions(args)), args, mainStartMs);
  } else await warm(args);
}

main().catch((error: unknown) => {
  process.stderr.write(`render-entry: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
