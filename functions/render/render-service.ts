import { DOCUMENT_FORMATS, type DocumentFailure, type DocumentRequest, planDocuments } from "../core/documents";
import { countOf, InvalidLetterDataError, LetterpressError } from "../core/errors";
import type { ParsedLetter } from "../core/letter/parse-letter";
import { type AllowedLocales, describeAllowedLocales, isAllowedLocale, type LocaleId } from "../core/locales";
import type { DocumentRenderer } from "../core/render-document";
import { revisionOf } from "../core/revision";
import { type LetterContext, templateOffersOf } from "../core/letter/letter-context";
import type { LetterSource } from "../letters/letter-source";
import type { DocumentStore } from "../storage/document-store";
import { documentKey } from "../storage/object-layout";
import { localeProblem, REQUEST_WORDING } from "../locale-suggestion";
import type { RenderRequest } from "./events";
import { estimatedCostMs, PART_SIZING, planRenderParts, type RenderPart } from "./render-parts";
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
  /** This renderer's templates and fonts: letters are validated against them, with the data's other problems. */
  private readonly context: LetterContext;

  constructor(
    private readonly renderer: DocumentRenderer,
    private readonly store: DocumentStore,
    private readonly letters: LetterSource,
    private readonly allowedLocales: AllowedLocales,
  ) {
    this.context = { templates: templateOffersOf(renderer.templates), coverage: renderer.coverage };
  }

  /**
   * Reads a letter, checked against this renderer's templates and fonts: the text of every language,
   * or of `languages` only (letter.json's and the source language's always), so that a render of an
   * English document reads no CJK face's character map. The revision names the same languages either
   * way: those the data makes valid, a language refused for a glyph no font has included, so a render
   * that checks only its own languages stores under the revision the whole letter's render does.
   */
  private async load(letterId: string, languages: readonly LocaleId[] | "all"): Promise<{ parsed: ParsedLetter; revision: string }> {
    const checked = languages === "all" ? undefined : new Set(languages);
    const parsed = await this.letters.loadLetter(letterId, checked ? { ...this.context, coverageLocales: checked } : this.context);
    // A language refused by its data is refused in both readings; one checked against the fonts may be refused by them alone.
    const refusedWhereChecked =
      this.context.coverage !== undefined && [...parsed.localeErrors].some(([locale, error]) => error instanceof InvalidLetterDataError && (checked?.has(locale) ?? true));
    // A template set aside fails the letter with every problem of this reading (a glyph no font has included),
    // not only those of the revision's basis below, so that fixing the template reveals no second list.
    this.renderer.templates.forLetter(parsed.letter, new Map([...parsed.generalLetterErrors, ...parsed.localeErrors]));
    const basis = refusedWhereChecked ? await this.letters.loadLetter(letterId, { ...this.context, coverageLocales: new Set() }) : parsed;
    return { parsed, revision: this.revisionOf(basis) };
  }

  /** The revision names the data and everything that shapes the bytes: templates, paper, code and fonts. */
  revisionOf(parsed: ParsedLetter): string {
    const engine = this.renderer.templates.forLetter(parsed.letter, new Map([...parsed.generalLetterErrors, ...parsed.localeErrors]));
    return revisionOf(parsed.letter, {
      templates: engine.set,
      // A template that sets its own page size: the run's paper is no input of its letters' bytes.
      paper: engine.paperFor(this.renderer.paper),
      renderer: rendererFingerprint(),
    });
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

  /** Every document of a changed letter: each served language's letter to the Council, then every recipient's copy. */
  planLetter(parsed: ParsedLetter): DocumentRequest[] {
    const letterId = parsed.letter.facts.id;
    return [...this.plan(parsed, { letterId }), ...this.plan(parsed, { letterId, recipients: true })];
  }

  /**
   * The keys of every document the letter can make in this revision: what its manifest must list
   * before `latest.json` may name it. A language whose file is refused (invalid, stale) makes none;
   * a recipient refused in its language (its words missing or stale there) makes none of its own, and a
   * language lacking some recipients' words makes no letter to all recipients.
   */
  completeRevision(parsed: ParsedLetter, revision: string): Set<string> {
    return new Set(
      this.planLetter(parsed)
        .filter(
          (request) =>
            !parsed.localeErrors.has(request.locale) && !(request.recipientId ? parsed.recipientErrors.has(request.recipientId) : parsed.generalLetterErrors.has(request.locale)),
        )
        .map((request) => documentKey({ ...request, revision, file: "letter" })),
    );
  }

  /**
   * Renders what a request asks for. `bounded`: the render function's invocations (direct, or a
   * request from the render queue) refuse a request estimated to cost more than one part may, before
   * any work (render-parts.ts); the CLI and a whole changed letter without a part queue are not bounded.
   * `skipLocalesTheLetterLacks`: asked languages the letter has no file for are left out and returned
   * in `lackedLocales` (with the letter's languages), not failed.
   */
  async render(
    request: RenderRequest,
    options: RenderAndStoreOptions & { bounded?: boolean; checkEveryLanguage?: boolean; skipLocalesTheLetterLacks?: boolean } = {},
  ): Promise<RenderAndStoreResult & { lackedLocales: LocaleId[]; letterLocales: LocaleId[] }> {
    // The languages asked for are checked against the fonts; `generate` (checkEveryLanguage) checks every one,
    // as the data-change render does. Unchecked languages count as makeable for `latest.json`, which then
    // waits for the data-change render to name a revision whose language some font cannot draw.
    const { parsed, revision } = await this.load(request.letterId, request.locales && !options.checkEveryLanguage ? request.locales : "all");
    // Every language the letter has a file for, usable or not (a broken file still fails, with its reason).
    const letterLocales = [...new Set([...parsed.letter.translations.keys(), ...parsed.localeErrors.keys()])].sort();
    // `generate --locale he` over letters of which some were never written in Hebrew: those are told
    // apart from this same reading of the letter, rather than failed (nor read once more to find out).
    const lackedLocales = options.skipLocalesTheLetterLacks ? (request.locales ?? []).filter((locale) => !letterLocales.includes(locale)) : [];
    const asked = lackedLocales.length > 0 ? { ...request, locales: (request.locales ?? []).filter((locale) => letterLocales.includes(locale)) } : request;
    const requests = this.plan(parsed, asked);
    if (options.bounded) {
      const estimate = estimatedCostMs(parsed, requests);
      if (estimate > PART_SIZING.budgetMs)
        throw new LetterpressError(
          "INVALID_REQUEST",
          `letter "${request.letterId}": this request asks for ${countOf(requests.length, "document")}, estimated at ${Math.round(estimate / 1000)} s of rendering; ` +
            `one invocation renders at most ${PART_SIZING.budgetMs / 1000} s: ask for fewer languages or recipients, or upload the letter's data to render all of it in parts`,
        );
    }
    // A language the letter lacks fails as its documents, worded as the download and share routes word
    // a tag written otherwise: the letter's tags of that language suggested, its languages listed.
    const reworded = (failure: DocumentFailure): DocumentFailure =>
      failure.error.code === "UNKNOWN_LOCALE" && !letterLocales.includes(failure.request.locale)
        ? { ...failure, error: new LetterpressError("UNKNOWN_LOCALE", localeProblem(failure.request.locale, letterLocales, REQUEST_WORDING) ?? failure.error.message) }
        : failure;
    const { onFailure } = options;
    const result = await renderAndStore(this.renderer, this.store, parsed, requests, revision, {
      completeRevision: this.completeRevision(parsed, revision),
      ...options,
      ...(onFailure ? { onFailure: (failure: DocumentFailure) => onFailure(reworded(failure)) } : {}),
    });
    return { ...result, failures: result.failures.map(reworded), lackedLocales, letterLocales };
  }

  /** A changed letter as bounded parts (render-parts.ts), for the revision its data is now. */
  async planParts(letterId: string): Promise<{ revision: string; parts: RenderPart[]; documents: number }> {
    const { parsed, revision } = await this.load(letterId, "all");
    const requests = this.planLetter(parsed);
    // Said through the store, for the letters page: which languages this revision leaves out, and the file to fix.
    const waiting = [...parsed.localeErrors]
      .filter(([locale]) => isAllowedLocale(this.allowedLocales, locale))
      .map(([locale, error]) => ({ locale, file: `${locale}.json`, reason: error.message.slice(0, 1_000) }));
    await this.store.recordWaitingLanguages(letterId, revision, waiting);
    return { revision, parts: planRenderParts(parsed, revision, requests), documents: requests.length };
  }

  /**
   * Renders one part of a changed letter. A part planned for another revision than the data's now is
   * superseded: the change that made the new revision fans out its own parts, so it renders nothing.
   */
  async renderPart(part: RenderPart, options: RenderAndStoreOptions = {}): Promise<RenderAndStoreResult & { superseded: boolean }> {
    // Part of the data-change render: every language is checked, so the part that completes the revision knows which are refused.
    const { parsed, revision } = await this.load(part.letterId, "all");
    if (revision !== part.revision) return { letterId: part.letterId, revision, stored: [], failures: [], superseded: true };
    const request: RenderRequest = { letterId: part.letterId, locales: [part.locale], ...(part.recipients ? { recipients: part.recipients } : {}) };
    const result = await renderAndStore(this.renderer, this.store, parsed, this.plan(parsed, request), revision, {
      completeRevision: this.completeRevision(parsed, revision),
      ...options,
    });
    return { ...result, superseded: false };
  }
}
