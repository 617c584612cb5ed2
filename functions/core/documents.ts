import { createHash } from "node:crypto";
import type { LetterpressError } from "./errors";
import type { Letter } from "./letter/parse-letter";
import type { LocaleId } from "./locales";

export const DOCUMENT_FORMATS = ["pdf", "html"] as const;
export type DocumentFormat = (typeof DOCUMENT_FORMATS)[number];

export const CONTENT_TYPES: Record<DocumentFormat, string> = {
  pdf: "application/pdf",
  html: "text/html; charset=utf-8",
};

/** One document to make: a letter in one language and format, for the whole Council or one recipient. */
export interface DocumentRequest {
  letterId: string;
  locale: LocaleId;
  format: DocumentFormat;
  /** null for the letter to the whole Council; a recipient's id for a personalized letter. */
  recipientId: string | null;
}

export interface RenderedDocument {
  request: DocumentRequest;
  bytes: Buffer;
  sha256: string;
  contentType: string;
}

/** A document that could not be made, and why. Batches report these; they never drop them. */
export interface DocumentFailure {
  request: DocumentRequest;
  error: LetterpressError;
}

export interface PlanOptions {
  /** Languages to make; all the letter's languages when omitted. */
  locales?: readonly LocaleId[];
  formats: readonly DocumentFormat[];
  /** One letter per recipient, in the recipient's language, instead of one per language. */
  personalized: boolean;
}

/** A stable, readable name for a document: `<letter>-<locale>[-<recipient>].<format>`. */
export function documentFileName(request: DocumentRequest): string {
  const recipient = request.recipientId ? `-${request.recipientId}` : "";
  return `${request.letterId}-${request.locale}${recipient}.${request.format}`;
}

export function describeDocument(request: DocumentRequest): string {
  return `${request.letterId} ${request.locale}${request.recipientId ? ` (${request.recipientId})` : ""} ${request.format}`;
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * The documents to make for a letter. Languages that the letter has but cannot use (an invalid or
 * stale translation) are still planned, so that the batch reports them as failed instead of
 * silently leaving them out.
 */
export function planDocuments(letter: Letter, unusable: ReadonlyMap<LocaleId, LetterpressError>, options: PlanOptions): DocumentRequest[] {
  // Asked-for languages are planned even when the letter lacks them: rendering then reports why.
  // Every language the letter's files have, in a stable order (by tag).
  const locales = options.locales ?? [...new Set([...letter.translations.keys(), ...unusable.keys()])].sort();
  const targets: { locale: LocaleId; recipientId: string | null }[] = options.personalized
    ? letter.facts.recipients.filter((recipient) => locales.includes(recipient.locale)).map((recipient) => ({ locale: recipient.locale, recipientId: recipient.id }))
    : locales.map((locale) => ({ locale, recipientId: null }));
  return targets.flatMap((target) => options.formats.map((format) => ({ letterId: letter.facts.id, ...target, format })));
}
