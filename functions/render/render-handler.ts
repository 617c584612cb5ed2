import type { SQSBatchResponse } from "aws-lambda";
import type { DocumentFailure } from "../core/documents";
import { countOf, LetterpressError } from "../core/errors";
import type { AllowedLocales } from "../core/locales";
import type { DocumentRenderer } from "../core/render-document";
import type { HandlerLogger } from "../handler-logger";
import { RENDER_FAILURE_LOG } from "../deployment-contract";
import { callerFacing } from "../http-errors";
import type { LetterSource } from "../letters/letter-source";
import type { DocumentStore } from "../storage/document-store";
import { manifestKey } from "../storage/object-layout";
import { classifyRenderEvent, letterIdsOfDataKeys, planRenderBatch, type RenderRequest, renderPartMessageSchema, type SqsRecord } from "./events";
import type { RenderAndStoreOptions, RenderAndStoreResult } from "./render-and-store";
import { documentsOfPart, type RenderPart, type RenderPartQueue } from "./render-parts";
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
  /**
   * Where a changed letter's parts go: the render part queue, which invokes this function once per
   * part (infra: RenderPipeline; locally: local/local-queue.ts). Without it (a deployment made before
   * the queue existed, unit tests) the parts run one after another in the invocation that planned them.
   */
  parts?: RenderPartQueue;
}

/**
 * Whether a failure can pass on a retry: storage that was unavailable, or a fault we cannot classify.
 * Data, template, request and configuration errors are the same on every try.
 */
export function mayPassOnRetry(code: string): boolean {
  return code === "STORAGE_ERROR" || code === "RENDER_ERROR" || code === "INTERNAL";
}

/** The log line of a part with failed documents (what `serve` reads back to print them; see RenderPartFailure). */
export const RENDER_PART_FAILED = RENDER_FAILURE_LOG.part;

/** The log line of a changed letter planned as parts, with the revision they render (`serve` reads it back: see LetterFannedOut). */
export const LETTER_FANNED_OUT = "letter fanned out";

/** What that line carries, besides the counts. */
export interface LetterFannedOut {
  letterId: string;
  revision: string;
}

/** What that line carries: the part, and each failed document with its code and reason. */
export interface RenderPartFailure {
  letterId: string;
  revision: string;
  locale: string;
  part: string;
  failed: { format: string; recipientId: string | null; code: string; reason: string }[];
}

/** The log line of a render message that failed as a whole (its letter could not be read or planned). */
export const RENDER_MESSAGE_FAILED = RENDER_FAILURE_LOG.message;

export interface RenderMessageFailure {
  letterId: string;
  messageIds: string[];
  code: string;
  reason: string;
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

  const logged: RenderAndStoreOptions = {
    onStored: ({ document, outcome }) => logger.info("document stored", { key: document.key, sha256: document.sha256, size: document.size, outcome }),
    onFailure: ({ request: failed, error }) => logger.error("document failed", { ...failed, code: callerFacing(error).code, reason: error.message }),
  };

  /** A render's reply: its report with caller-facing errors, and the documents now stored. */
  function replyOf(result: RenderAndStoreResult): RenderReply {
    const failures: DocumentFailure[] = result.failures.map((failure) => ({ ...failure, error: callerFacing(failure.error) }));
    const report: RenderReport = reportOf({ ...result, failures }, result.manifest ? manifestKey(result.letterId, result.revision) : undefined);
    return { ...report, documents: result.stored.map((stored) => stored.document) };
  }

  /** `bounded`: one invocation's worth at most (every request but a whole changed letter without a part queue). */
  async function renderLogged(request: RenderRequest, bounded = true): Promise<RenderReply> {
    return replyOf(await (await service).render(request, { ...logged, bounded }));
  }

