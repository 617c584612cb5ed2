import type { DocumentFormat, DocumentRequest } from "../functions/core/documents";
import type { ParsedLetter } from "../functions/core/letter/parse-letter";
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
 * The warm stream for one language: personalized letters, each to the next of the letter's
 * recipients. Every translation names every recipient, so a letter to any member of the Council can
 * be written in any language; when a letter has no recipients the stream is its general letter.
 */
export function personalizedStream(parsed: ParsedLetter, locale: LocaleId, format: DocumentFormat, length: number): DocumentRequest[] {
  const recipients = parsed.letter.facts.recipients.map((recipient) => recipient.id);
  return Array.from({ length }, (_, index) => ({
    letterId: parsed.letter.facts.id,
    locale,
    format,
    recipientId: recipients.length > 0 ? (recipients[index % recipients.length] as string) : null,
  }));
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
 * The batch's letters: recipients and languages mixed evenly. Letter i goes to recipient i mod R in
 * language floor(i / R) mod L, so every pairing of recipient and language comes up in turn and the
 * costly scripts (Arabic, CJK) get their full share rather than the English-heavy mail merge's.
 */
export function batchJobs(parsed: ParsedLetter, locales: readonly LocaleId[], letters: number): BatchJob[] {
  const recipients = parsed.letter.facts.recipients.map((recipient) => recipient.id);
  if (recipients.length === 0 || locales.length === 0) return [];
  return Array.from({ length: letters }, (_, index) => ({
    index,
    recipientId: recipients[index % recipients.length] as string,
    locale: locales[Math.floor(index / recipients.length) % locales.length] as LocaleId,
  }));
}
