import type { LocaleId } from "../functions/core/locales";
import type { CostReport } from "./cost";
import type { AgreementRun } from "./measure-agreement";
import type { BatchResult } from "./measure-batch";
import type { ChromiumLocaleResult, ChromiumResult } from "./measure-chromium";
import type { ColdStartResult, OursWarmResult, SnapshotBytes } from "./measure-ours";
import type { ProfileSummary } from "./profile";
import type { Summary } from "./stats";

export interface LocaleResult {
  locale: LocaleId;
  available: boolean;
  /** Why the letter cannot be made in this language, when it cannot. */
  unavailableReason?: string;
  /** What the warm stream was, for the table. */
  stream?: string;
  ours?: {
    pdf: Summary;
    html: Summary;
    setupMs: number;
    firstPdfMs: number;
    firstHtmlMs: number;
    pdfBytes: number;
    htmlBytes: number;
    pdfPages: number;
    personalizedPdfBytes: { min: number; max: number };
    maxRssKb: number;
  };
  chromium?: ChromiumLocaleResult;
  /** ours / Chromium, warm PDF medians of this run; below 1 means we are faster. */
  ratio?: number;
  cold?: ColdStartResult;
  /** The same cold starts from a V8 startup snapshot (the render function's custom runtime), run in turn with `cold`. */
  coldSnapshot?: ColdStartResult & SnapshotBytes;
}

export interface TargetCheck {
  target: string;
  scope: string;
  measured: string;
  /** null when not measured in this run. */
  met: boolean | null;
  gap: string;
}

export interface BenchResults {
  schemaVersion: 1;
  generatedAt: string;
  mode: "full" | "quick" | "custom";
  settings: Record<string, number | string | boolean>;
  machine: { cpus: number; cpuModel: string; node: string; platform: string; totalMemoryMb: number; loadAverageAtStart: number[] };
  letterId: string;
  bundleBytes: { renderEntry: number; batchWorker: number; handler: number };
  /** The V8 startup snapshot the cold starts also ran from (null when not built). */
  snapshot?: { bytes: number; buildMs: number } | null;
  chromium: { status: "measured"; version: string; launchToFirstPdfMs: number } | { status: "not installed"; path: string } | { status: "skipped" };
  locales: LocaleResult[];
  batch: BatchResult | null;
  /** The same batch and pool with nothing stored: the renderers' share of the batch's wall time. */
  batchRenderOnly: BatchResult | null;
  targets: TargetCheck[];
  /** Per language, the general letter: Chromium printing our HTML against our PDF, and paragraphs extracted exactly (poppler, pdf.js). */
  agreement: AgreementRun | { status: "skipped" };
  /** What 1,000 letters cost on AWS, ours beside Chromium-on-Lambda (null without a batch). */
  cost: CostReport | null;
  /** Warm PDF loop per language. */
  profile: ProfileSummary[];
  /** One cold start per language, process start to first PDF, mapped through the bundle's source map. */
  coldProfile: ProfileSummary[];
}

/** Joins ours and Chromium's figures per language and computes the ratio of this run. */
export function combineLocale(
  availability: { locale: LocaleId; available: boolean; reason?: string },
  ours: OursWarmResult | undefined,
  chromium: ChromiumResult | undefined,
  cold: ColdStartResult | undefined,
  stream: string | undefined,
  coldSnapshot?: ColdStartResult & SnapshotBytes,
): LocaleResult {
  const browser = chromium?.status === "measured" ? chromium.locales.find((entry) => entry.locale === availability.locale) : undefined;
  const result: LocaleResult = { locale: availability.locale, available: availability.available };
  if (availability.reason) result.unavailableReason = availability.reason;
  if (stream) result.stream = stream;
  if (ours) {
    const { report } = ours;
    result.ours = {
      pdf: ours.pdf,
      html: ours.html,
      setupMs: report.setupMs,
      firstPdfMs: report.firstPdfMs,
      firstHtmlMs: report.firstHtmlMs,
      pdfBytes: report.pdfBytes,
      htmlBytes: report.htmlBytes,
      pdfPages: report.pdfPages,
      personalizedPdfBytes: report.personalizedPdfBytes,
      maxRssKb: report.maxRssKb,
    };
  }
  if (browser) result.chromium = browser;
  if (ours && browser) result.ratio = ours.pdf.median / browser.pdf.median;
  if (cold) result.cold = cold;
  if (coldSnapshot) result.coldSnapshot = coldSnapshot;
  return result;
}
