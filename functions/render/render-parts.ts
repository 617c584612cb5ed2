import { DOCUMENT_FORMATS, type DocumentRequest } from "../core/documents";
import type { ParsedLetter } from "../core/letter/parse-letter";
import type { LocaleId } from "../core/locales";

/**
 * One bounded share of a changed letter's render: a language's letter to the whole Council
 * (`recipients: null`), or the personalized copies of some of that language's recipients, in every
 * format, for the revision the fan-out planned. One part is one message of the render part queue and
 * one invocation of the render function.
 */
export interface RenderPart {
  letterId: string;
  revision: string;
  locale: LocaleId;
  /** null: the letter to the whole Council; otherwise these recipients' copies (all of this locale). */
  recipients: string[] | null;
  /** Which part of how many, for the log. */
  index: number;
  of: number;
}

/**
 * How much one part may render, from measurements (RELIABILITY.md, issue 15 item 8), for the render
 * function's 1,024 MB and 60 s (infra/constructs/render-pipeline.ts).
 *
 * A copy is one letter (the Council's, or one recipient's) in both formats. Its cost grows with its
 * translation's text: the largest letter the data rules accept (256 KiB translation files, 222 KiB
 * as `translationBytes` measures them) took 1.3-2.4 s per warm PDF and 1.8-3.3 s cold on the 2-core
 * development machine under load (en, zh, ar; HTML 6-28 ms; heap after GC 64-71 MB, peak RSS
 * 189-252 MB, flat over the copies: the caches are byte-bounded), so at most 15 ms per KiB here.
 * Lambda gives 1,024 MB about 0.58 of a vCPU (1,769 MB is one), so 26 ms per KiB there. Storing and confirming a copy's two documents and the render of a small
 * letter take a few tens of ms (bench: 2,000 documents stored by two workers in 17.7 s): 100 ms per
 * copy covers them. A part is budgeted half the timeout; the other half is for the cold start, reading
 * the letter and publishing the manifest. Memory does not bound a part: the heap stays flat.
 *
 * So: the largest letter renders in parts of 5 copies (29 s estimated on Lambda, at most 17 s
 * measured here); the real letter (9-17 KiB translations) in parts of 50 copies, the cap that keeps
 * one part's publish (a HEAD and an entry per document) and its message small.
 */
export const PART_SIZING = {
  budgetMs: 30_000,
  msPerCopy: 100,
  msPerTranslationKiB: 26,
  maxCopies: 50,
} as const;

/** Most recipients one part names: what its message schema accepts. */
export const MAX_RECIPIENTS_PER_PART = PART_SIZING.maxCopies;

/** The estimated cost on Lambda of one copy (both formats) of a translation of this many UTF-8 bytes. */
export function copyCostMs(translationBytes: number): number {
  return PART_SIZING.msPerCopy + PART_SIZING.msPerTranslationKiB * (translationBytes / 1024);
}

/**
 * The estimated cost on Lambda of some documents of a letter: a PDF costs its text and half a copy's
 * storing, an HTML page (well under 1 ms to render) the other half. A copy in both formats costs `copyCostMs`.
 */
export function estimatedCostMs(parsed: ParsedLetter, requests: readonly DocumentRequest[]): number {
  const storing = PART_SIZING.msPerCopy / 2;
  return requests.reduce((sum, request) => sum + storing + (request.format === "pdf" ? PART_SIZING.msPerTranslationKiB * (translationBytes(parsed, request.locale) / 1024) : 0), 0);
}

/** How many copies of a translation of this size one part renders: at least one, within the budget and the cap. */
export function copiesPerPart(translationBytes: number): number {
  return Math.max(1, Math.min(PART_SIZING.maxCopies, Math.floor(PART_SIZING.budgetMs / copyCostMs(translationBytes))));
}

/**
 * The size of the text a copy in this language prints (UTF-8 JSON, without whitespace): everything
 * in its file but the recipients' entries, of which a copy prints one. 0 for a language the letter lacks.
 */
export function translationBytes(parsed: ParsedLetter, locale: LocaleId): number {
  const translation = parsed.letter.translations.get(locale);
  if (!translation) return 0;
  const { recipients: _each, ...printed } = translation;
  return Buffer.byteLength(JSON.stringify(printed), "utf8");
}

/**
 * Splits the documents of a changed letter into parts: per language, the letter to the whole Council
 * as one part, then its recipients' copies in parts of `copiesPerPart` of that language's text. Every
 * requested document is in exactly one part (each in every format: a part renders all of them).
 */
export function planRenderParts(parsed: ParsedLetter, revision: string, requests: readonly DocumentRequest[]): RenderPart[] {
  const letterId = parsed.letter.facts.id;
  const byLocale = new Map<LocaleId, { general: boolean; recipients: string[] }>();
  for (const request of requests) {
    let entry = byLocale.get(request.locale);
    if (!entry) byLocale.set(request.locale, (entry = { general: false, recipients: [] }));
    if (request.recipientId === null) entry.general = true;
    else if (!entry.recipients.includes(request.recipientId)) entry.recipients.push(request.recipientId);
  }
  const parts: Omit<RenderPart, "index" | "of">[] = [];
  for (const [locale, { general, recipients }] of [...byLocale].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (general) parts.push({ letterId, revision, locale, recipients: null });
    const size = copiesPerPart(translationBytes(parsed, locale));
    for (let start = 0; start < recipients.length; start += size) parts.push({ letterId, revision, locale, recipients: recipients.slice(start, start + size) });
  }
  return parts.map((part, index) => ({ ...part, index, of: parts.length }));
}

/** The documents one part makes: its copies in every format. */
export function documentsOfPart(part: RenderPart): number {
  return (part.recipients?.length ?? 1) * DOCUMENT_FORMATS.length;
}

/** The message body of a part, as `renderPartMessageSchema` (events.ts) reads it back. */
export function partMessageBody(part: RenderPart): string {
  return JSON.stringify({ part });
}

/** Where the render function sends the parts of a changed letter: the render part queue (SQS on AWS, local/local-queue.ts here). */
export interface RenderPartQueue {
  /** Resolves once every part is accepted by the queue; rejects naming the parts that were not. */
  send(parts: readonly RenderPart[]): Promise<void>;
}
