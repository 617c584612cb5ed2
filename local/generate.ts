import type { DocumentFailure, DocumentFormat, DocumentRequest } from "../functions/core/documents";
import { countOf, type DataIssue, type LetterpressError } from "../functions/core/errors";
import type { LocaleId } from "../functions/core/locales";
import type { LetterSource } from "../functions/letters/letter-source";
import { asLetterpressError, type PublishFailure, type StoredResult } from "../functions/render/render-and-store";
import type { RenderService } from "../functions/render/render-service";

export interface GenerateOptions {
  letterIds?: readonly string[];
  locales?: readonly LocaleId[];
  formats: readonly DocumentFormat[];
  personalized: boolean;
}

/** A letter that could not be read or planned at all: none of its documents can be made. */
export interface LetterFailure {
  letterId: string;
  error: LetterpressError;
}

export interface GenerateResult {
  stored: (StoredResult & { revision: string })[];
  failures: DocumentFailure[];
  letterFailures: LetterFailure[];
  /** Every letter the run covered, with the revision its data is now; undefined when it could not be read. */
  letters: { letterId: string; revision: string | undefined }[];
  /** The run covered every letter of the data (no `--letter`): a letter not among them is gone. */
  allLetters: boolean;
  /** Files and folders of the data the reader skipped, each named (never skipped in silence). */
  warnings: DataIssue[];
}

export interface GenerateProgress {
  onPlanned?(requests: readonly DocumentRequest[]): void;
  onStored?(result: StoredResult): void;
  onFailure?(failure: DocumentFailure): void;
  onPublishFailure?(failure: PublishFailure): void;
}

/**
 * The local pipeline: the render function's use case over every asked-for letter, language and
 * format. A failure is recorded and the batch goes on; nothing is lost from the report.
 */
export async function generateDocuments(service: RenderService, letters: LetterSource, options: GenerateOptions, progress: GenerateProgress = {}): Promise<GenerateResult> {
  const listing = await letters.listLetters();
  const asked = options.letterIds;
  // Warnings about the asked-for letters, or about everything when every letter is asked for.
  const warnings = asked ? listing.warnings.filter((warning) => asked.some((letterId) => warning.file.startsWith(`${letterId}/`))) : listing.warnings;
  const result: GenerateResult = { stored: [], failures: [], letterFailures: [], letters: [], allLetters: asked === undefined, warnings };
  for (const letterId of asked ?? listing.letterIds) {
    try {
      const run = await service.render(
        { letterId, ...(options.locales ? { locales: [...options.locales] } : {}), formats: [...options.formats], ...(options.personalized ? { recipients: true as const } : {}) },
        // Every language of the letter is checked against the fonts, as where data changes on AWS: the run reports them all.
        { keepBytes: true, checkEveryLanguage: true, ...progress },
      );
      result.stored.push(...run.stored.map((stored) => ({ ...stored, revision: run.revision })));
      result.failures.push(...run.failures);
      result.letters.push({ letterId, revision: run.revision });
    } catch (error) {
      result.letterFailures.push({ letterId, error: asLetterpressError(error) });
      result.letters.push({ letterId, revision: undefined });
    }
  }
  return result;
}

/**
 * The run's closing line. Every count is taken from the lists the run printed: the documents and
 * failures of the result, and `warnings`, every warning line the command printed (stylesheet,
 * mail merge, data and export alike), so the line never says "1 warning" under two.
 */
export function runSummary(result: Pick<GenerateResult, "stored" | "failures" | "letterFailures">, warnings: readonly string[], out: { dir: string; documents: number }): string {
  const created = result.stored.filter((stored) => stored.outcome !== "unchanged").length;
  return (
    `${countOf(result.stored.length, "document")} (${created} stored, ${result.stored.length - created} unchanged) exported to ${out.dir}/ (${out.documents} there in all), ` +
    `${result.failures.length} failed` +
    `${result.letterFailures.length ? `, ${countOf(result.letterFailures.length, "letter")} unreadable` : ""}` +
    `${warnings.length ? `, ${countOf(warnings.length, "warning")}` : ""}`
  );
}