  /** One part of a changed letter: at most a part's documents (render-parts.ts), each failure named in the log. */
  async function renderPart(part: RenderPart): Promise<RenderReply> {
    const result = await (await service).renderPart(part, logged);
    const where = { letterId: part.letterId, revision: part.revision, locale: part.locale, part: `${part.index + 1}/${part.of}` };
    if (result.superseded) {
      logger.info("render part superseded: the letter changed since it was planned", { ...where, current: result.revision });
    } else if (result.failures.length > 0) {
      // Every failed document and why, in one line: the message goes back to the queue (then the dead-letter queue).
      logger.error(RENDER_PART_FAILED, {
        ...where,
        failed: result.failures.map(({ request, error }) => ({ format: request.format, recipientId: request.recipientId, code: callerFacing(error).code, reason: error.message })),
      } satisfies RenderPartFailure);
    } else {
      logger.info("render part stored", { ...where, documents: result.stored.length, latest: result.latest });
    }
    return replyOf(result);
  }

  /**
   * A letter whose data changed, once however many of its files changed: planned as bounded parts
   * and sent to the render part queue, one invocation each. Without a part queue (a deployment made
   * before it, tests of the handler alone) the whole letter renders in this invocation, unbounded:
   * its documents in every language, then every recipient's copy.
   */
  async function renderChangedLetter(letterId: string): Promise<RenderReply[]> {
    const { parts: queue } = dependencies;
    if (!queue) return [await renderLogged({ letterId }, false), await renderLogged({ letterId, recipients: true }, false)];
    const { revision, parts, documents } = await (await service).planParts(letterId);
    // A part its message cannot carry (a language file named otherwise than by its tag: EN.json, fr_FR.json)
    // would be refused by the part queue's consumer, retried to the dead-letter queue and its reason lost:
    // it runs here instead, where its documents fail at once with the data's own words (naming the file).
    const carried = parts.filter((part) => renderPartMessageSchema.safeParse({ part }).success);
    await queue.send(carried);
    logger.info(LETTER_FANNED_OUT, { letterId, revision, parts: carried.length, documents, largestPart: Math.max(0, ...carried.map(documentsOfPart)) });
    const replies: RenderReply[] = [];
    for (const part of parts) if (!carried.includes(part)) replies.push(await renderPart(part));
    return replies;
  }

  /**
   * Each render stands alone: the messages behind one that may pass on a retry (storage, an unknown
   * fault), and malformed ones, are returned for retry (then the dead-letter queue). A failure the
   * data or the template determines fails at once, logged with its reason: a retry would only repeat it.
   */
  async function renderBatch(records: SqsRecord[]): Promise<SQSBatchResponse> {
    const plan = planRenderBatch(records, dataPrefix);
    const failed = new Set(plan.invalid.map((invalid) => invalid.messageId));
    for (const invalid of plan.invalid) logger.error("invalid render message", { ...invalid });
    for (const skipped of plan.skipped) logger.info("render message skipped", { ...skipped });
    for (const job of plan.jobs) {
      try {
        const reports = job.kind === "request" ? [await renderLogged(job.request)] : job.kind === "part" ? [await renderPart(job.part)] : await renderChangedLetter(job.letterId);
        if (reports.some((report) => report.failures.some((failure) => mayPassOnRetry(failure.code)))) job.messageIds.forEach((messageId) => failed.add(messageId));
      } catch (error) {
        const letterId = job.kind === "request" ? job.request.letterId : job.kind === "part" ? job.part.letterId : job.letterId;
        const failure = { letterId, messageIds: job.messageIds, code: error instanceof LetterpressError ? callerFacing(error).code : "INTERNAL", reason: (error as Error).message };
        logger.error(RENDER_MESSAGE_FAILED, failure satisfies RenderMessageFailure);
        if (mayPassOnRetry(failure.code)) job.messageIds.forEach((messageId) => failed.add(messageId));
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
        if (failed.length > 0) throw new LetterpressError("RENDER_ERROR", `${countOf(failed.length, "document")} failed; see the log`);
        return reports;
      }
    }
  };
}
