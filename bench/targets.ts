import { type LocaleId, localeInfo } from "../functions/core/locales";
import type { CostReport } from "./cost";
import type { AgreementRun } from "./measure-agreement";
import type { BatchResult } from "./measure-batch";
import type { LocaleResult, TargetCheck } from "./results";

/** The targets of issues 7, 12 and 17 (batch, speedup over Chromium, cost shown: issue 17). KB are 1,000 bytes; "CJK" is Chinese and Korean, every other script gets the Latin budget. */
export const TARGETS = {
  warmPdfMs: 15,
  speedupOverChromium: 10,
  /** Issue 17 item 1: cold start to first PDF bytes, median (see coldStartBudget for which script gets which). */
  coldStartMs: { complex: 250, alphabetic: 200 },
  batchLetters: 1000,
  /** Issue 17 item 3: 1,000 letters, PDF and HTML, rendered and stored, every one verified, 0 lost. */
  batchSeconds: 10,
  /** Issue 17 item 4: a worker rendering every language (the batch worker), and a worker rendering one language. */
  workerPeakMb: 150,
  perLanguageWorkerPeakMb: 120,
  pdfKb: { en: 25, ko: 45, ar: 45 } as Partial<Record<LocaleId, number>>,
  htmlMs: 1,
  /** Issue 12 item 5: the HTML page with its fonts embedded (WOFF2 subsets as data: URIs), CJK included. */
  htmlPageKb: 400,
  /** Issue 12 item 8: Chromium printing our HTML against our PDF. Issue 13 item 6: every paragraph exact in both extractors. */
  agreement: { lineStarts: 0.98, samePage: 0.99, topDifferencePt: 2, paragraphsExact: 1 },
} as const;

/**
 * Issue 17 budgets 200 ms for a Latin letter and 250 ms for Arabic and CJK: the alphabets set like
 * Latin (Cyrillic, Greek) get the Latin budget; scripts that need shaping or CJK faces the other.
 */
