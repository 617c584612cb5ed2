import type { DocumentFormat, DocumentRequest } from "../functions/core/documents";
import type { ParsedLetter } from "../functions/core/letter/parse-letter";
import type { Recipient, Translation } from "../functions/core/letter/schema";
import type { LocaleId } from "../functions/core/locales";

/** The real letter every figure is measured on. */
export const BENCH_LETTER_ID = "unsc-dprk-2015";

export interface LocaleAvailability {
  locale: LocaleId;
  /** Whether the letter can be rendered in this language at all. */
  available: boolean;
  /** Why not, when it cannot (e.g. the translation file is missing). */
  reason?: string;
}

/** Every language we ship, and whether the bench letter has a usable translation for it. */
export function localeAvailability(parsed: ParsedLetter, locales: readonly LocaleId[]): LocaleAvailability[] {
  return locales.map((locale) => {
    const error = parsed.localeErrors.get(locale);
    if (error) return { locale, available: false, reason: error.message };
    if (!parsed.letter.translations.has(locale)) return { locale, available: false, reason: `no ${locale} translation` };
    return { locale, available: true };
  });
}

/**
 * A synthetic recipient of the bench's mail merge: the real recipient `ordinal - 1` mod R of the
 * letter (its country and language), under the id `<real id>-<ordinal>`, printed in every language
 * as the real entry's country and representative with the ordinal after them ("China 17",
 * "Permanent Representative of China to the United Nations 17"). Synthetic on purpose and only
 * here, never in data/: the seed names 15 recipients, a real mail merge addresses a different
 * reader each time, and the typesetter's content caches (shaped words, paragraphs, subsets) must not
 * hit on a recipient's own words because an earlier document of the run had them. ASCII digits and
 * a space are in every translation of the letter already, so every face can print them.
 */
export function syntheticRecipient(parsed: ParsedLetter, ordinal: number): { id: string; realId: string } {
  const real = parsed.letter.facts.recipients;
  if (real.length === 0) throw new Error(`bench: letter "${parsed.letter.facts.id}" has no recipients to derive a mail merge from`);
  if (!Number.isInteger(ordinal) || ordinal < 1) throw new Error(`bench: a synthetic recipient's ordinal must be a whole number >= 1, not ${ordinal}`);
  const realId = (real[(ordinal - 1) % real.length] as (typeof real)[number]).id;
  return { id: `${realId}-${ordinal}`, realId };
}

/**
 * The letter with its recipients replaced by the synthetic ones of `ordinals` (see
 * syntheticRecipient), in every translation: what the render code sees of a real mail merge of that
 * many readers. Everything else (paragraphs, signatories, fingerprint) is the real letter's.
 */
export function mailMergeLetter(parsed: ParsedLetter, ordinals: readonly number[]): ParsedLetter {
  const realFacts = new Map(parsed.letter.facts.recipients.map((recipient) => [recipient.id, recipient]));
  const synthetic = ordinals.map((ordinal) => ({ ordinal, ...syntheticRecipient(parsed, ordinal) }));
  const recipients = synthetic.map(({ id, realId }) => ({ ...(realFacts.get(realId) as Recipient), id }));
  const translations = new Map(
    [...parsed.letter.translations].map(([locale, translation]) => {
      const printed: Translation["recipients"] = {};
      for (const { id, realId, ordinal } of synthetic) {
        const real = translation.recipients[realId];
        if (!real) throw new Error(`bench: ${locale}.json of "${parsed.letter.facts.id}" has no recipients.${realId}`);
        printed[id] = { country: `${real.country} ${ordinal}`, representative: `${real.representative} ${ordinal}` };
      }
      return [locale, { ...translation, recipients: printed }] as const;
    }),
  );
  return { ...parsed, letter: { ...parsed.letter, facts: { ...parsed.letter.facts, recipients }, translations } };
}

/** Ordinals first, first + 1, ... (count of them). */
export const ordinalRange = (first: number, count: number): number[] => Array.from({ length: count }, (_, index) => first + index);

/**
 * The warm stream for one language: personalized letters, each to the next recipient of a mail
 * merge (see mailMergeLetter), in the order the letter names them. A stream longer than the merge
 * is refused rather than cycled (a letter with no recipients gives its general letter each time): a document to a recipient the process has rendered already would
 * meet the typesetter's caches warm on that reader's words, which no real mail merge does.
 */
export function personalizedStream(parsed: ParsedLetter, locale: LocaleId, format: DocumentFormat, length: number): DocumentRequest[] {
  const recipients = parsed.letter.facts.recipients.map((recipient) => recipient.id);
  if (recipients.length === 0) return Array.from({ length }, () => ({ letterId: parsed.letter.facts.id, locale, format, recipientId: null }));
  if (length > recipients.length) {
    throw new Error(`bench: a stream of ${length} letters needs as many recipients; "${parsed.letter.facts.id}" has ${recipients.length} (use mailMergeLetter)`);
  }
  return recipients.slice(0, length).map((recipientId) => ({ letterId: parsed.letter.facts.id, locale, format, recipientId }));
}

/** Which recipients a language's own mail merge addresses (their language is this one). */
export function ownRecipients(parsed: ParsedLetter, locale: LocaleId): string[] {
  return parsed.letter.facts.recipients.filter((recipient) => recipient.locale === locale).map((recipient) => recipient.id);
}

export interface BatchJob {
  index: number;
  locale: LocaleId;
  recipientId: string;
}

/**
 * The batch's letters: recipients and languages mixed evenly, each letter to a reader of its own.
 * Letter i goes to synthetic recipient i + 1 (derived from real recipient i mod R, see
 * syntheticRecipient) in language floor(i / R) mod L, so every pairing of recipient and language
 * comes up in turn and the costly scripts (Arabic, CJK) get their full share rather than the
 * English-heavy mail merge's; no recipient comes twice (batchLetters makes the letters they need).
 */
export function batchJobs(parsed: ParsedLetter, locales: readonly LocaleId[], letters: number): BatchJob[] {
  const recipients = parsed.letter.facts.recipients.length;
  if (recipients === 0 || locales.length === 0) return [];
  return Array.from({ length: letters }, (_, index) => ({
    index,
    recipientId: syntheticRecipient(parsed, index + 1).id,
    locale: locales[Math.floor(index / recipients) % locales.length] as LocaleId,
  }));
}

/**
 * The batch's mail merges, one per language: the ordinals of that language's jobs' recipients (as a
 * real merge in one language is one letter with its readers). Sent to each batch worker, which
 * makes the letters with batchLetters.
 */
export function batchMergeOrdinals(jobs: readonly BatchJob[]): Record<string, number[]> {
  const ordinals: Record<string, number[]> = {};
  for (const job of jobs) (ordinals[job.locale] ??= []).push(job.index + 1);
  return ordinals;
}

/**
 * The letter of each language's merge (see batchMergeOrdinals). A worker renders each job with its
 * language's letter, so the HTML edition's merge-wide fonts cover that language's readers, not all
 * of the batch's.
 */
export function batchLetters(parsed: ParsedLetter, ordinals: Readonly<Record<string, readonly number[]>>): Map<string, ParsedLetter> {
  return new Map(Object.entries(ordinals).map(([locale, list]) => [locale, mailMergeLetter(parsed, list)]));
}
