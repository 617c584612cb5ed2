import type { BatchResult } from "./measure-batch";
import type { LocaleResult } from "./results";
/**
 * What 1,000 documents cost to make on AWS, from one bench run's measured durations and sizes: ours
 * on Lambda arm64 at the render function's memory, beside a Chromium-on-Lambda pipeline at the memory
 * that pipeline's own documentation recommends. Prices are named, dated constants with their source,
 * for one region; the arithmetic is a pure function so a test can check it by hand.
 */

/** Published list prices, us-east-1, read on the date below; no free tier, no savings plans. */
export const AWS_PRICES = {
  region: "us-east-1",
  asOf: "2026-11-30",
  /** Lambda duration, arm64, first 7.5 billion GB-seconds a month. */
  lambdaArm64PerGbSecond: 0.0000133334,
  /** Lambda requests. */
  lambdaPerMillionRequests: 0.2,
  /** S3 Standard: PUT, COPY, POST, LIST requests. */
  s3PutPerThousand: 0.005,
  /** S3 Standard: GET, SELECT and all other requests (HEAD included). */
  s3GetPerThousand: 0.0004,
  /** S3 Standard storage, first 50 TB a month. */
  s3StoragePerGbMonth: 0.023,
  sources: {
    lambda: "https://aws.amazon.com/lambda/pricing/",
    s3: "https://aws.amazon.com/s3/pricing/",
  },
} as const;

export type AwsPrices = Omit<typeof AWS_PRICES, "sources" | "region" | "asOf">;

/**
 * The memory a Chromium-on-Lambda pipeline runs at, as its most used packaging documents it:
 * "You should allocate at least 512 MB of RAM to your instance, however 1600 MB (or more) is recommended."
 */
export const CHROMIUM_ON_LAMBDA = {
  memoryMb: 1600,
  source: "https://github.com/Sparticuz/chromium#usage (@sparticuz/chromium README: at least 512 MB, 1600 MB or more recommended)",
} as const;

/** One pipeline's measured cost drivers per document. */
export interface CostInputs {
  pipeline: string;
  /** The Lambda memory setting billed (not the peak used). */
  memoryMb: number;
  /** Billed duration of one document, ms (Lambda rounds each invocation up to the whole ms). */
  msPerDocument: number;
  /** Invocations per document (1: one document per invocation, the most expensive way to batch). */
  invocationsPerDocument: number;
  /** S3 requests per document: PUT-class and GET/HEAD-class. */
  s3PutsPerDocument: number;
  s3GetsPerDocument: number;
  /** Mean stored bytes per document (kept a month). */
  bytesPerDocument: number;
  /** Where the duration comes from, for the table. */
  basis: string;
}

export interface CostEstimate extends CostInputs {
  documents: number;
  gbSeconds: number;
  computeUsd: number;
  requestsUsd: number;
  s3RequestsUsd: number;
  storageUsdPerMonth: number;
  totalUsd: number;
}

/** The cost of `documents` documents from per-document drivers (GB are 2^30 bytes for storage, 1,024 MB for Lambda memory, as AWS bills). */
export function estimateCost(inputs: CostInputs, documents = 1000, prices: AwsPrices = AWS_PRICES): CostEstimate {
  const invocations = documents * inputs.invocationsPerDocument;
  const billedMs = Math.ceil(inputs.msPerDocument / inputs.invocationsPerDocument) * invocations;
  const gbSeconds = (inputs.memoryMb / 1024) * (billedMs / 1000);
  const computeUsd = gbSeconds * prices.lambdaArm64PerGbSecond;
  const requestsUsd = (invocations / 1e6) * prices.lambdaPerMillionRequests;
  const s3RequestsUsd = ((documents * inputs.s3PutsPerDocument) / 1000) * prices.s3PutPerThousand + ((documents * inputs.s3GetsPerDocument) / 1000) * prices.s3GetPerThousand;
  const storageUsdPerMonth = ((documents * inputs.bytesPerDocument) / 2 ** 30) * prices.s3StoragePerGbMonth;
  return {
    ...inputs,
    documents,
    gbSeconds,
    computeUsd,
    requestsUsd,
    s3RequestsUsd,
    storageUsdPerMonth,
    totalUsd: computeUsd + requestsUsd + s3RequestsUsd + storageUsdPerMonth,
  };
}

export interface CostReport {
  prices: typeof AWS_PRICES;
  chromiumMemorySource: string;
  estimates: CostEstimate[];
  /** How the figures were chosen, in words, for the table's note. */
  assumptions: string[];
}

const mean = (values: readonly number[]) => (values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length);

/**
 * The cost table of one run. A "document" is one personalized letter as the pipeline delivers it: its
 * PDF and its HTML edition, stored. Ours: the batch's measured core time per letter (wall time x
 * workers / letters: render, S3 round trips and the local S3 server's share of the CPU), at the render
 * function's memory. Chromium: its warm PDF median of the same run (one browser, one tab reused: its
 * best case) plus our HTML render and the same store time per letter, at the memory its packaging
 * recommends. A second pair of rows adds a cold start to every invocation (the worst case).
 */
