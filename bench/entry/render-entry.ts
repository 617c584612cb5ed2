/**
 * The bench's render process: what the render Lambda does to make a document, and nothing else
 * (templates and fonts from disk, letter data from a folder instead of the bucket). The renderer is
 * made by createRenderer, the factory the render function's fromEnvironment calls, with the same
 * options (A4, a flat font folder when bundled). The harness
 * bundles it with esbuild as the Lambda is bundled, then spawns `node` on the bundle:
 *
 *   cold     render one PDF, write its bytes to stdout as soon as they exist (the parent times
 *            spawn -> first byte), then the process's own phase timings as JSON on stderr
 *   warm     render a stream of personalized letters; print the timings as one JSON line
 *   profile  like warm, and print the measured loop's window on the monotonic clock, so the
 *            harness can cut the warm loop out of a `node --cpu-prof` profile
 */
import * as z from "zod";
import { localeIdSchema } from "../../functions/core/locales";
import { renderDocument } from "../../functions/core/render-document";
import { loadLetter } from "../../functions/letters/load-letters";
import { createRenderer } from "../../functions/render/create-renderer";
import { bundledHyphenation } from "./bundled-assets";
import { countPdfPages } from "../stats";
import { BENCH_LETTER_ID, personalizedStream } from "../workload";

const assetsSchema = z.object({
  templatesDir: z.string().min(1),
  /** Flat font folder of a bundle; fonts from node_modules when absent. */
  fontDir: z.string().min(1).optional(),
  dataDir: z.string().min(1),
  locale: localeIdSchema,
});

export const renderEntryArgsSchema = z.discriminatedUnion("mode", [
  assetsSchema.extend({ mode: z.literal("cold") }),
  assetsSchema.extend({
    mode: z.enum(["warm", "profile"]),
    warmups: z.number().int().min(0),
    iterations: z.number().int().min(1),
    htmlIterations: z.number().int().min(1),
  }),
]);
export type RenderEntryArgs = z.infer<typeof renderEntryArgsSchema>;

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
}

export interface ColdReport {
  locale: string;
  /** Milliseconds since the process started (performance.timeOrigin). */
  mainStartMs: number;
  rendererReadyMs: number;
  letterLoadedMs: number;
  pdfRenderedMs: number;
  /**
   * CPU time (user + system, every thread) the process had used when its PDF was rendered. On a
   * shared machine wall times swing with the load; CPU time moves far less, so it is the figure to
   * compare between two runs of the bench.
   */
  cpuMs: number;
  pdfBytes: number;
  maxRssKb: number;
}

const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

async function cold(args: Extract<RenderEntryArgs, { mode: "cold" }>): Promise<void> {
  const mainStartMs = performance.now();
  const renderer = await createRenderer({ templatesDir: args.templatesDir, ...(args.fontDir ? { fontDir: args.fontDir, hyphenationDir: bundledHyphenation() } : {}), paper: "A4" });
  const rendererReadyMs = performance.now();
  const parsed = await loadLetter(args.dataDir, BENCH_LETTER_ID);
  const letterLoadedMs = performance.now();
  const document = await renderDocument(renderer, parsed, { letterId: BENCH_LETTER_ID, locale: args.locale, format: "pdf", recipientId: null });
  const pdfRenderedMs = performance.now();
  const cpu = process.cpuUsage();
  await new Promise<void>((resolve, reject) => process.stdout.write(document.bytes, (error) => (error ? reject(error) : resolve())));
  const report: ColdReport = {
    locale: args.locale,
    mainStartMs,
    rendererReadyMs,
    letterLoadedMs,
    pdfRenderedMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    pdfBytes: document.bytes.length,
    maxRssKb: process.resourceUsage().maxRSS,
  };
  process.stderr.write(`${JSON.stringify(report)}\n`);
}

async function warm(args: Extract<RenderEntryArgs, { mode: "warm" | "profile" }>): Promise<void> {
  const started = performance.now();
  const renderer = await createRenderer({ templatesDir: args.templatesDir, ...(args.fontDir ? { fontDir: args.fontDir, hyphenationDir: bundledHyphenation() } : {}), paper: "A4" });
  const parsed = await loadLetter(args.dataDir, BENCH_LETTER_ID);
  const setupMs = performance.now() - started;

  const pdfStream = personalizedStream(parsed, args.locale, "pdf", 1 + args.warmups + args.iterations);
  const htmlStream = personalizedStream(parsed, args.locale, "html", 1 + args.warmups + args.htmlIterations);
  const timed = async (request: (typeof pdfStream)[number]) => {
    const begin = performance.now();
    const document = await renderDocument(renderer, parsed, request);
    return { ms: performance.now() - begin, bytes: document.bytes };
  };

  const [firstPdfRequest, ...pdfRest] = pdfStream;
  const [firstHtmlRequest, ...htmlRest] = htmlStream;
  const firstPdf = await timed(firstPdfRequest as (typeof pdfStream)[number]);
  const firstHtml = await timed(firstHtmlRequest as (typeof htmlStream)[number]);

  const pdfMs: number[] = [];
  const sizes: number[] = [firstPdf.bytes.length];
  let window = { startUs: 0, endUs: 0 };
  for (const [index, request] of pdfRest.entries()) {
    if (index === args.warmups) window = { startUs: monotonicUs(), endUs: 0 };
    const { ms, bytes } = await timed(request);
    if (index >= args.warmups) pdfMs.push(ms);
    sizes.push(bytes.length);
  }
  window.endUs = monotonicUs();

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
  if (args.mode === "cold") await cold(args);
  else await warm(args);
}

main().catch((error: unknown) => {
  process.stderr.write(`render-entry: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
