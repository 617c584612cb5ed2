import { DOCUMENT_FORMATS, type DocumentFailure, type DocumentRequest, planDocuments } from "../core/documents";
import { LetterpressError } from "../core/errors";
import type { ParsedLetter } from "../core/letter/parse-letter";
import { type AllowedLocales, describeAllowedLocales, isAllowedLocale, type LocaleId } from "../core/locales";
import type { DocumentRenderer } from "../core/render-document";
import { revisionOf } from "../core/revision";
import type { LetterSource } from "../letters/letter-source";
import type { DocumentStore } from "../storage/document-store";
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
 * Renders letters from a letter source into a document store: the render function's use case, which
 * `npm run generate` runs too (see createRenderService in render-handler.ts).
 */
export class RenderService {
  constructor(
    private readonly renderer: DocumentRenderer,
    private readonly store: DocumentStore,
    private readonly letters: LetterSource,
    private readonly allowedLocales: AllowedLocales,
  ) {}

  /** The revision names the data and everything that shapes the bytes: templates, paper, code and fonts. */
  revisionOf(parsed: ParsedLetter): string {
    return revisionOf(parsed.letter, { templates: this.renderer.templates.forLetter(parsed.letter).set, paper: this.renderer.paper, renderer: rendererFingerprint() });
  }

  /** Plans the documents of a request, refusing locales this deployment does not serve. */
  plan(parsed: ParsedLetter, request: RenderRequest): DocumentRequest[] {
    const refused = (request.locales ?? []).filter((locale) => !isAllowedLocale(this.allowedLocales, locale));
    if (refused.length > 0)
      throw new LetterpressError("UNKNOWN_LOCALE", `locale ${refused.join(", ")} is not served here; allowed: ${describeAllowedLocales(this.allowedLocales)}`);
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
}
