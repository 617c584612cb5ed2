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
import { classifyRenderEvent, letterIdOfDataKey, renderRequestSchema } from "./events";
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

/** Direct invocation (returns the report), SQS (partial batch failures) or S3 upload of letter data. */
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
    case "sqs": {
      // Each message stands alone: a bad or failed one is returned for retry (then the DLQ), the others are done.
      const batchItemFailures: SQSBatchResponse["batchItemFailures"] = [];
      for (const record of classified.records) {
        try {
          const request = renderRequestSchema.parse(JSON.parse(record.body));
          const report = await renderLogged(request);
          if (report.failures.length > 0) batchItemFailures.push({ itemIdentifier: record.messageId });
        } catch (error) {
          logger.error("render message failed", { messageId: record.messageId, reason: (error as Error).message });
          batchItemFailures.push({ itemIdentifier: record.messageId });
        }
      }
      return { batchItemFailures };
    }
    case "s3": {
      const letterIds = new Set(classified.keys.map((key) => letterIdOfDataKey(key, config.dataPrefix)).filter((id) => id !== undefined));
      const reports: RenderReport[] = [];
      for (const letterId of letterIds) reports.push(await renderLogged({ letterId }), await renderLogged({ letterId, recipients: true }));
      // Failing the invocation makes Lambda retry the event; documents already stored are then skipped.
      const failed = reports.flatMap((report) => report.failures);
      if (failed.length > 0) throw new LetterpressError("RENDER_ERROR", `${failed.length} documents failed; see the log`);
      return reports;
    }
  }
}
