import { mkdir, writeFile } from "node:fs/promises";
import { cpus, loadavg, platform, release, totalmem } from "node:os";
import { join } from "node:path";
import type { LocaleId } from "../functions/core/locales";
import { renderDocument } from "../functions/core/render-document";
import { loadLetter } from "../functions/letters/load-letters";
import { createRenderer } from "../functions/render/create-renderer";
import { buildBundle, buildSnapshot, REPO_ROOT, type Snapshot } from "./bundle";
import { renderChart } from "./chart";
import { costReport } from "./cost";
import { RENDER_FUNCTION_SIZING } from "../infra/constructs/render-pipeline";
import { renderMarkdown, renderProfileMarkdown } from "./markdown";
import { type AgreementRun, measureAgreement } from "./measure-agreement";
import { type BatchResult, measureBatch } from "./measure-batch";
import { type ChromiumInput, type ChromiumLocaleResult, type ChromiumResult, openChromiumSession } from "./measure-chromium";
import { CHROMIUM_PATH } from "../test/support/browser";
import { type ColdStartsResult, measureColdStart, measureOursWarm, type OursWarmResult, turnCount } from "./measure-ours";
import type { BenchOptions } from "./options";
import { type ProfileSummary, profileColdStart, profileLocale } from "./profile";
import { type BenchResults, combineLocale } from "./results";
import { evaluateTargets, TARGETS } from "./targets";
import { BENCH_LETTER_ID, batchJobs, localeAvailability, mailMergeLetter, ordinalRange, personalizedStream } from "./workload";

export type Log = (line: string) => void;

/**
 * Our warm stream and Chromium's prints of the same language take turns every this many of our
 * measured PDFs (a few of Chromium's between), so the ratio of the two medians compares the same
 * minutes of a shared machine: measured one after the other, a language's ratio moved by 40% between
 * two runs of an unchanged tree (ar 6.2x and 10.2x, es 13.0x and 7.8x, 2026-12-01), each side's
 * median drifting with the machine's other load.
 */
const TURN_EVERY = 5;

/**
 * Chromium's input: the same personalized letters our warm PDF stream makes (the same synthetic
 * readers, in the same order, one page per document Chromium prints), and the general letter.
 */
async function chromiumInputs(locales: readonly LocaleId[], length: number): Promise<ChromiumInput[]> {
  const renderer = await createRenderer({ templatesDir: join(REPO_ROOT, "templates"), paper: "A4" });
  const parsed = mailMergeLetter(await loadLetter(join(REPO_ROOT, "data"), BENCH_LETTER_ID), ordinalRange(1, length));
  const recipients = length;
  const html = async (request: Parameters<typeof renderDocument>[2]) => (await renderDocument(renderer, parsed, request)).bytes.toString("utf8");
  // One page at a time: made concurrently, the HTML edition's font subsets failed ("detached
  // ArrayBuffer" in functions/fonts/web-fonts.ts, WOFF2 output read after another call grew the
  // encoder's memory). Reported; the bench does not depend on it.
  const inputs: ChromiumInput[] = [];
  for (const locale of locales) {
    const stream: string[] = [];
    for (const request of personalizedStream(parsed, locale, "html", recipients)) stream.push(await html(request));
    inputs.push({ locale, stream, general: await html({ letterId: BENCH_LETTER_ID, locale, format: "html", recipientId: null }) });
  }
  return inputs;
}

/**
 * One run of the benchmark: every measurement in turn (never two at once, so they do not compete for
 * the two cores), then the results. Writes latest.json, latest.md, latest.svg and profile.md into
 * options.outDir unless `write` is false.
 */
