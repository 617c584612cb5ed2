import { DOCUMENT_FORMATS, type DocumentFailure, type DocumentRequest, planDocuments } from "../core/documents";
import { LetterpressError } from "../core/errors";
import type { ParsedLetter } from "../core/letter/parse-letter";
import { type AllowedLocales, describeAllowedLocales, isAllowedLocale, type LocaleId } from "../core/locales";
import type { DocumentRenderer } from "../core/render-document";
import { revisionOf } from "../core/revision";
import type { LetterSource } from "../letters/letter-source";
import type { DocumentStore, StoredDocument } from "../storage/document-store";
import type { RenderRequest } from "./events";
import { rendererFingerprint } from "./renderer-fingerprint";
import { type RenderAndStoreOptions, type RenderAndStoreResult, renderAndStore } from "./render-and-store";

/** What a render reports: safe to return to a caller and to log. */
export interface RenderReport {
  letterId: string;
  revision: string;
  created: number;
  unchanged: number;
  manifestKey?: string;
  failures: { locale: LocaleId; format: string; recipientId: string | null; code: string; reason: string }[];
}

export function reportOf(result: RenderAndStoreResult, manifestKey?: string): RenderReport {
  return {
    letterId: result.letterId,
    revision: result.revision,
    created: result.stored.filter((stored) => stored.outcome !== "unchanged").length,
    unchanged: result.stored.filter((stored) => stored.outcome === "unchanged").length,
    ...(manifestKey ? { manifestKey } : {}),
    failures: result.failures.map(({ request, error }: DocumentFailure) => ({
      locale: request.locale,
      format: request.format,
      recipientId: request.recipientId,
      code: error.code,
      reason: error.message,
    })),
  };
}

/**
 * Renders letters from a letter source into a document store. Shared by the render Lambda, the
 * local pipeline and the local server; one instance per process, so concurrent requests for the
 * same missing document render it once.
 */
export class RenderService {
  private readonly inFlight = new Map<string, Promise<StoredDocument>>();

  constructor(
    private readonly renderer: DocumentRenderer,
    private readonly store: DocumentStore,
    private readonly letters: LetterSource,
    private readonly allowedLocales: AllowedLocales,
  ) {}

  /** The revision names the data and everything that shapes the bytes: templates, paper, code and fonts. */
  revisionOf(parsed: ParsedLetter): string {
    return revisionOf(parsed.letter, { templates: this.renderer.engine.set, paper: this.renderer.paper, renderer: rendererFingerprint() });
  }

  /** Plans the documents of a request, refusing locales this deployment does not serve. */
  plan(parsed: ParsedLetter, request: RenderRequest): DocumentRequest[] {
    const refused = (request.locales ?? []).filter((locale) => !isAllowedLocale(this.allowedLocales, locale));
    if (refused.length > 0) throw new LetterpressError("UNKNOWN_LOCALE", `locale ${refused.join(", ")} is not served here; allowed: ${describeAllowedLocales(this.allowedLocales)}`);
    const letterLocales = [...new Set([...parsed.letter.translations.keys(), ...parsed.localeErrors.keys()])].sort();
    const locales = request.locales ?? letterLocales.filter((locale) => isAllowedLocale(this.allowedLocales, locale));
    const planned = planDocuments(parsed.letter, parsed.localeErrors, { locales, formats: request.formats ?? DOCUMENT_FORMATS, personalized: request.recipients !== undefined });
    if (Array.isArray(request.recipients)) {
      const known = new Set(parsed.letter.facts.recipients.map((recipient) => recipient.id));
      const unknown = request.recipients.filter((id) => !known.has(id));
      if (unknown.length > 0) throw new LetterpressError("NOT_FOUND", `letter "${parsed.letter.facts.id}" has no recipient ${unknown.map((id) => `"${id}"`).join(", ")}`);
      return planned.filter((document) => request.recipients !== true && request.recipients?.includes(document.recipientId ?? ""));
    }
    return planned;
  }

  async render(request: RenderRequest, options: RenderAndStoreOptions = {}): Promise<RenderAndStoreResult> {
    const parsed = await this.letters.loadLetter(request.letterId);
    return renderAndStore(this.renderer, this.store, parsed, this.plan(parsed, request), this.revisionOf(parsed), options);
  }

  /**
   * Makes one document now, for a download of a document not stored yet. Concurrent calls for the
   * same document share one render; storing is idempotent across processes (same bytes, same key).
   */
  renderOne(request: DocumentRequest): Promise<StoredDocument> {
    const id = `${request.letterId}/${request.locale}/${request.recipientId ?? "-"}/${request.format}`;
    let pending = this.inFlight.get(id);
    if (!pending) {
      pending = this.render({
        letterId: request.letterId,
        locales: [request.locale],
        formats: [request.format],
        ...(request.recipientId ? { recipients: [request.recipientId] } : {}),
      })
        .then((result) => {
          const failure = result.failures[0];
          if (failure) throw failure.error;
          const stored = result.stored[0];
          if (!stored) throw new LetterpressError("NOT_FOUND", `letter "${request.letterId}" has no ${request.locale} ${request.format} document${request.recipientId ? ` for "${request.recipientId}"` : ""}`);
          return stored.document;
        })
        .finally(() => this.inFlight.delete(id));
      this.inFlight.set(id, pending);
    }
    return pending;
  }
}