export function costReport(input: {
  locales: readonly LocaleResult[];
  batch: BatchResult | null;
  batchRenderOnly: BatchResult | null;
  renderMemoryMb: number;
  chromiumLaunchToFirstPdfMs: number | undefined;
}): CostReport | null {
  const { batch } = input;
  const measured = input.locales.filter((locale) => locale.ours);
  if (!batch || batch.letters === 0 || measured.length === 0) return null;
  const coreMsPerLetter = (batch.wallMs * batch.workers) / batch.letters;
  const storeMsPerLetter = input.batchRenderOnly ? Math.max(0, ((batch.wallMs - input.batchRenderOnly.wallMs) * batch.workers) / batch.letters) : 0;
  const s3PutsPerDocument = batch.requests.put / batch.letters;
  const s3GetsPerDocument = (batch.requests.head + batch.requests.get) / batch.letters;
  const oursBytes = mean(measured.map((locale) => (locale.ours?.pdfBytes ?? 0) + (locale.ours?.htmlBytes ?? 0)));
  const htmlMs = mean(measured.map((locale) => locale.ours?.html.median ?? 0));
  const coldMs = mean(measured.flatMap((locale) => (locale.cold ? [locale.cold.toFirstBytes.median] : [])));
  const estimates: CostEstimate[] = [];
  const ours: CostInputs = {
    pipeline: "letterpress (Lambda arm64)",
    memoryMb: input.renderMemoryMb,
    msPerDocument: coreMsPerLetter,
    invocationsPerDocument: 1,
    s3PutsPerDocument,
    s3GetsPerDocument,
    bytesPerDocument: oursBytes,
    basis: `batch: ${coreMsPerLetter.toFixed(1)} ms of a core per letter (PDF + HTML rendered and stored)`,
  };
  estimates.push(estimateCost(ours));
  const withChromium = measured.filter((locale) => locale.chromium);
  const chromiumMs = mean(withChromium.map((locale) => locale.chromium?.pdf.median ?? 0));
  const chromium: CostInputs | undefined =
    withChromium.length === 0
      ? undefined
      : {
          pipeline: "Chromium on Lambda (estimate)",
          memoryMb: CHROMIUM_ON_LAMBDA.memoryMb,
          msPerDocument: chromiumMs + htmlMs + storeMsPerLetter,
          invocationsPerDocument: 1,
          s3PutsPerDocument,
          s3GetsPerDocument,
          bytesPerDocument: mean(withChromium.map((locale) => (locale.chromium?.pdfBytes ?? 0) + (locale.ours?.htmlBytes ?? 0))),
          basis: `Chromium's warm PDF median ${chromiumMs.toFixed(1)} ms (tab reused) + our HTML ${htmlMs.toFixed(2)} ms + store ${storeMsPerLetter.toFixed(1)} ms per letter`,
        };
  if (chromium) estimates.push(estimateCost(chromium));
  if (!Number.isNaN(coldMs)) {
    estimates.push(
      estimateCost({
        ...ours,
        pipeline: `${ours.pipeline}, every invocation cold`,
        msPerDocument: coreMsPerLetter + coldMs,
        basis: `${ours.basis} + cold start ${coldMs.toFixed(0)} ms`,
      }),
    );
  }
  if (chromium && input.chromiumLaunchToFirstPdfMs !== undefined) {
    estimates.push(
      estimateCost({
        ...chromium,
        pipeline: `${chromium.pipeline}, every invocation cold`,
        msPerDocument: chromium.msPerDocument + input.chromiumLaunchToFirstPdfMs,
        basis: `${chromium.basis} + browser launch to first PDF ${input.chromiumLaunchToFirstPdfMs.toFixed(0)} ms (measured here, without the Lambda package's decompression)`,
      }),
    );
  }
  return {
    prices: AWS_PRICES,
    chromiumMemorySource: CHROMIUM_ON_LAMBDA.source,
    estimates,
    assumptions: [
      `Region ${AWS_PRICES.region}, list prices read ${AWS_PRICES.asOf} (${AWS_PRICES.sources.lambda}, ${AWS_PRICES.sources.s3}); no free tier.`,
      "One invocation per letter (the most expensive way to batch); Lambda bills each invocation's duration rounded up to the ms, and (since August 2025) its init phase, which the cold rows count.",
      "Durations are this machine's (x86, shared, 2 cores); a Lambda arm64 core at 1,024 MB is about 0.6 vCPU, so real durations may be longer: the ratio of the two pipelines is the figure to trust.",
      `S3 requests per letter as the batch made them: ${s3PutsPerDocument.toFixed(1)} PUT and ${s3GetsPerDocument.toFixed(1)} HEAD/GET; storage is one month of both editions.`,
      `The Chromium rows use arm64 prices too (the cheaper; @sparticuz/chromium documents x86_64 first) at ${CHROMIUM_ON_LAMBDA.memoryMb} MB.`,
    ],
  };
}