export function coldStartBudget(locale: LocaleId): number {
  return ["Latn", "Cyrl", "Grek"].includes(localeInfo(locale).script) ? TARGETS.coldStartMs.alphabetic : TARGETS.coldStartMs.complex;
}
const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 1)} ms`;
const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;
const mb = (kilobytes: number) => `${(kilobytes / 1024).toFixed(0)} MB`;

function check(target: string, scope: string, measured: string, met: boolean, gap: string): TargetCheck {
  return { target, scope, measured, met, gap: met ? "" : gap };
}

function notMeasured(target: string, scope: string, why: string): TargetCheck {
  return { target, scope, measured: why, met: null, gap: "" };
}

/** Marks each target met or not, with the gap, from one run's figures. */
export function evaluateTargets(
  locales: readonly LocaleResult[],
  batch: BatchResult | null,
  cost: CostReport | null = null,
  agreement: AgreementRun | { status: "skipped" } = { status: "skipped" },
): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const result of locales) {
    const { locale, ours, cold } = result;
    if (!result.available) {
      checks.push(notMeasured(`warm PDF <= ${TARGETS.warmPdfMs} ms`, locale, `no document: ${result.unavailableReason ?? "unavailable"}`));
      continue;
    }
    if (ours) {
      const median = ours.pdf.median;
      checks.push(
        check(
          `warm PDF <= ${TARGETS.warmPdfMs} ms (${ours.pdfPages}-page letter)`,
          locale,
          `median ${ms(median)}, p95 ${ms(ours.pdf.p95)}`,
          median <= TARGETS.warmPdfMs,
          `${ms(median - TARGETS.warmPdfMs)} over (${(median / TARGETS.warmPdfMs).toFixed(1)}x the budget)`,
        ),
      );
      if (result.ratio !== undefined) {
        const speedup = 1 / result.ratio;
        checks.push(
          check(
            `>= ${TARGETS.speedupOverChromium}x faster than Chromium`,
            locale,
            `${speedup.toFixed(1)}x (ours/Chromium ${result.ratio.toFixed(3)})`,
            speedup >= TARGETS.speedupOverChromium,
            `needs ${(TARGETS.speedupOverChromium / speedup).toFixed(1)}x more speed`,
          ),
        );
      } else {
        checks.push(notMeasured(`>= ${TARGETS.speedupOverChromium}x faster than Chromium`, locale, "Chromium not measured"));
      }
      // Judged on the median: a sub-millisecond p95 on a shared machine measures its GC pauses and neighbours.
      checks.push(
        check(
          `HTML render well under ${TARGETS.htmlMs} ms (median)`,
          locale,
          `median ${ms(ours.html.median)}, p95 ${ms(ours.html.p95)}`,
          ours.html.median < TARGETS.htmlMs / 2,
          `median ${ms(ours.html.median)} is not under half the budget`,
        ),
      );
      checks.push(
        check(
          `HTML page with its fonts embedded <= ${TARGETS.htmlPageKb} KB`,
          locale,
          kb(ours.htmlBytes),
          ours.htmlBytes <= TARGETS.htmlPageKb * 1000,
          `${kb(ours.htmlBytes - TARGETS.htmlPageKb * 1000)} over`,
        ),
      );
      const sizeBudget = TARGETS.pdfKb[locale];
      if (sizeBudget !== undefined) {
        checks.push(check(`PDF size <= ${sizeBudget} KB`, locale, kb(ours.pdfBytes), ours.pdfBytes <= sizeBudget * 1000, `${kb(ours.pdfBytes - sizeBudget * 1000)} over`));
      }
      const peakMb = ours.maxRssKb / 1024;
      checks.push(
        check(
          `worker peak memory <= ${TARGETS.perLanguageWorkerPeakMb} MB (one language)`,
          `${locale} warm worker`,
          mb(ours.maxRssKb),
          peakMb <= TARGETS.perLanguageWorkerPeakMb,
          `${(peakMb - TARGETS.perLanguageWorkerPeakMb).toFixed(0)} MB over`,
        ),
      );
    }
    if (result.coldSnapshot) {
      const budget = coldStartBudget(locale);
      const { toFirstBytes, sameBytes } = result.coldSnapshot;
      const median = toFirstBytes.median;
      checks.push(
        check(
          `cold start to first PDF <= ${budget} ms, from a V8 startup snapshot (custom runtime)`,
          locale,
          `median ${ms(median)} (min ${ms(toFirstBytes.min)})${sameBytes ? "" : ", PDF differs from the bundle's"}`,
          median <= budget && sameBytes,
          sameBytes ? `${ms(median - budget)} over` : "its PDF is not the bundle's",
        ),
      );
    }
    if (cold) {
      const budget = coldStartBudget(locale);
      const median = cold.toFirstBytes.median;
      checks.push(
        check(`cold start to first PDF <= ${budget} ms`, locale, `median ${ms(median)} (min ${ms(cold.toFirstBytes.min)})`, median <= budget, `${ms(median - budget)} over`),
      );
    }
  }
  if (batch) {
    const seconds = batch.wallMs / 1000;
    const scaled = (seconds * TARGETS.batchLetters) / batch.letters;
    const extrapolated = batch.letters !== TARGETS.batchLetters;
    const measured = extrapolated
      ? `${seconds.toFixed(1)} s for ${batch.letters} letters, ${scaled.toFixed(1)} s extrapolated to ${TARGETS.batchLetters}`
      : `${seconds.toFixed(1)} s`;
    const lost = batch.documents - batch.putsStored;
    const gaps = [
      scaled > TARGETS.batchSeconds ? `${(scaled - TARGETS.batchSeconds).toFixed(1)} s over` : "",
      batch.failures ? `${batch.failures} failed` : "",
      lost !== 0 ? `${lost} documents rendered but not stored` : "",
    ].filter(Boolean);
    checks.push(
      check(
        `${TARGETS.batchLetters} letters PDF+HTML rendered and stored <= ${TARGETS.batchSeconds} s`,
        `${batch.workers} workers, embedded S3`,
        `${measured}; ${batch.failures} failed, ${batch.putsStored} of ${batch.documents} documents stored and verified`,
        gaps.length === 0,
        gaps.join(", "),
      ),
    );
    const peakMb = batch.workerMaxRssKb / 1024;
    checks.push(
      check(
        `worker peak memory <= ${TARGETS.workerPeakMb} MB (every language)`,
        "batch worker",
        mb(batch.workerMaxRssKb),
        peakMb <= TARGETS.workerPeakMb,
        `${(peakMb - TARGETS.workerPeakMb).toFixed(0)} MB over`,
      ),
    );
  } else {
    checks.push(notMeasured(`${TARGETS.batchLetters} letters PDF+HTML rendered and stored <= ${TARGETS.batchSeconds} s`, "batch", "skipped"));
  }
  checks.push(...agreementChecks(agreement));
  const target = "cost of 1,000 letters on Lambda arm64 shown beside Chromium-on-Lambda";
  const ours = cost?.estimates[0];
  const chromium = cost?.estimates.find((estimate) => estimate.memoryMb !== ours?.memoryMb);
  if (!ours) checks.push(notMeasured(target, "cost", "needs the batch"));
  else
    checks.push(
      check(
        target,
        `${cost?.prices.region}, prices of ${cost?.prices.asOf}`,
        `ours $${ours.totalUsd.toFixed(4)}${chromium ? `, Chromium $${chromium.totalUsd.toFixed(4)}` : ""}`,
        chromium !== undefined,
        "Chromium not measured: nothing to compare with",
      ),
    );
  return checks;
}

/** Issue 12 item 8's four figures and issue 13 item 6's, per measured document. */
function agreementChecks(agreement: AgreementRun | { status: "skipped" }): TargetCheck[] {
  const target = `Chromium agreement: same pages, line starts >= ${TARGETS.agreement.lineStarts}, same page >= ${TARGETS.agreement.samePage}, tops <= ${TARGETS.agreement.topDifferencePt} pt; every paragraph exact in poppler and pdf.js`;
  if (agreement.status !== "measured") return [notMeasured(target, "agreement", agreement.status === "skipped" ? "skipped" : "Chromium not installed")];
  return agreement.documents.map((entry) => {
    const scope = `${entry.locale} ${entry.document}`;
    if (entry.error) return check(target, scope, `failed: ${entry.error}`, false, "not measured: the document failed");
    const { lineStarts, samePage, topDifferencePt } = TARGETS.agreement;
    const gaps = [
      entry.pages.ours !== entry.pages.chromium ? `pages ${entry.pages.ours} vs ${entry.pages.chromium}` : "",
      entry.lineStarts < lineStarts ? `line starts ${entry.lineStarts}` : "",
      entry.samePage < samePage ? `same page ${entry.samePage}` : "",
      !(entry.topDifferencePt <= topDifferencePt) ? `tops ${entry.topDifferencePt} pt` : "",
      entry.poppler.exact < entry.poppler.paragraphs ? `poppler ${entry.poppler.paragraphs - entry.poppler.exact} paragraphs not exact` : "",
      entry.pdfjs.exact < entry.pdfjs.paragraphs ? `pdf.js ${entry.pdfjs.paragraphs - entry.pdfjs.exact} paragraphs not exact` : "",
    ].filter(Boolean);
    const measured = `line starts ${entry.lineStarts}, same page ${entry.samePage}, tops ${entry.topDifferencePt} pt, pages ${entry.pages.ours}/${entry.pages.chromium}; exact ${entry.poppler.exact}/${entry.poppler.paragraphs} poppler, ${entry.pdfjs.exact}/${entry.pdfjs.paragraphs} pdf.js`;
    return check(target, scope, measured, gaps.length === 0, gaps.join(", "));
  });
}
