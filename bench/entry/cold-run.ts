import * as z from "zod";
import { localeIdSchema } from "../../functions/core/locales";
import type { DocumentRenderer } from "../../functions/core/render-document";
import { renderDocument } from "../../functions/core/render-document";
import { loadLetter } from "../../functions/letters/load-letters";
import { BENCH_LETTER_ID } from "../workload";

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
    /**
     * Measured PDFs per turn when the harness interleaves Chromium with this process (bench/measure-paired.ts):
     * before every `turnEvery`-th measured PDF the process hands the machine over (an IPC message) and waits to get it back.
     */
    turnEvery: z.number().int().min(1).optional(),
  }),
]);
export type RenderEntryArgs = z.infer<typeof renderEntryArgsSchema>;

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
  /** The same CPU time at each phase's end (restored or bundle loaded, letter loaded): where a cold start's CPU goes, steady under load. */
  cpuAtMs: { mainStart: number; rendererReady: number; letterLoaded: number };
  pdfBytes: number;
  maxRssKb: number;
}

/**
 * A cold start's work after the code is loaded: the renderer ready (built now by createRenderer, or
 * restored from a startup snapshot), the bench letter read, one PDF rendered; its bytes go to stdout as
 * soon as they exist (the parent times spawn -> first byte), then the process's own timings as JSON on stderr.
 */
export async function renderCold(rendererReady: Promise<DocumentRenderer>, args: Extract<RenderEntryArgs, { mode: "cold" }>, mainStartMs: number): Promise<void> {
  const cpuNow = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  const mainStartCpu = cpuNow();
  const renderer = await rendererReady;
  const rendererReadyMs = performance.now();
  const rendererReadyCpu = cpuNow();
  const parsed = await loadLetter(args.dataDir, BENCH_LETTER_ID);
  const letterLoadedMs = performance.now();
  const letterLoadedCpu = cpuNow();
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
    cpuAtMs: { mainStart: mainStartCpu, rendererReady: rendererReadyCpu, letterLoaded: letterLoadedCpu },
    pdfBytes: document.bytes.length,
    maxRssKb: process.resourceUsage().maxRSS,
  };
  process.stderr.write(`${JSON.stringify(report)}\n`);
}
