import { TemplateSetAsideError } from "../functions/core/template/template-library";
import type { DocumentFailure, DocumentFormat, DocumentRequest } from "../functions/core/documents";
import { countOf, type DataIssue, type LetterpressError } from "../functions/core/errors";
import type { LocaleId } from "../functions/core/locales";
import { dataWarnings, type LetterSource } from "../functions/letters/letter-source";
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
  /** What the run was asked to make of each letter: the export removes no earlier document outside it. */
  asked: Pick<GenerateOptions, "locales" | "formats" | "personalized">;
  /** Files and folders of the data the reader skipped, each named (never skipped in silence). */
  warnings: DataIssue[];
  /**
   * Asked languages (`--locale`) a letter has no file for: not made and not failed, since that letter
   * was never written in them; named and counted apart (exit 0 when nothing else failed).
   */
  missingLocales: { letterId: string; locale: LocaleId; letterLocales: LocaleId[] }[];
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
  // Warnings about the asked-for letters, or about everything when every letter is asked for (serve says the same ones).
  const warnings = dataWarnings(listing, asked);
  const result: GenerateResult = {
    stored: [],
    failures: [],
    letterFailures: [],
    letters: [],
    allLetters: asked === undefined,
    asked: { ...(options.locales ? { locales: options.locales } : {}), formats: options.formats, personalized: options.personalized },
    warnings,
    missingLocales: [],
  };
  for (const letterId of asked ?? listing.letterIds) {
    try {
      // The letter is read once, by the render: asked languages it lacks are told apart from that reading
      // (skipLocalesTheLetterLacks), and a letter with none of them is still read (no documents): its
      // revision keeps its exported files current.
      const run = await service.render(
        { letterId, ...(options.locales ? { locales: [...options.locales] } : {}), formats: [...options.formats], ...(options.personalized ? { recipients: true as const } : {}) },
        // Every language of the letter is checked against the fonts, as where data changes on AWS: the run reports them all.
        { keepBytes: true, checkEveryLanguage: true, skipLocalesTheLetterLacks: true, ...progress },
      );
      for (const locale of run.lackedLocales) result.missingLocales.push({ letterId, locale, letterLocales: run.letterLocales });
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
 * The letters not made, by why: ", 1 letter unreadable" for its data, ", 2 letters not made: template my-org set
 * aside" for a template that does not load (the letter may be sound: "unreadable" sent its author to its data).
 */
function letterFailureCounts(failures: readonly LetterFailure[]): string {
  const setAside = new Map<string, number>();
  let unreadable = 0;
  for (const { error } of failures) {
    if (error instanceof TemplateSetAsideError) setAside.set(error.template, (setAside.get(error.template) ?? 0) + 1);
    else unreadable++;
  }
  const aside = [...setAside].sort(([a], [b]) => (a < b ? -1 : 1));
  const notMade = aside.length
    ? `, ${countOf(
        aside.reduce((sum, [, letters]) => sum + letters, 0),
        "letter",
      )} not made: ${aside.length === 1 ? "template" : "templates"} ${aside.map(([name]) => name).join(", ")} set aside (${aside.length === 1 ? "its" : "their"} problems above)`
    : "";
  return `${unreadable ? `, ${countOf(unreadable, "letter")} unreadable` : ""}${notMade}`;
}

/** "letter committee-hearing-defenders: no he translation, skipped (its languages: de, en, fr)", a line per letter and language. */
export function missingLocaleLines(missing: GenerateResult["missingLocales"]): string[] {
  return missing.map(({ letterId, locale, letterLocales }) => `letter ${letterId}: no ${locale} translation, skipped (its languages: ${letterLocales.join(", ")})`);
}

/**
 * The run's closing line. Every count is taken from the lists the run printed: the documents and
 * failures of the result, and `warnings`, every warning line the command printed (stylesheet,
 * mail merge, data and export alike), so the line never says "1 warning" under two.
 */
export function runSummary(
  result: Pick<GenerateResult, "stored" | "failures" | "letterFailures"> & Partial<Pick<GenerateResult, "missingLocales">>,
  warnings: readonly string[],
  out: { dir: string; documents: number },
): string {
  const missing = result.missingLocales ?? [];
  // Counted apart from the failures: "2 skipped (no he translation: 1 letter; no de translation: 1 letter)".
  const byLocale = new Map<string, number>();
  for (const { locale } of missing) byLocale.set(locale, (byLocale.get(locale) ?? 0) + 1);
  const skipped = missing.length
    ? `, ${missing.length} skipped (${[...byLocale].map(([locale, letters]) => `no ${locale} translation: ${countOf(letters, "letter")}`).join("; ")})`
    : "";
  const created = result.stored.filter((stored) => stored.outcome !== "unchanged").length;
  return (
    `${countOf(result.stored.length, "document")} (${created} stored, ${result.stored.length - created} unchanged) exported to ${out.dir}/ (${out.documents} there in all), ` +
    `${result.failures.length} failed` +
    skipped +
    letterFailureCounts(result.letterFailures) +
    `${warnings.length ? `, ${countOf(warnings.length, "warning")}` : ""}`
  );
}
