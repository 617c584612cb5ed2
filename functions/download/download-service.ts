import type { DocumentFormat, DocumentRequest } from "../core/documents";
import { LetterpressError } from "../core/errors";
import type { LocaleId } from "../core/locales";
import type { DocumentStore, StoredDocument } from "../storage/document-store";
import { parseDocumentKey } from "../storage/object-layout";
import { publishedLanguages } from "../locale-suggestion";

export interface DownloadQuery {
  letterId: string;
  locale: LocaleId;
  format: DocumentFormat;
  recipientId: string | null;
  /** A specific revision; the latest when absent. */
  revision: string | null;
  /** The link's lifetime; the configured default when absent. */
  expiresInSeconds: number | null;
}

export interface DownloadLink {
  url: string;
  expiresAt: Date;
  key: string;
  revision: string;
}

/** What a caller is told about `?expires`: the range it must be in, whatever was wrong with it. */
export function lifetimeExpectation(maxSeconds: number): string {
  return `expected a lifetime of 1 to ${maxSeconds} whole seconds`;
}

/** Makes a document that is not stored yet (the render function, or the local render service). */
export type RenderOnDemand = (request: DocumentRequest) => Promise<StoredDocument>;

export interface DownloadServiceOptions {
  store: DocumentStore;
  lifetime: { defaultSeconds: number; maxSeconds: number };
  renderOnDemand: RenderOnDemand;
  clock?: () => Date;
}

/**
 * The download function's use case: finds the stored document (rendering it once if the data can
 * make it but it is not stored yet) and signs a short-lived link to it, at request time.
 */
export class DownloadService {
  private readonly clock: () => Date;
  /** On-demand renders under way: concurrent requests for one missing document share one render. */
  private readonly rendering = new Map<string, Promise<StoredDocument>>();

  constructor(private readonly options: DownloadServiceOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  private async findStored(query: DownloadQuery): Promise<{ document: StoredDocument; revision: string } | undefined> {
    const revision = query.revision ?? (await this.options.store.getLatest(query.letterId))?.revision;
    if (!revision) return undefined;
    const manifest = await this.options.store.getManifest(query.letterId, revision);
    const document = manifest?.documents.find((entry) => entry.locale === query.locale && entry.format === query.format && entry.recipientId === query.recipientId);
    return document ? { document, revision } : undefined;
  }

  private renderOnce(request: DocumentRequest): Promise<StoredDocument> {
    const id = `${request.letterId}/${request.locale}/${request.recipientId ?? "-"}/${request.format}`;
    let pending = this.rendering.get(id);
    if (!pending) {
      pending = this.options.renderOnDemand(request).finally(() => this.rendering.delete(id));
      this.rendering.set(id, pending);
    }
    return pending;
  }

  /** The languages of the letter's published documents (latest revision), for a refusal to list; undefined when unknown. */
  publishedLanguages(letterId: string): Promise<LocaleId[] | undefined> {
    return publishedLanguages(this.options.store, letterId);
  }

  /** The letters the store holds documents of, for an unknown letter's refusal to suggest from. */
  letterIds(): Promise<string[]> {
    return this.options.store.listLetterIds();
  }

  async link(query: DownloadQuery): Promise<DownloadLink> {
    const { lifetime } = this.options;
    const seconds = query.expiresInSeconds ?? lifetime.defaultSeconds;
    if (seconds > lifetime.maxSeconds) {
      throw new LetterpressError("INVALID_REQUEST", `query expires: ${lifetimeExpectation(lifetime.maxSeconds)}`);
    }
    let found = await this.findStored(query);
    if (!found) {
      // An old revision is never re-made: only the current data can be rendered.
      if (query.revision) throw new LetterpressError("NOT_FOUND", `no ${query.locale} ${query.format} document of "${query.letterId}" in revision ${query.revision}`);
      const document = await this.renderOnce({ letterId: query.letterId, locale: query.locale, format: query.format, recipientId: query.recipientId });
      found = { document, revision: parseDocumentKey(document.key).revision };
    }
    const signedAt = this.clock();
    const url = await this.options.store.presignDownload(found.document.key, { expiresInSeconds: seconds });
    return { url, expiresAt: new Date(signedAt.getTime() + seconds * 1000), key: found.document.key, revision: found.revision };
  }
}
