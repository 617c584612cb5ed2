import { Logger } from "@aws-lambda-powertools/logger";
import type { SQSBatchResponse } from "aws-lambda";
import { join } from "node:path";
import { readConfig } from "../config";
import { LetterpressError } from "../core/errors";
import { createS3Client } from "../storage/s3-client";
import { S3DocumentStore } from "../storage/s3-document-store";
import { manifestKey } from "../storage/object-layout";
import { S3LetterSource } from "../storage/s3-letter-source";
import { createRenderer } from "./create-renderer";
import { classifyRenderEvent, letterIdsOfDataKeys, planRenderBatch, type SqsRecord } from "./events";
import { reportOf, type RenderReport, RenderService } from "./render-service";

// Built once per cold start: configuration, clients, parsed templates and fonts.
const config = readConfig();
const logger = new Logger({ serviceName: "letterpress-render" });
const client = createS3Client({ region: config.s3.region, ...(config.s3.endpoint ? { endpoint: config.s3.endpoint, forcePathStyle: true } : {}) });
const store = new S3DocumentStore({ client, bucket: config.bucket, maxPresignExpirySeconds: config.urlLifetime.maxSeconds, encryption: storeEncryption(config.encryption) });
const letters = new S3LetterSource(client, config.bucket, config.dataPrefix);
// Templates and fonts are copied next to the bundle (see infra).
const assets = { templatesDir: config.assets.templatesDir ?? join(__dirname, "templates"), fontDir: config.assets.fontsDir ?? join(__dirname, "fonts") };
// Warming every language up costs about a second of CPU. An instance started for provisioned
// concurrency does it before any request is routed to it; an on-demand cold start has a request
// waiting, which would wait for every language instead of paying only for its own.
const warmLocales = process.env.AWS_LAMBDA_INITIALIZATION_TYPE === "provisioned-concurrency" ? config.allowedLocales : [];
const service = createRenderer({ ...assets, paper: "A4", warmLocales }).then(
  (renderer) => new RenderService(renderer, store, letters, config.allowedLocales),
);

function storeEncryption(encryption: typeof config.encryption) {
  if (encryption.mode === "kms" && encryption.kmsKeyId) return { mode: "SSE-KMS" as const, kmsKeyId: encryption.kmsKeyId };
  return encryption.mode === "s3" ? { mode: "SSE-S3" as const } : undefined;
}

async function renderLogged(request: Parameters<RenderService["render"]>[0]): Promise<RenderReport> {
  const result = await (await service).render(request, {
    onStored: ({ document, outcome }) => logger.info("document stored", { key: document.key, sha256: document.sha256, size: document.size, outcome }),
    onFailure: ({ request: failed, error }) => logger.error("document failed", { ...failed, code: error.code, reason: error.message }),
  });
  return reportOf(result, result.manifest ? manifestKey(result.letterId, result.revision) : undefined);
}

/**
 * A letter whose data changed: every document in every language, then every recipient's copy. Once
 * per letter, however many of its files changed.
 */
async function renderChangedLetter(letterId: string): Promise<RenderReport[]> {
  return [await renderLogged({ letterId }), await renderLogged({ letterId, recipients: true })];
}

/**
 * A batch from the render queue. Each render stands alone: the messages behind one that fails, and
 * malformed ones, are returned for retry (then the dead-letter queue); the others are done.
 */
async function renderBatch(records: SqsRecord[]): Promise<SQSBatchResponse> {
  const plan = planRenderBatch(records, config.dataPrefix);
  const failed = new Set(plan.invalid.map((invalid) => invalid.messageId));
  for (const invalid of plan.invalid) logger.error("invalid render message", invalid);
  for (const skipped of plan.skipped) logger.info("render message skipped", skipped);
  for (const job of plan.jobs) {
    try {
      const reports = job.kind === "request" ? [await renderLogged(job.request)] : await renderChangedLetter(job.letterId);
      if (reports.some((report) => report.failures.length > 0)) job.messageIds.forEach((messageId) => failed.add(messageId));
    } catch (error) {
      logger.error("render message failed", { messageIds: job.messageIds, reason: (error as Error).message });
      job.messageIds.forEach((messageId) => failed.add(messageId));
    }
  }
  return { batchItemFailures: records.filter((record) => failed.has(record.messageId)).map((record) => ({ itemIdentifier: record.messageId })) };
}

/** Direct invocation (returns the report) or a batch from the render queue (render requests and S3 notifications of changed letter data). */
export async function handler(event: unknown): Promise<RenderReport | RenderReport[] | SQSBatchResponse> {
  const classified = classifyRenderEvent(event);
  switch (classified.kind) {
    case "invalid":
      logger.error("invalid render event", { reason: classified.reason });
      throw new LetterpressError("INVALID_REQUEST", `invalid render event: ${classified.reason}`);
    case "direct":
      try {
        return await renderLogged(classified.request);
      } catch (error) {
        // Lambda reports a thrown error's name as its errorType: the caller gets our code, not a class name.
        if (error instanceof LetterpressError) throw Object.assign(new Error(error.message), { name: error.code });
        throw error;
      }
    case "sqs":
      return renderBatch(classified.records);
    case "s3": {
      // S3 no longer invokes the function (its notifications go to the render queue). Its event is still
      // understood: Lambda may retry one sent before that change, and the hostile-input corpus specifies it.
      const reports: RenderReport[] = [];
      for (const letterId of letterIdsOfDataKeys(classified.keys, config.dataPrefix)) reports.push(...(await renderChangedLetter(letterId)));
      const failed = reports.flatMap((report) => report.failures);
      if (failed.length > 0) throw new LetterpressError("RENDER_ERROR", `${failed.length} documents failed; see the log`);
      return reports;
    }
  }
}
