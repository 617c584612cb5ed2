import { randomBytes } from "node:crypto";
import type { DocumentRequest } from "../../functions/core/documents";
import type { LocaleId } from "../../functions/core/locales";
import type { S3DocumentStore } from "../../functions/storage/s3-document-store";
import { fixedKeyRing, type KeyRing, type KeyRingSource } from "../../functions/share/share-key-ring";
import type { ShareLogger, ShareMetricName, ShareMetrics } from "../../functions/share/share-observability";
import { S3ShareStore } from "../../functions/share/s3-share-store";
import { ShareService, type ShareServiceOptions } from "../../functions/share/share-service";
import { storedShareDocuments, type MakeDocument } from "../../functions/share/shared-documents";
import { renderedDocument, type Harness } from "../storage/embedded-s3-harness";

export const LETTER = "unsc-dprk-2015";
export const START = new Date("2026-03-02T09:00:00.000Z");

/** A clock the test moves by hand: expiry is tested by setting the time, never by sleeping. */
export function manualClock(start: Date = START) {
  let now = start;
  return {
    clock: () => now,
    set: (date: Date) => void (now = date),
    advanceSeconds: (seconds: number) => void (now = new Date(now.getTime() + seconds * 1000)),
  };
}

export function ringOf(...keyIds: string[]): KeyRing {
  return { currentKeyId: keyIds[0] as string, keys: new Map(keyIds.map((kid) => [kid, randomBytes(32)])) };
}

/** Every log line and metric, kept to be looked at (and searched for tokens). */
export function recordEvents() {
  const lines: { level: "info" | "warn"; message: string; fields: Record<string, unknown> }[] = [];
  const counts: { name: ShareMetricName; outcome: string }[] = [];
  const logger: ShareLogger = {
    info: (message, fields) => void lines.push({ level: "info", message, fields }),
    warn: (message, fields) => void lines.push({ level: "warn", message, fields }),
  };
  const metrics: ShareMetrics = { count: (name, outcome) => void counts.push({ name, outcome }) };
  return { lines, counts, logger, metrics, text: () => JSON.stringify(lines) + JSON.stringify(counts) };
}

/** A document with stand-in bytes (a PDF header, an HTML page) for any letter. */
export function renderedFor(request: DocumentRequest, text: string) {
  return { ...renderedDocument(request.locale, request.format, text, request.recipientId), request };
}

/** Stores a document (stand-in bytes, real storage) and publishes it in `revision`. */
export async function storeDocument(
  store: S3DocumentStore,
  revision: string,
  locale: LocaleId,
  format: "pdf" | "html",
  text: string,
  options: { letterId?: string; recipientId?: string; downloadName?: string } = {},
) {
  const request: DocumentRequest = { letterId: options.letterId ?? LETTER, locale, format, recipientId: options.recipientId ?? null };
  const put = await store.put(renderedFor(request, text), { revision, downloadName: options.downloadName ?? `Lettre ${locale}` });
  await store.publishRevision(request.letterId, revision, [put.document]);
  return put.document;
}

/**
 * A share service over the embedded S3: the real share store and document store. `makeDocument`
 * stands for on-demand rendering: it stores the document in `renderRevision` (and counts its calls).
 */
export function shareServiceOn(harness: Harness, options: Partial<Omit<ShareServiceOptions, "keyRing">> & { keyRing?: KeyRing | KeyRingSource; renderRevision?: string } = {}) {
  const { keyRing: givenRing, ...rest } = options;
  const documents = harness.store();
  const made: DocumentRequest[] = [];
  const makeDocument: MakeDocument = async (request) => {
    made.push(request);
    if (options.renderRevision === undefined) throw new Error("this test renders nothing on demand");
    const put = await documents.put(renderedFor(request, "made on demand"), { revision: options.renderRevision, downloadName: "On demand" });
    await documents.publishRevision(request.letterId, options.renderRevision, [put.document]);
    return put.document;
  };
  const events = recordEvents();
  const time = manualClock();
  const shareStore = new S3ShareStore({ client: harness.client, bucket: harness.s3.bucket });
  const given = givenRing ?? ringOf("k1");
  const keyRing: KeyRingSource = "current" in given && typeof given.current === "function" ? given : fixedKeyRing(given as KeyRing);
  const service = new ShareService({
    store: shareStore,
    documents: storedShareDocuments(documents, makeDocument),
    maxLifetimeSeconds: 90 * 86_400,
    clock: time.clock,
    logger: events.logger,
    metrics: events.metrics,
    ...rest,
    keyRing,
  });
  return { service, documents, shareStore, events, time, made, keyRing };
}
