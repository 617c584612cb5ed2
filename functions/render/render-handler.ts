import type { SQSBatchResponse } from "aws-lambda";
import type { DocumentFailure } from "../core/documents";
import { LetterpressError } from "../core/errors";
import type { AllowedLocales } from "../core/locales";
import type { DocumentRenderer } from "../core/render-document";
import type { HandlerLogger } from "../handler-logger";
import { callerFacing } from "../http-errors";
import type { LetterSource } from "../letters/letter-source";
import type { DocumentStore } from "../storage/document-store";
import { manifestKey } from "../storage/object-layout";
import { classifyRenderEvent, letterIdsOfDataKeys, planRenderBatch, type RenderRequest, type SqsRecord } from "./events";
import type { RenderReply } from "./render-reply";
import { reportOf, type RenderReport, RenderService } from "./render-service";

/** What the render function is made of. On Lambda `fromEnvironment` builds them; locally and in tests, local parts. */
export interface RenderDependencies {
  /** Templates and fonts bound to the core; a promise, so building it can start before the first event. */
  renderer: DocumentRenderer | Promise<DocumentRenderer>;
  store: DocumentStore;
  letters: LetterSource;
  /** A list, or "all": every language the data has (ALLOWED_LOCALES unset). */
  allowedLocales: AllowedLocales;
  /** Where letter data lives in the bucket: S3 notifications of keys under it name the letter to render. */
  dataPrefix: string;
  logger: HandlerLogger;
}

export type RenderHandler = (event: unknown) => Promise<RenderReply | RenderReply[] | SQSBatchResponse>;

/** The render use case over these parts: what the render function runs, and what `npm run generate` runs. */
export async function createRenderService(dependencies: RenderDependencies): Promise<RenderService> {
  return new RenderService(await dependencies.renderer, dependencies.store, dependencies.letters, dependencies.allowedLocales);
}

/**
 * The render function: a direct invocation (renders and returns its reply), or a batch from the
 * render queue (render requests and S3 notifications of changed letter data).
 */
export function createRenderHandler(dependencies: RenderDependencies): RenderHandler {
  const { logger, dataPrefix } = dependencies;
  const service = createRenderService(dependencies);
  // A renderer that cannot be built (a broken template) fails each event with its reason, not the process.
  service.catch(() => {});

  async function renderLogged(request: RenderRequest): Promise<RenderReply> {
    const result = await (await service).render(request, {
      onStored: ({ document, outcome }) => logger.info("document stored", { key: document.key, sha256: document.sha256, size: document.size, outcome }),
      onFailure: ({ request: failed, error }) => logger.error("document failed", { ...failed, code: callerFacing(error).code, reason: error.message }),
    });
    const failures: DocumentFailure[] = result.failures.map((failure) => ({ ...failure, error: callerFacing(failure.error) }));
    const report: RenderReport = reportOf({ ...result, failures }, result.manifest ? manifestKey(result.letterId, result.revision) : undefined);
    return { ...report, documents: result.stored.map((stored) => stored.document) };
  }

  /** A letter whose data changed: every document in every language, then every recipient's copy. Once per letter, however many of its files changed. */
  async function renderChangedLetter(letterId: string): Promise<RenderReply[]> {
    return [await renderLogged({ letterId }), await renderLogged({ letterId, recipients: true })];
  }

  /** Each render stands alone: the messages behind one that fails, and malformed ones, are returned for retry (then the dead-letter queue). */
  async function renderBatch(records: SqsRecord[]): Promise<SQSBatchResponse> {
    const plan = planRenderBatch(records, dataPrefix);
    const failed = new Set(plan.invalid.map((invalid) => invalid.messageId));
    for (const invalid of plan.invalid) logger.error("invalid render message", { ...invalid });
    for (const skipped of plan.skipped) logger.info("render message skipped", { ...skipped });
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

  return async (event) => {
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
          if (error instanceof LetterpressError) {
            const classified = callerFacing(error);
            throw Object.assign(new Error(classified.message), { name: classified.code });
          }
          throw error;
        }
      case "sqs":
        return renderBatch(classified.records);
      case "s3": {
        // S3 no longer invokes the function (its notifications go to the render queue). Its event is still
        // understood: Lambda may retry one sent before that change, and the hostile-input corpus specifies it.
        const reports: RenderReply[] = [];
        for (const letterId of letterIdsOfDataKeys(classified.keys, dataPrefix)) reports.push(...(await renderChangedLetter(letterId)));
        const failed = reports.flatMap((report) => report.failures);
        if (failed.length > 0) throw new LetterpressError("RENDER_ERROR", `${failed.length} documents failed; see the log`);
        return reports;
      }
    }
  };
}
