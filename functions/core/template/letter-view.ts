import { LetterpressError } from "../errors";
import type { Letter } from "../letter/parse-letter";
import type { Recipient, Translation } from "../letter/schema";
import { type LocaleId, localeInfo } from "../locales";

/** A run of a paragraph as the template prints it. */
export type SegmentView = { text: string } | { quote: string; sourceId: string; sourceName: string };

/** Everything the letter template reads: plain strings and lists, no logic left for the template. */
export interface LetterView {
  letterId: string;
  locale: LocaleId;
  lang: string;
  dir: "ltr" | "rtl";
  sourceLocale: LocaleId;
  isTranslation: boolean;
  excerpt: boolean;
  title: string;
  summary: string;
  sender: string;
  /**
   * The letter's date, when it has one: ISO for `datetime`, milliseconds for ICU date formatting.
   * Optional fields are null, not absent: templates run in strict mode.
   */
  date: { iso: string; epochMs: number } | null;
  paragraphs: { id: string; segments: SegmentView[] }[];
  signatories: { id: string; name: string; abbreviation: string | null }[];
  signatoryCount: number;
  sources: { id: string; name: string }[];
  /** The addressee of a personalized letter; absent for the letter to the whole Council. */
  recipient: { id: string; country: string; representative: string; representativeName: string | null } | null;
  /** The recipients' countries, as one list in the document's language ("France and Mexico"). */
  recipientList: string;
  /** The letter's own words (LETTER_WORDS), null when its file has none: a template that prints one gets it checked first. */
  addressee: string[] | null;
  salutation: string | null;
  valediction: string | null;
  senderKind: string | null;
}

// One list format per language, made on first use: making an Intl object loads locale data, each time.
const listFormats = new Map<string, Intl.ListFormat>();
function listFormatOf(tag: string): Intl.ListFormat {
  let format = listFormats.get(tag);
  if (format === undefined) {
    format = new Intl.ListFormat(tag, { type: "conjunction", style: "long" });
    listFormats.set(tag, format);
  }
  return format;
}

/** Each letter's recipient list by language, for the translation it was made from. */
const recipientLists = new WeakMap<readonly Recipient[], Map<string, { translation: Translation; list: string }>>();

/**
 * The recipients' countries as one list ("A, B and C"), made once per letter and language: every
 * letter of a mail merge has the list in its view, and formatting a merge of 200 readers took a
 * fifth of a personalized HTML page.
 */
function recipientListOf(recipients: readonly Recipient[], translation: Translation, tag: string): string {
  let byTag = recipientLists.get(recipients);
  if (!byTag) recipientLists.set(recipients, (byTag = new Map()));
  const known = byTag.get(tag);
  if (known !== undefined && known.translation === translation) return known.list;
  // A recipient whose words a translation lacks yet is left out (parse-letter.ts warns of it and fails its own documents).
  const named = recipients.filter((member) => Object.hasOwn(translation.recipients, member.id));
  const list = listFormatOf(tag).format(named.map((member) => (translation.recipients[member.id] as { country: string }).country));
  byTag.set(tag, { translation, list });
  return list;
}

/**
 * Builds the view of a letter in one language, optionally personalized for one recipient.
 * Lists are joined with `Intl.ListFormat`, so "A, B and C" reads right in every language.
 */
export function buildLetterView(letter: Letter, locale: LocaleId, recipientId?: string): LetterView {
  const translation = letter.translations.get(locale);
  if (!translation) throw new LetterpressError("UNKNOWN_LOCALE", `letter "${letter.facts.id}" has no usable ${locale} translation`);
  const { facts } = letter;
  let recipient: Recipient | undefined;
  if (recipientId !== undefined) {
    recipient = facts.recipients.find((candidate) => candidate.id === recipientId);
    if (!recipient) throw new LetterpressError("NOT_FOUND", `letter "${facts.id}" has no recipient "${recipientId}"`);
  }
  const info = localeInfo(locale);
  const recipientText = (id: string) => translation.recipients[id] as { country: string; representative: string };
  return {
    letterId: facts.id,
    locale,
    lang: info.tag,
    dir: info.dir,
    sourceLocale: facts.sourceLocale,
    isTranslation: locale !== facts.sourceLocale,
    excerpt: facts.excerpt,
    title: translation.title,
    summary: translation.summary,
    sender: translation.sender,
    date: facts.date ? { iso: facts.date, epochMs: Date.parse(`${facts.date}T00:00:00Z`) } : null,
    paragraphs: translation.paragraphs.map((paragraph) => ({
      id: paragraph.id,
      segments: paragraph.content.map((segment) =>
        "quote" in segment ? { quote: segment.quote, sourceId: segment.source, sourceName: translation.sources[segment.source] as string } : { text: segment.text },
      ),
    })),
    signatories: facts.signatories.map(({ id }) => {
      const { name, abbreviation } = translation.signatories[id] as { name: string; abbreviation?: string };
      return { id, name, abbreviation: abbreviation ?? null };
    }),
    signatoryCount: facts.signatories.length,
    sources: Object.entries(translation.sources).map(([id, name]) => ({ id, name })),
    recipient: recipient ? { id: recipient.id, ...recipientText(recipient.id), representativeName: recipient.representativeName ?? null } : null,
    recipientList: recipientListOf(facts.recipients, translation, info.tag),
    addressee: translation.addressee ?? null,
    salutation: translation.salutation ?? null,
    valediction: translation.valediction ?? null,
    senderKind: translation.senderKind ?? null,
  };
}