export async function runBench(options: BenchOptions, log: Log = () => {}, write = true): Promise<BenchResults> {
  const loadAverageAtStart = loadavg();
  const parsed = await loadLetter(join(REPO_ROOT, "data"), BENCH_LETTER_ID);
  const availability = localeAvailability(parsed, options.locales);
  const locales = availability.filter((entry) => entry.available).map((entry) => entry.locale);
  for (const entry of availability.filter((candidate) => !candidate.available)) log(`${entry.locale}: not measured (${entry.reason})`);

  log("bundling the render code with esbuild");
  const bundle = await buildBundle();
  try {
    const ours = new Map<LocaleId, OursWarmResult>();
    let chromium: ChromiumResult | undefined;
    const session = options.chromium && locales.length > 0 ? await openChromiumSession() : undefined;
    if (options.chromium && locales.length > 0 && !session) {
      chromium = { status: "not installed", path: CHROMIUM_PATH };
      log(`Chromium not installed at ${CHROMIUM_PATH}`);
    }
    try {
      const inputs = session ? await chromiumInputs(locales, 1 + options.warmups + options.chromiumIterations) : [];
      const chromiumLocales: ChromiumLocaleResult[] = [];
      for (const locale of locales) {
        const input = inputs.find((candidate) => candidate.locale === locale);
        const printer = session && input ? session.printer(input, { warmups: options.warmups, iterations: options.chromiumIterations }) : undefined;
        const perTurn = Math.ceil(options.chromiumIterations / turnCount(options.iterations, TURN_EVERY));
        const turns = printer ? { every: TURN_EVERY, take: () => printer.printNext(perTurn) } : undefined;
        const result = await measureOursWarm(bundle, locale, { warmups: options.warmups, iterations: options.iterations, htmlIterations: options.htmlIterations }, turns);
        ours.set(locale, result);
        log(`ours ${locale}: PDF median ${result.pdf.median.toFixed(2)} ms, p95 ${result.pdf.p95.toFixed(2)} ms; HTML median ${result.html.median.toFixed(3)} ms`);
        if (printer) {
          const entry = await printer.finish();
          chromiumLocales.push(entry);
          log(`Chromium ${locale}, in turns with ours: PDF median ${entry.pdf.median.toFixed(1)} ms`);
        }
      }
      if (session) chromium = { status: "measured", version: session.version, launchToFirstPdfMs: session.launchToFirstPdfMs() ?? 0, locales: chromiumLocales };
    } finally {
      await session?.close();
    }

    let agreement: AgreementRun | { status: "skipped" } = { status: "skipped" };
    if (options.chromium && options.agreement && locales.length > 0) {
      log("agreement: Chromium printing our HTML against our PDF; paragraphs in poppler and pdf.js");
      agreement = await measureAgreement(locales);
      if (agreement.status === "measured")
        for (const entry of agreement.documents)
          log(
            entry.error
              ? `agreement ${entry.locale}: failed: ${entry.error}`
              : `agreement ${entry.locale}: line starts ${entry.lineStarts}, same page ${entry.samePage}, tops ${entry.topDifferencePt} pt, pages ${entry.pages.ours}/${entry.pages.chromium}; paragraphs exact poppler ${entry.poppler.exact}/${entry.poppler.paragraphs}, pdf.js ${entry.pdfjs.exact}/${entry.pdfjs.paragraphs}`,
          );
    }

    const cold = new Map<LocaleId, ColdStartsResult>();
    let snapshot: Snapshot | undefined;
    if (options.cold && options.snapshot && locales.length > 0) {
      log("building a V8 startup snapshot of the render code");
      snapshot = await buildSnapshot(bundle);
      log(`snapshot: ${(snapshot.bytes / 1e6).toFixed(1)} MB in ${(snapshot.buildMs / 1000).toFixed(1)} s`);
    }
    if (options.cold) {
      for (const locale of locales) {
        const result = await measureColdStart(bundle, locale, options.coldRuns, snapshot);
        cold.set(locale, result);
        const fromSnapshot = result.snapshot
          ? `; from the snapshot ${result.snapshot.toFirstBytes.median.toFixed(0)} ms${result.snapshot.sameBytes ? "" : " (PDF bytes DIFFER from the bundle's)"}`
          : "";
        log(`cold start ${locale}: median ${result.bundle.toFirstBytes.median.toFixed(0)} ms to first PDF bytes${fromSnapshot}`);
      }
    }

    let batch: BatchResult | null = null;
    let batchRenderOnly: BatchResult | null = null;
    if (options.batch && locales.length > 0) {
      const jobs = batchJobs(parsed, locales, options.batchLetters);
      log(`batch: ${options.batchLetters} personalized letters, PDF + HTML, ${options.workers} workers, stored in the embedded S3`);
      batch = await measureBatch(bundle, jobs, { workers: options.workers, lanes: 4, chunk: 8, store: true });
      log(`batch: ${(batch.wallMs / 1000).toFixed(2)} s, ${batch.documentsPerSecond.toFixed(0)} documents/s, ${batch.failures} failed`);
      // The same pool without the store: how much of the wall time is rendering.
      batchRenderOnly = await measureBatch(bundle, jobs, { workers: options.workers, lanes: 1, chunk: 8, store: false });
      log(`batch, render only: ${(batchRenderOnly.wallMs / 1000).toFixed(2)} s, ${batchRenderOnly.documentsPerSecond.toFixed(0)} documents/s`);
    }

    const profile: ProfileSummary[] = [];
    if (options.profile) {
      for (const locale of locales) {
        try {
          profile.push(await profileLocale(locale, { warmups: options.warmups, iterations: options.profileIterations, htmlIterations: 1 }));
          log(`profiled ${locale}`);
        } catch (error) {
          log(`profile ${locale} failed, left out: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
    const coldProfile: ProfileSummary[] = [];
    if (options.profile && options.cold) {
      for (const locale of locales) {
        // A diagnostic: a profile that cannot be read costs its section, not the run's figures.
        try {
          coldProfile.push(await profileColdStart(bundle, locale));
        } catch (error) {
          log(`cold profile ${locale} failed, left out: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      log("profiled the cold starts");
    }

    const recipients = parsed.letter.facts.recipients.length;
    // Each measured letter to a reader not rendered before (bench/workload.ts), derived from the real ones.
    const stream = recipients > 0 ? `a new reader each (from ${recipients} recipients)` : "general letter (no recipients)";
    const localeResults = availability.map((entry) =>
      combineLocale(entry, ours.get(entry.locale), chromium, cold.get(entry.locale)?.bundle, entry.available ? stream : undefined, cold.get(entry.locale)?.snapshot),
    );
    const results: BenchResults = {
      schemaVersion: 1,
      generatedAt: new Date().toISOString(),
      mode: options.mode,
      settings: {
        warmups: options.warmups,
        iterations: options.iterations,
        htmlIterations: options.htmlIterations,
        chromiumIterations: options.chromiumIterations,
        coldRuns: options.coldRuns,
        batchLetters: options.batchLetters,
        workers: options.workers,
        profileIterations: options.profileIterations,
      },
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model.trim() ?? "unknown",
        node: process.versions.node,
        platform: `${platform()} ${release()}`,
        totalMemoryMb: Math.round(totalmem() / 2 ** 20),
        loadAverageAtStart,
      },
      letterId: BENCH_LETTER_ID,
      bundleBytes: bundle.sizes,
      snapshot: snapshot ? { bytes: snapshot.bytes, buildMs: snapshot.buildMs } : null,
      chromium:
        chromium === undefined
          ? { status: "skipped" }
          : chromium.status === "measured"
            ? { status: "measured", version: chromium.version, launchToFirstPdfMs: chromium.launchToFirstPdfMs }
            : chromium,
      locales: localeResults,
      batch,
      batchRenderOnly,
      agreement,
      targets: [],
      cost: costReport({
        locales: localeResults,
        batch,
        batchRenderOnly,
        renderMemoryMb: RENDER_FUNCTION_SIZING.memorySize,
        chromiumLaunchToFirstPdfMs: chromium?.status === "measured" ? chromium.launchToFirstPdfMs : undefined,
      }),
      profile,
      coldProfile,
    };
    results.targets = evaluateTargets(localeResults, batch, results.cost, agreement);
    if (write) await writeResults(results, options.outDir);
    return results;
  } finally {
    await bundle.remove();
  }
}

export async function writeResults(results: BenchResults, outDir: string): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, "latest.json"), `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(join(outDir, "latest.md"), renderMarkdown(results));
  await writeFile(
    join(outDir, "latest.svg"),
    renderChart(results.locales, { budgetMs: TARGETS.warmPdfMs, title: `Warm PDF render of ${results.letterId}, median ms (log scale)` }),
  );
  if (results.profile.length > 0 || results.coldProfile.length > 0) await writeFile(join(outDir, "profile.md"), renderProfileMarkdown(results));
}
