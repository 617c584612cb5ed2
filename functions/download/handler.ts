import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { Logger } from "@aws-lambda-powertools/logger";
import { readConfig } from "../config";
import type { DocumentRequest } from "../core/documents";
import { ERROR_CODES, type ErrorCode, LetterpressError } from "../core/errors";
import { createS3Client } from "../storage/s3-client";
import { S3DocumentStore } from "../storage/s3-document-store";
import type { StoredDocument } from "../storage/document-store";
import { type RenderReport } from "../render/render-service";
import { DownloadService } from "./download-service";
import { createDownloadHttpHandler } from "./http";

// Built once per cold start. The store signs URLs with this function's own role: read-only on documents.
const config = readConfig();
const logger = new Logger({ serviceName: "letterpress-download" });
const client = createS3Client({ region: config.s3.region, ...(config.s3.endpoint ? { endpoint: config.s3.endpoint, forcePathStyle: true } : {}) });
const store = new S3DocumentStore({ client, bucket: config.bucket, maxPresignExpirySeconds: config.urlLifetime.maxSeconds });
const lambda = new LambdaClient({ region: config.s3.region });

/** A document not stored yet is made by the render function (which alone may write), synchronously. */
async function renderOnDemand(request: DocumentRequest): Promise<StoredDocument> {
  if (!config.renderFunctionName) throw new LetterpressError("CONFIG_ERROR", "no render function configured for on-demand rendering");
  const payload = { letterId: request.letterId, locales: [request.locale], formats: [request.format], ...(request.recipientId ? { recipients: [request.recipientId] } : {}) };
  const reply = await lambda.send(new InvokeCommand({ FunctionName: config.renderFunctionName, Payload: Buffer.from(JSON.stringify(payload)) }));
  const body = JSON.parse(Buffer.from(reply.Payload ?? new Uint8Array()).toString("utf8") || "null") as RenderReport | { errorType?: string; errorMessage?: string } | null;
  if (reply.FunctionError || !body || !("revision" in body)) {
    // The render function throws errors named by our codes, which Lambda reports as errorType.
    const { errorType, errorMessage } = (body ?? {}) as { errorType?: string; errorMessage?: string };
    const code = errorType && (ERROR_CODES as readonly string[]).includes(errorType) ? (errorType as ErrorCode) : "RENDER_ERROR";
    throw new LetterpressError(code, errorMessage ?? "render failed");
  }
  const failure = body.failures[0];
  if (failure) throw new LetterpressError((ERROR_CODES as readonly string[]).includes(failure.code) ? (failure.code as ErrorCode) : "RENDER_ERROR", failure.reason);
  const found = (await store.getManifest(request.letterId, body.revision))?.documents.find(
    (entry) => entry.locale === request.locale && entry.format === request.format && entry.recipientId === request.recipientId,
  );
  if (!found) throw new LetterpressError("NOT_FOUND", `letter "${request.letterId}" has no such document`);
  return found;
}

const service = new DownloadService({ store, lifetime: config.urlLifetime, renderOnDemand });

export const handler = createDownloadHttpHandler(service, {
  allowedLocales: config.allowedLocales,
  // One line per link issued; the URL itself (it carries a signature) is never logged.
  onLinkIssued: (query, link) => logger.info("download link issued", { ...query, key: link.key, revision: link.revision, expiresAt: link.expiresAt.toISOString() }),
  onError: (error) => (error instanceof LetterpressError && error.code !== "STORAGE_ERROR" ? logger.warn("download refused", { code: error.code, reason: error.message }) : logger.error("download failed", error as Error)),
});
