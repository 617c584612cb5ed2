import { type DocumentFailure, type DocumentFormat, type DocumentRequest, planDocuments, type RenderedDocument } from "../functions/core/documents";
import { LetterpressError } from "../functions/core/errors";
import type { LocaleId } from "../functions/core/locales";
import { type DocumentRenderer, renderDocument } from "../functions/core/render-document";
import { listLetterIds, loadLetter } from "../functions/letters/load-letters";

export interface GenerateOptions {
  dataDir: string;
  letterIds?: readonly string[];
  locales?: readonly LocaleId[];
  formats: readonly DocumentFormat[];
  personalized: boolean;
}

/** A letter that could not be read at all: none of its documents can be planned. */
export interface LetterFailure {
  letterId: string;
  error: LetterpressError;
}

export interface GenerateResult {
  documents: RenderedDocument[];
  failures: DocumentFailure[];
  letterFailures: LetterFailure[];
}

export interface GenerateProgress {
  onDocument?(document: RenderedDocument, milliseconds: number): void;
  onFailure?(failure: DocumentFailure): void;
}

function asLetterpressError(error: unknown): LetterpressError {
  if (error instanceof LetterpressError) return error;
  return new LetterpressError("RENDER_ERROR", error instanceof Error ? error.message : String(error), { cause: error });
}

/** Renders every planned document of every asked-for letter; a failure is recorded and the batch goes on. */
export async function generateDocuments(renderer: DocumentRenderer, options: GenerateOptions, progress: GenerateProgress = {}): Promise<GenerateResult> {
  const result: GenerateResult = { documents: [], failures: [], letterFailures: [] };
  const letterIds = options.letterIds ?? (await listLetterIds(options.dataDir));
  for (const letterId of letterIds) {
    let parsed;
    try {
      parsed = await loadLetter(options.dataDir, letterId);
    } catch (error) {
      result.letterFailures.push({ letterId, error: asLetterpressError(error) });
      continue;
    }
    const requests: DocumentRequest[] = planDocuments(parsed.letter, parsed.localeErrors, options);
    for (const request of requests) {
      const started = performance.now();
      try {
        const document = await renderDocument(renderer, parsed, request);
        result.documents.push(document);
        progress.onDocument?.(document, performance.now() - started);
      } catch (error) {
        const failure = { request, error: asLetterpressError(error) };
        result.failures.push(failure);
        progress.onFailure?.(failure);
      }
    }
  }
  return result;
}
