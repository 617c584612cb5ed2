import type { DocumentFailure, DocumentRequest, RenderedDocument } from "../core/documents";
import { LetterpressError } from "../core/errors";
import type { ParsedLetter } from "../core/letter/parse-letter";
import { type DocumentRenderer, renderDocument } from "../core/render-document";
import type { TemplateEngine } from "../core/template/template-engine";
import type { TemplateLibrary } from "../core/template/template-library";
import type { DocumentStore, PutResult, StoredDocument } from "../storage/document-store";
import type { Manifest } from "../storage/manifest";
import { type PointerOutcome, pointLatestWhenComplete } from "./latest-pointer";

export interface StoredResult {
  request: DocumentRequest;
  document: StoredDocument;
  outcome: PutResult["outcome"];
  /** The rendered bytes, for callers that also export them (the CLI); absent when not asked for. */
  bytes?: Buffer;
  milliseconds: number;
}

export interface RenderAndStoreResult {
  letterId: string;
  revision: string;
  stored: StoredResult[];
  failures: DocumentFailure[];
  /** The revision's manifest after this run; absent when nothing could be stored or published. */
  manifest?: Manifest;
  /** Whether `latest.json` now names the revision (see latest-pointer.ts); absent when nothing was published. */
  latest?: PointerOutcome;
}

export interface RenderAndStoreOptions {
  /** Keep each document's bytes in the result (the CLI exports them). */
  keepBytes?: boolean;
  /**
   * The keys of every document that makes the revision complete: `latest.json` moves to the revision
   * only once its manifest lists them all (or the letter has none yet). Without it, every publish
   * points `latest.json` at the revision.
   */
  completeRevision?: ReadonlySet<string>;
  /** Called once, before any work, with the documents about to be made. */
  onPlanned?(requests: readonly DocumentRequest[]): void;
  onStored?(result: StoredResult): void;
  onFailure?(failure: DocumentFailure): void;
  /**
   * Called once when the documents were stored but the revision could not be published: each of them
   * is then also in the result's failures, with this error as the reason.
   */
  onPublishFailure?(failure: PublishFailure): void;
}

/** Stored documents that no manifest lists, and why. */
export interface PublishFailure {
  letterId: string;
  revision: string;
  requests: DocumentRequest[];
  error: LetterpressError;
}

export function asLetterpressError(error: unknown): LetterpressError {
  if (error instanceof LetterpressError) return error;
  return new LetterpressError("RENDER_ERROR", error instanceof Error ? error.message : String(error), { cause: error });
}

/** The requests grouped by the document they are editions of (letter, language, recipient), in the order first asked for. */
function editionsOfEachDocument(requests: readonly DocumentRequest[]): DocumentRequest[][] {
  const documents = new Map<string, DocumentRequest[]>();
  for (const request of requests) {
    const key = `${request.letterId}\u0000${request.locale}\u0000${request.recipientId ?? ""}`;
    const editions = documents.get(key);
    if (editions) editions.push(request);
    else documents.set(key, [request]);
  }
  return [...documents.values()];
}

/** Why an edition that was made is not stored: another edition of the same document failed, with that failure's cause. */
function notAlone(failure: DocumentFailure): LetterpressError {
  return new LetterpressError(
    failure.error.code,
    `not stored: the ${failure.request.format.toUpperCase()} edition of the same document failed, and one edition is never published without the other (${failure.error.message})`,
    { cause: failure.error },
  );
}

/** The letter's title in one language as text: the words of a title its template prints as markup (`fieldText`), never its tags. */
function titleTextOf(parsed: ParsedLetter, request: DocumentRequest, engine: TemplateEngine): string | undefined {
  const title = parsed.letter.translations.get(request.locale)?.title;
  return title === undefined ? undefined : engine.fieldText("title", title);
}

/** The file name people see when they download a document, in its language. */
export function downloadNameOf(parsed: ParsedLetter, request: DocumentRequest, templates: TemplateLibrary): string {
  const engine = templates.forLetter(parsed.letter);
  const translation = parsed.letter.translations.get(request.locale);
  const title = titleTextOf(parsed, request, engine) ?? request.letterId;
  const country = request.recipientId ? translation?.recipients[request.recipientId]?.country : undefined;
  return country ? `${title} - ${engine.fieldText("recipient.country", country)}` : title;
}

/**
 * The render function's use case: makes each requested document, stores it, and publishes the
 * revision's manifest listing every document confirmed stored (those of earlier runs included).
 * A document that fails is reported with its reason and the batch goes on; nothing that failed is
 * ever listed, and what succeeded stays stored.
 */
export async function renderAndStore(
  renderer: DocumentRenderer,
  store: DocumentStore,
  parsed: ParsedLetter,
  requests: readonly DocumentRequest[],
  revision: string,
  options: RenderAndStoreOptions = {},
): Promise<RenderAndStoreResult> {
  const letterId = parsed.letter.facts.id;
  const result: RenderAndStoreResult = { letterId, revision, stored: [], failures: [] };
  options.onPlanned?.(requests);
  // The editions of one document (a language, a recipient) are made together and stored only if all of them were
  // made: a PDF that fails must not leave its HTML edition published alone, nor the other way round.
  for (const editions of editionsOfEachDocument(requests)) {
    const made: { request: DocumentRequest; rendered: RenderedDocument; started: number }[] = [];
    const failed: DocumentFailure[] = [];
    for (const request of editions) {
      const started = performance.now();
      try {
        made.push({ request, rendered: await renderDocument(renderer, parsed, request), started });
      } catch (error) {
        failed.push({ request, error: asLetterpressError(error) });
      }
    }
    const fail = (failure: DocumentFailure) => {
      result.failures.push(failure);
      options.onFailure?.(failure);
    };
    for (const failure of failed) fail(failure);
    for (const { request, rendered, started } of made) {
      if (failed.length > 0) {
        fail({ request, error: notAlone(failed[0]!) });
        continue;
      }
      try {
        const title = titleTextOf(parsed, request, renderer.templates.forLetter(parsed.letter));
        const put = await store.put(rendered, { revision, downloadName: downloadNameOf(parsed, request, renderer.templates), ...(title === undefined ? {} : { title }) });
        const stored: StoredResult = { request, ...put, milliseconds: performance.now() - started, ...(options.keepBytes ? { bytes: rendered.bytes } : {}) };
        result.stored.push(stored);
        options.onStored?.(stored);
      } catch (error) {
        fail({ request, error: asLetterpressError(error) });
      }
    }
  }
  if (result.stored.length === 0) return result;
  try {
    // The store adds ours to what earlier or concurrent runs of the revision listed.
    const { completeRevision } = options;
    const manifest = await store.publishRevision(
      letterId,
      revision,
      result.stored.map((stored) => stored.document),
      { pointLatest: completeRevision === undefined },
    );
    result.latest = completeRevision ? await pointLatestWhenComplete(store, letterId, revision, manifest, completeRevision) : "pointed";
    // Only once published in full (latest.json included when due): a failure below reports every document.
    result.manifest = manifest;
  } catch (error) {
    // The documents are stored but not listed: report every one of them, so a re-run publishes them.
    const reason = asLetterpressError(error);
    const failure = new LetterpressError(reason.code, `stored, but the manifest could not be published: ${reason.message}`, { cause: error });
    for (const { request } of result.stored) result.failures.push({ request, error: failure });
    options.onPublishFailure?.({ letterId, revision, requests: result.stored.map((stored) => stored.request), error: reason });
    result.stored = [];
  }
  return result;
}
